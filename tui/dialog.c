/* dialog.c: what every dialog shares: focus, text editing, drawing the frame and buttons. */
#include "dialog.h"
#include "colors.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

char *dialog_strdup(const char *s)
{
    /* tabs expanded (stops of 8 from each line's start): a terminal would draw them as '?' */
    s = s ? s : "";
    size_t tabs = 0;
    for (const char *p = s; *p; p++)
        tabs += *p == '\t';
    char *out = malloc(strlen(s) + tabs * 8 + 1);
    if (!out)
        return NULL;
    size_t n = 0, col = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\t') {
            do
                out[n++] = ' ';
            while (++col % 8);
            continue;
        }
        out[n++] = *p;
        col = *p == '\n' ? 0 : col + ((*p & 0xc0) != 0x80);
    }
    out[n] = '\0';
    return out;
}

void dialog_close(struct dialog *d)
{
    /* Wipe the whole structure: the fields may have held a password. */
    free(d->body);
    free(d->body2);
    free(d->excerpt);
    for (size_t i = 0; i < d->choice_count; i++)
        free(d->choices[i]);
    free(d->choices);
    explicit_bzero(d, sizeof(*d));
    d->kind = DLG_NONE;
}

void dialog_reset(struct dialog *d, enum dialog_kind kind, const struct dialog_ops *ops,
                  const char *title)
{
    dialog_close(d);
    d->kind = kind;
    d->ops = ops;
    snprintf(d->title, sizeof(d->title), "%s", title ? title : "");
}

bool dialog_open(const struct dialog *d)
{
    return d->kind != DLG_NONE;
}

bool dialog_ok_enabled(const struct dialog *d)
{
    return !d->ops || !d->ops->ok_enabled || d->ops->ok_enabled(d);
}

static bool has_list(const struct dialog *d)
{
    return d->choice_count > 0;
}

static int focus_count(const struct dialog *d)
{
    return (has_list(d) ? 1 : 0) + d->field_count + d->button_count;
}

/* The field focused, or NULL. */
static struct dialog_field *focused_field(struct dialog *d)
{
    int i = d->focus - (has_list(d) ? 1 : 0);
    return i >= 0 && i < d->field_count ? &d->fields[i] : NULL;
}

/* The button focused (0 = OK), or -1. */
static int focused_button(const struct dialog *d)
{
    int i = d->focus - (has_list(d) ? 1 : 0) - d->field_count;
    return i >= 0 && i < d->button_count ? i : -1;
}

/* The cursor's byte offset. */
static size_t field_pos(const struct dialog_field *f)
{
    return f->back <= f->len ? f->len - f->back : 0;
}

/* Start of the character before byte offset P. */
static size_t char_before(const struct dialog_field *f, size_t p)
{
    while (p > 0 && ((unsigned char)f->buf[--p] & 0xc0) == 0x80)
        ;
    return p;
}

/* Removes bytes [FROM, TO) and wipes what the removal frees. */
static void field_cut(struct dialog_field *f, size_t from, size_t to)
{
    if (to <= from)
        return;
    memmove(f->buf + from, f->buf + to, f->len - to + 1);
    f->len -= to - from;
    explicit_bzero(f->buf + f->len + 1, to - from);
}

/* Inserts CH at the cursor. */
static void field_append(struct dialog_field *f, wint_t ch)
{
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    size_t n = wcrtomb(mb, (wchar_t)ch, &st);
    if (n == (size_t)-1 || f->len + n >= sizeof(f->buf))
        return;
    size_t p = field_pos(f);
    memmove(f->buf + p + n, f->buf + p, f->len - p + 1);
    memcpy(f->buf + p, mb, n);
    f->len += n;
    explicit_bzero(mb, sizeof(mb));
}

/* Removes the whole UTF-8 character before the cursor. */
static void field_backspace(struct dialog_field *f)
{
    size_t p = field_pos(f);
    field_cut(f, char_before(f, p), p);
}

/* Cursor moves and the kill keys of a text field; true when KEY was one. */
static bool field_edit(struct dialog_field *f, enum key_action a)
{
    size_t p = field_pos(f);
    switch (a) {
    case KA_LEFT:
        f->back = f->len - char_before(f, p);
        return true;
    case KA_RIGHT:
        while (p < f->len && ((unsigned char)f->buf[++p] & 0xc0) == 0x80)
            ;
        f->back = f->len - p;
        return true;
    case KA_HOME: f->back = f->len; return true;
    case KA_END: f->back = 0; return true;
    case KA_KILL_LINE: field_cut(f, 0, p); return true;
    case KA_KILL_WORD: {
        size_t q = p;
        while (q > 0 && f->buf[q - 1] == ' ')
            q--;
        while (q > 0 && f->buf[q - 1] != ' ')
            q = char_before(f, q);
        field_cut(f, q, p);
        return true;
    }
    default:
        return false;
    }
}

