/* screen_bars.c: the header line, the key bar (generated from the key table) and the
 * "terminal too small" screen. */
#include "app.h"
#include "colors.h"
#include "draw.h"
#include <stdio.h>

void screen_header_draw(struct app *app, WINDOW *w, const char *title)
{
    const struct tui_options *o = app->opt;
    struct rect r = {0, 0, 1, app->cols};
    draw_fill(w, r, colors_attr(CR_HEADER));
    /* The banner comes first: it must never be cut off by a long path. */
    int room = app->cols;
    if (o->simulated) {
        const char *banner = " SIMULATED LAB ";
        int bw = draw_width(banner);
        room = app->cols - bw - 1;
        draw_text(w, 0, app->cols - bw, bw, banner, colors_attr(CR_BANNER));
    }
    char buf[1024], head[512], tail[512];
    snprintf(head, sizeof(head), " rotwiz | %s | auth %s | config ", title,
             o->auth ? o->auth : "from config");
    /* a long configuration path keeps its end (the file name), cut with an ellipsis; a long
     * title is cut the same way at the right */
    int left = room - draw_width(head);
    const char *path = o->config_path ? o->config_path : "(none)";
    if (left >= 12)
        snprintf(buf, sizeof(buf), "%s%s", head, draw_tail(path, left, tail, sizeof(tail)));
    else
        snprintf(buf, sizeof(buf), "%s%s", head, path);
    draw_text_cut(w, 0, 0, room, buf, colors_attr(CR_HEADER));
}

void screen_keybar_draw(struct app *app, WINDOW *w, unsigned context)
{
    const struct key_def *items[32];
    size_t n = keys_bar(context, items, 32);
    int y = app->rows - 1, x = 0;
    struct rect r = {y, 0, 1, app->cols};
    draw_fill(w, r, colors_attr(CR_KEYBAR));
    for (size_t i = 0; i < n && x < app->cols; i++) {
        char label[64];
        snprintf(label, sizeof(label), " %s ", items[i]->label);
        int need = draw_width(items[i]->name) + draw_width(label);
        if (x + need > app->cols)
            break;
        x += draw_text(w, y, x, app->cols - x, items[i]->name, colors_attr(CR_KEYBAR_KEY));
        x += draw_text(w, y, x, app->cols - x, label, colors_attr(CR_KEYBAR));
    }
}

void screen_small_draw(struct app *app, WINDOW *w)
{
    char buf[128];
    int y = app->rows / 2 - 1;
    if (y < 0)
        y = 0;
    snprintf(buf, sizeof(buf), "Terminal too small: %dx%d", app->cols, app->rows);
    draw_text(w, y, 0, app->cols, buf, colors_attr(CR_WARNING));
    snprintf(buf, sizeof(buf), "rotwiz needs at least %dx%d.", LAYOUT_MIN_COLS,
             LAYOUT_MIN_ROWS);
    draw_text(w, y + 1, 0, app->cols, buf, colors_attr(CR_NORMAL));
    draw_text(w, y + 2, 0, app->cols, "Enlarge the window, or press q to quit.",
              colors_attr(CR_NORMAL));
    if (app->small_quit_armed)
        draw_text(w, y + 3, 0, app->cols, "A flow is running: q again cancels it and quits.",
                  colors_attr(CR_WARNING));
}
