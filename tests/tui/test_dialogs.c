/* test_dialogs.c: dialogs as states: what each answers, refusals, wiping, quitting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "colors.h"
#include "draw.h"
#include "scenes.h"
#include "screen_dump.h"

struct fixture {
    struct fake_backend fb;
    struct app app;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct app_backend be;
    sd_open("xterm-256color", 24, 80);
    colors_init(false);
    draw_set_unicode(true);
    fake_backend_init(&f->fb, &be);
    if (app_init(&f->app, &scene_opts, &be, SCR_START) != 0)
        return -1;
    app_resize(&f->app, 24, 80);
    f->app.screen = SCR_WIZARD;
    scene_send_topology(&f->app, false);
    scene_send_flow(&f->app, 2);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    app_free(&f->app);
    sd_close();
    free(f);
    return 0;
}

static void type(struct app *app, const char *s)
{
    for (; *s; s++)
        app_key(app, (wint_t)(unsigned char)*s, false);
}

static void ask(struct fixture *f, const struct core_ask *q)
{
    f->fb.ask = *q;
    f->fb.has_ask = true;
    app_sync(&f->app);
    assert_true(dialog_open(&f->app.dlg));
}

static const struct core_ask typed_q = {.type = ASK_TYPED_CONFIRM, .title = "Clear",
                                        .prompt = "Clears the target.", .expected = "k570-b"};

/* A wrong name is refused: Enter does nothing, the button is drawn disabled. */
static void test_typed_confirm_refuses_wrong_name(void **state)
{
    struct fixture *f = *state;
    ask(f, &typed_q);
    type(&f->app, "k570-a");
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 0);
    assert_true(dialog_open(&f->app.dlg));
    assert_false(dialog_ok_enabled(&f->app.dlg));
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "( Confirm )", &y, &x));
    /* Moving to the button and pressing it is refused too. */
    app_key(&f->app, '\t', false);
    assert_true(sd_find(stdscr, "( Confirm )", &y, &x));
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 0);
    /* A prefix or a longer text does not match either. */
    app_key(&f->app, KEY_BTAB, true);
    app_key(&f->app, KEY_BACKSPACE, true);
    assert_false(dialog_ok_enabled(&f->app.dlg));
    type(&f->app, "b ");
    assert_false(dialog_ok_enabled(&f->app.dlg));
    app_key(&f->app, 127, false);
    assert_true(dialog_ok_enabled(&f->app.dlg));
    werase(stdscr);
    app_draw(&f->app, stdscr);
    assert_true(sd_find(stdscr, "[ Confirm ]", &y, &x));
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 1);
    assert_int_equal(f->fb.last_status, ASK_ANSWERED);
    assert_string_equal(f->fb.last.text, "k570-b");
    assert_false(dialog_open(&f->app.dlg));
}

static void test_typed_confirm_escape_cancels(void **state)
{
    struct fixture *f = *state;
    ask(f, &typed_q);
    type(&f->app, "k570-b");
    app_key(&f->app, 27, false);
    assert_int_equal(f->fb.answers, 1);
    assert_int_equal(f->fb.last_status, ASK_CANCELLED);
    assert_string_equal(f->fb.last.text, "");
}

/* The password never reaches the screen and the dialog's buffer is wiped after answering. */
static void test_secret_hidden_and_wiped(void **state)
{
    struct fixture *f = *state;
    struct core_ask q = {.type = ASK_SECRET, .title = "CO password", .prompt = "Password:",
                         .key = "co_password"};
    ask(f, &q);
    type(&f->app, "Hunter2xyz");
    app_draw(&f->app, stdscr);
    char *dump = sd_dump(stdscr, false);
    assert_null(strstr(dump, "Hunter2xyz"));
    assert_null(strstr(dump, "Hunter"));
    assert_non_null(strstr(dump, "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022"));
    free(dump);
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 1);
    assert_string_equal(f->fb.last.text, "Hunter2xyz");
    const unsigned char *raw = (const unsigned char *)&f->app.dlg;
    for (size_t i = 0; i < sizeof(f->app.dlg); i++)
        assert_int_equal(raw[i], 0);
}

/* An empty password cannot be sent. */
static void test_secret_empty_refused(void **state)
{
    struct fixture *f = *state;
    struct core_ask q = {.type = ASK_SECRET, .prompt = "Password:"};
    ask(f, &q);
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 0);
}

