/* validate.h: the one place that says what a value may hold before it reaches a device, a
 * command line or a record (docs/VALIDATION.md, README.md "Validation rules").
 *
 * Every value rotwiz types into lunacm, vtl or a remote shell is checked where it is LOADED
 * (configuration, secrets file, terminal, wizard dialogs) against the rule of its kind, so a
 * newline, an injected option or a shell metacharacter never gets as far as a device. The
 * reason given names the rule broken and the fix and never quotes the value (it may be a
 * secret). */
#ifndef ROTWIZ_VALIDATE_H
#define ROTWIZ_VALIDATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Kinds of values, each with its own character set and length (validate.c's table). */
enum value_kind {
    VK_PARTITION = 0,   /* partition name on the Backup HSM (a Luna partition label) */
    VK_DOMAIN,          /* cloning domain */
    VK_HOST,            /* k570 host, workstation address: DNS name or IP address */
    VK_USER,            /* SSH user name */
    VK_REMOTE_PATH,     /* a folder on the k570 run by its shell (luna_bin) */
    VK_LOCAL_PATH,      /* a file or folder on this workstation (identity, state folder...) */
    VK_SECRET,          /* CO password / challenge, Backup HSM SO and partition passwords */
    VK_RBS_SECRET,      /* the Remote Backup Server key password */
    VK_PERSON,          /* operator and witness names (the journal only) */
    VK_COUNT
};

/* Shortest and longest value of kind K, in bytes. */
size_t validate_min_len(enum value_kind k);
size_t validate_max_len(enum value_kind k);

/* What kind K is, in words ("partition name"). */
const char *validate_kind_name(enum value_kind k);

/* True when V (NUL-terminated) follows the rule of kind K. Otherwise false, and WHY (may be
 * NULL) gets "<the rule broken>; <the fix>", without the value itself. */
bool validate_value(enum value_kind k, const char *v, char *why, size_t len);

/* Same for a value of N bytes read through a path that does not stop at a NUL (a file read
 * by hand, a network answer): an embedded NUL is a control character, not an end. */
bool validate_value_n(enum value_kind k, const char *v, size_t n, char *why, size_t len);

/* For a libconfig file F read from its current position: the line (1-based) of the first NUL
 * byte, or of a \x00 escape inside a string (*ESCAPED then true), or 0 when there is none.
 * libconfig cuts a string short at either without a word, so loaders refuse such files. */
int validate_nul_line(FILE *f, bool *escaped);
/* The same check with its FILE:LINE error in ERR (WHAT: "value" or "secret", what libconfig
 * would cut short). Returns false when F holds such a NUL. */
bool validate_nul_free(FILE *f, const char *path, const char *what, char *err, size_t len);

/* POSIX single-quote quoting of IN for a remote shell: 'it'\''s' for it's. Writes at most LEN
 * bytes to OUT (always NUL-terminated when LEN > 0) and returns the length the quoted text
 * needs without its NUL, like snprintf: the output was cut when the result is >= LEN. */
size_t sh_quote(const char *in, char *out, size_t len);
/* IN as one word for a remote shell: as it is when it holds only [A-Za-z0-9._/+-] (the way
 * the vendor types paths and addresses), else sh_quote()d. Same return as sh_quote. */
size_t sh_word(const char *in, char *out, size_t len);

#endif
