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

static char fuzz_dir_path[64], fuzz_file_path[128];

/* Removes the file and the folder at exit (libFuzzer ends with exit()). */
static inline void fuzz_cleanup(void)
{
    if (fuzz_file_path[0])
        unlink(fuzz_file_path);
    rmdir(fuzz_dir_path);
}

/* A private folder for this process (in /dev/shm when there is one: no disk writes). */
static inline const char *fuzz_dir(void)
{
    if (fuzz_dir_path[0] == '\0') {
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/rotwiz-fuzz-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (mkdtemp(fuzz_dir_path) == NULL)
            abort();
        atexit(fuzz_cleanup);
    }
    return fuzz_dir_path;
}

/* Writes DATA to fuzz_dir()/NAME with MODE (one NAME per harness); returns the path. */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size,
                                    mode_t mode)
{
    char *path = fuzz_file_path;
    snprintf(path, sizeof fuzz_file_path, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    chmod(path, mode);
    return path;
}

#endif
