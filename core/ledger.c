/* ledger.c: the failed-login ledger file (ledger.h): reading and checking it, and changing it
 * atomically under a lock. */
#include "ledger.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rec_util.h"

#define LEDGER_VERSION 1

struct ledger {
    char dir[2048];
    char path[2100];
    char lock_path[2100];
    struct ledger_entry *entries;
    size_t count;
};

const char *ledger_role_name(enum ledger_role role)
{
    return role == LEDGER_SO ? "so" : "co";
}

static int role_parse(const char *s, enum ledger_role *role)
{
    if (s && !strcmp(s, "so"))
        *role = LEDGER_SO;
    else if (s && !strcmp(s, "co"))
        *role = LEDGER_CO;
    else
        return -1;
    return 0;
}

static void copy_str(char *dst, size_t len, const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    snprintf(dst, len, "%s", v ? v : "");
}

/* Reads PATH into *OUT (malloc'd). An absent file is an empty ledger. Returns 0, or -1 with
 * ERR saying what is wrong (the file is then left as it is). */
static int load(const char *path, struct ledger_entry **out, size_t *count, char *err,
                size_t errlen)
{
    *out = NULL;
    *count = 0;
    size_t len = 0;
    char *buf = rec_read_file(path, &len);
    if (!buf) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: cannot read the failed-login ledger: %s", path,
                 strerror(errno));
        return -1;
    }
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, 0, &jerr);
    free(buf);
    const char *why = NULL;
    char detail[200] = "";
    json_t *entries = NULL;
    if (!root) {
        snprintf(detail, sizeof detail, "not JSON (line %d: %s)", jerr.line, jerr.text);
        why = detail;
    } else if (!json_is_object(root) || !json_is_string(json_object_get(root, "format")) ||
               strcmp(json_string_value(json_object_get(root, "format")), LEDGER_FORMAT)) {
        why = "not a rotwiz failed-login ledger (no \"format\": \"" LEDGER_FORMAT "\")";
    } else if (json_integer_value(json_object_get(root, "version")) != LEDGER_VERSION) {
        why = "a ledger version this rotwiz does not know";
    } else if (!json_is_array(entries = json_object_get(root, "entries"))) {
        why = "no \"entries\" list";
    }
    size_t n = why ? 0 : json_array_size(entries);
    struct ledger_entry *list = n ? calloc(n, sizeof *list) : NULL;
    if (n && !list)
        why = "out of memory";
    for (size_t i = 0; !why && i < n; i++) {
        const json_t *e = json_array_get(entries, i);
        struct ledger_entry *le = &list[i];
        const json_t *failures = json_object_get(e, "failures");
        if (!json_is_object(e) || !json_is_string(json_object_get(e, "serial")) ||
            !*json_string_value(json_object_get(e, "serial")) ||
            role_parse(json_string_value(json_object_get(e, "role")), &le->role) != 0 ||
            !json_is_integer(failures) || json_integer_value(failures) < 0 ||
            !json_is_boolean(json_object_get(e, "acknowledged"))) {
            snprintf(detail, sizeof detail, "entry %zu is damaged (it needs serial, role so|co, "
                     "failures >= 0 and acknowledged)", i + 1);
            why = detail;
            break;
        }
        copy_str(le->serial, sizeof le->serial, e, "serial");
        copy_str(le->device, sizeof le->device, e, "device");
        copy_str(le->last_failure, sizeof le->last_failure, e, "last_failure");
        copy_str(le->what, sizeof le->what, e, "what");
        copy_str(le->acknowledged_time, sizeof le->acknowledged_time, e, "acknowledged_time");
        copy_str(le->acknowledged_how, sizeof le->acknowledged_how, e, "acknowledged_how");
        le->failures = (unsigned)json_integer_value(failures);
        le->acknowledged = json_is_true(json_object_get(e, "acknowledged"));
    }
    json_decref(root);
    if (why) {
        free(list);
        snprintf(err, errlen, "%s: the failed-login ledger is %s. rotwiz never resets it (the "
                 "counts of failed logins it holds would be lost)", path, why);
        return -1;
    }
    *out = list;
    *count = n;
    return 0;
}

static char *dump(const struct ledger_entry *list, size_t n)
{
    json_t *root = json_object(), *entries = json_array();
    json_object_set_new(root, "format", json_string(LEDGER_FORMAT));
    json_object_set_new(root, "version", json_integer(LEDGER_VERSION));
    for (size_t i = 0; i < n; i++) {
        const struct ledger_entry *le = &list[i];
        json_t *e = json_object();
        json_object_set_new(e, "serial", rec_json_string(le->serial));
        json_object_set_new(e, "role", json_string(ledger_role_name(le->role)));
        json_object_set_new(e, "device", rec_json_string(le->device));
        json_object_set_new(e, "failures", json_integer((json_int_t)le->failures));
        json_object_set_new(e, "last_failure", rec_json_string(le->last_failure));
        json_object_set_new(e, "what", rec_json_string(le->what));
        json_object_set_new(e, "acknowledged", json_boolean(le->acknowledged));
        json_object_set_new(e, "acknowledged_time", rec_json_string(le->acknowledged_time));
        json_object_set_new(e, "acknowledged_how", rec_json_string(le->acknowledged_how));
        json_array_append_new(entries, e);
    }
    json_object_set_new(root, "entries", entries);
    char *s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}

