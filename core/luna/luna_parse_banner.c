/* luna_parse_banner.c: the version banner lunacm and vtl print first, and version numbers. */
#include "luna_parse.h"
#include "luna_text.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Reads up to three dot-separated numbers and an optional "-build" from V. */
static bool read_version(struct lt_view v, int nums[3], int *build)
{
    size_t i = 0;
    int count = 0;
    nums[0] = nums[1] = nums[2] = 0;
    *build = -1;
    while (count < 3) {
        if (i >= v.len || !isdigit((unsigned char)v.s[i]))
            return false;
        long x = 0;
        while (i < v.len && isdigit((unsigned char)v.s[i]) && x < 100000)
            x = x * 10 + (v.s[i++] - '0');
        nums[count++] = (int)x;
        if (i < v.len && v.s[i] == '.' && count < 3)
            i++;
        else
            break;
    }
    if (count < 2)
        return false;
    if (i < v.len && v.s[i] == '-' && i + 1 < v.len && isdigit((unsigned char)v.s[i + 1])) {
        long b = 0;
        for (i++; i < v.len && isdigit((unsigned char)v.s[i]) && b < 1000000; i++)
            b = b * 10 + (v.s[i] - '0');
        *build = (int)b;
    }
    /* "v10.4.0-275." ends the banner's version with a dot; anything else must not follow. */
    return i == v.len || (v.s[i] == '.' && i + 1 == v.len);
}

/* The vendor: after "Copyright", an optional "(c)", the years, up to the first '.'. */
static void read_vendor(struct lt_view line, char *buf, size_t len)
{
    buf[0] = '\0';
    long at = lt_find_ci(line, "copyright");
    if (at < 0)
        return;
    struct lt_view rest = {line.s + at + 9, line.len - (size_t)at - 9};
    rest = lt_trim(rest);
    if (lt_starts_ci(rest, "(c)"))
        rest = lt_trim((struct lt_view){rest.s + 3, rest.len - 3});
    while (rest.len > 0 && (isdigit((unsigned char)rest.s[0]) || rest.s[0] == '-' ||
                            rest.s[0] == ',')) {
        rest.s++;
        rest.len--;
    }
    rest = lt_trim(rest);
    const char *dot = memchr(rest.s, '.', rest.len);
    if (dot != NULL)
        rest.len = (size_t)(dot - rest.s);
    lt_copy(buf, len, lt_trim(rest));
}

/* "TOOL [(64-bit)] vX.Y.Z-B[ (describe)]. Copyright ..." */
static bool read_banner(struct lt_view line, struct luna_version *out)
{
    struct lt_view rest = line;
    struct lt_view tool = lt_take_word(&rest);
    if (tool.len == 0 || !isalpha((unsigned char)tool.s[0]))
        return false;
    struct lt_view word = lt_take_word(&rest);
    if (word.len > 0 && word.s[0] == '(')    /* "(64-bit)" */
        word = lt_take_word(&rest);
    if (word.len < 4 || (word.s[0] != 'v' && word.s[0] != 'V'))
        return false;
    int nums[3], build;
    if (!read_version((struct lt_view){word.s + 1, word.len - 1}, nums, &build))
        return false;
    memset(out, 0, sizeof *out);
    lt_copy(out->tool, sizeof out->tool, tool);
    out->major = nums[0];
    out->minor = nums[1];
    out->patch = nums[2];
    out->build = build;
    read_vendor(line, out->vendor, sizeof out->vendor);
    return true;
}

bool luna_parse_banner(const char *text, struct luna_version *out)
{
    struct lt_lines it;
    struct lt_view line;
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        /* "lunacm:>" echo lines never hold a banner, but a banner may follow one; over a PTY
         * the shell prompt can also share the banner's line ("[ksadmin@k570 ~]$ lunacm (64-bit)
         * v10.4.0-275. Copyright ..."), so every word of a line with a copyright may start it. */
        if (read_banner(line, out))
            return true;
        if (lt_find_ci(line, "copyright") < 0)
            continue;
        for (size_t i = 1; i < line.len; i++)
            if (isspace((unsigned char)line.s[i - 1]) && !isspace((unsigned char)line.s[i]) &&
                read_banner((struct lt_view){line.s + i, line.len - i}, out))
                return true;
    }
    return false;
}

void luna_version_string(const struct luna_version *v, char *buf, size_t len)
{
    snprintf(buf, len, "%d.%d.%d", v->major, v->minor, v->patch);
}

int luna_version_cmp(int amaj, int amin, int apat, int bmaj, int bmin, int bpat)
{
    if (amaj != bmaj)
        return amaj < bmaj ? -1 : 1;
    if (amin != bmin)
        return amin < bmin ? -1 : 1;
    if (apat != bpat)
        return apat < bpat ? -1 : 1;
    return 0;
}

bool luna_parse_dotted(const char *s, int *maj, int *min, int *pat)
{
    int nums[3], build;
    if (s == NULL || !read_version(lt_trim(lt_cstr(s)), nums, &build))
        return false;
    *maj = nums[0];
    *min = nums[1];
    *pat = nums[2];
    return true;
}
