/* app.h: the wizard's state machine: screens, panes, focus, dialogs and the flow it drives.
 * No terminal I/O here: loop.c feeds keys and events, tests do the same headless. */
#ifndef ROTWIZ_APP_H
#define ROTWIZ_APP_H
#include <stdbool.h>
#include <time.h>
#include <wchar.h>
#include <curses.h>
#include "dialog.h"
#include "layout.h"
#include "pane.h"
#include "runner.h"
#include "tui.h"
#include "ui_state.h"

enum app_screen { SCR_START = 0, SCR_WIZARD, SCR_TOPOLOGY, SCR_HELP };

/* What the app does with a dialog's result. */
enum dialog_purpose { DP_NONE = 0, DP_ASK, DP_QUIT, DP_ERROR, DP_SEARCH, DP_EXPORT,
                      DP_EXPORT_PICK };

/* How the app reaches the flow: the runner in the program, a fake in tests. */
struct app_backend {
    bool (*start)(void *ud, const struct flow_request *req, char *err, size_t len);
    const struct core_ask *(*pending)(void *ud);
    void (*answer)(void *ud, int status, const struct core_answer *a);
    void (*cancel)(void *ud);
    void *ud;
};

enum app_mouse { APP_WHEEL_UP = 0, APP_WHEEL_DOWN, APP_CLICK };

struct app {
    const struct tui_options *opt;
    struct app_backend be;
    enum app_screen screen, help_from;
    bool topology_only;           /* tui_topology: q leaves the program, not to the start */
    struct ui_state ui;
    struct pane *panes[PANE_COUNT];
    int focus;                    /* enum pane_id */
    int rows, cols;
    struct layout lay;
    struct dialog dlg;
    bool ask_open;                /* the dialog answers the backend's pending question */
    enum core_ask_type ask_type;
    unsigned long error_shown;    /* ui.error_seq last shown in a dialog */
    int start_sel;
    int help_scroll;
    struct timespec now;          /* CLOCK_MONOTONIC; the loop updates it, tests fix it */
    bool flow_active;             /* a flow was started and has not finished */
    bool quit;
    bool redraw_all;              /* Ctrl-L: repaint the terminal from scratch */
    int exit_code;
    struct tui_session sessions[TUI_MAX_SESSIONS]; /* recorded sessions, newest first */
    size_t session_count;
    bool sessions_loaded;         /* read again when the start screen or export shows them */
    bool small_quit_armed;        /* too small a terminal, a flow running: the next q quits */
    bool help_jump;               /* the help opens at the section of the screen it came from */
    int help_total;               /* the help's lines, as last drawn */
};

/* Reads the recorded sessions (opt->list_sessions) into app->sessions. */
void app_load_sessions(struct app *app);

/* Sets up the app on SCREEN with backend BE; 0, or -1 when out of memory. */
int app_init(struct app *app, const struct tui_options *opt, const struct app_backend *be,
             enum app_screen screen);

/* Frees everything and wipes the dialog. */
void app_free(struct app *app);

/* The terminal is now ROWS x COLS. */
void app_resize(struct app *app, int rows, int cols);

/* Draws the whole screen into W (no refresh). */
void app_draw(struct app *app, WINDOW *w);

/* One key: CH is a character, or a KEY_* code when FKEY. */
void app_key(struct app *app, wint_t ch, bool fkey);

/* A mouse event at (y, x). */
void app_mouse(struct app *app, enum app_mouse what, int y, int x);

/* A core event (UI thread): model, panes, then a pending error (questions: app_sync, called
 * once the queue is delivered). */
void app_event(struct app *app, const struct core_event *ev);

/* Opens the dialog for a pending error or question when none is open. */
void app_sync(struct app *app);

/* Ctrl-C: quit, asking first while a flow runs; a second Ctrl-C quits at once. */
void app_interrupt(struct app *app);

/* Starts flow KIND through the backend and switches to its screen. */
void app_start_flow(struct app *app, enum flow_kind kind);

/* The key context in force (KC_*). */
unsigned app_context(const struct app *app);

/* Screens (screen_start.c, screen_help.c, app_draw.c). */
void screen_start_draw(struct app *app, WINDOW *w);
int screen_start_key(struct app *app, enum key_action a);
void screen_help_draw(struct app *app, WINDOW *w);
void screen_help_key(struct app *app, enum key_action a);
void screen_small_draw(struct app *app, WINDOW *w);
/* Header (title, config, auth, SIMULATED LAB) and the key bar for CONTEXT. */
void screen_header_draw(struct app *app, WINDOW *w, const char *title);
void screen_keybar_draw(struct app *app, WINDOW *w, unsigned context);

#endif
