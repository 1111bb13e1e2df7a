/* app.c: the wizard's state machine: keys, events, questions and dialogs. */
#include "app.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct pane_ops *const pane_kinds[PANE_COUNT] = {
    [PANE_TOPOLOGY] = &pane_topology_ops,
    [PANE_SLOTS] = &pane_slots_ops,
    [PANE_STEPS] = &pane_steps_ops,
    [PANE_PED] = &pane_ped_ops,
    [PANE_TRANSCRIPT] = &pane_transcript_ops,
};

static const enum layout_area pane_area[PANE_COUNT] = {
    [PANE_TOPOLOGY] = AREA_TOPOLOGY,
    [PANE_SLOTS] = AREA_SLOTS,
    [PANE_STEPS] = AREA_STEPS,
    [PANE_PED] = AREA_PED,
    [PANE_TRANSCRIPT] = AREA_TRANSCRIPT,
};

int app_init(struct app *app, const struct tui_options *opt, const struct app_backend *be,
             enum app_screen screen)
{
    memset(app, 0, sizeof(*app));
    app->opt = opt;
    if (be)
        app->be = *be;
    app->screen = screen;
    app->focus = PANE_STEPS;
    if (ui_state_init(&app->ui, 5000) != 0)
        return -1;
    for (int i = 0; i < PANE_COUNT; i++) {
        app->panes[i] = pane_new(pane_kinds[i]);
        if (!app->panes[i]) {
            app_free(app);
            return -1;
        }
    }
    return 0;
}

void app_free(struct app *app)
{
    dialog_close(&app->dlg);
    for (int i = 0; i < PANE_COUNT; i++) {
        pane_free(app->panes[i]);
        app->panes[i] = NULL;
    }
    ui_state_free(&app->ui);
}

static bool pane_shown(const struct app *app, int id)
{
    const struct rect *r = &app->lay.r[pane_area[id]];
    return r->h > 0 && r->w > 0;
}

void app_resize(struct app *app, int rows, int cols)
{
    app->rows = rows;
    app->cols = cols;
    layout_compute(rows, cols, app->screen == SCR_TOPOLOGY ? LAYOUT_TOPOLOGY : LAYOUT_WIZARD,
                   &app->lay);
    for (int i = 0; i < PANE_COUNT; i++) {
        app->panes[i]->rect = app->lay.r[pane_area[i]];
        if (app->panes[i]->ops->recalc)
            app->panes[i]->ops->recalc(app->panes[i]);
    }
    if (!pane_shown(app, app->focus))
        app->focus = PANE_TOPOLOGY;
}

void app_load_sessions(struct app *app)
{
    app->session_count = app->opt && app->opt->list_sessions
                             ? app->opt->list_sessions(app->opt->ud, app->sessions,
                                                       TUI_MAX_SESSIONS)
                             : 0;
    app->sessions_loaded = true;
}

static void set_screen(struct app *app, enum app_screen s)
{
    if (s == SCR_START)
        app->sessions_loaded = false;  /* a flow may have recorded one since */
    app->screen = s;
    app_resize(app, app->rows, app->cols);
}

unsigned app_context(const struct app *app)
{
    if (dialog_open(&app->dlg))
        return KC_DIALOG;
    switch (app->screen) {
    case SCR_START: return KC_START;
    case SCR_WIZARD: return KC_WIZARD;
    case SCR_TOPOLOGY: return KC_TOPOLOGY;
    default: return KC_HELP;
    }
}

static struct pane_ctx ctx_for(const struct app *app, int id)
{
    struct pane_ctx c = {&app->ui, app->now, id == app->focus};
    return c;
}

static void open_error(struct app *app, const char *cause, const char *fix)
{
    dialog_open_error(&app->dlg, cause, fix, NULL);
    app->dlg.purpose = DP_ERROR;
    app->ask_open = false;
}

