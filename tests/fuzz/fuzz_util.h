/* fuzz_util.h: what the libFuzzer harnesses share: a NUL-terminated copy of the input, and the
 * input written to a file (the loaders read files). Header-only: each harness builds alone. */
#ifndef ROTWIZ_FUZZ_UTIL_H
#define ROTWIZ_FUZZ_UTIL_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'd copy of DATA with a NUL after it (embedded NULs end the text early, as they
 * would for the parsers' callers). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* A private folder for this process (in /dev/shm when there is one: no disk writes). */
static inline const char *fuzz_dir(void)
{
    static char dir[64];
    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "%s/rotwiz-fuzz-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (mkdtemp(dir) == NULL)
            abort();
    }
    return dir;
}

/* Writes DATA to fuzz_dir()/NAME with MODE; returns the path (static). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size,
                                    mode_t mode)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    chmod(path, mode);
    return path;
}

#endif
