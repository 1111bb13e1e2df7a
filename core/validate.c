/* validate.c: the character set and length of every kind of value that reaches a device, a
 * command line or a record. docs/VALIDATION.md explains each limit. */
#include "validate.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Which bytes a kind accepts (beyond the rules every kind shares). */
enum charset {
    CS_NAME,        /* letters, digits, '.', '_', '-' */
    CS_DOMAIN,      /* printable ASCII but space, quotes and backslash */
    CS_HOST,        /* letters, digits, '.', '_', '-', ':' (IPv6) */
    CS_REMOTE,      /* letters, digits, '.', '_', '/', '+', '-' */
    CS_LOCAL,       /* anything but control characters (spaces allowed) */
    CS_PRINTABLE,   /* printable ASCII without space: 0x21-0x7e */
    CS_TEXT         /* UTF-8 text without control characters (spaces allowed) */
};

struct kind_rule {
    const char *name;
    size_t min, max;
    enum charset cs;
    bool dash_ok;           /* may start with '-' */
    bool secret;            /* never say where or how long: that tells about the value */
    const char *allowed;    /* the character set, in words */
    const char *why_set;    /* why other characters are refused, and the fix */
    const char *why_max;    /* where the longest length comes from */
};

static const struct kind_rule rules[VK_COUNT] = {
    [VK_PARTITION] = {"partition name", 1, 32, CS_NAME, false, false,
        "letters, digits, '.', '_' and '-'",
        "it is typed into lunacm as one command word; rename the partition (e.g. "
        "rot-backup-2026-11)",
        "the longest Luna partition label"},
    [VK_DOMAIN] = {"cloning domain", 1, 128, CS_DOMAIN, false, false,
        "printable ASCII without spaces, quotes or backslashes",
        "it is typed into lunacm as one option value, where quotes and backslashes are "
        "interpreted; use the domain the HSMs were initialised with",
        "the longest Luna domain string"},
    [VK_HOST] = {"host", 1, 253, CS_HOST, false, false,
        "letters, digits, '.', '_', '-' and ':' (IPv6)",
        "give just the host name or IP address, e.g. 192.0.2.10",
        "the longest DNS name"},
    [VK_USER] = {"user name", 1, 32, CS_NAME, false, false,
        "letters, digits, '.', '_' and '-'",
        "give the appliance's login name, e.g. ksadmin",
        "the longest Linux user name"},
    [VK_REMOTE_PATH] = {"folder on the k570", 1, 255, CS_REMOTE, false, false,
        "letters, digits, '.', '_', '/', '+' and '-'",
        "the k570's shell runs it, and there spaces, quotes, '~', '$', ';', '&', '|' and the "
        "like have a meaning; give the plain absolute folder, e.g. /usr/safenet/lunaclient/bin",
        "the longest file name a k570 folder may have"},
    [VK_LOCAL_PATH] = {"path", 1, 4095, CS_LOCAL, false, false,
        "any character but control characters",
        "rename the file or folder",
        "PATH_MAX on Linux"},
    [VK_SECRET] = {"secret", 7, 255, CS_DOMAIN, false, true,
        "printable ASCII without spaces, quotes or backslashes, not starting with '-'",
        "it is typed into lunacm as an option value (-p, -sop, -pas); change the secret on "
        "the HSM",
        "the longest Luna password"},
    [VK_RBS_SECRET] = {"secret", 1, 255, CS_PRINTABLE, true, true,
        "printable ASCII without spaces (0x21-0x7e)",
        "rbs reads one word and terminals type other characters differently; regenerate the "
        "RBS key (rbs --genkey) with a password of printable ASCII without spaces",
        "the longest Luna password"},
    [VK_PERSON] = {"name", 1, 64, CS_TEXT, true, false,
        "any text without control characters",
        "type the name on one line",
        "what a journal record keeps readable"},
};

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Control characters: C0, DEL, and for UTF-8 text the C1 range U+0080..U+009F (C2 80..9F). */
static bool is_control(const unsigned char *v, size_t i, size_t n, bool utf8)
{
    if (v[i] < 0x20 || v[i] == 0x7f)
        return true;
    return utf8 && v[i] == 0xc2 && i + 1 < n && v[i + 1] >= 0x80 && v[i + 1] <= 0x9f;
}

static bool in_set(enum charset cs, unsigned char c)
{
    switch (cs) {
    case CS_NAME: return is_alnum(c) || c == '.' || c == '_' || c == '-';
    case CS_DOMAIN: return c >= 0x21 && c <= 0x7e && c != '"' && c != '\'' && c != '\\';
    case CS_HOST: return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == ':';
    case CS_REMOTE: return is_alnum(c) || c == '.' || c == '_' || c == '/' || c == '+' ||
                           c == '-';
    case CS_PRINTABLE: return c >= 0x21 && c <= 0x7e;
    case CS_LOCAL:
    case CS_TEXT: return true;   /* only control characters are refused, checked before */
    }
    return false;
}

/* Length as the operator counts it: UTF-8 continuation bytes are not characters of their own
 * in names; every other kind is ASCII, where bytes and characters agree. */
static size_t char_count(const unsigned char *v, size_t n, bool utf8)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += !(utf8 && (v[i] & 0xc0) == 0x80);
    return count;
}

