/* luna_parse_help.c: `<command> -help` and `help` as lunacm prints them, read tolerantly (see
 * luna_parse_help.h). Pure: no allocation, no I/O. */
#include "luna_parse_help.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* ALIAS could abbreviate NAME: shorter, same first letter, its letters in NAME in order. */
static bool abbreviates(const char *alias, const char *name)
{
    size_t la = strlen(alias), ln = strlen(name);
    if (!la || la >= ln || tolower((unsigned char)alias[0]) != tolower((unsigned char)name[0]))
        return false;
    size_t j = 0;
    for (size_t i = 0; i < ln && j < la; i++)
        if (tolower((unsigned char)name[i]) == tolower((unsigned char)alias[j]))
            j++;
    return j == la;
}

static int find_opt(const struct luna_help *h, const char *name)
{
    for (size_t i = 0; i < h->count; i++)
        if (strcasecmp(h->opts[i].name, name) == 0 || strcasecmp(h->opts[i].alias, name) == 0)
            return (int)i;
    return -1;
}

/* Adds NAME (with ALIAS, may be "") unless listed; returns its index or -1. */
static int add_opt(struct luna_help *h, const char *name, const char *alias)
{
    if (!*name || strcasecmp(name, "help") == 0)
        return -1;
    int at = find_opt(h, name);
    if (at >= 0) {
        if (*alias && !*h->opts[at].alias && find_opt(h, alias) < 0)
            snprintf(h->opts[at].alias, sizeof h->opts[at].alias, "%s", alias);
        return at;
    }
    if (h->count >= LUNA_HELP_MAX_OPTS) {
        h->truncated = true;
        return -1;
    }
    struct luna_help_opt *o = &h->opts[h->count];
    snprintf(o->name, sizeof o->name, "%s", name);
    snprintf(o->alias, sizeof o->alias, "%s", *alias && find_opt(h, alias) < 0 ? alias : "");
    return (int)h->count++;
}

/* Copies the identifier at S (after an optional '-') into buf; returns its length or 0. */
static size_t take_ident(const char *s, char *buf, size_t len)
{
    size_t n = 0;
    if (*s == '-')
        s++;
    if (!isalpha((unsigned char)*s))
        return 0;
    while (ident_char(s[n]) && n + 1 < len) {
        buf[n] = s[n];
        n++;
    }
    buf[n] = '\0';
    return ident_char(s[n]) ? 0 : n;
}

/* Any layout: every "-word" token that starts a word; "-a|-b" and "-a (-b)" group a shortcut
 * with its option when it abbreviates it ("-append|-replace" are two options). */
static void scan_tokens(struct luna_help *h, const char *line, size_t len)
{
    int last = -1;
    size_t last_end = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (line[i] != '-' || !isalpha((unsigned char)line[i + 1]))
            continue;
        if (i > 0 && !strchr(" \t[(|{,", line[i - 1]))
            continue;
        char word[LUNA_HELP_NAME];
        size_t n = 0;
        while (i + 1 + n < len && ident_char(line[i + 1 + n]) && n + 1 < sizeof word) {
            word[n] = line[i + 1 + n];
            n++;
        }
        word[n] = '\0';
        size_t end = i + 1 + n;
        if (end < len && ident_char(line[end]))
            continue; /* longer than any option name: not one */
        bool joined = false;
        if (last >= 0) {
            bool only_sep = true, sep = false;
            for (size_t k = last_end; k < i; k++) {
                if (line[k] == '|' || line[k] == '(' || line[k] == ',')
                    sep = true;
                else if (line[k] != ' ' && line[k] != '\t')
                    only_sep = false;
            }
            joined = only_sep && sep && abbreviates(word, h->opts[last].name);
        }
        if (joined) {
            if (!*h->opts[last].alias && find_opt(h, word) < 0)
                snprintf(h->opts[last].alias, sizeof h->opts[last].alias, "%s", word);
        } else {
            last = add_opt(h, word, "");
        }
        last_end = end;
        i = end - 1;
    }
}

/* Column of WORD in LINE as a whole word (case-insensitive), or -1. */
static int word_col(const char *line, size_t len, const char *word)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i + wl <= len; i++)
        if (strncasecmp(line + i, word, wl) == 0 && (i == 0 || !ident_char(line[i - 1])) &&
            (i + wl == len || !ident_char(line[i + wl])))
            return (int)i;
    return -1;
}

/* Column of a tab-expanded position (tabs to 8). */
static int col_of(const char *line, size_t pos)
{
    int c = 0;
    for (size_t i = 0; i < pos; i++)
        c = line[i] == '\t' ? (c / 8 + 1) * 8 : c + 1;
    return c;
}

