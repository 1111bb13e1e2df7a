/* draw.c: clipped text, frames and the scrolling canvas. */
#include "draw.h"
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static bool use_unicode;

void draw_set_unicode(bool on)
{
    use_unicode = on;
}

bool draw_unicode(void)
{
    return use_unicode;
}

bool draw_locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* Decodes one character of S; returns its byte length (>= 1) and stores it in *wc, or a '?'
 * for bytes the locale cannot decode. */
static size_t next_char(const char *s, wchar_t *wc)
{
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    size_t n = mbrtowc(wc, s, MB_CUR_MAX, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *wc = (unsigned char)*s < 0x80 ? (wchar_t)(unsigned char)*s : L'?';
        return 1;
    }
    return n;
}

static int char_width(wchar_t wc)
{
    int cw = wcwidth(wc);
    return cw < 0 ? 1 : cw;
}

int draw_width(const char *s)
{
    int w = 0;
    while (s && *s) {
        wchar_t wc;
        s += next_char(s, &wc);
        w += char_width(wc);
    }
    return w;
}

int draw_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a)
{
    int used = 0;
    if (!s || maxw <= 0)
        return 0;
    while (*s) {
        wchar_t wc[2] = {0, 0};
        s += next_char(s, &wc[0]);
        /* no control character reaches the terminal: C0, DEL and C1 (0x9b is a CSI too) */
        if (wc[0] < 0x20 || wc[0] == 0x7f || (wc[0] >= 0x80 && wc[0] <= 0x9f))
            wc[0] = L'?';
        int cw = char_width(wc[0]);
        if (used + cw > maxw)
            break;
        cchar_t cc;
        setcchar(&cc, wc, a, PAIR_NUMBER(a), NULL);
        mvwadd_wch(w, y, x + used, &cc);
        used += cw;
    }
    return used;
}

static const char *ellipsis(void)
{
    return draw_unicode() ? "\u2026" : "~";
}

int draw_text_cut(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a)
{
    if (!s || maxw <= 0)
        return 0;
    if (draw_width(s) <= maxw)
        return draw_text(w, y, x, maxw, s, a);
    int used = draw_text(w, y, x, maxw - 1, s, a);
    return used + draw_text(w, y, x + used, 1, ellipsis(), a);
}

const char *draw_tail(const char *s, int maxw, char *buf, size_t len)
{
    if (!s || draw_width(s) <= maxw || maxw < 2)
        return s ? s : "";
    const char *p = s;
    while (*p && draw_width(p) > maxw - 1) {
        p++;
        while ((*p & 0xc0) == 0x80)
            p++;
    }
    snprintf(buf, len, "%s%s", ellipsis(), p);
    return buf;
}

void draw_fill(WINDOW *w, struct rect r, attr_t a)
{
    for (int y = r.y; y < r.y + r.h; y++) {
        wattrset(w, a);
        mvwhline(w, y, r.x, ' ', r.w);
    }
    wattrset(w, A_NORMAL);
}

static void put_glyph(WINDOW *w, int y, int x, const cchar_t *uni, chtype ascii, attr_t a)
{
    if (use_unicode) {
        cchar_t cc = *uni;
        wchar_t wc[CCHARW_MAX + 1];
        attr_t dummy_a;
        short dummy_p;
        getcchar(&cc, wc, &dummy_a, &dummy_p, NULL);
        setcchar(&cc, wc, a, PAIR_NUMBER(a), NULL);
        mvwadd_wch(w, y, x, &cc);
    } else {
        mvwaddch(w, y, x, ascii | a);
    }
}

struct rect draw_inner(struct rect r)
{
    struct rect in = {r.y + 1, r.x + 1, r.h - 2, r.w - 2};
    if (in.h < 0)
        in.h = 0;
    if (in.w < 0)
        in.w = 0;
    return in;
}

