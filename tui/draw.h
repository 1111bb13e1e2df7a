/* draw.h: small drawing helpers: clipped UTF-8 text, boxes (Unicode or ASCII), and a canvas
 * that lays out scrollable lines inside a rectangle. */
#ifndef ROTWIZ_DRAW_H
#define ROTWIZ_DRAW_H
#include <stdbool.h>
#include <curses.h>
#include "colors.h"
#include "layout.h"

/* Chooses Unicode box drawing (true) or the ASCII fallback. */
void draw_set_unicode(bool on);

/* True when Unicode box drawing is on. */
bool draw_unicode(void);

/* Decides from the locale's codeset: true when it is UTF-8. Call after setlocale(). */
bool draw_locale_is_utf8(void);

/* Display width of the UTF-8 string S (undecodable bytes count as one column). */
int draw_width(const char *s);

/* Draws S at (y, x) in at most MAXW columns with attributes A; returns the columns used. */
int draw_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a);

/* Like draw_text, but a text wider than MAXW ends with an ellipsis ("…", ASCII "~") so the
 * cut shows. */
int draw_text_cut(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a);

/* The tail of S that fits in MAXW columns with a leading ellipsis (a long path keeps its file
 * name), into BUF; S itself when it fits. */
const char *draw_tail(const char *s, int maxw, char *buf, size_t len);

/* Fills R with spaces in attributes A. */
void draw_fill(WINDOW *w, struct rect r, attr_t a);

/* Draws a frame around R with TITLE on the top edge; FOCUSED uses the focus colour and a
 * doubled marker so focus shows without colour too. */
void draw_box(WINDOW *w, struct rect r, const char *title, bool focused);

/* Draws the scroll hint on the right edge of a framed R: first visible line FIRST of TOTAL,
 * VISIBLE lines shown. */
void draw_scroll_hint(WINDOW *w, struct rect r, int first, int visible, int total);

/* A scrollable text area: lines before `scroll` and beyond the area are counted, not drawn. */
struct canvas {
    WINDOW *win;
    struct rect area;
    int scroll;
    int line;       /* current virtual line */
    int col;        /* column inside the current line */
};

/* Starts drawing into AREA (inside a frame) skipping the first SCROLL lines. */
void cv_begin(struct canvas *cv, WINDOW *w, struct rect area, int scroll);

/* Appends S to the current line in ROLE (clipped at the right edge). */
void cv_put(struct canvas *cv, enum color_role role, const char *s);

/* Like cv_put with attributes given directly. */
void cv_put_attr(struct canvas *cv, attr_t a, const char *s);

/* printf into the current line. */
void cv_printf(struct canvas *cv, enum color_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Ends the current line. */
void cv_nl(struct canvas *cv);

/* Appends S word-wrapped to the area's width, starting at indent INDENT; ends with cv_nl. */
void cv_wrap(struct canvas *cv, enum color_role role, int indent, const char *s);

/* Total virtual lines used so far (after the final cv_nl). */
int cv_lines(const struct canvas *cv);

/* The inner area of a framed rectangle. */
struct rect draw_inner(struct rect r);

#endif
