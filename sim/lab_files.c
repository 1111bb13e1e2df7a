/* lab_files.c: secrets, rotwiz.conf and the Luna client wrappers of a lab (see lab_files.h). */
#include "lab_files.h"
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lab_shell_quote(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    if (outlen < 3)
        return -1;
    out[o++] = '\'';
    for (; *s; s++) {
        const char *piece = *s == '\'' ? "'\\''" : NULL;
        size_t n = piece ? strlen(piece) : 1;
        if (o + n + 2 > outlen)
            return -1;
        if (piece)
            memcpy(out + o, piece, n);
        else
            out[o] = *s;
        o += n;
    }
    out[o++] = '\'';
    out[o] = '\0';
    return 0;
}

int lab_conf_quote(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    if (outlen < 3)
        return -1;
    out[o++] = '"';
    for (; *s; s++) {
        bool esc = *s == '"' || *s == '\\';
        if (o + (esc ? 2 : 1) + 2 > outlen)
            return -1;
        if (esc)
            out[o++] = '\\';
        out[o++] = *s;
    }
    out[o++] = '"';
    out[o] = '\0';
    return 0;
}

/* Copies the string setting NAME of GROUP (or the root when GROUP is NULL) into dst, if present.
 * Returns 1 when found, 0 when absent, -1 when present but not a string or too long. */
static int get_secret(config_setting_t *group, const char *name, char *dst, size_t len)
{
    config_setting_t *st = group ? config_setting_get_member(group, name) : NULL;
    if (!st)
        return 0;
    const char *v = config_setting_get_string(st);
    if (!v || strlen(v) >= len)
        return -1;
    snprintf(dst, len, "%s", v);
    return 1;
}

int lab_secrets_load(const char *path, struct sim_secrets *s, char *err, size_t errlen)
{
    struct stat st;
    config_t cfg;
    int rc = -1;

    memset(s, 0, sizeof *s);
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "secrets file %s: %s", path, strerror(errno));
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen, "secrets file %s is readable by group or others; "
                 "run 'chmod 600 %s' first", path, path);
        return -1;
    }
    config_init(&cfg);
    if (config_read_file(&cfg, path) != CONFIG_TRUE) {
        snprintf(err, errlen, "%s:%d: %s", path, config_error_line(&cfg),
                 config_error_text(&cfg));
        goto out;
    }
    config_setting_t *root = config_root_setting(&cfg);
    char co[64] = "";
    struct { config_setting_t *group; const char *name; char *dst; size_t len; } keys[] = {
        {root, "co_password", co, sizeof co},
        {config_setting_get_member(root, "source"), "co_password", s->source_co_password,
         sizeof s->source_co_password},
        {config_setting_get_member(root, "target"), "co_password", s->target_co_password,
         sizeof s->target_co_password},
        {root, "backup_so_password", s->backup_so_password, sizeof s->backup_so_password},
        {root, "backup_partition_password", s->backup_partition_password,
         sizeof s->backup_partition_password},
        {root, "rbs_password", s->rbs_password, sizeof s->rbs_password},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (get_secret(keys[i].group, keys[i].name, keys[i].dst, keys[i].len) < 0) {
            snprintf(err, errlen, "%s: %s must be a string of at most %zu characters", path,
                     keys[i].name, keys[i].len - 1);
            goto out;
        }
    }
    if (!s->source_co_password[0])
        snprintf(s->source_co_password, sizeof s->source_co_password, "%s", co);
    if (!s->target_co_password[0])
        snprintf(s->target_co_password, sizeof s->target_co_password, "%s", co);
    const char *missing = !s->source_co_password[0] ? "co_password (or source.co_password)"
                          : !s->target_co_password[0] ? "co_password (or target.co_password)"
                          : !s->backup_so_password[0] ? "backup_so_password" : NULL;
    if (missing) {
        snprintf(err, errlen, "secrets file %s: %s is missing; add it to the file", path,
                 missing);
        goto out;
    }
    rc = 0;
out:
    config_destroy(&cfg);
    return rc;
}

/* A random password of LEN-1 characters from an alphabet every shell and lunacm accept. */
static int random_password(char *dst, size_t len)
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    unsigned char raw[64];
    if (len > sizeof raw || RAND_bytes(raw, (int)len) != 1)
        return -1;
    for (size_t i = 0; i + 1 < len; i++)
        dst[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
    dst[len - 1] = '\0';
    return 0;
}

int lab_secrets_generate(struct sim_secrets *s, char *err, size_t errlen)
{
    char *fields[] = {s->source_co_password, s->target_co_password, s->backup_so_password,
                      s->backup_partition_password, s->rbs_password};
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (random_password(fields[i], 17) != 0) {
            snprintf(err, errlen, "cannot draw random bytes for the lab's passwords");
            return -1;
        }
    }
    return 0;
}

