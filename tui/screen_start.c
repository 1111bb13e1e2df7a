/* screen_start.c: the start screen: choose the task; shows the configuration in use, the
 * authentication type and, for a simulated lab, a plain banner. */
#include "app.h"
#include "colors.h"
#include "draw.h"
#include <stdio.h>
#include <string.h>

struct start_item {
    enum key_action action;       /* also the hotkey's action in the key table */
    const char *hotkey;
    const char *title;
    const char *what;
};

static const struct start_item start_items[] = {
    {KA_TASK_BACKUP, "B", "Back up root-of-trust keys",
     "Clone the source k570's root-of-trust keys onto a partition of the Luna Backup HSM."},
    {KA_TASK_RESTORE, "R", "Restore them onto another k570",
     "Clone the keys from the Backup HSM onto the target k570's user partition."},
    {KA_TASK_PREPARE, "P", "Prepare a target k570",
     "Check and clear the target k570 so it can receive the keys (destructive)."},
    {KA_TASK_TOPOLOGY, "T", "View the topology (read-only)",
     "Connect, read and show the devices and links; changes nothing."},
    {KA_TASK_EXPORT, "E", "Export a recorded session",
     "Write a recorded session as text, JSON lines or an asciinema cast."},
    {KA_TASK_MIGRATE, "M", "Migrate: back up and restore in one run",
     "Back up the source k570 and restore onto the empty target k570 in one ceremony: the "
     "workstation set up once, both appliances connected once."},
    {KA_QUIT, "q", "Quit", "Leave rotwiz."},
};
#define START_ITEMS ((int)(sizeof(start_items) / sizeof(start_items[0])))

/* The task key of flow FLOW ("backup-ped" -> "B"), or NULL. */
static const char *task_key(const char *flow)
{
    return !strncmp(flow, "backup", 6) ? "B" : !strncmp(flow, "restore", 7) ? "R"
           : !strncmp(flow, "prepare", 7) ? "P" : NULL;
}

/* Before any task is chosen: the interrupted sessions the same task would continue (only the
 * newest session of a flow is continued). Returns the next free row. */
static int start_resumable(struct app *app, WINDOW *w, int y, int x, int width)
{
    if (!app->sessions_loaded)
        app_load_sessions(app);
    char seen[TUI_MAX_SESSIONS][32];
    size_t nseen = 0, shown = 0;
    for (size_t i = 0; i < app->session_count && shown < 2; i++) {
        const struct tui_session *s = &app->sessions[i];
        bool newer = false;
        for (size_t k = 0; k < nseen; k++)
            newer = newer || !strcmp(seen[k], s->flow);
        if (newer)
            continue;
        snprintf(seen[nseen++], sizeof seen[0], "%s", s->flow);
        const char *key = task_key(s->flow);
        if (!s->resumable || !key)
            continue;
        char buf[400];
        snprintf(buf, sizeof buf, "An interrupted %s session (started %.16s) can be resumed: "
                 "press %s to continue it.", s->flow, s->label, key);
        struct canvas cv;
        struct rect area = {y + 1, x, 2, width};
        cv_begin(&cv, w, area, 0);
        cv_wrap(&cv, CR_WARNING, 0, buf);
        y += 1 + (cv_lines(&cv) < 2 ? cv_lines(&cv) : 2);
        shown++;
    }
    return y;
}

void screen_start_draw(struct app *app, WINDOW *w)
{
    const struct tui_options *o = app->opt;
    screen_header_draw(app, w, "Start");
    int width = app->cols - 8 < 76 ? app->cols - 8 : 76;
    int x = (app->cols - width) / 2;
    int y = 2;
    draw_text(w, y++, x, width, "Root-of-trust key backup and restore for k570 appliances",
              colors_attr(CR_PANE_TITLE));
    y++;
    char buf[512], tail[512];
    snprintf(buf, sizeof(buf), "Configuration:  %s",
             draw_tail(o->config_path ? o->config_path : "(none)", width - 16, tail,
                       sizeof(tail)));
    draw_text(w, y++, x, width, buf, colors_attr(CR_NORMAL));
    snprintf(buf, sizeof(buf), "Authentication: %s",
             o->auth ? (o->auth[0] == 'p' && o->auth[1] == 'e' ? "PED (PED keys)" : o->auth)
                     : "as in the configuration");
    draw_text(w, y++, x, width, buf, colors_attr(CR_NORMAL));
    if (o->simulated) {
        snprintf(buf, sizeof(buf), " SIMULATED LAB %s%s ", o->lab_dir ? "in " : "",
                 o->lab_dir ? o->lab_dir : "");
        draw_text(w, y++, x, width, buf, colors_attr(CR_BANNER));
    }
    y = start_resumable(app, w, y, x, width);
    y++;
    draw_text(w, y++, x, width, "Choose the task:", colors_attr(CR_NORMAL));
    struct rect box = {y, x, START_ITEMS + 2, width};
    draw_box(w, box, NULL, false);
    for (int i = 0; i < START_ITEMS; i++) {
        bool sel = i == app->start_sel;
        attr_t a = colors_attr(sel ? CR_SELECTED : CR_NORMAL);
        if (sel) {
            wattrset(w, a);
            mvwhline(w, y + 1 + i, x + 1, ' ', width - 2);
            wattrset(w, A_NORMAL);
        }
        snprintf(buf, sizeof(buf), "%s %s  %s", sel ? ">" : " ", start_items[i].hotkey,
                 start_items[i].title);
        draw_text(w, y + 1 + i, x + 2, width - 4, buf, a);
    }
    y += START_ITEMS + 3;
    struct canvas cv;
    struct rect area = {y, x, app->rows - 1 - y, width};
    cv_begin(&cv, w, area, 0);
    cv_wrap(&cv, CR_DIM, 0, start_items[app->start_sel].what);
    if (app->ui.notice[0])
        cv_wrap(&cv, app->ui.notice_warning ? CR_WARNING : CR_NORMAL, 0, app->ui.notice);
}

int screen_start_key(struct app *app, enum key_action a)
{
    switch (a) {
    case KA_UP:
        app->start_sel = (app->start_sel + START_ITEMS - 1) % START_ITEMS;
        return KA_NONE;
    case KA_DOWN:
        app->start_sel = (app->start_sel + 1) % START_ITEMS;
        return KA_NONE;
    case KA_ENTER:
        return start_items[app->start_sel].action;
    default:
        return a;
    }
}
