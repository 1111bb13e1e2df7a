/* export.c: reads a session folder into one ordered list of records, hands it to a format
 * writer and writes the SHA-256 manifest. */
#include "export_int.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rec_util.h"

static const char *const format_names[] = {"text", "jsonl", "cast"};

int export_format_parse(const char *name, enum export_format *fmt)
{
    for (size_t i = 0; name && i < sizeof(format_names) / sizeof(format_names[0]); i++) {
        if (!strcmp(name, format_names[i])) {
            *fmt = (enum export_format)i;
            return 0;
        }
    }
    return -1;
}

const char *export_format_name(enum export_format fmt)
{
    return (unsigned)fmt < 3 ? format_names[fmt] : "?";
}

const char *export_str(const json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return s ? s : "";
}

/* The complete lines of PATH, parsed and masked, appended to *ITEMS. A missing file is empty. */
static int read_items(const char *path, bool journal, const struct masker *m,
                      struct export_item **items, size_t *count, bool *truncated)
{
    size_t len = 0, index = 0;
    char *buf = rec_read_file(path, &len);
    if (!buf)
        return errno == ENOENT && !journal ? 0 : -1;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl) {
            *truncated = true;
            break;
        }
        size_t llen = (size_t)(nl - (buf + pos));
        json_t *raw = json_loadb(buf + pos, llen, 0, NULL);
        pos += llen + 1;
        if (!json_is_object(raw)) {
            json_decref(raw);
            continue;    /* unreadable (the journal check reports it) */
        }
        json_t *rec = rec_json_masked(raw, m);
        /* The envelope is ours and holds no secret; a short secret must not garble it. */
        static const char *const envelope[] = {"time", "type", "dir", "prev", "hash"};
        for (size_t i = 0; rec && i < sizeof(envelope) / sizeof(envelope[0]); i++) {
            json_t *v = json_object_get(raw, envelope[i]);
            if (json_is_string(v))
                json_object_set(rec, envelope[i], v);
        }
        json_decref(raw);
        struct export_item *n = rec ? realloc(*items, (*count + 1) * sizeof(*n)) : NULL;
        if (!n) {
            json_decref(rec);
            free(buf);
            errno = ENOMEM;
            return -1;
        }
        *items = n;
        struct export_item *it = &n[(*count)++];
        memset(it, 0, sizeof(*it));
        it->journal = journal;
        it->rec = rec;
        it->index = index++;
        rec_time_parse(export_str(rec, "time"), &it->when);
        json_t *key = json_object_get(rec, journal ? "seq" : "jseq");
        it->major = json_is_integer(key) ? (unsigned long)json_integer_value(key) : 0;
    }
    free(buf);
    return 0;
}