void draw_box(WINDOW *w, struct rect r, const char *title, bool focused)
{
    if (r.h < 2 || r.w < 2)
        return;
    attr_t a = colors_attr(focused ? CR_BORDER_FOCUS : CR_BORDER);
    int y1 = r.y + r.h - 1, x1 = r.x + r.w - 1;
    const cchar_t *h = focused ? WACS_D_HLINE : WACS_HLINE;
    const cchar_t *v = focused ? WACS_D_VLINE : WACS_VLINE;
    chtype ah = focused ? '=' : '-';
    for (int x = r.x + 1; x < x1; x++) {
        put_glyph(w, r.y, x, h, ah, a);
        put_glyph(w, y1, x, h, ah, a);
    }
    for (int y = r.y + 1; y < y1; y++) {
        put_glyph(w, y, r.x, v, '|', a);
        put_glyph(w, y, x1, v, '|', a);
    }
    put_glyph(w, r.y, r.x, focused ? WACS_D_ULCORNER : WACS_ULCORNER, '+', a);
    put_glyph(w, r.y, x1, focused ? WACS_D_URCORNER : WACS_URCORNER, '+', a);
    put_glyph(w, y1, r.x, focused ? WACS_D_LLCORNER : WACS_LLCORNER, '+', a);
    put_glyph(w, y1, x1, focused ? WACS_D_LRCORNER : WACS_LRCORNER, '+', a);
    if (title && *title) {
        char buf[160];
        /* Focus shows as "[ Title ]" so it is visible without colour or double lines. */
        snprintf(buf, sizeof(buf), focused ? "[ %s ]" : " %s ", title);
        draw_text(w, r.y, r.x + 2, r.w - 4, buf, colors_attr(CR_PANE_TITLE) |
                  (focused ? colors_attr(CR_BORDER_FOCUS) : 0));
    }
}

void draw_scroll_hint(WINDOW *w, struct rect r, int first, int visible, int total)
{
    if (r.h < 3 || total <= visible)
        return;
    attr_t a = colors_attr(CR_DIM);
    if (first > 0)
        draw_text(w, r.y + 1, r.x + r.w - 1, 1, use_unicode ? "\u25b2" : "^", a);
    if (first + visible < total)
        draw_text(w, r.y + r.h - 2, r.x + r.w - 1, 1, use_unicode ? "\u25bc" : "v", a);
}

void cv_begin(struct canvas *cv, WINDOW *w, struct rect area, int scroll)
{
    cv->win = w;
    cv->area = area;
    cv->scroll = scroll < 0 ? 0 : scroll;
    cv->line = 0;
    cv->col = 0;
}

static bool cv_visible(const struct canvas *cv)
{
    int row = cv->line - cv->scroll;
    return row >= 0 && row < cv->area.h;
}

void cv_put_attr(struct canvas *cv, attr_t a, const char *s)
{
    if (!s)
        return;
    if (!cv_visible(cv)) {
        cv->col += draw_width(s);
        return;
    }
    int left = cv->area.w - cv->col;
    int used = draw_text(cv->win, cv->area.y + cv->line - cv->scroll, cv->area.x + cv->col,
                         left, s, a);
    cv->col += used;
}

void cv_put(struct canvas *cv, enum color_role role, const char *s)
{
    cv_put_attr(cv, colors_attr(role), s);
}

void cv_printf(struct canvas *cv, enum color_role role, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    cv_put(cv, role, buf);
}

void cv_nl(struct canvas *cv)
{
    cv->line++;
    cv->col = 0;
}

void cv_wrap(struct canvas *cv, enum color_role role, int indent, const char *s)
{
    int width = cv->area.w - indent;
    if (width < 10)
        width = cv->area.w, indent = 0;
    while (s && *s) {
        /* One source line at a time, then words up to the width. */
        const char *eol = strchr(s, '\n');
        size_t linelen = eol ? (size_t)(eol - s) : strlen(s);
        char line[1024];
        snprintf(line, sizeof(line), "%.*s", (int)(linelen < sizeof(line) ? linelen
                                                   : sizeof(line) - 1), s);
        char *p = line;
        do {
            cv->col = indent;
            char out[1024] = "";
            int ow = 0;
            while (*p) {
                char *sp = strchr(p, ' ');
                size_t wl = sp ? (size_t)(sp - p) : strlen(p);
                char word[512];
                snprintf(word, sizeof(word), "%.*s", (int)(wl < sizeof(word) ? wl
                                                           : sizeof(word) - 1), p);
                int ww = draw_width(word);
                if (ow > 0 && ow + 1 + ww > width)
                    break;
                if (ow > 0)
                    strncat(out, " ", sizeof(out) - strlen(out) - 1), ow++;
                strncat(out, word, sizeof(out) - strlen(out) - 1);
                ow += ww;
                p += wl;
                while (*p == ' ')
                    p++;
            }
            cv_put(cv, role, out);
            cv_nl(cv);
        } while (*p);
        s = eol ? eol + 1 : s + linelen;
    }
}

int cv_lines(const struct canvas *cv)
{
    return cv->line + (cv->col > 0 ? 1 : 0);
}
