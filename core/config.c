/* config.c: reads and checks the rotwiz configuration file through libconfig. */
#include "config.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "validate.h"

#define DEFAULT_CLIENT_DIR "/usr/safenet/lunaclient"
#define DEFAULT_LUNA_BIN "/usr/safenet/lunaclient/bin"
#define DEFAULT_KNOWN_HOSTS "~/.ssh/known_hosts"
#define DEFAULT_USER "ksadmin"

/* What a key may hold, and an example shown when it holds something else. */
struct key_rule {
    const char *name;
    int type;               /* CONFIG_TYPE_STRING, CONFIG_TYPE_INT or CONFIG_TYPE_GROUP */
    const char *example;
};

static const struct key_rule top_rules[] = {
    {"auth", CONFIG_TYPE_STRING, "auth = \"password\";"},
    {"workstation", CONFIG_TYPE_GROUP, "workstation = { address = \"192.0.2.10\"; };"},
    {"source", CONFIG_TYPE_GROUP, "source = { host = \"k570-a.example.net\"; };"},
    {"target", CONFIG_TYPE_GROUP, "target = { host = \"k570-b.example.net\"; };"},
    {"backup", CONFIG_TYPE_GROUP, "backup = { partition = \"rot-backup\"; };"},
};
static const struct key_rule workstation_rules[] = {
    {"address", CONFIG_TYPE_STRING, "address = \"192.0.2.10\";"},
    {"luna_client_dir", CONFIG_TYPE_STRING, "luna_client_dir = \"" DEFAULT_CLIENT_DIR "\";"},
    {"rbs_port", CONFIG_TYPE_INT, "rbs_port = 1792;"},
    {"ped_port", CONFIG_TYPE_INT, "ped_port = 1503;"},
};
static const struct key_rule appliance_rules[] = {
    {"host", CONFIG_TYPE_STRING, "host = \"k570-a.example.net\";"},
    {"port", CONFIG_TYPE_INT, "port = 22;"},
    {"user", CONFIG_TYPE_STRING, "user = \"ksadmin\";"},
    {"identity", CONFIG_TYPE_STRING, "identity = \"~/.ssh/id_ed25519\";"},
    {"known_hosts", CONFIG_TYPE_STRING, "known_hosts = \"~/.ssh/known_hosts\";"},
    {"luna_bin", CONFIG_TYPE_STRING, "luna_bin = \"" DEFAULT_LUNA_BIN "\";"},
};
static const struct key_rule backup_rules[] = {
    {"partition", CONFIG_TYPE_STRING, "partition = \"rot-backup-2026-11\";"},
    {"domain", CONFIG_TYPE_STRING, "domain = \"k570-rot\";"},
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Everything a check needs to write a message. */
struct reader {
    const char *path;
    char *err;
    size_t len;
};

static bool fail(struct reader *r, const config_setting_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "FILE:LINE: message" (or "FILE: message" without a setting) and returns false. */
static bool fail(struct reader *r, const config_setting_t *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *file = at ? config_setting_source_file(at) : NULL;
    if (file == NULL)
        file = r->path;
    if (at != NULL && config_setting_source_line(at) > 0)
        snprintf(r->err, r->len, "%s:%u: %s", file, config_setting_source_line(at), msg);
    else
        snprintf(r->err, r->len, "%s: %s", file, msg);
    return false;
}

static const char *type_words(int type)
{
    switch (type) {
    case CONFIG_TYPE_STRING: return "a string in double quotes";
    case CONFIG_TYPE_INT: return "a whole number";
    default: return "a group in braces";
    }
}

/* Fails when setting S (a member of a group named by PREFIX, "source.") is not in RULES or
 * holds another type than its rule says. */
static bool check_key(struct reader *r, const config_setting_t *s, const char *prefix,
                      const struct key_rule *rules, size_t n)
{
    const char *name = config_setting_name(s);
    const struct key_rule *rule = NULL;
    for (size_t k = 0; k < n; k++)
        if (name != NULL && strcmp(rules[k].name, name) == 0)
            rule = &rules[k];
    if (rule == NULL) {
        char known[256] = "";
        for (size_t k = 0; k < n; k++) {
            strncat(known, rules[k].name, sizeof known - strlen(known) - 1);
            if (k + 1 < n)
                strncat(known, ", ", sizeof known - strlen(known) - 1);
        }
        return fail(r, s, "unknown key '%s%s': remove it or correct its spelling "
                    "(known keys here: %s)", prefix, name ? name : "?", known);
    }
    int type = config_setting_type(s);
    if (type == CONFIG_TYPE_INT64)
        type = CONFIG_TYPE_INT;
    if (type != rule->type)
        return fail(r, s, "'%s%s' must be %s, e.g. %s", prefix, name, type_words(rule->type),
                    rule->example);
    return true;
}

/* check_key over every member of GROUP, in file order. */
static bool check_members(struct reader *r, const config_setting_t *group, const char *prefix,
                          const struct key_rule *rules, size_t n)
{
    int count = config_setting_length(group);
    for (int i = 0; i < count; i++)
        if (!check_key(r, config_setting_get_elem(group, (unsigned)i), prefix, rules, n))
            return false;
    return true;
}

/* True when S is an IPv4/IPv6 address or a DNS host name (letters, digits, '-', '_', dots). */
static bool is_host(const char *s)
{
    unsigned char buf[16];
    if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
        return true;
    size_t n = strlen(s), label = 0;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum((unsigned char)c) || c == '_' || (c == '-' && label > 0)) {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return s[n - 1] != '-';
}

/* True when S is printable ASCII (spaces allowed). */
static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

char *config_expand_path(const char *path)
{
    if (path == NULL)
        return NULL;
    if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
        return strdup(path);
    const char *home = getenv("HOME");
    if (home == NULL || home[0] == '\0') {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : "/";
    }
    size_t n = strlen(home) + strlen(path);
    char *out = malloc(n);
    if (out != NULL)
        snprintf(out, n, "%s%s", home, path + 1);
    return out;
}

/* Copies the string member NAME of GROUP into *OUT (expanding ~ when EXPAND). An absent key
 * leaves *OUT as it is; an empty one fails, saying WHAT the value is for; any other value
 * must follow the rule of KIND (validate.h) before anything is typed anywhere. */
static bool get_string(struct reader *r, const config_setting_t *group, const char *prefix,
                       const char *name, enum value_kind kind, bool expand, const char *what,
                       char **out)
{
    const config_setting_t *s = config_setting_get_member(group, name);
    if (s == NULL)
        return true;
    const char *v = config_setting_get_string(s);
    if (v == NULL || v[0] == '\0')
        return fail(r, s, "'%s%s' is empty: give %s", prefix, name, what);
    char why[400];
    /* A host of printable characters that is still no host gets check_host's message, which
     * shows the value (safe: no control characters in it). */
    if (!validate_value(kind, v, why, sizeof why) && !(kind == VK_HOST && printable(v)))
        return fail(r, s, "'%s%s': %s", prefix, name, why);
    char *copy = expand ? config_expand_path(v) : strdup(v);
    if (copy == NULL)
        return fail(r, s, "out of memory");
    free(*out);
    *out = copy;
    return true;
}

/* Reads port member NAME of GROUP into *OUT when present; it must be 1..65535. */
static bool get_port(struct reader *r, const config_setting_t *group, const char *prefix,
                     const char *name, int *out)
{
    const config_setting_t *s = config_setting_get_member(group, name);
    if (s == NULL)
        return true;
    long long v = config_setting_get_int64(s);
    if (v < 1 || v > 65535)
        return fail(r, s, "'%s%s' is %lld: a port must be between 1 and 65535", prefix, name, v);
    *out = (int)v;
    return true;
}

/* Fails unless the string member NAME (already read into V) names a host. */
static bool check_host(struct reader *r, const config_setting_t *group, const char *prefix,
                       const char *name, const char *v)
{
    if (v == NULL || is_host(v))
        return true;
    return fail(r, config_setting_get_member(group, name),
                "'%s%s' = \"%s\" is not a host name or IP address: give just the host, "
                "e.g. \"192.0.2.10\" (no port, user or scheme)", prefix, name, v);
}

static bool read_workstation(struct reader *r, const config_setting_t *g,
                             struct config_workstation *w)
{
    const char *p = "workstation.";
    if (!check_members(r, g, p, workstation_rules, COUNT(workstation_rules)) ||
        !get_string(r, g, p, "address", VK_HOST, false, "the address the k570s use to reach "
                    "this workstation", &w->address) ||
        !check_host(r, g, p, "address", w->address) ||
        !get_string(r, g, p, "luna_client_dir", VK_LOCAL_PATH, true, "the Luna client folder, "
                    "e.g. \"" DEFAULT_CLIENT_DIR "\"", &w->luna_client_dir) ||
        !get_port(r, g, p, "rbs_port", &w->rbs_port) ||
        !get_port(r, g, p, "ped_port", &w->ped_port))
        return false;
    if (w->address == NULL)
        return fail(r, g, "missing key 'workstation.address': add address = \"...\"; with the "
                    "address the k570s use to reach this workstation");
    return true;
}

static bool read_appliance(struct reader *r, const config_setting_t *g, const char *role,
                           struct config_appliance *a)
{
    char p[16];
    snprintf(p, sizeof p, "%s.", role);
    a->present = true;
    a->line = config_setting_source_line(g);
    if (!check_members(r, g, p, appliance_rules, COUNT(appliance_rules)) ||
        !get_string(r, g, p, "host", VK_HOST, false, "the k570's host name or IP address",
                    &a->host) ||
        !check_host(r, g, p, "host", a->host) ||
        !get_port(r, g, p, "port", &a->port) ||
        !get_string(r, g, p, "user", VK_USER, false, "the SSH user, e.g. \"" DEFAULT_USER "\"",
                    &a->user) ||
        !get_string(r, g, p, "identity", VK_LOCAL_PATH, true, "an SSH private key file, or "
                    "remove the key to use ssh-agent", &a->identity) ||
        !get_string(r, g, p, "known_hosts", VK_LOCAL_PATH, true, "a known_hosts file, e.g. \""
                    DEFAULT_KNOWN_HOSTS "\"", &a->known_hosts) ||
        !get_string(r, g, p, "luna_bin", VK_REMOTE_PATH, false, "the folder of lunacm on the "
                    "k570, e.g. \"" DEFAULT_LUNA_BIN "\"", &a->luna_bin))
        return false;
    if (a->host == NULL)
        return fail(r, g, "missing key '%shost': add host = \"...\"; with the k570's host name "
                    "or IP address", p);
    return true;
}

static bool read_backup(struct reader *r, const config_setting_t *g, struct config_backup *b)
{
    const char *p = "backup.";
    b->present = true;
    b->line = config_setting_source_line(g);
    return check_members(r, g, p, backup_rules, COUNT(backup_rules)) &&
           get_string(r, g, p, "partition", VK_PARTITION, false, "the partition name on the "
                      "Backup HSM", &b->partition) &&
           get_string(r, g, p, "domain", VK_DOMAIN, false, "the cloning domain", &b->domain);
}

static bool read_auth(struct reader *r, const config_setting_t *s, struct rotwiz_config *cfg)
{
    const char *v = config_setting_get_string(s);
    cfg->auth_line = config_setting_source_line(s);
    if (strcmp(v, "password") == 0)
        cfg->auth = CONFIG_AUTH_PASSWORD;
    else if (strcmp(v, "ped") == 0)
        cfg->auth = CONFIG_AUTH_PED;
    else if (!printable(v))   /* never echo a control character into the message */
        return fail(r, s, "auth must be \"password\" or \"ped\"; this one holds a control "
                    "character");
    else
        return fail(r, s, "auth must be \"password\" or \"ped\", not \"%s\"", v);
    return true;
}

/* Fills the defaults of every value the file left out. */
static bool set_defaults(struct rotwiz_config *cfg)
{
    struct config_workstation *w = &cfg->workstation;
    if (w->luna_client_dir == NULL && (w->luna_client_dir = strdup(DEFAULT_CLIENT_DIR)) == NULL)
        return false;
    for (int i = 0; i < MODEL_ROLES; i++) {
        struct config_appliance *a = &cfg->appliance[i];
        if (!a->present)
            continue;
        if (a->user == NULL && (a->user = strdup(DEFAULT_USER)) == NULL)
            return false;
        if (a->known_hosts == NULL &&
            (a->known_hosts = config_expand_path(DEFAULT_KNOWN_HOSTS)) == NULL)
            return false;
        if (a->luna_bin == NULL && (a->luna_bin = strdup(DEFAULT_LUNA_BIN)) == NULL)
            return false;
    }
    return true;
}

static bool read_root(struct reader *r, const config_setting_t *root, struct rotwiz_config *cfg)
{
    /* Members in file order, so the first error reported is the first in the file. */
    int count = config_setting_length(root);
    for (int i = 0; i < count; i++) {
        const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        if (!check_key(r, s, "", top_rules, COUNT(top_rules)))
            return false;
        const char *name = config_setting_name(s);
        bool ok = true;
        if (strcmp(name, "auth") == 0)
            ok = read_auth(r, s, cfg);
        else if (strcmp(name, "workstation") == 0)
            ok = read_workstation(r, s, &cfg->workstation);
        else if (strcmp(name, "source") == 0)
            ok = read_appliance(r, s, "source", &cfg->appliance[ROLE_SOURCE]);
        else if (strcmp(name, "target") == 0)
            ok = read_appliance(r, s, "target", &cfg->appliance[ROLE_TARGET]);
        else if (strcmp(name, "backup") == 0)
            ok = read_backup(r, s, &cfg->backup);
        if (!ok)
            return false;
    }
    if (config_setting_get_member(root, "auth") == NULL)
        return fail(r, NULL, "missing key 'auth': add auth = \"password\"; or auth = \"ped\"; "
                    "(how the HSMs authenticate)");
    if (config_setting_get_member(root, "workstation") == NULL)
        return fail(r, NULL, "missing group 'workstation': add workstation = { address = "
                    "\"...\"; }; with the address the k570s use to reach this workstation");
    if (!set_defaults(cfg))
        return fail(r, NULL, "out of memory");
    return true;
}

static void config_init_empty(struct rotwiz_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->auth = CONFIG_AUTH_PASSWORD;
    cfg->workstation.rbs_port = 1792;
    cfg->workstation.ped_port = 1503;
    for (int i = 0; i < MODEL_ROLES; i++)
        cfg->appliance[i].port = 22;
}


bool config_load(const char *path, struct rotwiz_config *cfg, char *err, size_t len)
{
    struct reader r = {path, err, len};
    config_t lc;
    bool ok = false;

    config_init_empty(cfg);
    config_init(&lc);
    /* libconfig only says "file I/O error": find out why first. */
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fail(&r, NULL, "cannot read the configuration: %s", strerror(errno));
        goto out;
    }
    bool clean = validate_nul_free(f, path, "value", err, len);
    fclose(f);
    if (!clean)
        goto out;
    if (config_read_file(&lc, path) != CONFIG_TRUE) {
        const char *file = config_error_file(&lc) ? config_error_file(&lc) : path;
        snprintf(err, len, "%s:%d: %s: check the quotes, the '=' and the ';' that ends each "
                 "setting (libconfig syntax)", file, config_error_line(&lc),
                 config_error_text(&lc));
        goto out;
    }
    if (!read_root(&r, config_root_setting(&lc), cfg))
        goto out;
    if ((cfg->path = strdup(path)) == NULL) {
        fail(&r, NULL, "out of memory");
        goto out;
    }
    ok = true;
out:
    config_destroy(&lc);
    if (!ok)
        config_free(cfg);
    return ok;
}

bool config_require(const struct rotwiz_config *cfg, bool needs_source, bool needs_target,
                    char *err, size_t len)
{
    static const char *const what[MODEL_ROLES] = {
        "the k570 whose keys are backed up", "the k570 that receives the keys"};
    bool needs[MODEL_ROLES] = {needs_source, needs_target};
    for (int i = 0; i < MODEL_ROLES; i++) {
        if (needs[i] && !cfg->appliance[i].present) {
            snprintf(err, len, "%s: missing group '%s': this command needs %s; add %s = { "
                     "host = \"...\"; };", cfg->path ? cfg->path : "config", model_role_name(i),
                     what[i], model_role_name(i));
            return false;
        }
    }
    return true;
}

bool config_require_backup(const struct rotwiz_config *cfg, char *err, size_t len)
{
    const char *file = cfg->path ? cfg->path : "config";
    if (!cfg->backup.present) {
        snprintf(err, len, "%s: missing group 'backup': add backup = { partition = \"...\"; "
                 "domain = \"...\"; };", file);
        return false;
    }
    if (cfg->backup.partition == NULL) {
        snprintf(err, len, "%s:%d: missing key 'backup.partition': add partition = \"...\"; "
                 "with the partition name on the Backup HSM", file, cfg->backup.line);
        return false;
    }
    if (cfg->backup.domain == NULL && cfg->auth == CONFIG_AUTH_PASSWORD) {
        snprintf(err, len, "%s:%d: missing key 'backup.domain': password-authenticated HSMs "
                 "need the cloning domain; add domain = \"...\";", file, cfg->backup.line);
        return false;
    }
    return true;
}

const char *config_auth_name(enum config_auth auth)
{
    return auth == CONFIG_AUTH_PED ? "ped" : "password";
}

void config_free(struct rotwiz_config *cfg)
{
    free(cfg->path);
    free(cfg->workstation.address);
    free(cfg->workstation.luna_client_dir);
    for (int i = 0; i < MODEL_ROLES; i++) {
        struct config_appliance *a = &cfg->appliance[i];
        free(a->host);
        free(a->user);
        free(a->identity);
        free(a->known_hosts);
        free(a->luna_bin);
    }
    free(cfg->backup.partition);
    free(cfg->backup.domain);
    config_init_empty(cfg);
}