void app_start_flow(struct app *app, enum flow_kind kind)
{
    const struct tui_options *o = app->opt;
    struct flow_request req;
    char err[256] = "";
    memset(&req, 0, sizeof(req));
    req.kind = kind;
    req.config_path = o->config_path;
    req.secrets_path = o->secrets_path;
    req.auth_override = o->auth_override;
    req.state_dir = o->state_dir;
    req.operator_name = o->operator_name;
    for (size_t i = 0; i < o->witness_count && i < FLOW_MAX_WITNESSES; i++)
        req.witnesses[i] = o->witnesses[i];
    req.witness_count = o->witness_count < FLOW_MAX_WITNESSES ? o->witness_count
                                                              : FLOW_MAX_WITNESSES;
    ui_state_reset_flow(&app->ui);
    set_screen(app, kind == FLOW_TOPOLOGY ? SCR_TOPOLOGY : SCR_WIZARD);
    if (!app->be.start || !app->be.start(app->be.ud, &req, err, sizeof(err))) {
        app->flow_active = false;
        app->exit_code = 2;
        open_error(app, err[0] ? err : "The flow could not start.",
                   "Check the configuration file and the options given, then try again.");
        return;
    }
    app->flow_active = true;
}

/* Answers the backend's question from the dialog's result, then wipes the answer. */
static void answer_ask(struct app *app, enum dialog_result res)
{
    struct core_answer ans;
    int status = ASK_ANSWERED;
    memset(&ans, 0, sizeof(ans));
    switch (app->ask_type) {
    case ASK_HAND_STEP:
    case ASK_HOST_KEY:
        /* Cancel is a plain "no": refuse the key / stop the flow at a safe point. */
        ans.yes = res == DLG_OK;
        break;
    case ASK_CHOICE:
        if (res != DLG_OK)
            status = ASK_CANCELLED;
        ans.choice = app->dlg.sel;
        break;
    case ASK_SECRET:
    case ASK_TYPED_CONFIRM:
    case ASK_TEXT:
        if (res != DLG_OK)
            status = ASK_CANCELLED;
        else
            snprintf(ans.text, sizeof(ans.text), "%s", app->dlg.fields[0].buf);
        break;
    }
    if (app->be.answer)
        app->be.answer(app->be.ud, status, &ans);
    explicit_bzero(&ans, sizeof(ans));
    app->ask_open = false;
}

/* True when the current step offers Back (the core sets step_view.can_go_back). */
static bool can_go_back(const struct app *app)
{
    return app->ui.current_step < app->ui.step_count &&
           app->ui.steps[app->ui.current_step].can_go_back;
}

/* True when the current step is an optional hand step the operator may skip. */
static bool can_skip(const struct app *app)
{
    return app->ui.current_step < app->ui.step_count &&
           app->ui.steps[app->ui.current_step].optional;
}

/* Answers a hand step with CHOICE instead of "done": 1 goes back to the nearest earlier step
 * safe to redo, 2 skips an optional step (see core/flow.c). */
static void answer_hand_step(struct app *app, size_t choice)
{
    struct core_answer ans;
    memset(&ans, 0, sizeof(ans));
    ans.yes = false;
    ans.choice = choice;
    if (app->be.answer)
        app->be.answer(app->be.ud, ASK_ANSWERED, &ans);
    app->ask_open = false;
    dialog_close(&app->dlg);
}

static void finish_export(struct app *app)
{
    struct dialog *d = &app->dlg;
    char err[256] = "";
    const char *fmt = d->choice_count ? d->choices[d->sel] : "text";
    if (!app->opt->export_session) {
        snprintf(d->status, sizeof(d->status), "Export is not available in this build.");
        return;
    }
    if (app->opt->export_session(d->fields[0].buf, fmt, d->fields[1].buf, err,
                                 sizeof(err)) != 0) {
        snprintf(d->status, sizeof(d->status), "%s", err[0] ? err : "Export failed.");
        return;
    }
    snprintf(app->ui.notice, sizeof(app->ui.notice), "Exported %.100s as %.8s to %.100s",
             d->fields[0].buf, fmt, d->fields[1].buf);
    app->ui.notice_warning = false;
    dialog_close(d);
}