static void test_host_key_default_refuses(void **state)
{
    struct fixture *f = *state;
    struct core_ask q = {.type = ASK_HOST_KEY, .host = "h:22", .fingerprint = "SHA256:x"};
    ask(f, &q);
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "SHA256:x", &y, &x));
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 1);
    assert_int_equal(f->fb.last_status, ASK_ANSWERED);
    assert_false(f->fb.last.yes);
    /* Accept takes a deliberate move to the Accept button. */
    ask(f, &q);
    app_key(&f->app, KEY_LEFT, true);
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 2);
    assert_true(f->fb.last.yes);
}

static void test_hand_step_and_choice(void **state)
{
    struct fixture *f = *state;
    struct core_ask hand = {.type = ASK_HAND_STEP, .prompt = "Plug the PED in."};
    ask(f, &hand);
    app_key(&f->app, '\n', false);
    assert_true(f->fb.last.yes);
    static const char *const ch[] = {"one", "two", "three"};
    struct core_ask choice = {.type = ASK_CHOICE, .prompt = "Pick", .choices = ch,
                              .choice_count = 3};
    ask(f, &choice);
    app_key(&f->app, KEY_DOWN, true);
    app_key(&f->app, KEY_DOWN, true);
    app_key(&f->app, KEY_DOWN, true);      /* stops at the last */
    app_key(&f->app, KEY_UP, true);
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 2);
    assert_int_equal(f->fb.last.choice, 1);
}

static void test_text_utf8_editing(void **state)
{
    struct fixture *f = *state;
    struct core_ask q = {.type = ASK_TEXT, .prompt = "Operator?"};
    ask(f, &q);
    type(&f->app, "Jos");
    app_key(&f->app, 0xe9, false);          /* é as a wide character */
    app_key(&f->app, 0x263a, false);        /* ☺ */
    app_key(&f->app, KEY_BACKSPACE, true);  /* removes the whole character */
    app_key(&f->app, '\n', false);
    assert_string_equal(f->fb.last.text, "Jos\xc3\xa9");
}

/* q while a flow runs asks first; staying keeps the flow; quitting cancels it (exit 6). */
static void test_quit_confirmation(void **state)
{
    struct fixture *f = *state;
    assert_true(f->app.flow_active);
    app_key(&f->app, 'q', false);
    assert_true(dialog_open(&f->app.dlg));
    app_key(&f->app, '\n', false);          /* focus starts on Stay */
    assert_false(f->app.quit);
    assert_int_equal(f->fb.cancels, 0);
    app_key(&f->app, KEY_F(10), true);
    app_key(&f->app, KEY_LEFT, true);
    app_key(&f->app, '\n', false);
    assert_true(f->app.quit);
    assert_int_equal(f->fb.cancels, 1);
    assert_int_equal(f->app.exit_code, 6);
}

/* Ctrl-C twice leaves even while a question is open; the question is not answered. */
static void test_interrupt_twice(void **state)
{
    struct fixture *f = *state;
    struct core_ask q = {.type = ASK_SECRET, .prompt = "Password:"};
    ask(f, &q);
    app_interrupt(&f->app);
    assert_false(f->app.quit);
    app_interrupt(&f->app);
    assert_true(f->app.quit);
    assert_int_equal(f->fb.cancels, 1);
    assert_int_equal(f->fb.answers, 0);
}

/* Staying after Ctrl-C brings the pending question back. */
static void test_question_returns_after_stay(void **state)
{
    struct fixture *f = *state;
    struct core_ask q = {.type = ASK_TEXT, .prompt = "Witness?"};
    ask(f, &q);
    app_interrupt(&f->app);
    assert_int_equal(f->app.dlg.purpose, DP_QUIT);
    app_key(&f->app, 27, false);
    assert_int_equal(f->app.dlg.purpose, DP_ASK);
    assert_int_equal(f->app.dlg.kind, DLG_TEXT);
}

