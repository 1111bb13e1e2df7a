/* luna_text.h: line and word helpers shared by the Luna output parsers (internal to core/).
 *
 * Everything works on views into the caller's text: nothing is allocated, nothing modified.
 * "Blank" means space, TAB, CR or LF, so CRLF captures and trailing spaces need no cleaning. */
#ifndef ROTWIZ_LUNA_TEXT_H
#define ROTWIZ_LUNA_TEXT_H
#include <stdbool.h>
#include <stddef.h>

/* A view of characters [s, s + len). */
struct lt_view {
    const char *s;
    size_t len;
};

/* Walks TEXT line by line; start it with lt_lines_init. */
struct lt_lines {
    const char *p;
};

/* True for space, TAB, CR and LF. */
bool lt_blank(char c);
/* Starts an iteration over TEXT (NULL is an empty text). */
void lt_lines_init(struct lt_lines *it, const char *text);
/* Next line, trimmed of blanks on both sides (so indentation and CR vanish). False at the end. */
bool lt_next_line(struct lt_lines *it, struct lt_view *line);
/* V without leading and trailing blanks. */
struct lt_view lt_trim(struct lt_view v);
/* A view of the C string S. */
struct lt_view lt_cstr(const char *s);
/* True when V starts with PREFIX, ignoring case. */
bool lt_starts_ci(struct lt_view v, const char *prefix);
/* True when V ends with SUFFIX, ignoring case. */
bool lt_ends_ci(struct lt_view v, const char *suffix);
/* Offset of NEEDLE in V ignoring case, or -1. */
long lt_find_ci(struct lt_view v, const char *needle);
/* True when V equals WORDS ignoring case and the width of runs of blanks. */
bool lt_same_words(struct lt_view v, const char *words);
/* Splits "NAME SEP VALUE" at the first SEP (":" or "->"): both sides trimmed. */
bool lt_split(struct lt_view line, const char *sep, struct lt_view *name, struct lt_view *value);
/* Copies V into BUF (always terminated, truncated to fit). */
void lt_copy(char *buf, size_t len, struct lt_view v);
/* Parses a decimal integer filling all of V; false otherwise. */
bool lt_to_long(struct lt_view v, long *out);
/* Removes and returns the first word of *V (blank-separated); *V keeps the trimmed rest. */
struct lt_view lt_take_word(struct lt_view *v);
/* The last line of TEXT that has something else than blanks, trimmed; empty view when none. */
struct lt_view lt_last_nonblank_line(const char *text);

#endif