static bool refuse(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool refuse(char *why, size_t len, const char *fmt, ...)
{
    if (why && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
    }
    return false;
}

bool validate_value_n(enum value_kind k, const char *value, size_t n, char *why, size_t len)
{
    if ((unsigned)k >= VK_COUNT || value == NULL)
        return refuse(why, len, "no value; give one");
    const struct kind_rule *r = &rules[k];
    const unsigned char *v = (const unsigned char *)value;
    bool utf8 = r->cs == CS_TEXT;
    if (n == 0)
        return refuse(why, len, "is empty; give a %s", r->name);
    /* Control characters first: whatever else is wrong, a newline typed into lunacm ends the
     * command and starts another one. */
    char at[40] = "";   /* where, for values that are not secrets */
    for (size_t i = 0; i < n; i++) {
        if (!is_control(v, i, n, utf8))
            continue;
        if (!r->secret)
            snprintf(at, sizeof at, "character %zu: ", i + 1);
        return refuse(why, len, "holds a control character (%sa newline, carriage return, tab, "
                      "NUL or escape); remove it: a newline typed into a device ends the "
                      "command and starts another one", at);
    }
    if (v[0] == '-' && !r->dash_ok)
        return refuse(why, len, "starts with '-'; give it without the leading '-': the "
                      "device would read it as an option");
    if (r->cs == CS_REMOTE && v[0] != '/')
        return refuse(why, len, "is not an absolute path; give the folder from '/', e.g. "
                      "/usr/safenet/lunaclient/bin ('~' and relative folders depend on the "
                      "k570's shell)");
    for (size_t i = 0; i < n; i++) {
        if (in_set(r->cs, v[i]))
            continue;
        if (!r->secret)
            snprintf(at, sizeof at, " (character %zu)", i + 1);
        if (v[i] == ' ')
            return refuse(why, len, "holds a space%s: the device splits a command at spaces, "
                          "so the rest would become another word, even an option; a %s may "
                          "hold %s: %s", at, r->name, r->allowed, r->why_set);
        return refuse(why, len, "holds a character that is not allowed%s; a %s may hold %s: "
                      "%s", at, r->name, r->allowed, r->why_set);
    }
    size_t count = char_count(v, n, utf8);
    if (count < r->min)   /* only secrets have a minimum above 1 */
        return refuse(why, len, "is shorter than %zu characters; Luna HSMs refuse shorter "
                      "passwords, and a refused login counts towards the HSM's lockout: give "
                      "the full secret", r->min);
    if (count > r->max && r->secret)
        return refuse(why, len, "is longer than %zu characters (%s); give a shorter %s",
                      r->max, r->why_max, r->name);
    if (count > r->max)
        return refuse(why, len, "is %zu characters long, longer than %zu (%s); give a "
                      "shorter %s", count, r->max, r->why_max, r->name);
    return true;
}

bool validate_value(enum value_kind k, const char *v, char *why, size_t len)
{
    return validate_value_n(k, v, v ? strlen(v) : 0, why, len);
}

size_t validate_min_len(enum value_kind k)
{
    return (unsigned)k < VK_COUNT ? rules[k].min : 0;
}

size_t validate_max_len(enum value_kind k)
{
    return (unsigned)k < VK_COUNT ? rules[k].max : 0;
}

const char *validate_kind_name(enum value_kind k)
{
    return (unsigned)k < VK_COUNT ? rules[k].name : "value";
}

/* Line of the first NUL byte in F, or of a \x00 escape inside a string (libconfig turns it
 * into a NUL), or 0 when there is none. libconfig would silently cut the value short at
 * either. A '#' comment is skipped (it may quote the escape). */
int validate_nul_line(FILE *f, bool *escaped)
{
    int line = 1, c, run = 0;   /* run: backslashes just read */
    int state = 0;              /* 1: read an escaping backslash and 'x'; 2: and a '0' */
    bool in_string = false, in_comment = false;
    *escaped = false;
    while ((c = getc(f)) != EOF) {
        if (c == '\0')
            return line;
        if (c == '\n') {
            line++;
            in_comment = false;
        }
        if (in_comment)
            continue;
        if (c == '0' && state == 2) {
            *escaped = true;
            return line;
        }
        state = c == '0' && state == 1 ? 2 : 0;
        if (in_string && (c == 'x' || c == 'X') && run % 2 == 1)
            state = 1;
        if (c == '"' && run % 2 == 0)
            in_string = !in_string;
        else if (c == '#' && !in_string)
            in_comment = true;
        run = c == '\\' ? run + 1 : 0;
    }
    return 0;
}

size_t sh_quote(const char *in, char *out, size_t len)
{
    size_t need = 0;
    /* Appends C when it fits, always counts it. */
#define PUT(c)                       \
    do {                             \
        if (out && need + 1 < len)   \
            out[need] = (c);         \
        need++;                      \
    } while (0)
    PUT('\'');
    for (const char *p = in ? in : ""; *p; p++) {
        if (*p == '\'') {
            /* close the quote, an escaped quote, open again: '\'' */
            PUT('\'');
            PUT('\\');
            PUT('\'');
            PUT('\'');
        } else {
            PUT(*p);
        }
    }
    PUT('\'');
#undef PUT
    if (out && len > 0)
        out[need < len ? need : len - 1] = '\0';
    return need;
}

bool validate_nul_free(FILE *f, const char *path, const char *what, char *err, size_t len)
{
    bool escaped = false;
    int nul = validate_nul_line(f, &escaped);
    if (nul <= 0)
        return true;
    snprintf(err, len, "%s:%d: this line holds %s; remove it: libconfig would silently cut the "
             "%s short there", path, nul,
             escaped ? "\\x00 (a NUL byte, a control character)"
                     : "a NUL byte (a control character)", what);
    return false;
}

size_t sh_word(const char *in, char *out, size_t len)
{
    const char *safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/+-";
    if (in && *in && strspn(in, safe) == strlen(in)) {
        /* nothing a shell would read specially: typed as the vendor writes it */
        snprintf(out, len, "%s", in);
        return strlen(in);
    }
    return sh_quote(in, out, len);
}
