/* secrets_file.c: reads the secrets file through libconfig, refusing loose permissions, and
 * wipes every copy of a value it controls (its stdio buffer, libconfig's strings). */
#include "secrets_file.h"
#include "model.h"
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "validate.h"

static const char *const top_keys[] = {
    "co_password", "source", "target", "backup_so_password", "backup_partition_password",
    "rbs_password",
};
#define TOP_KEYS (sizeof top_keys / sizeof top_keys[0])

static bool fail_at(char *err, size_t len, const char *path, const config_setting_t *s,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "FILE:LINE: message" and false. */
static bool fail_at(char *err, size_t len, const char *path, const config_setting_t *s,
                    const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, len, "%s:%u: %s", path, s ? config_setting_source_line(s) : 0u, msg);
    return false;
}

/* A string secret: right type and not empty. PREFIX names its group ("source."). */
static bool check_secret(const config_setting_t *s, const char *prefix, const char *path,
                         char *err, size_t len)
{
    const char *name = config_setting_name(s);
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fail_at(err, len, path, s, "'%s%s' must be a string in double quotes, e.g. "
                       "%s = \"...\";", prefix, name, name);
    const char *v = config_setting_get_string(s);
    if (v == NULL || v[0] == '\0')
        return fail_at(err, len, path, s, "'%s%s' is empty: give the secret, or remove the "
                       "line to be asked for it", prefix, name);
    /* The reason names the rule, never the value. */
    char why[400];
    enum value_kind kind = strcmp(name, "rbs_password") == 0 ? VK_RBS_SECRET : VK_SECRET;
    if (!validate_value(kind, v, why, sizeof why))
        return fail_at(err, len, path, s, "'%s%s': %s", prefix, name, why);
    return true;
}

/* Checks the whole tree before anything is reported. */
static bool check_tree(const config_setting_t *root, const char *path, char *err, size_t len)
{
    int n = config_setting_length(root);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        const char *name = config_setting_name(s);
        size_t k = 0;
        while (k < TOP_KEYS && strcmp(top_keys[k], name) != 0)
            k++;
        if (k == TOP_KEYS)
            return fail_at(err, len, path, s, "unknown key '%s': remove it or correct its "
                           "spelling (known keys: co_password, source, target, "
                           "backup_so_password, backup_partition_password, rbs_password)", name);
        if (strcmp(name, "source") != 0 && strcmp(name, "target") != 0) {
            if (!check_secret(s, "", path, err, len))
                return false;
            continue;
        }
        if (config_setting_type(s) != CONFIG_TYPE_GROUP)
            return fail_at(err, len, path, s, "'%s' must be a group in braces, e.g. %s = { "
                           "co_password = \"...\"; };", name, name);
        char prefix[16];
        snprintf(prefix, sizeof prefix, "%s.", name);
        int m = config_setting_length(s);
        for (int j = 0; j < m; j++) {
            const config_setting_t *c = config_setting_get_elem(s, (unsigned)j);
            if (strcmp(config_setting_name(c), "co_password") != 0)
                return fail_at(err, len, path, c, "unknown key '%s%s': only co_password may be "
                               "given per appliance", prefix, config_setting_name(c));
            if (!check_secret(c, prefix, path, err, len))
                return false;
        }
    }
    return true;
}

/* Calls CB for every string of the (checked) tree. */
static void report(const config_setting_t *root,
                   void (*cb)(void *ud, const char *key, int role, const char *value), void *ud)
{
    int n = config_setting_length(root);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        const char *name = config_setting_name(s);
        if (config_setting_type(s) == CONFIG_TYPE_STRING) {
            cb(ud, name, SECRETS_NO_ROLE, config_setting_get_string(s));
            continue;
        }
        int role = strcmp(name, "source") == 0 ? ROLE_SOURCE : ROLE_TARGET;
        const config_setting_t *c = config_setting_get_member(s, "co_password");
        if (c != NULL)
            cb(ud, "co_password", role, config_setting_get_string(c));
    }
}

/* Overwrites every string value libconfig holds (it frees them without wiping). */
static void wipe_tree(config_setting_t *s)
{
    if (s == NULL)
        return;
    if (config_setting_type(s) == CONFIG_TYPE_STRING) {
        char *v = (char *)config_setting_get_string(s);   /* libconfig's own heap copy */
        if (v != NULL)
            OPENSSL_cleanse(v, strlen(v));
        return;
    }
    if (config_setting_is_aggregate(s)) {
        int n = config_setting_length(s);
        for (int i = 0; i < n; i++)
            wipe_tree(config_setting_get_elem(s, (unsigned)i));
    }
}

bool secrets_file_load(const char *path,
                       void (*cb)(void *ud, const char *key, int role, const char *value),
                       void *ud, char *err, size_t len)
{
    char iobuf[8192];   /* our own stdio buffer, so we can wipe the raw file text */
    struct stat st;
    config_t lc;
    FILE *f = NULL;
    bool ok = false;

    config_init(&lc);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, len, "%s: cannot read the secrets file: %s", path, strerror(errno));
        goto out;
    }
    /* fstat on the open file: the mode checked is the mode of what we read. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, len, "%s: not a regular file: give the path of the secrets file", path);
        close(fd);
        goto out;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        snprintf(err, len, "%s: refused: group or others may read it (mode %04o): run "
                 "chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        goto out;
    }
    f = fdopen(fd, "r");
    if (f == NULL) {
        snprintf(err, len, "%s: cannot read the secrets file: %s", path, strerror(errno));
        close(fd);
        goto out;
    }
    setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
    if (!validate_nul_free(f, path, "secret", err, len))
        goto out;
    rewind(f);
    if (config_read(&lc, f) != CONFIG_TRUE) {
        snprintf(err, len, "%s:%d: %s: check the quotes, the '=' and the ';' that ends each "
                 "setting (libconfig syntax)", path, config_error_line(&lc),
                 config_error_text(&lc));
        goto out;
    }
    if (!check_tree(config_root_setting(&lc), path, err, len))
        goto out;
    if (cb != NULL)
        report(config_root_setting(&lc), cb, ud);
    ok = true;
out:
    if (f != NULL)
        fclose(f);
    OPENSSL_cleanse(iobuf, sizeof iobuf);
    wipe_tree(config_root_setting(&lc));
    config_destroy(&lc);
    return ok;
}
