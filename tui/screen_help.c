/* screen_help.c: F1/? help: every key of the key table by context, then the help text. */
#include "app.h"
#include "assets.h"
#include "colors.h"
#include "draw.h"
#include <stdio.h>

/* The key context of the screen the help was opened from. */
static unsigned from_context(const struct app *app)
{
    switch (app->help_from) {
    case SCR_START: return KC_START;
    case SCR_TOPOLOGY: return KC_TOPOLOGY;
    default: return KC_WIZARD;
    }
}

/* Lays the help out into IN scrolled by SCROLL; returns the line where the section of the
 * screen it came from starts. */
static int help_lay_out(struct app *app, WINDOW *w, struct rect in, int scroll, int *total)
{
    struct canvas cv;
    int section = 0;
    cv_begin(&cv, w, in, scroll);
    for (unsigned ctx = 1; ctx < (1u << KC_COUNT); ctx <<= 1) {
        if (ctx == from_context(app))
            section = cv.line;
        cv_put(&cv, CR_PANE_TITLE, keys_context_name(ctx));
        cv_nl(&cv);
        for (size_t i = 0; i < keys_count; i++) {
            const struct key_def *k = &keys_table[i];
            if (!(k->contexts & ctx) || !k->help)
                continue;
            char name[16];
            snprintf(name, sizeof(name), "  %-7s", k->name);
            cv_put(&cv, CR_KEYBAR_KEY, name);
            /* The text wraps under itself, right of the key column. */
            cv_wrap(&cv, CR_NORMAL, 10, k->help);
        }
        cv_nl(&cv);
    }
    cv_put(&cv, CR_PANE_TITLE, "Mouse");
    cv_nl(&cv);
    cv_put(&cv, CR_NORMAL, "  wheel scrolls the transcript; a click focuses a pane or presses "
                           "a dialog's button");
    cv_nl(&cv);
    cv_nl(&cv);
    const char *text = assets_get("help/wizard.txt", NULL);
    if (text)
        cv_wrap(&cv, CR_NORMAL, 0, text);
    *total = cv_lines(&cv);
    return section;
}

void screen_help_draw(struct app *app, WINDOW *w)
{
    screen_header_draw(app, w, "Help");
    struct rect box = {1, 0, app->rows - 2, app->cols};
    draw_box(w, box, "Keys (Esc or q closes)", false);
    struct rect in = draw_inner(box);
    in.x += 1;
    in.w -= 2;
    int total = 0;
    if (app->help_jump) {
        /* opens at the keys of the screen it came from (measured off-screen first) */
        app->help_scroll = help_lay_out(app, w, in, 1 << 20, &total);
        app->help_jump = false;
    }
    help_lay_out(app, w, in, 1 << 20, &total);
    if (app->help_scroll > total - in.h)
        app->help_scroll = total - in.h > 0 ? total - in.h : 0;
    help_lay_out(app, w, in, app->help_scroll, &total);
    app->help_total = total;
    draw_scroll_hint(w, box, app->help_scroll, in.h, total);
}

void screen_help_key(struct app *app, enum key_action a)
{
    int page = app->rows - 5 > 1 ? app->rows - 5 : 1;
    switch (a) {
    case KA_UP: app->help_scroll--; break;
    case KA_DOWN: app->help_scroll++; break;
    case KA_PGUP: app->help_scroll -= page; break;
    case KA_PGDN: app->help_scroll += page; break;
    case KA_HOME: app->help_scroll = 0; break;
    case KA_END: app->help_scroll = app->help_total - (app->rows - 4); break; /* last line */
    case KA_HELP: case KA_QUIT: case KA_CANCEL:
        app->screen = app->help_from;
        app_resize(app, app->rows, app->cols);
        return;
    default:
        break;
    }
    /* never beyond the last line (the total of the last drawing) */
    if (app->help_total > 0 && app->help_scroll > app->help_total - (app->rows - 4))
        app->help_scroll = app->help_total - (app->rows - 4);
    if (app->help_scroll < 0)
        app->help_scroll = 0;
}
