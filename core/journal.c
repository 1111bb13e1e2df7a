/* journal.c: the hash-chained session journal: writing (durably), continuing after a crash,
 * and verifying. */
#include "journal.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "rec_util.h"


/* write(2) and fsync(2), replaceable by tests to simulate a full disk (journal_set_io). */
static ssize_t (*io_write)(int, const void *, size_t) = write;
static int (*io_fsync)(int) = fsync;

void journal_set_io(ssize_t (*write_fn)(int, const void *, size_t), int (*fsync_fn)(int))
{
    io_write = write_fn ? write_fn : write;
    io_fsync = fsync_fn ? fsync_fn : fsync;
}

struct journal {
    pthread_mutex_t lock;
    char path[4096];
    /* The first failed write or fsync, sticky: a record missing from the middle of the chain
     * is a session that can no longer be trusted, so the flow stops (journal_ok). */
    int failed_errno;               /* 0 while every record was written */
    char failed_what[48];           /* "write of the step-start record" */
    int fd;
    off_t size;                     /* bytes of complete records in the file */
    unsigned long seq;              /* of the last record */
    char prev[REC_SHA256_HEX];      /* SHA-256 of the last record's line */
    size_t discarded;
    const struct masker *masker;
};

/* Finds the start of the last complete line in BUF[0..LEN) (which ends with '\n'). */
static size_t last_line_start(const char *buf, size_t len)
{
    size_t i = len - 1;
    while (i > 0 && buf[i - 1] != '\n')
        i--;
    return i;
}

/* Takes seq and prev from the last complete record so new records continue the chain. */
static int continue_chain(struct journal *j, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    char *buf = rec_read_file(path, &len);
    if (!buf) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t keep = len;
    while (keep > 0 && buf[keep - 1] != '\n')
        keep--;
    j->discarded = len - keep;
    if (j->discarded > 0 && ftruncate(j->fd, (off_t)keep) != 0) {
        snprintf(err, errlen, "%s: cannot cut the incomplete record: %s", path, strerror(errno));
        free(buf);
        return -1;
    }
    j->size = (off_t)keep;
    if (keep > 0) {
        size_t start = last_line_start(buf, keep);
        size_t llen = keep - 1 - start;
        rec_sha256_hex(buf + start, llen, j->prev);
        json_t *rec = json_loadb(buf + start, llen, 0, NULL);
        json_t *seq = json_object_get(rec, "seq");
        if (json_is_integer(seq) && json_integer_value(seq) > 0) {
            j->seq = (unsigned long)json_integer_value(seq);
        } else {
            /* The last record is damaged: number on from the count of lines. */
            for (size_t i = 0; i < keep; i++)
                j->seq += buf[i] == '\n';
        }
        json_decref(rec);
    }
    free(buf);
    return 0;
}

struct journal *journal_open(const char *path, const struct masker *m, char *err, size_t errlen)
{
    struct journal *j = calloc(1, sizeof(*j));
    if (!j) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(j->path, sizeof j->path, "%s", path);
    j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (j->fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen, "%s: another rotwiz is recording this session", path);
        goto fail;
    }
    memcpy(j->prev, JOURNAL_GENESIS, REC_SHA256_HEX);
    j->masker = m;
    if (continue_chain(j, path, err, errlen) != 0)
        goto fail;
    pthread_mutex_init(&j->lock, NULL);
    return j;
fail:
    if (j->fd >= 0)
        close(j->fd);
    free(j);
    return NULL;
}

void journal_close(struct journal *j)
{
    if (!j)
        return;
    fsync(j->fd);
    close(j->fd);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

size_t journal_discarded_bytes(const struct journal *j)
{
    return j ? j->discarded : 0;
}

unsigned long journal_last_seq(const struct journal *j)
{
    if (!j)
        return 0;
    pthread_mutex_lock((pthread_mutex_t *)&j->lock);
    unsigned long s = j->seq;
    pthread_mutex_unlock((pthread_mutex_t *)&j->lock);
    return s;
}

/* Writes all LEN bytes through io_write; 0, or -1 with errno (ENOSPC for a 0-byte write). */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = io_write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

bool journal_ok(const struct journal *j, char *why, size_t len)
{
    if (!j) {
        if (why && len)
            snprintf(why, len, "no session record is open");
        return false;
    }
    pthread_mutex_lock((pthread_mutex_t *)&j->lock);
    int e = j->failed_errno;
    if (e != 0 && why && len)
        snprintf(why, len, "the session record %s could not be written (%s: %s); nothing more "
                 "is sent to any device: free space in the state folder or choose another "
                 "--state-dir, then run again (each step checks its effect first)", j->path,
                 j->failed_what, strerror(e));
    pthread_mutex_unlock((pthread_mutex_t *)&j->lock);
    return e == 0;
}

int journal_failed(const struct journal *j)
{
    if (!j)
        return EBADF;
    pthread_mutex_lock((pthread_mutex_t *)&j->lock);
    int e = j->failed_errno;
    pthread_mutex_unlock((pthread_mutex_t *)&j->lock);
    return e;
}

static bool reserved_key(const char *k)
{
    return !strcmp(k, "seq") || !strcmp(k, "time") || !strcmp(k, "type") ||
           !strcmp(k, "prev") || !strcmp(k, "hash");
}

int journal_append(struct journal *j, const char *type, const json_t *fields)
{
    int rc = -1, saved = 0;
    char now[REC_TIME_LEN], hash[REC_SHA256_HEX];
    char *body = NULL, *line = NULL;
    json_t *rec = NULL;
    if (!j || !type) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&j->lock);
    rec_time_now(now);
    rec = json_object();
    json_object_set_new(rec, "seq", json_integer((json_int_t)(j->seq + 1)));
    json_object_set_new(rec, "time", json_string(now));
    json_object_set_new(rec, "type", rec_json_string(type));
    if (json_is_object(fields)) {
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)fields, key, val)
            if (!reserved_key(key))
                json_object_set_new(rec, key, rec_json_masked(val, j->masker));
    }
    json_object_set_new(rec, "prev", json_string(j->prev));
    body = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!body || rec_sha256_hex(body, strlen(body), hash) != 0) {
        saved = ENOMEM;
        goto out;
    }
    size_t blen = strlen(body);
    line = malloc(blen + JOURNAL_HASH_TAIL_LEN + 2);
    if (!line) {
        saved = ENOMEM;
        goto out;
    }
    /* The body without its closing brace, then the hash member. */
    int n = snprintf(line, blen + JOURNAL_HASH_TAIL_LEN + 2, "%.*s%s%s\"}\n", (int)(blen - 1),
                     body, JOURNAL_HASH_MEMBER, hash);
    size_t llen = (size_t)n;
    const char *step = "write";
    bool written = write_all(j->fd, line, llen) == 0;
    if (!written || (step = "fsync", io_fsync(j->fd) != 0)) {
        saved = errno ? errno : EIO;
        if (j->failed_errno == 0) {
            j->failed_errno = saved;
            snprintf(j->failed_what, sizeof j->failed_what, "%s of a %s record", step, type);
        }
        /* Never leave half a record behind: the next one would be glued to it. */
        if (ftruncate(j->fd, j->size) != 0)
            saved = errno;
        goto out;
    }
    j->size += (off_t)llen;
    j->seq++;
    rec_sha256_hex(line, llen - 1, j->prev);
    rc = 0;