static void dialog_done(struct app *app, enum dialog_result res)
{
    switch (app->dlg.purpose) {
    case DP_ASK:
        answer_ask(app, res);
        break;
    case DP_QUIT:
        if (res == DLG_OK) {
            if (app->be.cancel)
                app->be.cancel(app->be.ud);
            app->exit_code = 6;
            if (app->screen == SCR_TOPOLOGY && !app->topology_only) {
                app->flow_active = false;
                set_screen(app, SCR_START);
            } else {
                app->quit = true;
            }
        }
        break;
    case DP_SEARCH:
        if (res == DLG_OK)
            pane_transcript_search(app->panes[PANE_TRANSCRIPT], &app->ui,
                                   app->dlg.fields[0].buf);
        break;
    case DP_EXPORT_PICK:
        if (res == DLG_OK && app->dlg.sel < app->session_count) {
            size_t sel = app->dlg.sel;
            dialog_open_export(&app->dlg, app->sessions[sel].dir);
            app->dlg.purpose = DP_EXPORT;
            return;
        }
        break;
    case DP_EXPORT:
        if (res == DLG_OK) {
            finish_export(app);
            if (dialog_open(&app->dlg))
                return;          /* failed: stays open with the reason */
        }
        break;
    default:
        break;
    }
    dialog_close(&app->dlg);
    app_sync(app);
}

static void open_quit(struct app *app)
{
    app->ask_open = false;      /* a question left open comes back if the operator stays */
    dialog_open_yesno(&app->dlg, "Quit?",
                      "A flow is running. Quitting cancels it at the next safe point (never in "
                      "the middle of an HSM command).",
                      "Quit", "Stay");
    app->dlg.purpose = DP_QUIT;
    app->dlg.focus = 1;
}

static void request_quit(struct app *app)
{
    if (app->flow_active) {
        open_quit(app);
        return;
    }
    if (app->screen == SCR_TOPOLOGY && !app->topology_only) {
        set_screen(app, SCR_START);
        return;
    }
    app->quit = true;
}

void app_interrupt(struct app *app)
{
    if (dialog_open(&app->dlg) && app->dlg.purpose == DP_QUIT) {
        dialog_done(app, DLG_OK);
        app->quit = true;
        return;
    }
    if (!app->flow_active) {
        app->quit = true;
        return;
    }
    open_quit(app);
}

static void open_ask(struct app *app, const struct core_ask *q)
{
    switch (q->type) {
    case ASK_SECRET: dialog_open_secret(&app->dlg, q); break;
    case ASK_TYPED_CONFIRM: dialog_open_typed_confirm(&app->dlg, q); break;
    case ASK_HOST_KEY: dialog_open_host_key(&app->dlg, q); break;
    case ASK_CHOICE:
        dialog_open_choice(&app->dlg, q->title, q->prompt, q->choices, q->choice_count);
        break;
    case ASK_TEXT:
        /* operator and witness names; otherwise a plain answer (e.g. the rbs menu) */
        dialog_open_text(&app->dlg, q->title, q->prompt,
                         q->title && (strcmp(q->title, "Operator") == 0 ||
                                      strcmp(q->title, "Witness") == 0) ? "Name" : "Answer",
                         "");
        break;
    case ASK_HAND_STEP: {
        char body[2048];
        snprintf(body, sizeof(body), "%s%s%s", q->prompt ? q->prompt : "",
                 can_go_back(app) ? "\n\n(b: back to the previous step)" : "",
                 can_skip(app) ? "\n\n(s: skip it, this step is optional)" : "");
        dialog_open_yesno(&app->dlg, q->title && *q->title ? q->title : "Your turn", body,
                          "Done", "Cancel flow");
        break;
    }
    }
    app->dlg.purpose = DP_ASK;
    app->ask_type = q->type;
    app->ask_open = true;
}

/* Shows a new error, unless a dialog is open. True when one is open afterwards. */
static bool sync_error(struct app *app)
{
    if (dialog_open(&app->dlg))
        return true;
    if (app->ui.error_seq != app->error_shown && app->ui.error.cause) {
        app->error_shown = app->ui.error_seq;
        dialog_open_error(&app->dlg, app->ui.error.cause, app->ui.error.fix,
                          app->ui.error.excerpt);
        app->dlg.purpose = DP_ERROR;
        return true;
    }
    return false;
}

void app_sync(struct app *app)
{
    if (sync_error(app))
        return;
    const struct core_ask *q = app->be.pending ? app->be.pending(app->be.ud) : NULL;
    if (q)
        open_ask(app, q);
}