/* A flow that cannot start shows why, from the start screen, by keys alone. */
static void test_start_failure_shows_error(void **state)
{
    struct fixture *f = *state;
    f->app.screen = SCR_START;
    f->app.flow_active = false;
    app_key(&f->app, 'B', false);
    assert_int_equal(f->fb.starts, 1);
    assert_int_equal(f->fb.last_kind, FLOW_BACKUP);
    assert_int_equal(f->app.screen, SCR_WIZARD);
    assert_int_equal(f->app.dlg.kind, DLG_ERROR);
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "flows are not built yet", &y, &x));
    app_key(&f->app, '\n', false);
    assert_false(dialog_open(&f->app.dlg));
    app_key(&f->app, '\n', false);          /* no flow: Enter goes back to the start */
    assert_int_equal(f->app.screen, SCR_START);
    app_key(&f->app, KEY_DOWN, true);
    app_key(&f->app, KEY_DOWN, true);
    app_key(&f->app, KEY_DOWN, true);
    f->fb.start_ok = true;
    app_key(&f->app, '\n', false);          /* View the topology */
    assert_int_equal(f->fb.last_kind, FLOW_TOPOLOGY);
    assert_int_equal(f->app.screen, SCR_TOPOLOGY);
    assert_true(f->app.flow_active);
}

static char export_args[3][256];
static int export_calls;

static int fake_export(const char *dir, const char *fmt, const char *path, char *err,
                       size_t len)
{
    export_calls++;
    snprintf(export_args[0], 256, "%s", dir);
    snprintf(export_args[1], 256, "%s", fmt);
    snprintf(export_args[2], 256, "%s", path);
    if (strstr(path, "bad")) {
        snprintf(err, len, "cannot write %s", path);
        return -1;
    }
    return 0;
}

static const char *latest(void *ud)
{
    (void)ud;
    return "/state/sessions/2026-11-27T0940";
}

static void test_export_dialog(void **state)
{
    struct fixture *f = *state;
    struct tui_options o = scene_opts;
    o.export_session = fake_export;
    o.latest_session_dir = latest;
    f->app.opt = &o;
    app_key(&f->app, 'e', false);
    assert_int_equal(f->app.dlg.kind, DLG_EXPORT);
    app_key(&f->app, KEY_DOWN, true);       /* jsonl */
    assert_string_equal(f->app.dlg.fields[1].buf, "rotwiz-session.jsonl");
    app_key(&f->app, '\t', false);          /* session folder (prefilled) */
    app_key(&f->app, '\t', false);          /* output path */
    for (int i = 0; i < 30; i++)
        app_key(&f->app, KEY_BACKSPACE, true);
    type(&f->app, "/bad/out.jsonl");
    app_key(&f->app, '\n', false);
    assert_int_equal(export_calls, 1);
    assert_true(dialog_open(&f->app.dlg));  /* failure keeps it open with the reason */
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "cannot write /bad/out.jsonl", &y, &x));
    for (int i = 0; i < 14; i++)
        app_key(&f->app, KEY_BACKSPACE, true);
    type(&f->app, "/tmp/out.jsonl");
    app_key(&f->app, '\n', false);
    assert_int_equal(export_calls, 2);
    assert_false(dialog_open(&f->app.dlg));
    assert_string_equal(export_args[0], "/state/sessions/2026-11-27T0940");
    assert_string_equal(export_args[1], "jsonl");
    assert_string_equal(export_args[2], "/tmp/out.jsonl");
    f->app.opt = &scene_opts;
}

static void test_search_and_filter(void **state)
{
    struct fixture *f = *state;
    scene_send_transcript(&f->app, 30);
    app_key(&f->app, '/', false);
    type(&f->app, "RBS started");
    app_key(&f->app, '\n', false);
    assert_false(pane_transcript_following(f->app.panes[PANE_TRANSCRIPT]));
    app_draw(&f->app, stdscr);
    int y, x;
    if (!sd_find(stdscr, "< RBS started", &y, &x)) {
        char *d = sd_dump(stdscr, false);
        fprintf(stderr, "%s", d);
        free(d);
        fail();
    }
    attr_t a;
    short pair;
    sd_cell(stdscr, y, x + 2, &a, &pair);
    assert_int_equal(pair, CR_MATCH);
    app_key(&f->app, 'h', false);
    assert_string_equal(pane_transcript_filter(f->app.panes[PANE_TRANSCRIPT]), "source");
    app_key(&f->app, 'h', false);
    assert_string_equal(pane_transcript_filter(f->app.panes[PANE_TRANSCRIPT]), "workstation");
    app_key(&f->app, 'h', false);
    assert_string_equal(pane_transcript_filter(f->app.panes[PANE_TRANSCRIPT]), "");
    app_key(&f->app, 'f', false);
    assert_true(pane_transcript_following(f->app.panes[PANE_TRANSCRIPT]));
}

