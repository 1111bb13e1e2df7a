/* rec_test.h: helpers shared by the record tests: temporary folders and file contents. */
#ifndef ROTWIZ_REC_TEST_H
#define ROTWIZ_REC_TEST_H
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rec_util.h"

/* A fresh folder under TMPDIR (or /tmp) in BUF. */
static inline void rt_tempdir(char *buf, size_t len)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, len, "%s/rotwiz-rec-XXXXXX", t && t[0] ? t : "/tmp");
    if (!mkdtemp(buf))
        abort();
}

static inline int rt_rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(path);
}

/* rm -rf PATH. */
static inline void rt_rmtree(const char *path)
{
    nftw(path, rt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Whole file (NUL-terminated) or NULL; *LEN its size when LEN is not NULL. */
static inline char *rt_slurp(const char *path, size_t *len)
{
    return rec_read_file(path, len);
}

/* Does the file hold NEEDLE anywhere (as bytes)? */
static inline int rt_file_contains(const char *path, const char *needle)
{
    size_t len = 0;
    char *buf = rec_read_file(path, &len);
    if (!buf)
        return 0;
    int hit = memmem(buf, len, needle, strlen(needle)) != NULL;
    free(buf);
    return hit;
}

/* Writes TEXT to PATH. */
static inline void rt_write(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len)
        abort();
    fclose(f);
}

#endif
