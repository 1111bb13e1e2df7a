/* transcript.c: the bounded, masked, durable transcript. */
#include "transcript.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include "rec_util.h"

struct tx_slot {
    struct tx_entry e;
    char *text;
};

struct transcript {
    pthread_mutex_t lock;
    struct masker *masker;
    const struct journal *journal;
    struct tx_slot *ring;
    size_t cap;
    size_t head;                    /* index of the oldest line */
    size_t count;
    unsigned long total;
    char step[TX_STEP_MAX];
    int fd;
};

struct transcript *tx_new(struct masker *m, size_t capacity)
{
    struct transcript *tx = calloc(1, sizeof(*tx));
    if (!tx)
        return NULL;
    tx->cap = capacity ? capacity : TX_DEFAULT_CAPACITY;
    tx->ring = calloc(tx->cap, sizeof(*tx->ring));
    if (!tx->ring) {
        free(tx);
        return NULL;
    }
    tx->masker = m;
    tx->fd = -1;
    pthread_mutex_init(&tx->lock, NULL);
    return tx;
}

void tx_free(struct transcript *tx)
{
    if (!tx)
        return;
    if (tx->fd >= 0) {
        fsync(tx->fd);
        close(tx->fd);
    }
    for (size_t i = 0; i < tx->cap; i++)
        free(tx->ring[i].text);
    free(tx->ring);
    pthread_mutex_destroy(&tx->lock);
    free(tx);
}

int tx_open_file(struct transcript *tx, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    /* Cut an incomplete last line (a crash mid-write) so new lines start clean. */
    off_t end = st.st_size;
    char c = '\n';
    while (end > 0 && pread(fd, &c, 1, end - 1) == 1 && c != '\n')
        end--;
    if (end != st.st_size && ftruncate(fd, end) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    pthread_mutex_lock(&tx->lock);
    if (tx->fd >= 0)
        close(tx->fd);
    tx->fd = fd;
    pthread_mutex_unlock(&tx->lock);
    return 0;
}

void tx_set_journal(struct transcript *tx, const struct journal *j)
{
    pthread_mutex_lock(&tx->lock);
    tx->journal = j;
    pthread_mutex_unlock(&tx->lock);
}

int tx_sync(struct transcript *tx)
{
    pthread_mutex_lock(&tx->lock);
    int rc = tx->fd >= 0 ? fsync(tx->fd) : 0;
    pthread_mutex_unlock(&tx->lock);
    return rc;
}

void tx_set_step(struct transcript *tx, const char *step)
{
    pthread_mutex_lock(&tx->lock);
    snprintf(tx->step, sizeof(tx->step), "%s", step ? step : "");
    if (tx->fd >= 0)
        fsync(tx->fd);
    pthread_mutex_unlock(&tx->lock);
}

const char *tx_dir_name(enum tx_direction dir)
{
    switch (dir) {
    case TX_SENT:
        return "sent";
    case TX_RECEIVED:
        return "received";
    default:
        return "info";
    }
}

enum tx_direction tx_dir_parse(const char *name)
{
    if (name && !strcmp(name, "sent"))
        return TX_SENT;
    if (name && !strcmp(name, "received"))
        return TX_RECEIVED;
    return TX_INFO;
}

/* One JSON line for the file; called with the lock held. */
static int write_line(struct transcript *tx, const struct tx_entry *e, const char *text)
{
    char when[REC_TIME_LEN];
    rec_time_format(&e->when, when);
    json_t *o = json_object();
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "host", rec_json_string(e->host));
    json_object_set_new(o, "dir", json_string(tx_dir_name(e->dir)));
    json_object_set_new(o, "step", rec_json_string(e->step));
    /* Invalid UTF-8 is refused by jansson: fall back to the escaped form. */
    json_t *t = json_string(text);
    if (!t) {
        size_t n = strlen(text) * 4 + 1;
        char *esc = malloc(n);
        if (esc) {
            tx_escape_controls(text, esc, n);
            t = json_string(esc);
            free(esc);
        }
    }
    json_object_set_new(o, "text", t ? t : json_string(""));
    if (tx->journal)
        json_object_set_new(o, "jseq", json_integer((json_int_t)journal_last_seq(tx->journal)));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s)
        return -1;
    size_t n = strlen(s);
    s[n] = '\n';    /* json_dumps leaves room only for the NUL, which this overwrites */
    int rc = rec_write_all(tx->fd, s, n + 1);
    free(s);
    return rc;
}

