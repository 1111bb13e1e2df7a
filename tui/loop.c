/* loop.c: the terminal and the one poll() loop over stdin, the runner's descriptor and a
 * self-pipe for signals; the entry points tui_wizard and tui_topology. */
#include "app.h"
#include "colors.h"
#include "draw.h"
#include "tui.h"
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The runner behind the app's backend. */
struct loop_runner {
    struct runner *r;
};

static bool lr_start(void *ud, const struct flow_request *req, char *err, size_t len)
{
    struct loop_runner *lr = ud;
    if (lr->r) {
        runner_free(lr->r);     /* the previous flow ended (or was cancelled): join it */
        lr->r = NULL;
    }
    lr->r = runner_start(req, err, len);
    return lr->r != NULL;
}

static const struct core_ask *lr_pending(void *ud)
{
    struct loop_runner *lr = ud;
    return lr->r ? runner_pending_ask(lr->r) : NULL;
}

static void lr_answer(void *ud, int status, const struct core_answer *a)
{
    struct loop_runner *lr = ud;
    if (lr->r)
        runner_answer(lr->r, status, a);
}

static void lr_cancel(void *ud)
{
    struct loop_runner *lr = ud;
    if (lr->r)
        runner_cancel(lr->r);
}

static int sig_pipe[2] = {-1, -1};
static bool curses_on;

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
        /* pipe full: a signal of the same kind is already waiting */
    }
    errno = saved;
}

/* Leaves the terminal usable on every exit path (normal, error, exit() elsewhere). */
static void restore_terminal(void)
{
    if (curses_on) {
        curses_on = false;
        endwin();
    }
}

static void install_signals(bool on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on ? on_signal : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

static void sink_event(void *ud, const struct core_event *ev)
{
    app_event(ud, ev);
}

static void read_keys(struct app *app)
{
    wint_t ch;
    int rc;
    while ((rc = get_wch(&ch)) != ERR) {
        if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
            app_resize(app, LINES, COLS);
        } else if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
            MEVENT me;
            if (getmouse(&me) != OK)
                continue;
            if (me.bstate & BUTTON4_PRESSED)
                app_mouse(app, APP_WHEEL_UP, me.y, me.x);
            else if (me.bstate & BUTTON5_PRESSED)
                app_mouse(app, APP_WHEEL_DOWN, me.y, me.x);
            else if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
                app_mouse(app, APP_CLICK, me.y, me.x);
        } else {
            app_key(app, ch, rc == KEY_CODE_YES);
        }
        if (app->quit)
            return;
    }
}

static void read_signals(struct app *app)
{
    unsigned char buf[16];
    ssize_t n;
    while ((n = read(sig_pipe[0], buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == SIGWINCH) {
                struct winsize ws;
                if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
                    resizeterm(ws.ws_row, ws.ws_col);
                app_resize(app, LINES, COLS);
            } else if (buf[i] == SIGINT) {
                app_interrupt(app);
            } else {
                /* SIGTERM / SIGHUP / SIGQUIT: stop the flow and leave. */
                if (app->be.cancel)
                    app->be.cancel(app->be.ud);
                if (app->flow_active)
                    app->exit_code = 6;
                app->quit = true;
            }
        }
    }
}

/* After the screen is restored: where the stopped flow is recorded and how to go on. */
static void print_resume(const struct tui_options *o, int code)
{
    const char *dir = o->latest_session_dir ? o->latest_session_dir(o->ud) : NULL;
    if (code == 0) {
        fprintf(stderr, "rotwiz: the flow finished before the cancel reached it (exit 0)%s%s\n",
                dir ? "; session recorded in " : "", dir ? dir : "");
        return;
    }
    fprintf(stderr, "rotwiz: the flow was stopped (exit %d) at a safe point.\n", code);
    if (dir)
        fprintf(stderr, "rotwiz: the session is recorded in %s\n"
                "rotwiz: to read it: rotwiz export %s --format text\n", dir, dir);
    bool cfg = o->config_path && !o->simulated; /* a simulated lab's goes away with it */
    fprintf(stderr, "rotwiz: to resume, start the same task again (rotwiz%s%s%s%s%s): every "
            "step checks its effect first, so nothing done is done twice.\n",
            o->simulated ? " --simulate" : "", cfg ? " --config " : "",
            cfg ? o->config_path : "", o->state_dir ? " --state-dir " : "",
            o->state_dir ? o->state_dir : "");
}

