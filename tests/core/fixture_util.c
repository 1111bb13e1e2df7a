/* fixture_util.c: loads test fixtures from tests/core/fixtures. */
#include "fixture_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *fixture_load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURE_DIR, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        abort();
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (buf == NULL)
        abort();
    buf[len] = '\0';
    return buf;
}

/* Replaces every character C that satisfies AT_LINE_START (when set) by REPL. */
static char *replace(char *src, char c, const char *repl, int at_line_start)
{
    size_t rl = strlen(repl), count = 0;
    for (char *p = src; *p; p++)
        if (*p == c)
            count++;
    char *out = malloc(strlen(src) + count * rl + 1);
    if (out == NULL)
        abort();
    char *o = out;
    int line_start = 1;
    for (char *p = src; *p; p++) {
        if (*p == c && (!at_line_start || line_start)) {
            memcpy(o, repl, rl);
            o += rl;
        } else {
            *o++ = *p;
            if (*p != '\t')
                line_start = 0;
        }
        if (*p == '\n')
            line_start = 1;
    }
    *o = '\0';
    free(src);
    return out;
}

char *fixture_load_crlf(const char *name)
{
    return replace(fixture_load(name), '\n', "\r\n", 0);
}

char *fixture_load_indent(const char *name, const char *indent)
{
    return replace(fixture_load(name), '\t', indent, 1);
}
