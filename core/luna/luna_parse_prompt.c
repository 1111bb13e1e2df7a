/* luna_parse_prompt.c: what a prompt waiting for input asks for, judged by its words.
 *
 * The words of the Luna tools' secret prompts are UNKNOWN (FORMATS.md §3, §5): rotwiz types a
 * secret into a prompt only when the prompt's own words name that very secret, never because
 * of where the prompt comes in a command. A prompt that names no kind, or several, is
 * LUNA_SK_UNKNOWN and gets nothing typed (conv.c). */
#include "luna_parse.h"
#include "luna_text.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

#define PROMPT_MAX_WORDS 32
#define PROMPT_WORD_LEN 24

static const char *const kind_names[] = {
    [LUNA_SK_NONE] = "nothing", [LUNA_SK_SO] = "an SO password",
    [LUNA_SK_CO] = "the Crypto Officer password or challenge",
    [LUNA_SK_PARTITION] = "a partition password", [LUNA_SK_DOMAIN] = "a cloning domain",
    [LUNA_SK_RBS] = "the RBS password", [LUNA_SK_PASSWORD] = "a password of unnamed kind",
    [LUNA_SK_UNKNOWN] = "something rotwiz cannot tell",
};

const char *luna_secret_kind_name(enum luna_secret_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

bool luna_is_input_prompt(const char *line)
{
    struct lt_view v = lt_trim(lt_cstr(line));
    if (v.len == 0 || strchr(line, '\n'))
        return false;
    char last = v.s[v.len - 1];
    if (last != ':' && last != '>' && last != '?')
        return false;
    /* lunacm's own prompt and the proceed/quit question are answered elsewhere */
    return !luna_ends_with_prompt(line) && !luna_ends_with_confirm(line);
}

/* Lower-case words of LINE, quoted parts ('name', "name") left out: a partition called
 * "so-backup" must not make a prompt look like it asks for an SO password. */
static size_t prompt_words(const char *line, char words[][PROMPT_WORD_LEN], size_t max)
{
    size_t n = 0;
    char quote = 0;
    for (const char *p = line; *p && n < max;) {
        if (quote) {
            if (*p++ == quote)
                quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            quote = *p++;
            continue;
        }
        if (!isalnum((unsigned char)*p)) {
            p++;
            continue;
        }
        size_t len = 0;
        while (isalnum((unsigned char)*p)) {
            if (len + 1 < PROMPT_WORD_LEN)
                words[n][len++] = (char)tolower((unsigned char)*p);
            p++;
        }
        words[n++][len] = '\0';
    }
    return n;
}

static bool has_word(char words[][PROMPT_WORD_LEN], size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(words[i], w) == 0)
            return true;
    return false;
}

void luna_classify_prompt(const char *line, struct luna_prompt *out)
{
    char w[PROMPT_MAX_WORDS][PROMPT_WORD_LEN];
    size_t n = prompt_words(line ? line : "", w, PROMPT_MAX_WORDS);
    memset(out, 0, sizeof *out);
    out->confirm = has_word(w, n, "confirm") || has_word(w, n, "again") ||
                   has_word(w, n, "reenter") || has_word(w, n, "retype") ||
                   has_word(w, n, "verify") || has_word(w, n, "repeat") ||
                   (has_word(w, n, "re") && has_word(w, n, "enter"));
    bool so = has_word(w, n, "so") || has_word(w, n, "sopassword") ||
              (has_word(w, n, "security") && has_word(w, n, "officer"));
    bool co = has_word(w, n, "co") || has_word(w, n, "challenge") ||
              (has_word(w, n, "crypto") && has_word(w, n, "officer"));
    bool partition = has_word(w, n, "partition");
    bool domain = has_word(w, n, "domain");
    bool rbs = has_word(w, n, "rbs") || (has_word(w, n, "server") && has_word(w, n, "key")) ||
               (has_word(w, n, "remote") && has_word(w, n, "backup") &&
                has_word(w, n, "server"));
    bool secretish = has_word(w, n, "password") || has_word(w, n, "passphrase") ||
                     has_word(w, n, "pin") || has_word(w, n, "secret");
    /* "cloning domain for the new partition" asks for the domain; a partition SO or a
     * Crypto Officer of a partition are other roles: several kinds named = unknown. */
    if (domain)
        partition = false;
    int kinds = so + co + partition + domain + rbs;
    if (kinds > 1)
        out->kind = LUNA_SK_UNKNOWN;
    else if (so)
        out->kind = LUNA_SK_SO;
    else if (co)
        out->kind = LUNA_SK_CO;
    else if (partition)
        out->kind = LUNA_SK_PARTITION;
    else if (domain)
        out->kind = LUNA_SK_DOMAIN;
    else if (rbs)
        out->kind = LUNA_SK_RBS;
    else if (secretish)
        out->kind = LUNA_SK_PASSWORD;
    else
        out->kind = out->confirm ? LUNA_SK_NONE : LUNA_SK_UNKNOWN;
}
