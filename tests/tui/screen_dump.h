/* screen_dump.h: headless curses screens for tests, dumps of chars and attributes, goldens. */
#ifndef ROTWIZ_TEST_SCREEN_DUMP_H
#define ROTWIZ_TEST_SCREEN_DUMP_H
#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

/* Opens a headless screen of terminal type TERM (output to /dev/null) at ROWS x COLS. */
void sd_open(const char *term, int rows, int cols);

/* Resizes the current headless screen. */
void sd_resize(int rows, int cols);

/* Ends and frees the current headless screen. */
void sd_close(void);

/* The screen as text (right-trimmed lines), an attribute map (one letter per cell) and a
 * legend naming each letter's colour role and attributes. Caller frees. */
char *sd_dump(WINDOW *w, bool with_attrs);

/* The text of row Y (right-trimmed), in a static buffer. */
const char *sd_row(WINDOW *w, int y);

/* Finds TEXT on screen; stores its position; false when absent. */
bool sd_find(WINDOW *w, const char *text, int *y, int *x);

/* Attributes (A_COLOR masked out) and colour pair of the cell at (y, x). */
void sd_cell(WINDOW *w, int y, int x, attr_t *attrs, short *pair);

/* Compares ACTUAL with golden NAME; with ROTWIZ_UPDATE_GOLDEN set, writes it instead.
 * On a difference writes ACTUAL_DIR/NAME and returns false. */
bool sd_golden(const char *name, const char *actual);

#endif