int lab_secrets_write(const char *dir, const struct sim_secrets *s, char *err, size_t errlen)
{
    char path[SIM_TEXT + 32], q[6][160];
    const char *vals[] = {s->source_co_password, s->source_co_password, s->target_co_password,
                          s->backup_so_password, s->backup_partition_password, s->rbs_password};
    for (size_t i = 0; i < 6; i++)
        if (lab_conf_quote(vals[i], q[i], sizeof q[i]) != 0)
            return -1;
    snprintf(path, sizeof path, "%s/secrets.conf", dir);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(f, "# Secrets of the simulated lab in %s (generated; keep this file 0600).\n"
               "co_password = %s;\n"
               "source = { co_password = %s; };\n"
               "target = { co_password = %s; };\n"
               "backup_so_password = %s;\n"
               "backup_partition_password = %s;\n"
               "rbs_password = %s;\n", dir, q[0], q[1], q[2], q[3], q[4], q[5]);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

static void conf_appliance(FILE *f, const struct sim_lab_params *p,
                           const struct sim_appliance_params *a)
{
    char q[3][2 * SIM_TEXT + 64], path[SIM_TEXT + 64];
    lab_conf_quote(a->address, q[0], sizeof q[0]);
    snprintf(path, sizeof path, "%s/ssh/client_ed25519", p->dir);
    lab_conf_quote(path, q[1], sizeof q[1]);
    snprintf(path, sizeof path, "%s/ssh/known_hosts", p->dir);
    lab_conf_quote(path, q[2], sizeof q[2]);
    fprintf(f, "%s = {\n"
               "  host = %s;\n"
               "  port = %d;\n"
               "  user = \"ksadmin\";\n"
               "  identity = %s;\n"
               "  known_hosts = %s;\n"
               "  luna_bin = \"/usr/safenet/lunaclient/bin\";\n"
               "};\n", a->name, q[0], a->port, q[1], q[2]);
}

int lab_conf_write(const struct sim_lab_params *p, char *err, size_t errlen)
{
    char path[SIM_TEXT + 32], tmp[SIM_TEXT + 48], q[4][2 * SIM_TEXT + 64];
    snprintf(path, sizeof path, "%s/rotwiz.conf", p->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    char lc[SIM_TEXT + 32];
    snprintf(lc, sizeof lc, "%s/lunaclient", p->dir);
    lab_conf_quote(p->ws_address, q[0], sizeof q[0]);
    lab_conf_quote(lc, q[1], sizeof q[1]);
    lab_conf_quote(p->backup_partition, q[2], sizeof q[2]);
    lab_conf_quote(p->domain, q[3], sizeof q[3]);
    fprintf(f, "# rotwiz configuration for the simulated lab in %s\n"
               "auth = \"%s\";\n"
               "workstation = {\n"
               "  address = %s;\n"
               "  luna_client_dir = %s;\n"
               "  rbs_port = %d;\n"
               "  ped_port = %d;\n"
               "};\n", p->dir, p->auth, q[0], q[1], p->rbs_port, p->ped_port);
    for (size_t i = 0; i < p->appliance_count; i++)
        conf_appliance(f, p, &p->appliances[i]);
    fprintf(f, "backup = {\n"
               "  partition = %s;\n"
               "  domain = %s;\n"
               "};\n", q[2], q[3]);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int mkdir_one(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int lab_wrappers_write(const struct sim_lab_params *p, char *err, size_t errlen)
{
    static const char *const tools[][2] = {
        {"lunacm", "ws-lunacm"}, {"rbs", "rbs"}, {"pedserver", "pedserver"}};
    const char *dirs[] = {"lunaclient", "lunaclient/bin", "lunaclient/rbs",
                          "lunaclient/rbs/server"};
    char path[SIM_TEXT + 64], qsim[2 * SIM_TEXT + 8], qdir[2 * SIM_TEXT + 8];

    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", p->dir, dirs[i]);
        if (mkdir_one(path, err, errlen) != 0)
            return -1;
    }
    if (lab_shell_quote(p->sim_path, qsim, sizeof qsim) != 0 ||
        lab_shell_quote(p->dir, qdir, sizeof qdir) != 0) {
        snprintf(err, errlen, "path too long for the wrappers");
        return -1;
    }
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        snprintf(path, sizeof path, "%s/lunaclient/bin/%s", p->dir, tools[i][0]);
        FILE *f = fopen(path, "w");
        if (!f) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
        fprintf(f, "#!/bin/sh\n# %s of the simulated lab's workstation (rotwiz-sim %s)\n"
                   "exec %s %s --dir %s \"$@\"\n", tools[i][0], tools[i][1], qsim, tools[i][1],
                qdir);
        if (fclose(f) != 0 || chmod(path, 0755) != 0) {
            snprintf(err, errlen, "cannot write %s", path);
            return -1;
        }
    }
    return 0;
}
