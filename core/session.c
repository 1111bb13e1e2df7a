/* session.c: session folders: creating and continuing them, reading them back, listing them. */
#include "session.h"
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/rand.h>
#include "validate.h"

#ifndef ROTWIZ_VERSION
#define ROTWIZ_VERSION "unknown"
#endif

struct session {
    char path[SESSION_PATH_MAX];
    const char *id;                 /* points into path */
    struct journal *journal;
    struct transcript *tx;
};

int session_default_state_dir(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    if (xdg && xdg[0] == '/') {
        snprintf(buf, len, "%s/rotwiz", xdg);
        return 0;
    }
    const char *home = getenv("HOME");
    if (!home || !home[0]) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home || !home[0])
        return -1;
    snprintf(buf, len, "%s/.local/state/rotwiz", home);
    return 0;
}

int session_check_state_dir(const char *dir, char *err, size_t errlen)
{
    char def[SESSION_PATH_MAX], why[400], real[PATH_MAX];
    const char *fix = "give a folder of your own with --state-dir DIR, e.g. "
                      "--state-dir ~/.local/state/rotwiz";
    if (dir == NULL) {
        if (session_default_state_dir(def, sizeof def) != 0) {
            snprintf(err, errlen, "no state folder to record the session in (HOME is not set); "
                     "set HOME or %s", fix);
            return -1;
        }
        dir = def;
    }
    if (dir[0] == '\0') {
        snprintf(err, errlen, "the state folder is empty (--state-dir \"\"); sessions would be "
                 "written to /sessions: %s", fix);
        return -1;
    }
    if (!validate_value(VK_LOCAL_PATH, dir, why, sizeof why)) {
        snprintf(err, errlen, "the state folder %s; or %s", why, fix);
        return -1;
    }
    /* "/", "//", "/.", "../../.." from a shallow folder, a link to /: all end up at the root */
    if (realpath(dir, real) != NULL && strcmp(real, "/") == 0) {
        snprintf(err, errlen, "the state folder %s is the root folder /; sessions would be "
                 "written to /sessions: %s", dir, fix);
        return -1;
    }
    if (rec_mkdirs(dir, 0700) != 0) {
        snprintf(err, errlen, "cannot create the state folder %s: %s; %s", dir,
                 strerror(errno), fix);
        return -1;
    }
    /* Permissions alone do not tell (root, read-only mounts, a full disk): write a probe. */
    char probe[SESSION_PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%s/.rotwiz-probe-XXXXXX", dir);
    int fd = mkstemp(probe);
    int e = fd < 0 ? errno : 0;
    if (fd >= 0) {
        if (write(fd, "probe\n", 6) != 6 || fsync(fd) != 0)
            e = errno ? errno : EIO;
        close(fd);
        unlink(probe);
    }
    if (e != 0) {
        snprintf(err, errlen, "the state folder %s is not writable: %s; make it writable "
                 "(and free space there) or %s", dir, strerror(e), fix);
        return -1;
    }
    return 0;
}

/* Opens the journal and transcript of S->path; writes nothing. */
static int open_files(struct session *s, struct masker *m, size_t cap, char *err,
                      size_t errlen)
{
    char p[SESSION_PATH_MAX + 32];
    snprintf(p, sizeof(p), "%s/%s", s->path, SESSION_JOURNAL);
    s->journal = journal_open(p, m, err, errlen);
    if (!s->journal)
        return -1;
    s->tx = tx_new(m, cap);
    if (!s->tx) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(p, sizeof(p), "%s/%s", s->path, SESSION_TRANSCRIPT);
    if (tx_open_file(s->tx, p, err, errlen) != 0)
        return -1;
    tx_set_journal(s->tx, s->journal);
    const char *slash = strrchr(s->path, '/');
    s->id = slash ? slash + 1 : s->path;
    return 0;
}

static void sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Keeps a flow name safe for a folder name. */
static void clean_flow(const char *flow, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = flow ? flow : "flow"; *p && o + 1 < len; p++)
        out[o++] = ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-') ? *p
                                                                                        : '_';
    out[o] = '\0';
    if (o == 0)
        snprintf(out, len, "flow");
}

