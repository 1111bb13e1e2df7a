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
    return strdup(s ? s : "");
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

static void field_append(struct dialog_field *f, wint_t ch)
{
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    size_t n = wcrtomb(mb, (wchar_t)ch, &st);
    if (n == (size_t)-1 || f->len + n >= sizeof(f->buf))
        return;
    memcpy(f->buf + f->len, mb, n);
    f->len += n;
    f->buf[f->len] = '\0';
    explicit_bzero(mb, sizeof(mb));
}

static void field_backspace(struct dialog_field *f)
{
    /* Remove one whole UTF-8 character: continuation bytes are 10xxxxxx. */
    while (f->len > 0) {
        unsigned char c = (unsigned char)f->buf[--f->len];
        f->buf[f->len] = '\0';
        if ((c & 0xc0) != 0x80)
            break;
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
        if (focused_button(d) >= 0 && d->button_count > 1) {
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
    const char *src = f->buf;
    if (f->secret) {
        /* Echo off: one bullet per character typed, never the characters. */
        int count = draw_width(f->buf);
        const char *bullet = draw_unicode() ? "\u2022" : "*";
        shown[0] = '\0';
        for (int i = 0; i < count && strlen(shown) + 4 < sizeof(shown); i++)
            strcat(shown, bullet);
        src = shown;
    } else {
        /* Show the end of a long value. */
        while (draw_width(src) > fw - 2 && *src) {
            src++;
            while ((*src & 0xc0) == 0x80)
                src++;
        }
    }
    int used = draw_text(w, y, x + lw, fw - 1, src, a);
    if (focused)
        draw_text(w, y, x + lw + used, 1, "_", a | A_BLINK);
    if (f->secret)
        explicit_bzero(shown, sizeof(shown));
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
    draw_text(w, r.y, r.x + 2, width - 4, title, colors_attr(CR_DIALOG_TITLE));
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
    int x = r.x + width - 2;
    for (int b = d->button_count - 1; b >= 0; b--) {
        char label[64];
        bool off = b == 0 && !dialog_ok_enabled(d);
        bool foc = focused_button(d) == b;
        /* Disabled reads "( Confirm )" and focused "[>Confirm<]" so both show in monochrome. */
        snprintf(label, sizeof(label), off ? "( %s )" : foc ? "[>%s<]" : "[ %s ]",
                 d->buttons[b]);
        x -= draw_width(label) + 1;
        draw_text(w, y, x, draw_width(label), label,
                  colors_attr(off ? CR_BUTTON_OFF : foc ? CR_BUTTON_FOCUS : CR_BUTTON));
    }
}