static enum dialog_result press(struct dialog *d, int button)
{
    if (button == 0) {
        if (!dialog_ok_enabled(d))
            return DLG_CONTINUE;     /* refused: e.g. the typed name does not match */
        return DLG_OK;
    }
    return DLG_CANCEL;
}

enum dialog_result dialog_key(struct dialog *d, enum key_action a, wint_t ch)
{
    int n = focus_count(d);
    struct dialog_field *f = focused_field(d);
    switch (a) {
    case KA_CANCEL:
        return DLG_CANCEL;
    case KA_TAB:
        d->focus = n ? (d->focus + 1) % n : 0;
        return DLG_CONTINUE;
    case KA_PREV_PANE:
        d->focus = n ? (d->focus + n - 1) % n : 0;
        return DLG_CONTINUE;
    case KA_LEFT:
    case KA_RIGHT:
    case KA_HOME:
    case KA_END:
    case KA_KILL_LINE:
    case KA_KILL_WORD:
        if (f && field_edit(f, a))
            return DLG_CONTINUE;
        if ((a == KA_LEFT || a == KA_RIGHT) && focused_button(d) >= 0 && d->button_count > 1) {
            int b = focused_button(d) == 0 ? 1 : 0;
            d->focus = (has_list(d) ? 1 : 0) + d->field_count + b;
        }
        return DLG_CONTINUE;
    case KA_UP:
        if (has_list(d) && d->focus == 0 && d->sel > 0) {
            d->sel--;
            if (d->ops->on_select)
                d->ops->on_select(d);
        } else if (!has_list(d) && d->body_scroll > 0) {
            d->body_scroll--;
        }
        return DLG_CONTINUE;
    case KA_DOWN:
        if (has_list(d) && d->focus == 0 && d->sel + 1 < d->choice_count) {
            d->sel++;
            if (d->ops->on_select)
                d->ops->on_select(d);
        } else if (!has_list(d)) {
            d->body_scroll++;
        }
        return DLG_CONTINUE;
    case KA_BACKSPACE:
        if (f)
            field_backspace(f);
        return DLG_CONTINUE;
    case KA_ENTER: {
        int b = focused_button(d);
        return press(d, b >= 0 ? b : 0);
    }
    default:
        break;
    }
    if (f && ch && iswprint(ch))
        field_append(f, ch);
    return DLG_CONTINUE;
}

enum dialog_result dialog_click(struct dialog *d, int y, int x)
{
    if (y != d->button_y)
        return DLG_CONTINUE;
    for (int b = 0; b < d->button_count && b < 2; b++)
        if (d->button_w[b] > 0 && x >= d->button_x[b] && x < d->button_x[b] + d->button_w[b]) {
            d->focus = (has_list(d) ? 1 : 0) + d->field_count + b;
            return press(d, b);
        }
    return DLG_CONTINUE;
}

static void draw_field(WINDOW *w, int y, int x, int width, const struct dialog_field *f,
                       bool focused)
{
    int lw = draw_text(w, y, x, width, f->label, colors_attr(CR_DIALOG));
    lw += draw_text(w, y, x + lw, width - lw, ": ", colors_attr(CR_DIALOG));
    int fw = width - lw;
    attr_t a = colors_attr(CR_INPUT) | (focused ? A_BOLD : 0);
    wattrset(w, a);
    mvwhline(w, y, x + lw, ' ', fw);
    wattrset(w, A_NORMAL);
    char shown[DIALOG_FIELD_MAX * 3 + 4];
    size_t cut = field_pos(f);   /* the cursor, as a byte offset into what is shown */
    if (f->secret) {
        /* Echo off: one bullet per character typed, never the characters. */
        const char *bullet = draw_unicode() ? "\u2022" : "*";
        shown[0] = '\0';
        size_t at = 0, chars_before = 0;
        for (size_t i = 0; i < cut; i++)
            chars_before += ((unsigned char)f->buf[i] & 0xc0) != 0x80;
        int count = draw_width(f->buf);
        for (int i = 0; i < count && strlen(shown) + 4 < sizeof(shown); i++) {
            if ((size_t)i == chars_before)
                at = strlen(shown);
            strcat(shown, bullet);
        }
        cut = chars_before >= (size_t)count ? strlen(shown) : at;
    } else {
        snprintf(shown, sizeof(shown), "%s", f->buf);
    }
    /* Show the part around the cursor: the start scrolls off when the text before it is long. */
    const char *src = shown, *cur = shown + cut;
    char before[sizeof(shown)];
    for (;;) {
        snprintf(before, sizeof(before), "%.*s", (int)(cur - src), src);
        if (draw_width(before) <= fw - 2 || src >= cur)
            break;
        src++;
        while ((*src & 0xc0) == 0x80)
            src++;
    }
    int used = draw_text(w, y, x + lw, fw - 1, before, a);
    if (!*cur) {
        if (focused)
            draw_text(w, y, x + lw + used, 1, "_", a | A_BLINK);
    } else {
        /* the character under the cursor in reverse, then the rest */
        const char *next = cur + 1;
        while ((*next & 0xc0) == 0x80)
            next++;
        char one[8];
        snprintf(one, sizeof(one), "%.*s", (int)(next - cur), cur);
        used += draw_text(w, y, x + lw + used, fw - 1 - used, one, a | (focused ? A_REVERSE : 0));
        draw_text(w, y, x + lw + used, fw - 1 - used, next, a);
    }
    explicit_bzero(shown, sizeof(shown));
    explicit_bzero(before, sizeof(before));
}

