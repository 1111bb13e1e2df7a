/* luna_parse_result.c: Command Result lines, result code names, and what lunacm waits for
 * (its prompt, the proceed/quit question, a password, the PED). */
#include "luna_parse.h"
#include "luna_text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* FORMATS.md §6, from the Luna SDK headers. */
static const struct {
    unsigned long code;
    const char *name;
} result_names[] = {
    {0xb, "user cancelled"}, /* FORMATS.md gives no constant name, only the meaning */
    {0xa0, "CKR_PIN_INCORRECT"},
    {0xa4, "CKR_PIN_LOCKED"},
    {0x100, "CKR_USER_ALREADY_LOGGED_IN"},
    {0x101, "CKR_USER_NOT_LOGGED_IN"},
    {0x80000007, "CKR_USER_LOCKED_OUT"},
    {0x80000008, "CKR_CLONING_PARAMETER_ALREADY_EXISTS"},
    {0x8000001c, "CKR_SO_LOGIN_FAILURE_THRESHOLD"},
    {0x8000002a, "CKR_HSM_STORAGE_FULL"},
    {0x8000006f, "CKR_OBJECT_ALREADY_EXISTS"},
    /* Luna SDK vendor code (not in FORMATS.md): a PED or other wait expired */
    {0x80000024, "CKR_TIMEOUT"},
};

const char *luna_result_name(unsigned long code)
{
    for (size_t i = 0; i < sizeof result_names / sizeof result_names[0]; i++)
        if (result_names[i].code == code)
            return result_names[i].name;
    return NULL;
}

/* "Command Result", any spacing, then ':'. On success *value is what follows the colon. */
static bool result_value(struct lt_view line, struct lt_view *value)
{
    struct lt_view name;
    line = lt_trim(line);
    if (!lt_starts_ci(line, "command") || !lt_split(line, ":", &name, value))
        return false;
    return lt_same_words(name, "Command Result");
}

bool luna_is_result_line(const char *line)
{
    struct lt_view value;
    if (line == NULL)
        return false;
    /* Only the first line counts, so a caller may pass a pointer into a larger buffer. */
    const char *nl = strchr(line, '\n');
    struct lt_view v = {line, nl ? (size_t)(nl - line) : strlen(line)};
    return result_value(v, &value);
}

/* "Error in execution: TEXT." with any spacing before the colon; *text without the final dot. */
static bool error_text(struct lt_view line, struct lt_view *text)
{
    struct lt_view name;
    if (!lt_starts_ci(line, "error") || !lt_split(line, ":", &name, text))
        return false;
    if (!lt_same_words(name, "Error in execution"))
        return false;
    if (text->len > 0 && text->s[text->len - 1] == '.')
        text->len--;
    *text = lt_trim(*text);
    return true;
}

/* Reads the value of a Command Result line into OUT. */
static void read_result(struct lt_view value, struct luna_result *out)
{
    char num[32];
    out->found = true;
    if (lt_same_words(value, "No Error")) {
        out->ok = true;
        return;
    }
    struct lt_view rest = value;
    struct lt_view word = lt_take_word(&rest);
    lt_copy(num, sizeof num, word);
    char *end = NULL;
    unsigned long code = strtoul(num, &end, 0);
    if (end != num && *end == '\0') {
        out->code = code;
    } else {
        rest = value;   /* no number: keep the whole value as the text */
    }
    /* "(User Cancelled Operation)": the outer parentheses go, inner ones stay. */
    if (rest.len >= 2 && rest.s[0] == '(' && rest.s[rest.len - 1] == ')')
        rest = lt_trim((struct lt_view){rest.s + 1, rest.len - 2});
    lt_copy(out->text, sizeof out->text, rest);
}

bool luna_parse_result(const char *text, struct luna_result *out)
{
    struct lt_lines it;
    struct lt_view line, value, err, last_err = {NULL, 0}, result = {NULL, 0};
    bool have_err = false, have_result = false;

    memset(out, 0, sizeof *out);
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        if (result_value(line, &value)) {
            result = value;
            have_result = true;
            /* The error line belongs to this result; a later result starts afresh. */
            if (have_err)
                last_err = err;
            else
                last_err.s = NULL;
            have_err = false;
        } else if (error_text(line, &err)) {
            have_err = true;
        }
    }
    if (!have_result)
        return false;
    read_result(result, out);
    if (!out->ok && last_err.s != NULL)
        lt_copy(out->error, sizeof out->error, last_err);
    return true;
}

/* TEXT without trailing spaces and TABs (but with its line breaks). */
static struct lt_view trim_trailing_spaces(const char *text)
{
    struct lt_view v = lt_cstr(text);
    while (v.len > 0 && (v.s[v.len - 1] == ' ' || v.s[v.len - 1] == '\t'))
        v.len--;
    return v;
}

/* The line that TEXT ends in (after trailing spaces), trimmed in front. */
static struct lt_view current_line(const char *text)
{
    struct lt_view v = trim_trailing_spaces(text);
    size_t start = v.len;
    while (start > 0 && v.s[start - 1] != '\n' && v.s[start - 1] != '\r')
        start--;
    return lt_trim((struct lt_view){v.s + start, v.len - start});
}

bool luna_ends_with_prompt(const char *text)
{
    if (text == NULL)
        return false;
    return lt_ends_ci(trim_trailing_spaces(text), "lunacm:>");
}

bool luna_ends_with_confirm(const char *text)
{
    if (text == NULL)
        return false;
    struct lt_view line = current_line(text);
    return lt_ends_ci(line, "->") && lt_find_ci(line, "proceed") >= 0;
}

bool luna_ends_with_password_prompt(const char *text)
{
    struct lt_view line = lt_last_nonblank_line(text);
    return line.len > 0 && line.s[line.len - 1] == ':' &&
           (lt_find_ci(line, "password") >= 0 || lt_find_ci(line, "challenge") >= 0);
}

bool luna_wants_ped(const char *text)
{
    return text != NULL && lt_find_ci(lt_cstr(text), "Please attend to the PED") >= 0;
}

void luna_result_format(const struct luna_result *r, char *buf, size_t len)
{
    if (len == 0)
        return;
    if (!r->found) {
        snprintf(buf, len, "no Command Result");
        return;
    }
    if (r->ok) {
        snprintf(buf, len, "No Error");
        return;
    }
    const char *name = luna_result_name(r->code);
    int n = snprintf(buf, len, "0x%lx", r->code);
    if (name != NULL && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " %s", name);
    /* the name once: lunacm's parenthesis usually repeats it */
    if (r->text[0] != '\0' && (!name || strcasecmp(r->text, name) != 0) && n >= 0 &&
        (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " (%s)", r->text);
    if (r->error[0] != '\0' && (!name || strcasecmp(r->error, name) != 0) && n >= 0 &&
        (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ": %s", r->error);
}