/* A click focuses a pane; the wheel scrolls the transcript and stops following. */
static void test_mouse(void **state)
{
    struct fixture *f = *state;
    scene_send_transcript(&f->app, 40);
    struct rect r = f->app.panes[PANE_SLOTS]->rect;
    app_mouse(&f->app, APP_CLICK, r.y + 1, r.x + 1);
    assert_int_equal(f->app.focus, PANE_SLOTS);
    app_draw(&f->app, stdscr);
    app_mouse(&f->app, APP_WHEEL_UP, 20, 10);
    assert_false(pane_transcript_following(f->app.panes[PANE_TRANSCRIPT]));
    app_mouse(&f->app, APP_WHEEL_DOWN, 20, 10);
    assert_true(pane_transcript_following(f->app.panes[PANE_TRANSCRIPT]));
}

/* Back is offered where the step allows it; with no runner request for it yet, it says so. */
/* Back: between questions only a note (a command may be running on an HSM); at a hand
 * step's question, 'b' answers "back" when an earlier step is safe to redo. */
static void test_back_key(void **state)
{
    struct fixture *f = *state;
    assert_true(f->app.ui.steps[f->app.ui.current_step].can_go_back);
    sd_resize(40, 120);
    app_resize(&f->app, 40, 120);
    app_draw(&f->app, stdscr);
    assert_non_null(strstr(sd_row(stdscr, 39), "b Back"));
    int y, x;
    assert_true(sd_find(stdscr, "b: Back", &y, &x));
    app_key(&f->app, 'b', false);
    assert_non_null(strstr(f->app.ui.notice, "hand step"));
    assert_int_equal(f->fb.answers, 0);

    struct core_ask hand = {.type = ASK_HAND_STEP, .title = "Move the PED",
                            .prompt = "Plug the PED in."};
    ask(f, &hand);
    app_draw(&f->app, stdscr);
    assert_true(sd_find(stdscr, "b: back to the previous step", &y, &x));
    app_key(&f->app, 'b', false);
    assert_int_equal(f->fb.answers, 1);
    assert_false(f->fb.last.yes);
    assert_int_equal(f->fb.last.choice, 1);
    assert_false(dialog_open(&f->app.dlg));
}

/* Skip: only an optional hand step offers it; 's' answers "skipped" (choice 2). */
static void test_skip_optional_hand_step(void **state)
{
    struct fixture *f = *state;
    struct core_ask hand = {.type = ASK_HAND_STEP, .title = "Rotate",
                            .prompt = "Rotate the key if your policy asks for it."};
    f->app.ui.steps[f->app.ui.current_step].optional = false;
    ask(f, &hand);
    app_key(&f->app, 's', false);           /* not optional: no skip */
    assert_int_equal(f->fb.answers, 0);
    assert_true(dialog_open(&f->app.dlg));
    app_key(&f->app, 27, false);            /* Escape: asks Quit?/Stay, never cancels */
    assert_int_equal(f->fb.answers, 0);
    assert_int_equal(f->app.dlg.purpose, DP_QUIT);
    app_key(&f->app, 27, false);            /* Stay: the step's question is back */
    assert_int_equal(f->app.dlg.purpose, DP_ASK);
    assert_int_equal(f->fb.cancels, 0);
    app_key(&f->app, KEY_RIGHT, true);      /* the "Cancel flow" button, chosen explicitly */
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 1);
    assert_false(f->fb.last.yes);
    f->fb.answers = 0;
    f->app.ui.steps[f->app.ui.current_step].optional = true;
    ask(f, &hand);
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "s: skip it", &y, &x));
    app_key(&f->app, 's', false);
    assert_int_equal(f->fb.answers, 1);
    assert_false(f->fb.last.yes);
    assert_int_equal(f->fb.last.choice, 2);
    assert_false(dialog_open(&f->app.dlg));
}