out:
    pthread_mutex_unlock(&j->lock);
    json_decref(rec);
    free(body);
    free(line);
    if (rc != 0)
        errno = saved ? saved : EIO;
    return rc;
}

/* Adds KEY: VALUE when VALUE is not NULL. */
static void put(json_t *o, const char *key, const char *value)
{
    if (value)
        json_object_set_new(o, key, rec_json_string(value));
}

/* Appends and frees FIELDS. */
static int append_new(struct journal *j, const char *type, json_t *fields)
{
    int rc = journal_append(j, type, fields);
    int saved = errno;
    json_decref(fields);
    errno = saved;
    return rc;
}

int journal_session_start(struct journal *j, const char *flow, const char *session_id,
                          const char *version)
{
    json_t *f = json_object();
    put(f, "flow", flow);
    put(f, "session", session_id);
    put(f, "version", version);
    return append_new(j, "session-start", f);
}

int journal_session_resume(struct journal *j, size_t discarded_bytes)
{
    json_t *f = json_object();
    json_object_set_new(f, "discarded_bytes", json_integer((json_int_t)discarded_bytes));
    return append_new(j, "session-resume", f);
}

int journal_operator(struct journal *j, const char *name)
{
    json_t *f = json_object();
    put(f, "name", name);
    return append_new(j, "operator", f);
}

int journal_witness(struct journal *j, const char *name)
{
    json_t *f = json_object();
    put(f, "name", name);
    return append_new(j, "witness", f);
}

int journal_appliance(struct journal *j, const struct journal_appliance *a)
{
    json_t *f = json_object();
    put(f, "role", a->role);
    put(f, "host", a->host);
    put(f, "serial", a->serial);
    put(f, "model", a->model);
    put(f, "firmware", a->firmware);
    put(f, "client_version", a->client_version);
    return append_new(j, "appliance", f);
}

int journal_step_start(struct journal *j, const char *step, const char *title)
{
    json_t *f = json_object();
    put(f, "step", step);
    put(f, "title", title);
    return append_new(j, "step-start", f);
}

int journal_step_done(struct journal *j, const char *step, const char *detail)
{
    json_t *f = json_object();
    put(f, "step", step);
    put(f, "detail", detail);
    return append_new(j, "step-done", f);
}

int journal_step_failed(struct journal *j, const char *step, const char *cause, int exit_code)
{
    json_t *f = json_object();
    put(f, "step", step);
    put(f, "cause", cause);
    json_object_set_new(f, "exit_code", json_integer(exit_code));
    return append_new(j, "step-failed", f);
}

int journal_decision(struct journal *j, const char *step, const char *question,
                     const char *answer)
{
    json_t *f = json_object();
    put(f, "step", step);
    put(f, "question", question);
    put(f, "answer", answer);
    return append_new(j, "decision", f);
}

int journal_confirmation(struct journal *j, const char *step, const char *what,
                         const char *typed)
{
    json_t *f = json_object();
    put(f, "step", step);
    put(f, "what", what);
    put(f, "typed", typed);
    return append_new(j, "confirmation", f);
}

int journal_objects(struct journal *j, const char *step, const char *where,
                    const struct journal_object *objs, size_t count)
{
    json_t *f = json_object(), *list = json_array();
    put(f, "step", step);
    put(f, "where", where);
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_object();
        put(o, "label", objs[i].label);
        put(o, "type", objs[i].type);
        put(o, "handle", objs[i].handle);
        if (objs[i].uid && *objs[i].uid)
            put(o, "uid", objs[i].uid);
        json_array_append_new(list, o);
    }
    json_object_set_new(f, "objects", list);
    return append_new(j, "objects", f);
}

int journal_note(struct journal *j, const char *step, const char *text)
{
    json_t *f = json_object();
    put(f, "step", step);
    put(f, "text", text);
    return append_new(j, "note", f);
}

int journal_session_end(struct journal *j, int exit_code, const char *message)
{
    json_t *f = json_object();
    json_object_set_new(f, "exit_code", json_integer(exit_code));
    put(f, "message", message);
    return append_new(j, "session-end", f);
}
