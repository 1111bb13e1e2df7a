/* luna_text.c: line and word helpers shared by the Luna output parsers. */
#include "luna_text.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

bool lt_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void lt_lines_init(struct lt_lines *it, const char *text)
{
    it->p = text;
}

bool lt_next_line(struct lt_lines *it, struct lt_view *line)
{
    if (it->p == NULL || *it->p == '\0')
        return false;
    const char *start = it->p;
    const char *nl = strchr(start, '\n');
    size_t len = nl ? (size_t)(nl - start) : strlen(start);
    it->p = nl ? nl + 1 : start + len;
    *line = lt_trim((struct lt_view){start, len});
    return true;
}

struct lt_view lt_trim(struct lt_view v)
{
    while (v.len > 0 && lt_blank(v.s[0])) {
        v.s++;
        v.len--;
    }
    while (v.len > 0 && lt_blank(v.s[v.len - 1]))
        v.len--;
    return v;
}

struct lt_view lt_cstr(const char *s)
{
    return (struct lt_view){s, s ? strlen(s) : 0};
}

bool lt_starts_ci(struct lt_view v, const char *prefix)
{
    size_t n = strlen(prefix);
    return v.len >= n && strncasecmp(v.s, prefix, n) == 0;
}

bool lt_ends_ci(struct lt_view v, const char *suffix)
{
    size_t n = strlen(suffix);
    return v.len >= n && strncasecmp(v.s + v.len - n, suffix, n) == 0;
}

long lt_find_ci(struct lt_view v, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= v.len; i++)
        if (strncasecmp(v.s + i, needle, n) == 0)
            return (long)i;
    return -1;
}

bool lt_same_words(struct lt_view v, const char *words)
{
    struct lt_view w = lt_trim(lt_cstr(words));
    v = lt_trim(v);
    size_t i = 0, j = 0;
    while (i < v.len && j < w.len) {
        if (lt_blank(v.s[i]) && lt_blank(w.s[j])) {
            while (i < v.len && lt_blank(v.s[i]))
                i++;
            while (j < w.len && lt_blank(w.s[j]))
                j++;
            continue;
        }
        if (tolower((unsigned char)v.s[i]) != tolower((unsigned char)w.s[j]))
            return false;
        i++;
        j++;
    }
    return i == v.len && j == w.len;
}

bool lt_split(struct lt_view line, const char *sep, struct lt_view *name, struct lt_view *value)
{
    size_t n = strlen(sep);
    for (size_t i = 0; i + n <= line.len; i++) {
        if (memcmp(line.s + i, sep, n) == 0) {
            *name = lt_trim((struct lt_view){line.s, i});
            *value = lt_trim((struct lt_view){line.s + i + n, line.len - i - n});
            return true;
        }
    }
    return false;
}

void lt_copy(char *buf, size_t len, struct lt_view v)
{
    if (len == 0)
        return;
    size_t n = v.len < len - 1 ? v.len : len - 1;
    if (n > 0)
        memcpy(buf, v.s, n);
    buf[n] = '\0';
}

bool lt_to_long(struct lt_view v, long *out)
{
    v = lt_trim(v);
    if (v.len == 0 || v.len > 18)
        return false;
    long x = 0;
    size_t i = 0;
    bool neg = false;
    if (v.s[0] == '-') {
        neg = true;
        i = 1;
        if (v.len == 1)
            return false;
    }
    for (; i < v.len; i++) {
        if (!isdigit((unsigned char)v.s[i]))
            return false;
        x = x * 10 + (v.s[i] - '0');
    }
    *out = neg ? -x : x;
    return true;
}

struct lt_view lt_take_word(struct lt_view *v)
{
    *v = lt_trim(*v);
    size_t i = 0;
    while (i < v->len && !lt_blank(v->s[i]))
        i++;
    struct lt_view word = {v->s, i};
    *v = lt_trim((struct lt_view){v->s + i, v->len - i});
    return word;
}

struct lt_view lt_last_nonblank_line(const char *text)
{
    struct lt_view last = {text ? text : "", 0};
    struct lt_lines it;
    struct lt_view line;
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line))
        if (line.len > 0)
            last = line;
    return last;
}