void app_event(struct app *app, const struct core_event *ev)
{
    ui_state_apply(&app->ui, ev);
    if (ev->type == EV_FLOW_FINISHED) {
        app->flow_active = false;
        app->exit_code = ev->u.finished.exit_code;
    } else if (ev->type == EV_FLOW_STARTED) {
        app->flow_active = true;
    }
    for (int i = 0; i < PANE_COUNT; i++) {
        struct pane_ctx c = ctx_for(app, i);
        if (app->panes[i]->ops->on_event)
            app->panes[i]->ops->on_event(app->panes[i], ev, &c);
    }
    /* A question is opened only after the whole queue is delivered (app_sync from the loop):
     * the events queued before it (its step becoming current) must be on screen first. */
    sync_error(app);
}

static void focus_step(struct app *app, int dir)
{
    for (int k = 1; k <= PANE_COUNT; k++) {
        int id = ((app->focus + dir * k) % PANE_COUNT + PANE_COUNT) % PANE_COUNT;
        if (pane_shown(app, id)) {
            app->focus = id;
            return;
        }
    }
}

static void open_export(struct app *app)
{
    app_load_sessions(app);
    if (app->session_count > 0) {
        /* pick one of the recorded sessions first (newest first); its folder fills the form */
        const char *labels[TUI_MAX_SESSIONS];
        for (size_t i = 0; i < app->session_count; i++)
            labels[i] = app->sessions[i].label;
        dialog_open_choice(&app->dlg, "Export which session?",
                           "The recorded sessions, newest first (started, task, result). "
                           "Choose one, then the format and the file.",
                           labels, app->session_count);
        app->dlg.purpose = DP_EXPORT_PICK;
        return;
    }
    const char *dir = app->opt->latest_session_dir ? app->opt->latest_session_dir(app->opt->ud)
                                                   : NULL;
    dialog_open_export(&app->dlg, dir);
    app->dlg.purpose = DP_EXPORT;
}

static void main_key(struct app *app, enum key_action a)
{
    struct pane *tx = app->panes[PANE_TRANSCRIPT];
    struct pane_ctx txc = ctx_for(app, PANE_TRANSCRIPT);
    switch (a) {
    case KA_HELP:
        app->help_from = app->screen;
        app->help_scroll = 0;
        app->help_jump = true;       /* at the section of the screen it came from */
        app->screen = SCR_HELP;
        return;
    case KA_QUIT:
        request_quit(app);
        return;
    case KA_NEXT_PANE: focus_step(app, 1); return;
    case KA_PREV_PANE: focus_step(app, -1); return;
    case KA_FOLLOW: case KA_SEARCH_NEXT: case KA_SEARCH_PREV: case KA_FILTER_HOST:
        tx->ops->handle_key(tx, a, &txc);
        return;
    case KA_SEARCH:
        dialog_open_text(&app->dlg, "Search the transcript", "Text to find (empty clears):",
                         "Find", "");
        app->dlg.purpose = DP_SEARCH;
        return;
    case KA_EXPORT:
        open_export(app);
        return;
    case KA_REFRESH:
        if (app->screen == SCR_TOPOLOGY && !app->flow_active)
            app_start_flow(app, FLOW_TOPOLOGY);
        return;
    case KA_ENTER:
        if (app->screen == SCR_WIZARD && !app->flow_active && !app->topology_only)
            set_screen(app, SCR_START);
        return;
    case KA_BACK:
        /* Going back happens at a hand step's question (its dialog takes 'b'); between
         * questions a command may be running on an HSM, which is never interrupted. */
        if (app->flow_active) {
            snprintf(app->ui.notice, sizeof(app->ui.notice),
                     "Back is offered when the wizard waits for you at a hand step.");
            app->ui.notice_warning = false;
        }
        return;
    default: {
        struct pane *p = app->panes[app->focus];
        struct pane_ctx c = ctx_for(app, app->focus);
        p->ops->handle_key(p, a, &c);
        return;
    }
    }
}

