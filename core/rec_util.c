/* rec_util.c: timestamps, hashes and durable-write helpers for the record keepers. */
#include "rec_util.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

void rec_time_format(const struct timespec *t, char buf[REC_TIME_LEN])
{
    struct tm tm;
    char date[64];
    time_t secs = t->tv_sec;
    gmtime_r(&secs, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    unsigned ms = (unsigned)(t->tv_nsec / 1000000) % 1000u;
    snprintf(buf, REC_TIME_LEN, "%.19s.%03uZ", date, ms);
}

void rec_time_now(char buf[REC_TIME_LEN])
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    rec_time_format(&t, buf);
}

int rec_time_parse(const char *s, struct timespec *t)
{
    struct tm tm = {0};
    int ms = 0, used = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
        return -1;
    const char *p = s + used;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
        for (; digits < 3; digits++)
            ms *= 10;
    }
    if (*p != 'Z')
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    t->tv_sec = timegm(&tm);
    t->tv_nsec = (long)ms * 1000000L;
    return 0;
}

static void to_hex(const unsigned char *md, unsigned n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * n] = '\0';
}

int rec_sha256_hex(const void *data, size_t len, char hex[REC_SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
        return -1;
    to_hex(md, n, hex);
    return 0;
}

int rec_sha256_file(const char *path, char hex[REC_SHA256_HEX])
{
    int rc = -1;
    unsigned char buf[16384], md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
        goto out;
    for (;;) {
        ssize_t got = read(fd, buf, sizeof(buf));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            goto out;
        if (got == 0)
            break;
        if (!EVP_DigestUpdate(ctx, buf, (size_t)got))
            goto out;
    }
    if (!EVP_DigestFinal_ex(ctx, md, &n) || n != 32)
        goto out;
    to_hex(md, n, hex);
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    EVP_MD_CTX_free(ctx);
    return rc;
}

int rec_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int rec_mkdirs(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
            return -1;
        buf[i] = c;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

char *rec_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (cap - n < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

json_t *rec_json_masked(const json_t *v, const struct masker *m)
{
    if (json_is_string(v)) {
        size_t len = json_string_length(v);
        size_t need = mask_buf(m, json_string_value(v), len, NULL, 0);
        char *out = malloc(need + 1);
        if (!out)
            return NULL;
        mask_buf(m, json_string_value(v), len, out, need + 1);
        json_t *s = rec_json_stringn(out, need);
        free(out);
        return s;
    }
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)v, key, val)
            json_object_set_new(o, key, rec_json_masked(val, m));
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        for (size_t i = 0; i < json_array_size(v); i++)
            json_array_append_new(a, rec_json_masked(json_array_get(v, i), m));
        return a;
    }
    return json_deep_copy(v);
}

json_t *rec_json_stringn(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (j || !s)
        return j;
    /* Not UTF-8: keep the ASCII, show every other byte as '?'. */
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < len; i++)
        copy[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    copy[len] = '\0';
    j = json_stringn(copy, len);
    free(copy);
    return j;
}

json_t *rec_json_string(const char *s)
{
    return s ? rec_json_stringn(s, strlen(s)) : NULL;
}