bool luna_parse_help(const char *text, struct luna_help *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return false;
    int param_col = -1, short_col = -1, desc_col = -1;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
            len--;
        int pc = word_col(p, len, "parameter"), sc = word_col(p, len, "shortcut");
        if (pc < 0)
            pc = word_col(p, len, "option");
        if (pc >= 0 && sc > pc) {
            /* a Parameter / Shortcut / Description table: names with or without dashes */
            param_col = col_of(p, (size_t)pc);
            short_col = col_of(p, (size_t)sc);
            int dc = word_col(p, len, "description");
            desc_col = dc > sc ? col_of(p, (size_t)dc) : -1;
        } else if (param_col >= 0) {
            size_t i = 0;
            while (i < len && (p[i] == ' ' || p[i] == '\t'))
                i++;
            if (i == len) {
                param_col = -1; /* a blank line ends the table */
            } else if (col_of(p, i) > param_col + 2) {
                /* a wrapped description */
            } else if (strchr("-=", p[i]) && (i + 1 >= len || !isalpha((unsigned char)p[i + 1]))) {
                /* a rule under the header */
            } else {
                char name[LUNA_HELP_NAME], alias[LUNA_HELP_NAME] = "";
                size_t n = take_ident(p + i, name, sizeof name);
                if (n == 0) {
                    param_col = -1; /* not a row: the table ended */
                    scan_tokens(out, p, len);
                } else {
                    size_t j = i + n + (p[i] == '-');
                    while (j < len && (p[j] == ' ' || p[j] == '\t'))
                        j++;
                    int c = col_of(p, j);
                    if (j < len && c >= short_col - 2 && c <= short_col + 2 &&
                        (desc_col < 0 || c < desc_col - 1) && p[j] != '<')
                        take_ident(p + j, alias, sizeof alias);
                    add_opt(out, name, alias);
                }
            }
        } else {
            scan_tokens(out, p, len);
        }
        p = nl ? nl + 1 : p + len;
        if (!nl)
            break;
    }
    return out->count > 0;
}

enum luna_help_match luna_help_resolve(const struct luna_help *h, const char *typed, int *which)
{
    *which = -1;
    if (*typed == '-')
        typed++;
    if (!*typed)
        return LUNA_HELP_NONE;
    int at = find_opt(h, typed);
    if (at >= 0) {
        *which = at;
        return LUNA_HELP_EXACT;
    }
    size_t tl = strlen(typed), hits = 0;
    for (size_t i = 0; i < h->count; i++)
        if (strncasecmp(h->opts[i].name, typed, tl) == 0) {
            *which = (int)i;
            hits++;
        }
    if (hits == 1)
        return LUNA_HELP_PREFIX;
    *which = -1;
    return hits ? LUNA_HELP_AMBIGUOUS : LUNA_HELP_NONE;
}

void luna_help_format(const struct luna_help *h, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < h->count && used + 1 < len; i++) {
        int n = snprintf(buf + used, len - used, "%s-%s%s%s%s", i ? ", " : "", h->opts[i].name,
                         *h->opts[i].alias ? " (-" : "", h->opts[i].alias,
                         *h->opts[i].alias ? ")" : "");
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (h->count == 0 && len)
        snprintf(buf, len, "no options");
}

/* A listed word W names the command word C: equal, or one abbreviates the other. */
static bool word_names(const char *w, size_t wl, const char *c, size_t cl)
{
    size_t n = wl < cl ? wl : cl;
    return n > 0 && strncasecmp(w, c, n) == 0 && (wl == cl || wl < cl);
}

bool luna_help_lists_command(const char *help, const char *words)
{
    if (!help || !words)
        return false;
    const char *p = help;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *lw = p, *end = p + len, *cw = words;
        bool all = true;
        while (*cw && all) {
            while (lw < end && (*lw == ' ' || *lw == '\t'))
                lw++;
            while (*cw == ' ')
                cw++;
            if (!*cw)
                break;
            const char *le = lw, *ce = cw;
            while (le < end && ident_char(*le))
                le++;
            while (*ce && *ce != ' ')
                ce++;
            if (le == lw || !word_names(lw, (size_t)(le - lw), cw, (size_t)(ce - cw)))
                all = false;
            lw = le;
            cw = ce;
        }
        if (all && (lw == end || !ident_char(*lw)))
            return true;
        if (!nl)
            break;
        p = nl + 1;
    }
    return false;
}