void app_key(struct app *app, wint_t ch, bool fkey)
{
    if (fkey && ch == KEY_RESIZE)
        return;         /* the loop resizes */
    if (app->lay.too_small && !fkey && (ch == 'q' || ch == 'Q')) {
        /* the "terminal too small" screen offers q whatever is open behind it; a running
         * flow takes a second q (the Quit? dialog cannot be seen on this screen) */
        if (app->flow_active && !app->small_quit_armed) {
            app->small_quit_armed = true;
            return;
        }
        if (app->flow_active && app->be.cancel) {
            app->be.cancel(app->be.ud);
            app->exit_code = 6;
        }
        app->quit = true;
        return;
    }
    app->small_quit_armed = false;
    unsigned ctx = app_context(app);
    enum key_action a = keys_lookup(ctx, (int)ch, fkey);
    if (a == KA_REDRAW) {
        app->redraw_all = true;
        return;
    }
    if (ctx == KC_DIALOG && !fkey && (ch == 'b' || ch == 's') && app->dlg.purpose == DP_ASK &&
        app->ask_open && app->ask_type == ASK_HAND_STEP &&
        (ch == 'b' ? can_go_back(app) : can_skip(app))) {
        answer_hand_step(app, ch == 'b' ? 1 : 2);
        app_sync(app);
        return;
    }
    if (ctx == KC_DIALOG && a == KA_CANCEL && app->dlg.purpose == DP_ASK && app->ask_open &&
        app->ask_type == ASK_HAND_STEP) {
        /* Esc never ends a ceremony by itself: it asks what Ctrl-C asks (Stay brings the
         * step's question back); only the "Cancel flow" button stops the flow */
        open_quit(app);
        return;
    }
    if (ctx == KC_DIALOG) {
        enum dialog_result r = dialog_key(&app->dlg, a, fkey ? 0 : ch);
        if (r != DLG_CONTINUE)
            dialog_done(app, r);
        return;
    }
    switch (app->screen) {
    case SCR_START: {
        int task = screen_start_key(app, a);
        if (task == KA_HELP) {
            main_key(app, KA_HELP);
        } else if (task == KA_QUIT) {
            request_quit(app);
        } else if (task == KA_TASK_EXPORT) {
            open_export(app);
        } else if (task == KA_TASK_MIGRATE) {
            app_start_flow(app, FLOW_MIGRATE);
        } else if (task >= KA_TASK_BACKUP && task <= KA_TASK_TOPOLOGY) {
            static const enum flow_kind kinds[] = {FLOW_BACKUP, FLOW_RESTORE,
                                                   FLOW_PREPARE_TARGET, FLOW_TOPOLOGY};
            app_start_flow(app, kinds[task - KA_TASK_BACKUP]);
        }
        break;
    }
    case SCR_HELP:
        screen_help_key(app, a);
        break;
    default:
        main_key(app, a);
        break;
    }
    app_sync(app);
}

void app_mouse(struct app *app, enum app_mouse what, int y, int x)
{
    if (dialog_open(&app->dlg)) {
        /* a click presses the button under it, as Enter on it would */
        if (what == APP_CLICK) {
            enum dialog_result r = dialog_click(&app->dlg, y, x);
            if (r != DLG_CONTINUE)
                dialog_done(app, r);
        }
        return;
    }
    if (app->screen != SCR_WIZARD && app->screen != SCR_TOPOLOGY)
        return;
    if (what == APP_CLICK) {
        for (int i = 0; i < PANE_COUNT; i++)
            if (pane_shown(app, i) && layout_contains(&app->panes[i]->rect, y, x))
                app->focus = i;
        return;
    }
    pane_transcript_scroll(app->panes[PANE_TRANSCRIPT], &app->ui,
                           what == APP_WHEEL_UP ? -3 : 3);
}

void app_draw(struct app *app, WINDOW *w)
{
    werase(w);
    if (app->lay.too_small) {
        screen_small_draw(app, w);
        return;
    }
    unsigned ctx = app_context(app);
    switch (app->screen) {
    case SCR_START:
        screen_start_draw(app, w);
        break;
    case SCR_HELP:
        screen_help_draw(app, w);
        break;
    default:
        screen_header_draw(app, w, app->screen == SCR_TOPOLOGY ? "Topology (read-only)"
                                   : app->ui.flow_title[0] ? app->ui.flow_title : "Wizard");
        for (int i = 0; i < PANE_COUNT; i++) {
            if (!pane_shown(app, i))
                continue;
            struct pane_ctx c = ctx_for(app, i);
            app->panes[i]->ops->draw(app->panes[i], w, &c);
        }
        break;
    }
    screen_keybar_draw(app, w, ctx);
    if (dialog_open(&app->dlg))
        dialog_draw(&app->dlg, w, app->rows, app->cols);
}
