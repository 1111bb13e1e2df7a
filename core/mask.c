/* mask.c: secret masking. Every rule marks byte ranges of the input in one map; runs of marked
 * bytes are then written as one MASK_STARS. Marking instead of replacing in turn makes overlaps,
 * nested secrets and a value that is also an option value all come out right. */
#include "mask.h"
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

struct mask_secret {
    char *value;
    size_t len;
};

struct masker {
    pthread_mutex_t lock;
    struct mask_secret *secrets;
    size_t count;
    size_t cap;
};

struct masker *mask_new(void)
{
    struct masker *m = calloc(1, sizeof(*m));
    if (m && pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void mask_free(struct masker *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->count; i++) {
        OPENSSL_cleanse(m->secrets[i].value, m->secrets[i].len);
        free(m->secrets[i].value);
    }
    if (m->secrets)
        OPENSSL_cleanse(m->secrets, m->cap * sizeof(*m->secrets));
    free(m->secrets);
    pthread_mutex_destroy(&m->lock);
    OPENSSL_cleanse(m, sizeof(*m));
    free(m);
}

int mask_add_secret(struct masker *m, const char *value)
{
    int rc = 0;
    size_t len = value ? strlen(value) : 0;
    if (!m || len == 0)
        return 0;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->count; i++)
        if (m->secrets[i].len == len && memcmp(m->secrets[i].value, value, len) == 0)
            goto out;
    if (m->count == m->cap) {
        /* Grow by hand so the old array can be wiped: realloc could leave pointers behind. */
        size_t ncap = m->cap ? m->cap * 2 : 8;
        struct mask_secret *n = calloc(ncap, sizeof(*n));
        if (!n) {
            rc = -1;
            goto out;
        }
        if (m->secrets) {
            memcpy(n, m->secrets, m->count * sizeof(*n));
            OPENSSL_cleanse(m->secrets, m->cap * sizeof(*n));
            free(m->secrets);
        }
        m->secrets = n;
        m->cap = ncap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        rc = -1;
        goto out;
    }
    memcpy(copy, value, len + 1);
    m->secrets[m->count].value = copy;
    m->secrets[m->count].len = len;
    m->count++;
out:
    pthread_mutex_unlock(&m->lock);
    return rc;
}

size_t mask_secret_count(const struct masker *m)
{
    if (!m)
        return 0;
    pthread_mutex_lock((pthread_mutex_t *)&m->lock);
    size_t n = m->count;
    pthread_mutex_unlock((pthread_mutex_t *)&m->lock);
    return n;
}

static void mark(unsigned char *map, size_t from, size_t to)
{
    if (to > from)
        memset(map + from, 1, to - from);
}

/* Every occurrence of every known value, overlapping ones included. */
static void mark_values(const struct masker *m, const char *in, size_t len, unsigned char *map)
{
    if (!m)
        return;
    pthread_mutex_lock((pthread_mutex_t *)&m->lock);
    for (size_t i = 0; i < m->count; i++) {
        const struct mask_secret *s = &m->secrets[i];
        const char *p = in;
        size_t left = len;
        const char *hit;
        while (left >= s->len && (hit = memmem(p, left, s->value, s->len)) != NULL) {
            size_t at = (size_t)(hit - in);
            mark(map, at, at + s->len);
            p = hit + 1;
            left = len - (at + 1);
        }
    }
    pthread_mutex_unlock((pthread_mutex_t *)&m->lock);
}

static bool is_prefix_of(const char *name, size_t n, const char *word, size_t min)
{
    return n >= min && n <= strlen(word) && strncmp(name, word, n) == 0;
}

/* Is NAME (lower case, dashes stripped) an option whose value is a secret? lunacm accepts
 * unique abbreviations, so prefixes of the long names count too. */
static bool secret_option(const char *name, size_t n)
{
    static const char *const exact[] = {"p", "pw", "pwd", "pin", "passwd", "sopw", "sopin",
                                        "newpw", "oldpw", "newpin", "oldpin", "copw", "copin",
                                        "challenge", "secret", "passphrase"};
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strlen(exact[i]) == n && strncmp(name, exact[i], n) == 0)
            return true;
    /* the vendor abbreviates: -pas (-password), -sop (-sopassword); -pa would be ambiguous */
    if (is_prefix_of(name, n, "password", 3) || is_prefix_of(name, n, "sopassword", 3))
        return true;
    char buf[64];
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, name, n);
    buf[n] = '\0';
    return strstr(buf, "password") || strstr(buf, "passwd") || strstr(buf, "passphrase");
}