/* A question waits until the events queued before it are delivered: delivering an event
 * never opens it (app_sync does, after the queue), so the dialog reflects its own step. */
static void test_question_waits_for_the_queue(void **state)
{
    struct fixture *f = *state;
    f->fb.ask = (struct core_ask){.type = ASK_HAND_STEP, .title = "Rotate",
                                  .prompt = "Rotate the key if your policy asks for it."};
    f->fb.has_ask = true;
    struct step_view sv = {.id = "rotate_rot", .title = "Rotate", .instructions = "Rotate.",
                           .enter_action = "Confirm it is done", .hand_step = true,
                           .optional = true, .state = STEP_CURRENT};
    struct core_event ev = {.type = EV_STEP_CHANGED};
    ev.u.step.index = f->app.ui.current_step;
    ev.u.step.step = &sv;
    app_event(&f->app, &ev);
    assert_false(dialog_open(&f->app.dlg));
    app_sync(&f->app);
    assert_true(dialog_open(&f->app.dlg));
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "s: skip it", &y, &x));
}

/* Text fields: Left/Right, Home/End insert where the cursor is; Ctrl-U and Ctrl-W delete. */
static void test_text_cursor_editing(void **state)
{
    struct fixture *f = *state;
    struct core_ask q = {.type = ASK_TEXT, .title = "Witness", .prompt = "Witness?"};
    ask(f, &q);
    type(&f->app, "Bob Wtness");
    for (int i = 0; i < 5; i++)
        app_key(&f->app, KEY_LEFT, true);
    type(&f->app, "i");
    assert_string_equal(f->app.dlg.fields[0].buf, "Bob Witness");
    app_key(&f->app, KEY_HOME, true);
    type(&f->app, "Dr ");
    assert_string_equal(f->app.dlg.fields[0].buf, "Dr Bob Witness");
    app_key(&f->app, KEY_RIGHT, true);
    app_key(&f->app, KEY_END, true);
    app_key(&f->app, 0x17, false);          /* Ctrl-W: the word before the cursor */
    assert_string_equal(f->app.dlg.fields[0].buf, "Dr Bob ");
    app_key(&f->app, KEY_LEFT, true);
    app_key(&f->app, KEY_LEFT, true);
    app_key(&f->app, 127, false);           /* Backspace deletes before the cursor */
    assert_string_equal(f->app.dlg.fields[0].buf, "Dr Bb ");
    app_draw(&f->app, stdscr);              /* the cursor in the middle draws */
    app_key(&f->app, 0x15, false);          /* Ctrl-U: everything before the cursor */
    assert_string_equal(f->app.dlg.fields[0].buf, "b ");
    app_key(&f->app, '\n', false);
    assert_int_equal(f->fb.answers, 1);
    assert_string_equal(f->fb.last.text, "b ");
}

/* A click on a dialog's button presses it; a disabled OK stays unpressed. */
static void test_mouse_presses_dialog_buttons(void **state)
{
    struct fixture *f = *state;
    ask(f, &typed_q);
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "( Confirm )", &y, &x));
    app_mouse(&f->app, APP_CLICK, y, x + 2);      /* disabled: nothing happens */
    assert_int_equal(f->fb.answers, 0);
    assert_true(sd_find(stdscr, "[ Cancel ]", &y, &x));
    app_mouse(&f->app, APP_CLICK, y, x + 3);
    assert_int_equal(f->fb.answers, 1);
    assert_int_equal(f->fb.last_status, ASK_CANCELLED);
    assert_false(dialog_open(&f->app.dlg));
}

/* Help opens at the keys of the screen it came from; End stops at the last line. */
static void test_help_opens_at_the_screen(void **state)
{
    struct fixture *f = *state;
    app_key(&f->app, KEY_F(1), true);
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "Wizard", &y, &x));
    assert_int_equal(y, 2);                       /* the first line inside the frame */
    app_key(&f->app, KEY_END, true);
    app_draw(&f->app, stdscr);
    int last = f->app.help_scroll;
    assert_true(last > 0);
    app_key(&f->app, KEY_DOWN, true);
    app_draw(&f->app, stdscr);
    assert_int_equal(f->app.help_scroll, last);
}