static bool time_le(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

/* Transcript lines written before jseq existed: place them by time after the last journal
 * record that is not later. */
static void place_by_time(struct export_item *lines, size_t nl, const struct export_item *jr,
                          size_t nj)
{
    for (size_t k = 0; k < nl; k++) {
        if (json_object_get(lines[k].rec, "jseq"))
            continue;
        lines[k].major = 0;
        for (size_t i = 0; i < nj && time_le(&jr[i].when, &lines[k].when); i++)
            lines[k].major = jr[i].major;
    }
}

/* Merges the two files' records: a line with jseq N comes right after journal record N. */
static int merge(struct export_data *d, struct export_item *jr, size_t nj,
                 struct export_item *lines, size_t nl)
{
    d->items = calloc(nj + nl + 1, sizeof(*d->items));
    if (!d->items)
        return -1;
    size_t i = 0, k = 0;
    while (i < nj || k < nl) {
        if (k < nl && (i == nj || lines[k].major < jr[i].major))
            d->items[d->count++] = lines[k++];
        else
            d->items[d->count++] = jr[i++];
    }
    return 0;
}

static void data_free(struct export_data *d)
{
    for (size_t i = 0; i < d->count; i++)
        json_decref(d->items[i].rec);
    free(d->items);
    session_summary_free(&d->sum);
}

static int load(const char *dir, const struct masker *m, struct export_data *d, char *err,
                size_t errlen)
{
    char path[SESSION_PATH_MAX + 32];
    struct export_item *jr = NULL, *lines = NULL;
    size_t nj = 0, nl = 0;
    bool jtrunc = false;
    memset(d, 0, sizeof(*d));
    if (session_load(dir, &d->sum, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/%s", d->sum.path, SESSION_JOURNAL);
    if (read_items(path, true, m, &jr, &nj, &jtrunc) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    snprintf(path, sizeof(path), "%s/%s", d->sum.path, SESSION_TRANSCRIPT);
    if (read_items(path, false, m, &lines, &nl, &d->lines_truncated) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    place_by_time(lines, nl, jr, nj);
    if (merge(d, jr, nj, lines, nl) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    free(jr);
    free(lines);
    d->journal_count = nj;
    d->line_count = nl;
    if (rec_time_parse(d->sum.started, &d->start) != 0 && d->count > 0)
        d->start = d->items[0].when;
    if (!d->sum.chain_ok)
        snprintf(d->warning, sizeof(d->warning),
                 "THE JOURNAL'S HASH CHAIN IS BROKEN at line %zu (%s): this record may have "
                 "been altered after it was written",
                 d->sum.bad_line, d->sum.chain_reason);
    return 0;
fail:
    for (size_t i = 0; i < nj; i++)
        json_decref(jr[i].rec);
    for (size_t i = 0; i < nl; i++)
        json_decref(lines[i].rec);
    free(jr);
    free(lines);
    data_free(d);
    return -1;
}

/* TO (absolute, canonical) relative to the folder FROM (absolute, canonical). */
static void rel_path(const char *from, const char *to, char *out, size_t len)
{
    size_t common = 0, i = 0;
    while (from[i] && from[i] == to[i]) {
        if (from[i] == '/')
            common = i;
        i++;
    }
    if (from[i] == '\0' && (to[i] == '/' || to[i] == '\0'))
        common = i;
    out[0] = '\0';
    size_t o = 0;
    for (const char *p = from + common; *p; p++)
        if (*p == '/' && p[1] && o + 4 < len)
            o += (size_t)snprintf(out + o, len - o, "../");
    const char *rest = to + common;
    if (*rest == '/')
        rest++;
    snprintf(out + o, len - o, "%s", rest);
}

/* A manifest line; names with a backslash or newline use sha256sum's escaped form. */
static void manifest_line(FILE *f, const char *hex, const char *name)
{
    if (!strpbrk(name, "\\\n")) {
        fprintf(f, "%s  %s\n", hex, name);
        return;
    }
    fprintf(f, "\\%s  ", hex);
    for (const char *p = name; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", f);
        else if (*p == '\n')
            fputs("\\n", f);
        else
            fputc(*p, f);
    }
    fputc('\n', f);
}

static int write_manifest(const char *out_path, const char *session_dir, char *err,
                          size_t errlen)
{
    char mpath[PATH_MAX + 16], dircopy[PATH_MAX], basecopy[PATH_MAX];
    char out_dir[PATH_MAX], sess[PATH_MAX], hex[REC_SHA256_HEX];
    snprintf(mpath, sizeof(mpath), "%s.sha256", out_path);
    snprintf(dircopy, sizeof(dircopy), "%s", out_path);
    snprintf(basecopy, sizeof(basecopy), "%s", out_path);
    if (!realpath(dirname(dircopy), out_dir) || !realpath(session_dir, sess)) {
        snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
        return -1;
    }
    int fd = open(mpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        snprintf(err, errlen, "%s: %s", mpath, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (rec_sha256_file(out_path, hex) != 0)
        goto fail;
    manifest_line(f, hex, basename(basecopy));
    static const char *const files[] = {SESSION_JOURNAL, SESSION_TRANSCRIPT};
    for (size_t i = 0; i < 2; i++) {
        char abs[PATH_MAX + 32], rel[2 * PATH_MAX];
        snprintf(abs, sizeof(abs), "%s/%s", sess, files[i]);
        if (access(abs, F_OK) != 0)
            continue;
        if (rec_sha256_file(abs, hex) != 0)
            goto fail;
        rel_path(out_dir, abs, rel, sizeof(rel));
        manifest_line(f, hex, rel);
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: %s", mpath, strerror(errno));
        return -1;
    }
    return 0;
fail:
    snprintf(err, errlen, "cannot hash for %s: %s", mpath, strerror(errno));
    fclose(f);
    return -1;
}

/* Would writing OUT_PATH clobber the session's journal or transcript? */
static bool overwrites_record(const char *out_path, const char *session_dir)
{
    static const char *const files[] = {SESSION_JOURNAL, SESSION_TRANSCRIPT};
    char real_out[PATH_MAX], real_rec[PATH_MAX];
    if (!realpath(out_path, real_out))
        return false;    /* does not exist yet: cannot be a record */
    for (size_t i = 0; i < 2; i++) {
        char rec[SESSION_PATH_MAX + 32];
        snprintf(rec, sizeof(rec), "%s/%s", session_dir, files[i]);
        if (realpath(rec, real_rec) && !strcmp(real_out, real_rec))
            return true;
    }
    return false;
}

int export_session_masked(const char *session_dir, enum export_format fmt,
                          const char *out_path, const struct masker *m, char *err,
                          size_t errlen)
{
    struct export_data d;
    int rc = EXPORT_FAILED;
    if ((unsigned)fmt > EXPORT_CAST) {
        snprintf(err, errlen, "unknown export format");
        return EXPORT_FAILED;
    }
    if (load(session_dir, m, &d, err, errlen) != 0)
        return EXPORT_FAILED;
    if (out_path && overwrites_record(out_path, d.sum.path)) {
        snprintf(err, errlen, "%s: refusing to overwrite the session's own record", out_path);
        goto out;
    }
    FILE *f = stdout;
    if (out_path) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f) {
            snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
            if (fd >= 0)
                close(fd);
            goto out;
        }
    }
    int wrc = fmt == EXPORT_TEXT    ? export_write_text(f, &d)
              : fmt == EXPORT_JSONL ? export_write_jsonl(f, &d)
                                    : export_write_cast(f, &d);
    int crc = out_path ? fclose(f) : fflush(f);
    if (wrc != 0 || crc != 0) {
        snprintf(err, errlen, "%s: %s", out_path ? out_path : "stdout", strerror(errno));
        goto out;
    }
    if (out_path && write_manifest(out_path, d.sum.path, err, errlen) != 0)
        goto out;
    rc = EXPORT_OK;
    if (d.warning[0]) {
        snprintf(err, errlen, "%s", d.warning);
        rc = EXPORT_WARNING;
    }
out:
    data_free(&d);
    return rc;
}

int export_session(const char *session_dir, enum export_format fmt, const char *out_path,
                   char *err, size_t errlen)
{
    return export_session_masked(session_dir, fmt, out_path, NULL, err, errlen);
}

/* ---- picking a session ------------------------------------------------------------------ */

static const char *result_words(const struct session_entry *e)
{
    if (!e->ended)
        return "interrupted (can be resumed)";
    switch (e->exit_code) {
    case 0: return "done";
    case 6: return "cancelled";
    case 7: return "timed out";
    default: return "stopped";
    }
}

size_t export_list_sessions(const char *state_dir, struct export_pick *out, size_t max)
{
    char dir[512], err[256];
    struct session_entry *list = NULL;
    size_t n = 0, k = 0;
    if (!state_dir) {
        if (session_default_state_dir(dir, sizeof dir) != 0)
            return 0;
        state_dir = dir;
    }
    if (session_list(state_dir, &list, &n, err, sizeof err) != 0)
        return 0;
    for (size_t i = n; i-- > 0 && k < max;) { /* oldest first: walk it backwards */
        const struct session_entry *e = &list[i];
        size_t plen = strlen(e->path);
        if (plen >= sizeof out->dir)
            continue; /* a path too long to carry is never cut: it would name another folder */
        struct export_pick *p = &out[k++];
        char when[32];
        /* "2026-11-30T09:40:12.123Z" -> "2026-11-30 09:40" */
        snprintf(when, sizeof when, "%.16s", e->started);
        if (strlen(when) > 10 && when[10] == 'T')
            when[10] = ' ';
        memcpy(p->dir, e->path, plen + 1);
        snprintf(p->id, sizeof p->id, "%s", e->id);
        snprintf(p->flow, sizeof p->flow, "%s", e->flow);
        if (e->ended)
            snprintf(p->label, sizeof p->label, "%-16s  %-14s  %s (exit %d)", when, e->flow,
                     result_words(e), e->exit_code);
        else
            snprintf(p->label, sizeof p->label, "%-16s  %-14s  %s", when, e->flow,
                     result_words(e));
        p->resumable = !e->ended && e->chain_ok;
    }
    free(list);
    return k;
}

int export_resolve_session(const char *session, const char *state_dir, char *buf, size_t len,
                           char *err, size_t errlen)
{
    struct stat st;
    if (stat(session, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(buf, len, "%s", session);
        return 0;
    }
    char dir[512];
    if (strchr(session, '/') || !*session || !strcmp(session, ".") || !strcmp(session, "..")) {
        snprintf(err, errlen, "%s: no such session folder", session);
        return -1;
    }
    if (!state_dir) {
        if (session_default_state_dir(dir, sizeof dir) != 0) {
            snprintf(err, errlen, "%s is no folder, and there is no state folder to look it up "
                     "in (give --state-dir)", session);
            return -1;
        }
        state_dir = dir;
    }
    snprintf(buf, len, "%s/sessions/%s", state_dir, session);
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: no such session folder, and no session of that id in %s/sessions",
                 session, state_dir);
        return -1;
    }
    return 0;
}