/* tx_append_line tagged with STEP, or with the step set last when STEP is NULL. */
static int append_line(struct transcript *tx, const char *host, const char *step,
                       enum tx_direction dir, const char *line, char *masked, size_t maskedlen)
{
    char small[2048];
    char *text = small;
    size_t len = strlen(line);
    size_t need = mask_buf(tx->masker, line, len, small, sizeof(small));
    if (need >= sizeof(small)) {
        text = malloc(need + 1);
        if (!text)
            return -1;
        mask_buf(tx->masker, line, len, text, need + 1);
    }
    int rc = 0;
    char *copy = strdup(text);
    if (masked && maskedlen)
        snprintf(masked, maskedlen, "%s", text);
    if (!copy) {
        rc = -1;
        goto out;
    }
    pthread_mutex_lock(&tx->lock);
    size_t at = (tx->head + tx->count) % tx->cap;
    if (tx->count == tx->cap) {
        at = tx->head;
        tx->head = (tx->head + 1) % tx->cap;
        tx->count--;
    }
    struct tx_slot *s = &tx->ring[at];
    free(s->text);
    s->text = copy;
    clock_gettime(CLOCK_REALTIME, &s->e.when);
    snprintf(s->e.host, sizeof(s->e.host), "%s", host ? host : "");
    s->e.dir = dir;
    if (step)
        snprintf(s->e.step, sizeof(s->e.step), "%s", step);
    else
        memcpy(s->e.step, tx->step, sizeof(s->e.step));
    s->e.number = ++tx->total;
    tx->count++;
    if (tx->fd >= 0 && write_line(tx, &s->e, copy) != 0)
        rc = -1;
    pthread_mutex_unlock(&tx->lock);
out:
    if (text != small)
        free(text);
    return rc;
}

int tx_append_line(struct transcript *tx, const char *host, enum tx_direction dir,
                   const char *line, char *masked, size_t maskedlen)
{
    return append_line(tx, host, NULL, dir, line, masked, maskedlen);
}

int tx_append(struct transcript *tx, const struct core_sink *sink, const char *host,
              enum tx_direction dir, const char *text)
{
    return tx_append_in_step(tx, sink, host, NULL, dir, text);
}

int tx_append_in_step(struct transcript *tx, const struct core_sink *sink, const char *host,
                      const char *step, enum tx_direction dir, const char *text)
{
    int stored = 0;
    bool failed = false;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        size_t keep = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
        char *line = strndup(p, keep);
        if (!line)
            return -1;
        size_t outlen = keep * 9 + 16;    /* stars are longer than short secrets */
        char *masked = malloc(outlen);
        if (!masked) {
            OPENSSL_cleanse(line, keep);
            free(line);
            return -1;
        }
        failed |= append_line(tx, host, step, dir, line, masked, outlen) != 0;
        stored++;
        if (sink) {
            struct core_event ev = {.type = EV_TRANSCRIPT_LINE};
            ev.u.line.host = host;
            ev.u.line.dir = dir;
            ev.u.line.text = masked;
            core_emit(sink, &ev);
        }
        OPENSSL_cleanse(line, keep);    /* the raw line may hold a secret */
        free(line);
        free(masked);
        p = nl ? nl + 1 : p + len;
    }
    return failed ? -1 : stored;
}

int tx_append_secret(struct transcript *tx, const struct core_sink *sink, const char *host)
{
    return tx_append(tx, sink, host, TX_SENT, MASK_STARS);
}

size_t tx_count(struct transcript *tx)
{
    pthread_mutex_lock(&tx->lock);
    size_t n = tx->count;
    pthread_mutex_unlock(&tx->lock);
    return n;
}

unsigned long tx_total(struct transcript *tx)
{
    pthread_mutex_lock(&tx->lock);
    unsigned long n = tx->total;
    pthread_mutex_unlock(&tx->lock);
    return n;
}

int tx_get(struct transcript *tx, size_t i, struct tx_entry *e, char *text, size_t textlen)
{
    int rc = -1;
    pthread_mutex_lock(&tx->lock);
    if (i < tx->count) {
        const struct tx_slot *s = &tx->ring[(tx->head + i) % tx->cap];
        if (e)
            *e = s->e;
        if (text && textlen)
            snprintf(text, textlen, "%s", s->text);
        rc = 0;
    }
    pthread_mutex_unlock(&tx->lock);
    return rc;
}

/* Length of the valid UTF-8 sequence at S (up to N bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t len;
    unsigned long c;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        c = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        c = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

size_t tx_escape_controls(const char *in, char *out, size_t outlen)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = strlen(in), o = 0, col = 0;
    if (outlen == 0)
        return 0;
    for (size_t i = 0; i < n;) {
        char piece[16];
        size_t plen;
        unsigned long cp = 0;
        size_t len = utf8_len(s + i, n - i, &cp);
        if (len == 0) {
            plen = (size_t)snprintf(piece, sizeof(piece), "\\x%02X", s[i]);
            len = 1;
        } else if (cp == 0x1b) {
            plen = 2;
            memcpy(piece, "^[", 2);
        } else if (cp == '\t') {
            plen = 8 - col % 8;
            memset(piece, ' ', plen);
        } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
            plen = (size_t)snprintf(piece, sizeof(piece), "\\x%02lX", cp);
        } else {
            plen = len;
            memcpy(piece, s + i, len);
        }
        if (o + plen + 1 > outlen)
            break;
        memcpy(out + o, piece, plen);
        o += plen;
        col += len > 1 && plen == len ? 1 : plen;
        i += len;
    }
    out[o] = '\0';
    return o;
}