/* Tabs in an excerpt are expanded (a terminal would show '?'); long titles end with "…". */
static void test_tabs_expanded_and_titles_cut(void **state)
{
    struct fixture *f = *state;
    dialog_open_error(&f->app.dlg, "cause", "fix", "source <\tSlot Id ->\t3");
    assert_null(strchr(f->app.dlg.excerpt, '\t'));
    assert_string_equal(f->app.dlg.excerpt, "source <        Slot Id ->      3");
    dialog_close(&f->app.dlg);
    struct core_ask q = {.type = ASK_HAND_STEP, .title = "A hand step whose title is much longer "
                         "than any dialog of an eighty-column terminal could ever show at once",
                         .prompt = "Do it."};
    ask(f, &q);
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "\u2026", &y, &x));
}

static size_t two_sessions(void *ud, struct tui_session *out, size_t max)
{
    (void)ud;
    static const struct tui_session list[] = {
        {"/state/sessions/new", "restore-password", "2026-11-30 10:02  restore  interrupted",
         true},
        {"/state/sessions/old", "backup-password", "2026-11-30 09:40  backup  done (exit 0)",
         false},
    };
    size_t n = max < 2 ? max : 2;
    memcpy(out, list, n * sizeof *out);
    return n;
}

/* The export dialog first lists the recorded sessions, newest first; the one chosen fills the
 * session folder. The PED pane quotes only the running command's own lines. */
static void test_export_picks_a_session(void **state)
{
    struct fixture *f = *state;
    struct tui_options o = scene_opts;
    o.list_sessions = two_sessions;
    f->app.opt = &o;
    app_key(&f->app, 'e', false);
    assert_int_equal(f->app.dlg.purpose, DP_EXPORT_PICK);
    assert_int_equal(f->app.dlg.choice_count, 2);
    app_key(&f->app, KEY_DOWN, true);
    app_key(&f->app, '\n', false);
    assert_int_equal(f->app.dlg.purpose, DP_EXPORT);
    assert_string_equal(f->app.dlg.fields[0].buf, "/state/sessions/old");
    app_key(&f->app, 27, false);
    f->app.opt = &scene_opts;
    struct core_event l = {.type = EV_TRANSCRIPT_LINE};
    l.u.line.host = "source";
    l.u.line.dir = TX_RECEIVED;
    l.u.line.text = "Remote PED Server Port: 1503";      /* an older command's line */
    app_event(&f->app, &l);
    l.u.line.dir = TX_SENT;
    l.u.line.text = "partition archive contents -s 5 -partition b";
    app_event(&f->app, &l);
    struct core_event p = {.type = EV_PED_PROMPT};
    p.u.ped.keys[0] = PED_KEY_ANY;
    p.u.ped.key_count = 1;
    app_event(&f->app, &p);
    assert_string_equal(f->app.ui.ped.said, "");
}

/* "Terminal too small": q quits; with a flow running, the second q (cancelling it). */
static void test_q_on_too_small(void **state)
{
    struct fixture *f = *state;
    f->app.flow_active = true;
    app_resize(&f->app, 20, 60);
    app_key(&f->app, 'q', false);
    assert_false(f->app.quit);
    app_draw(&f->app, stdscr);
    int y, x;
    assert_true(sd_find(stdscr, "q again cancels it", &y, &x));
    app_key(&f->app, 'q', false);
    assert_true(f->app.quit);
    assert_int_equal(f->fb.cancels, 1);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("NO_COLOR");
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_typed_confirm_refuses_wrong_name),
        T(test_typed_confirm_escape_cancels),
        T(test_secret_hidden_and_wiped),
        T(test_secret_empty_refused),
        T(test_host_key_default_refuses),
        T(test_hand_step_and_choice),
        T(test_text_utf8_editing),
        T(test_quit_confirmation),
        T(test_interrupt_twice),
        T(test_question_returns_after_stay),
        T(test_start_failure_shows_error),
        T(test_export_dialog),
        T(test_search_and_filter),
        T(test_mouse),
        T(test_back_key),
        T(test_skip_optional_hand_step),
        T(test_question_waits_for_the_queue),
        T(test_text_cursor_editing),
        T(test_mouse_presses_dialog_buttons),
        T(test_help_opens_at_the_screen),
        T(test_q_on_too_small),
        T(test_tabs_expanded_and_titles_cut),
        T(test_export_picks_a_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