void dialog_draw(struct dialog *d, WINDOW *w, int rows, int cols)
{
    int width = d->kind == DLG_ERROR || d->kind == DLG_HOST_KEY ? 100 : 72;
    if (width > cols - 4)
        width = cols - 4;
    int inner_w = width - 4;
    /* Measure the body by drawing it off-screen (a canvas scrolled far away draws nothing). */
    struct canvas m;
    struct rect probe = {0, 0, 1, inner_w};
    cv_begin(&m, w, probe, 1 << 20);
    d->ops->draw_body(d, &m);
    int body = cv_lines(&m);
    int extra = (has_list(d) ? (int)d->choice_count + 1 : 0) + d->field_count * 2 +
                (d->status[0] ? 2 : 0) + 2;
    int height = body + extra + 2;
    if (height > rows - 2)
        height = rows - 2;
    int body_h = height - extra - 2;
    if (body_h < 1)
        body_h = 1;
    if (d->body_scroll > body - body_h)
        d->body_scroll = body - body_h;
    if (d->body_scroll < 0)
        d->body_scroll = 0;
    struct rect r = {(rows - height) / 2, (cols - width) / 2, height, width};
    draw_fill(w, r, colors_attr(CR_DIALOG));
    draw_box(w, r, NULL, true);
    char title[160];
    snprintf(title, sizeof(title), " %s ", d->title);
    draw_text_cut(w, r.y, r.x + 2, width - 4, title, colors_attr(CR_DIALOG_TITLE));
    struct canvas cv;
    struct rect area = {r.y + 1, r.x + 2, body_h, inner_w};
    cv_begin(&cv, w, area, d->body_scroll);
    d->ops->draw_body(d, &cv);
    struct rect hint = {r.y, r.x, body_h + 2, width};
    draw_scroll_hint(w, hint, d->body_scroll, body_h, body);
    int y = r.y + 1 + body_h + 1;
    if (has_list(d)) {
        for (size_t i = 0; i < d->choice_count; i++, y++) {
            bool sel = i == d->sel;
            attr_t a = sel ? colors_attr(d->focus == 0 ? CR_BUTTON_FOCUS : CR_SELECTED)
                           : colors_attr(CR_DIALOG);
            char line[256];
            snprintf(line, sizeof(line), "%s %s", sel ? ">" : " ", d->choices[i]);
            draw_text(w, y, r.x + 3, inner_w - 2, line, a);
        }
        y++;
    }
    for (int i = 0; i < d->field_count; i++, y += 2)
        draw_field(w, y, r.x + 2, inner_w, &d->fields[i],
                   d->focus == (has_list(d) ? 1 : 0) + i);
    if (d->status[0]) {
        draw_text(w, y, r.x + 2, inner_w, d->status, colors_attr(CR_ERROR) | A_REVERSE);
        y += 2;
    }
    /* Buttons, right-aligned on the last inner row. */
    y = r.y + height - 2;
    d->button_y = y;
    int x = r.x + width - 2;
    for (int b = d->button_count - 1; b >= 0; b--) {
        char label[64];
        bool off = b == 0 && !dialog_ok_enabled(d);
        bool foc = focused_button(d) == b;
        /* Disabled reads "( Confirm )" and focused "[>Confirm<]" so both show in monochrome. */
        snprintf(label, sizeof(label), off ? "( %s )" : foc ? "[>%s<]" : "[ %s ]",
                 d->buttons[b]);
        x -= draw_width(label) + 1;
        d->button_x[b] = x;
        d->button_w[b] = draw_width(label);
        draw_text(w, y, x, draw_width(label), label,
                  colors_attr(off ? CR_BUTTON_OFF : foc ? CR_BUTTON_FOCUS : CR_BUTTON));
    }
}