/* Option values: `-password X`, `--password=X`, `-p 'a b'`... An option starts a token. */
static void mark_options(const char *in, size_t len, unsigned char *map)
{
    for (size_t i = 0; i < len; i++) {
        if (in[i] != '-' || (i > 0 && !isspace((unsigned char)in[i - 1])))
            continue;
        size_t j = i + 1;
        if (j < len && in[j] == '-')
            j++;
        size_t name_at = j;
        char name[64];
        size_t n = 0;
        while (j < len && (isalnum((unsigned char)in[j]) || in[j] == '_' ||
                           (in[j] == '-' && j > name_at))) {
            if (n < sizeof(name))
                name[n++] = (char)tolower((unsigned char)in[j]);
            j++;
        }
        if (n == 0 || n == sizeof(name) || !isalpha((unsigned char)name[0]) ||
            !secret_option(name, n))
            continue;
        size_t v;
        if (j < len && in[j] == '=') {
            v = j + 1;
        } else if (j == len || isspace((unsigned char)in[j])) {
            v = j;
            while (v < len && isspace((unsigned char)in[v]))
                v++;
        } else {
            continue;
        }
        if (v >= len)
            continue;
        size_t e = v;
        if (in[v] == '"' || in[v] == '\'') {
            char q = in[v];
            e = v + 1;
            while (e < len && in[e] != q)
                e++;
            if (e < len)
                e++;    /* the closing quote goes too */
        } else {
            while (e < len && !isspace((unsigned char)in[e]))
                e++;
        }
        mark(map, v, e);
        i = e > i ? e - 1 : i;
    }
}

static bool word_in(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && strncmp(w, list[i], n) == 0)
            return true;
    return false;
}

/* Does the text before a delimiter read like a password prompt? It must name a secret and
 * start like a request ("Enter", "Re-enter", "Please"...), start with the secret's name
 * ("Password for server.key:") or end with it ("SO Password:"). This keeps status lines such
 * as "Partition SO PIN To Be Changed -> no" intact. */
static bool prompt_prefix(const char *s, size_t n)
{
    static const char *const keys[] = {"password", "passwords", "passwd", "passphrase", "pin",
                                       "challenge", "secret", "passcode", "pw"};
    static const char *const verbs[] = {"enter", "re", "reenter", "confirm", "please", "retype",
                                        "type", "new", "old", "current", "verify", "repeat",
                                        "provide", "input"};
    const size_t nkeys = sizeof(keys) / sizeof(keys[0]);
    bool first = true, starts_ok = false, has_key = false, last_key = false;
    size_t i = 0;
    while (i < n) {
        while (i < n && !isalnum((unsigned char)s[i]))
            i++;
        if (i >= n)
            break;
        char w[32];
        size_t wl = 0;
        while (i < n && isalnum((unsigned char)s[i])) {
            if (wl < sizeof(w))
                w[wl++] = (char)tolower((unsigned char)s[i]);
            i++;
        }
        bool key = wl < sizeof(w) && word_in(w, wl, keys, nkeys);
        if (first && wl < sizeof(w))
            starts_ok = key || word_in(w, wl, verbs, sizeof(verbs) / sizeof(verbs[0]));
        first = false;
        has_key = has_key || key;
        last_key = key;
    }
    return has_key && (starts_ok || last_key);
}

/* A prompt followed by typed text on the same line: everything typed is hidden. */
static void mark_prompt(const char *in, size_t len, unsigned char *map)
{
    /* A prompt is short; a delimiter far into a line is data, not a prompt. */
    for (size_t d = 0; d < len && d <= 160; d++) {
        size_t after;
        if (in[d] == ':' && (d + 1 >= len || in[d + 1] != ':') && (d == 0 || in[d - 1] != ':'))
            after = d + 1;
        else if (in[d] == '-' && d + 1 < len && in[d + 1] == '>')
            after = d + 2;
        else
            continue;
        if (!prompt_prefix(in, d))
            continue;
        while (after < len && isspace((unsigned char)in[after]))
            after++;
        size_t end = len;
        while (end > after && isspace((unsigned char)in[end - 1]))
            end--;
        mark(map, after, end);
        return;
    }
}

size_t mask_buf(const struct masker *m, const char *in, size_t len, char *out, size_t outlen)
{
    unsigned char small[1024];
    unsigned char *map = len <= sizeof(small) ? small : malloc(len);
    size_t o = 0;
    if (!map) {
        /* Cannot tell what is secret: hide the whole line rather than risk it. */
        if (outlen)
            snprintf(out, outlen, "%s", MASK_STARS);
        return strlen(MASK_STARS);
    }
    memset(map, 0, len);
    mark_values(m, in, len, map);
    mark_options(in, len, map);
    mark_prompt(in, len, map);
    for (size_t i = 0; i < len; i++) {
        if (map[i]) {
            if (i > 0 && map[i - 1])
                continue;
            for (const char *s = MASK_STARS; *s; s++, o++)
                if (o + 1 < outlen)
                    out[o] = *s;
        } else {
            if (o + 1 < outlen)
                out[o] = in[i];
            o++;
        }
    }
    if (outlen)
        out[o < outlen ? o : outlen - 1] = '\0';
    if (map != small)
        free(map);
    return o;
}

size_t mask_line(const struct masker *m, const char *in, char *out, size_t outlen)
{
    return mask_buf(m, in, strlen(in), out, outlen);
}