struct session *session_create(const char *state_dir, const char *flow, struct masker *m,
                               size_t tx_capacity, char *err, size_t errlen)
{
    char base[SESSION_PATH_MAX], fl[40], stamp[32];
    struct session *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(base, sizeof(base), "%s/sessions", state_dir);
    if (rec_mkdirs(base, 0700) != 0) {
        snprintf(err, errlen, "%s: %s", base, strerror(errno));
        goto fail;
    }
    clean_flow(flow, fl, sizeof(fl));
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%SZ", &tm);
    for (int tries = 0;; tries++) {
        unsigned char rnd[3];
        if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
            snprintf(err, errlen, "no random bytes for the session name");
            goto fail;
        }
        int n = snprintf(s->path, sizeof(s->path), "%s/%s-%s-%02x%02x%02x", base, stamp, fl,
                         rnd[0], rnd[1], rnd[2]);
        if (n < 0 || (size_t)n >= sizeof(s->path)) {
            snprintf(err, errlen, "%s: path too long", base);
            goto fail;
        }
        if (mkdir(s->path, 0700) == 0)
            break;
        if (errno != EEXIST || tries > 8) {
            snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
            goto fail;
        }
    }
    if (open_files(s, m, tx_capacity, err, errlen) != 0)
        goto fail;
    if (journal_session_start(s->journal, flow, s->id, ROTWIZ_VERSION) != 0) {
        snprintf(err, errlen, "%s: cannot write the journal: %s", s->path, strerror(errno));
        goto fail;
    }
    /* The new names must survive a crash as well as the records in them. */
    sync_dir(s->path);
    sync_dir(base);
    return s;
fail:
    session_close(s);
    return NULL;
}

struct session *session_reopen(const char *dir, struct masker *m, size_t tx_capacity,
                               char *err, size_t errlen)
{
    struct session *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(s->path, sizeof(s->path), "%s", dir);
    size_t n = strlen(s->path);
    while (n > 1 && s->path[n - 1] == '/')
        s->path[--n] = '\0';
    char jp[SESSION_PATH_MAX + 32];
    snprintf(jp, sizeof(jp), "%s/%s", s->path, SESSION_JOURNAL);
    if (access(jp, F_OK) != 0) {
        snprintf(err, errlen, "%s: not a session folder (no %s)", s->path, SESSION_JOURNAL);
        goto fail;
    }
    if (open_files(s, m, tx_capacity, err, errlen) != 0)
        goto fail;
    if (journal_session_resume(s->journal, journal_discarded_bytes(s->journal)) != 0) {
        snprintf(err, errlen, "%s: cannot write the journal: %s", s->path, strerror(errno));
        goto fail;
    }
    return s;
fail:
    session_close(s);
    return NULL;
}

void session_close(struct session *s)
{
    if (!s)
        return;
    tx_free(s->tx);
    journal_close(s->journal);
    free(s);
}

const char *session_path(const struct session *s)
{
    return s->path;
}

const char *session_id(const struct session *s)
{
    return s->id;
}

struct journal *session_journal(struct session *s)
{
    return s->journal;
}

struct transcript *session_transcript(struct session *s)
{
    return s->tx;
}

int session_step_start(struct session *s, const char *step, const char *title)
{
    tx_set_step(s->tx, step);
    return journal_step_start(s->journal, step, title);
}

int session_step_done(struct session *s, const char *step, const char *detail)
{
    tx_sync(s->tx);
    return journal_step_done(s->journal, step, detail);
}

int session_step_failed(struct session *s, const char *step, const char *cause, int exit_code)
{
    tx_sync(s->tx);
    return journal_step_failed(s->journal, step, cause, exit_code);
}

int session_end(struct session *s, int exit_code, const char *message)
{
    tx_set_step(s->tx, NULL);
    return journal_session_end(s->journal, exit_code, message);
}