static int run(const struct tui_options *o, enum app_screen first)
{
    struct loop_runner lr = {NULL};
    struct app_backend be = {lr_start, lr_pending, lr_answer, lr_cancel, &lr};
    struct app app;
    SCREEN *scr = NULL;
    int code = 2;

    setlocale(LC_ALL, "");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return 2;
    if (pipe(sig_pipe) != 0)
        return 2;
    for (int i = 0; i < 2; i++)
        fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
    if (app_init(&app, o, &be, first) != 0)
        goto out_pipe;
    scr = newterm(NULL, stdout, stdin);
    if (!scr)
        goto out_app;
    curses_on = true;
    static bool atexit_done;
    if (!atexit_done)
        atexit_done = atexit(restore_terminal) == 0;
    /* After newterm: ours replaces ncurses' SIGWINCH handler; we resize from the pipe. */
    install_signals(true);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    colors_init(o->no_color);
    draw_set_unicode(draw_locale_is_utf8());
    app_resize(&app, LINES, COLS);
    if (first == SCR_TOPOLOGY) {
        app.topology_only = true;
        app_start_flow(&app, FLOW_TOPOLOGY);
    }
    struct core_sink sink = {sink_event, NULL, &app};
    while (!app.quit) {
        clock_gettime(CLOCK_MONOTONIC, &app.now);
        if (app.redraw_all) {
            clearok(curscr, TRUE);
            app.redraw_all = false;
        }
        app_draw(&app, stdscr);
        wnoutrefresh(stdscr);
        doupdate();
        struct pollfd fds[3] = {{STDIN_FILENO, POLLIN, 0}, {sig_pipe[0], POLLIN, 0},
                                {-1, POLLIN, 0}};
        nfds_t nfds = 2;
        int rfd = lr.r ? runner_fd(lr.r) : -1;
        if (rfd >= 0) {
            fds[2].fd = rfd;
            nfds = 3;
        }
        /* Tick once a second only while a PED countdown is on screen. */
        int rc = poll(fds, nfds, app.ui.ped.active ? 1000 : -1);
        if (rc < 0 && errno != EINTR)
            break;
        if (fds[1].revents & POLLIN)
            read_signals(&app);
        if (nfds == 3 && (fds[2].revents & (POLLIN | POLLHUP))) {
            runner_dispatch(lr.r, &sink);
            int fc;
            if (app.flow_active && runner_finished(lr.r, &fc) && !app.ui.flow_running) {
                app.flow_active = false;
                app.exit_code = fc;
            }
            app_sync(&app);
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (fds[0].revents & (POLLHUP | POLLERR) && !(fds[0].revents & POLLIN)) {
                if (app.be.cancel)
                    app.be.cancel(app.be.ud);
                break;      /* the terminal went away */
            }
            read_keys(&app);
        }
    }
    code = app.exit_code;
    bool stopped_flow = false;
    if (lr.r) {
        /* Tell the operator why the screen waits: the flow stops at a safe point. */
        stopped_flow = app.flow_active;
        if (app.flow_active) {
            mvaddstr(LINES - 1, 0, " Cancelling the flow at the next safe point... ");
            clrtoeol();
            refresh();
        }
        /* the process exits with what the flow's journal ended with: a flow that finished its
         * last step before the cancel reached it says 0 in both */
        code = runner_wait(lr.r);
        runner_free(lr.r);
        lr.r = NULL;
    }
    install_signals(false);
    restore_terminal();
    delscreen(scr);
    if (stopped_flow)
        print_resume(o, code);
out_app:
    app_free(&app);
out_pipe:
    close(sig_pipe[0]);
    close(sig_pipe[1]);
    sig_pipe[0] = sig_pipe[1] = -1;
    return code;
}

int tui_wizard(const struct tui_options *o)
{
    return run(o, SCR_START);
}

int tui_topology(const struct tui_options *o)
{
    return run(o, SCR_TOPOLOGY);
}