/* Writes LIST to l->path atomically: temp file, fsync, rename, fsync of the folder. */
static int store(const struct ledger *l, const struct ledger_entry *list, size_t n, char *err,
                 size_t errlen)
{
    char tmp[2200];
    char *text = dump(list, n);
    if (!text) {
        snprintf(err, errlen, "%s: out of memory", l->path);
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", l->path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    int rc = -1;
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    size_t len = strlen(text);
    text[len] = '\n'; /* the terminating NUL becomes the last newline */
    if (fchmod(fd, 0600) != 0 || rec_write_all(fd, text, len + 1) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0 || rename(tmp, l->path) != 0) {
        snprintf(err, errlen, "%s: %s", l->path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    int dfd = open(l->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        snprintf(err, errlen, "%s: cannot sync the folder: %s", l->dir, strerror(errno));
        if (dfd >= 0)
            close(dfd);
        goto out;
    }
    close(dfd);
    rc = 0;
out:
    free(text);
    return rc;
}

struct ledger *ledger_open(const char *state_dir, char *err, size_t errlen)
{
    struct ledger *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(l->dir, sizeof l->dir, "%s", state_dir);
    snprintf(l->path, sizeof l->path, "%s/%s", state_dir, LEDGER_FILE);
    snprintf(l->lock_path, sizeof l->lock_path, "%s/ledger.lock", state_dir);
    if (load(l->path, &l->entries, &l->count, err, errlen) != 0) {
        free(l);
        return NULL;
    }
    return l;
}

void ledger_close(struct ledger *l)
{
    if (!l)
        return;
    free(l->entries);
    free(l);
}

const char *ledger_path(const struct ledger *l)
{
    return l->path;
}

static struct ledger_entry *find(struct ledger_entry *list, size_t n, const char *serial,
                                 enum ledger_role role)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].role == role && !strcmp(list[i].serial, serial))
            return &list[i];
    return NULL;
}

bool ledger_get(const struct ledger *l, const char *serial, enum ledger_role role,
                struct ledger_entry *out)
{
    struct ledger_entry *e = find(l->entries, l->count, serial, role);
    if (e) {
        *out = *e;
        return true;
    }
    memset(out, 0, sizeof *out);
    snprintf(out->serial, sizeof out->serial, "%s", serial);
    out->role = role;
    out->acknowledged = true;
    return false;
}

enum op { OP_FAILURE, OP_SUCCESS, OP_ACK };

/* Reads the file again under the lock, applies OP to SERIAL/ROLE, writes it back. */
static int change(struct ledger *l, enum op op, const char *serial, enum ledger_role role,
                  const char *device, const char *text, struct ledger_entry *out, char *err,
                  size_t errlen)
{
    if (!serial || !*serial) {
        snprintf(err, errlen, "a ledger record needs a device serial");
        return -1;
    }
    if (rec_mkdirs(l->dir, 0700) != 0) {
        snprintf(err, errlen, "%s: %s", l->dir, strerror(errno));
        return -1;
    }
    int lock = open(l->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX) != 0) {
        snprintf(err, errlen, "%s: %s", l->lock_path, strerror(errno));
        if (lock >= 0)
            close(lock);
        return -1;
    }
    struct ledger_entry *list = NULL;
    size_t n = 0;
    int rc = -1;
    if (load(l->path, &list, &n, err, errlen) != 0)
        goto out;
    struct ledger_entry *e = find(list, n, serial, role);
    if (!e && op != OP_FAILURE) {
        rc = 0; /* nothing recorded: nothing to reset or acknowledge */
        goto done;
    }
    if (!e) {
        struct ledger_entry *grown = realloc(list, (n + 1) * sizeof *grown);
        if (!grown) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        list = grown;
        e = &list[n++];
        memset(e, 0, sizeof *e);
        snprintf(e->serial, sizeof e->serial, "%s", serial);
        e->role = role;
    }
    char now[REC_TIME_LEN];
    rec_time_now(now);
    if (device && *device)
        snprintf(e->device, sizeof e->device, "%s", device);
    switch (op) {
    case OP_FAILURE:
        e->failures++;
        snprintf(e->last_failure, sizeof e->last_failure, "%s", now);
        snprintf(e->what, sizeof e->what, "%s", text ? text : "");
        e->acknowledged = false;
        e->acknowledged_time[0] = e->acknowledged_how[0] = '\0';
        break;
    case OP_SUCCESS:
        if (e->failures == 0 && e->acknowledged) {
            rc = 0; /* already clear: no write needed */
            goto done;
        }
        e->failures = 0;
        e->acknowledged = true;
        break;
    case OP_ACK:
        e->acknowledged = true;
        snprintf(e->acknowledged_time, sizeof e->acknowledged_time, "%s", now);
        snprintf(e->acknowledged_how, sizeof e->acknowledged_how, "%s", text ? text : "");
        break;
    }
    if (store(l, list, n, err, errlen) != 0)
        goto out;
    rc = 0;
done:
    if (out) {
        struct ledger_entry *f = find(list, n, serial, role);
        if (f)
            *out = *f;
        else
            ledger_get(l, serial, role, out);
    }
    /* this process now sees what the file holds */
    free(l->entries);
    l->entries = list;
    l->count = n;
    list = NULL;
out:
    free(list);
    flock(lock, LOCK_UN);
    close(lock);
    return rc;
}

int ledger_record_failure(struct ledger *l, const char *serial, enum ledger_role role,
                          const char *device, const char *what, struct ledger_entry *out,
                          char *err, size_t errlen)
{
    return change(l, OP_FAILURE, serial, role, device, what, out, err, errlen);
}

int ledger_record_success(struct ledger *l, const char *serial, enum ledger_role role,
                          const char *device, char *err, size_t errlen)
{
    return change(l, OP_SUCCESS, serial, role, device, NULL, NULL, err, errlen);
}

int ledger_acknowledge(struct ledger *l, const char *serial, enum ledger_role role,
                       const char *how, char *err, size_t errlen)
{
    return change(l, OP_ACK, serial, role, NULL, how, NULL, err, errlen);
}
