/* luna_parse_help.h: what lunacm says about a command's syntax (`<command> -help`), parsed
 * tolerantly: any layout that lists `-option` tokens (a usage line, a Parameter/Shortcut table
 * with or without the dashes, aliases after `|` or in parentheses), and how lunacm would
 * resolve an option as rotwiz types it (full name, alias, or a unique prefix of a name). */
#ifndef ROTWIZ_LUNA_PARSE_HELP_H
#define ROTWIZ_LUNA_PARSE_HELP_H
#include <stdbool.h>
#include <stddef.h>

#define LUNA_HELP_MAX_OPTS 48
#define LUNA_HELP_NAME 40

/* One option as the help lists it: its name and, when shown, its shortcut (no dashes). */
struct luna_help_opt {
    char name[LUNA_HELP_NAME];
    char alias[LUNA_HELP_NAME];
};

struct luna_help {
    size_t count;
    struct luna_help_opt opts[LUNA_HELP_MAX_OPTS];
    bool truncated;          /* more options than LUNA_HELP_MAX_OPTS */
};

/* Parses the help text of one command. True when at least one option was found (a help that
 * lists none cannot be told from one that could not be read). `-help` itself is not listed. */
bool luna_parse_help(const char *text, struct luna_help *out);

enum luna_help_match {
    LUNA_HELP_EXACT,         /* the full name or the shortcut */
    LUNA_HELP_PREFIX,        /* a unique prefix of one name */
    LUNA_HELP_AMBIGUOUS,     /* a prefix of more than one name */
    LUNA_HELP_NONE,          /* not listed */
};

/* How lunacm would resolve TYPED ("-sop", with or without its dash) against the listed
 * options; *which is the option's index (EXACT, PREFIX) or -1. Case-insensitive. */
enum luna_help_match luna_help_resolve(const struct luna_help *h, const char *typed, int *which);

/* The listed options as "-name (-alias), -name, ..." into buf (for messages). */
void luna_help_format(const struct luna_help *h, char *buf, size_t len);

/* True when HELP (the `help` listing) names the command WORDS ("partition contents"): a line
 * whose words start with each of the command's words in order (or abbreviations of them). */
bool luna_help_lists_command(const char *help, const char *words);

#endif
