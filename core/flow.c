/* flow.c: the engine that interprets a flow's step table: sets up the run (config, secrets,
 * session record), walks the steps in order (hand steps wait for the operator and are
 * verified by effect; every action verifies its own effect), records everything, and tears
 * the run down (helpers killed, connections closed) whatever happened. */
#include "flow.h"
#include "flow_act.h"
#include "flow_ctx.h"
#include "flow_io.h"
#include "flow_lanes.h"
#include "flow_preflight.h"
#include "job.h"
#include "ssh_conn.h"
#include "stream.h"
#include "waitset.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The folder of the newest session: written by the flow's thread, read by the UI's. */
static pthread_mutex_t last_lock = PTHREAD_MUTEX_INITIALIZER;
static char last_session[512];

const char *flow_last_session(void)
{
    static __thread char copy[sizeof last_session];
    pthread_mutex_lock(&last_lock);
    memcpy(copy, last_session, sizeof copy);
    pthread_mutex_unlock(&last_lock);
    return copy;
}

static const char *fill_lookup(void *ud, const char *name)
{
    return flow_placeholder(ud, name);
}

/* Builds the step views the UI shows, with placeholders filled from the run. */
static void make_views(struct flow_ctx *fx)
{
    enum appliance_role flow_role = fx->role;
    fx->views = calloc(fx->def.count, sizeof *fx->views);
    for (size_t i = 0; i < fx->def.count; i++) {
        const struct flow_step_def *s = &fx->def.steps[i];
        struct step_view *v = &fx->views[i];
        fx->role = s->role >= 0 ? (enum appliance_role)s->role : flow_role; /* {appliance} */
        v->id = s->id;
        v->title = flow_fill(s->title, fill_lookup, fx);
        v->instructions = flow_fill(s->instructions, fill_lookup, fx);
        /* a hand step waits for the operator; every other step runs on its own */
        v->enter_action = s->hand ? "Confirm it is done" : s->destructive
                                  ? "Runs on its own once you type the name it asks for"
                                  : "Runs on its own";
        v->hand_step = s->hand;
        v->optional = s->optional;
        v->destructive = s->destructive;
        /* Back is offered at a hand step's question, towards an earlier step marked safe to
         * redo (flow_step_def.back); see back_target(). */
        v->can_go_back = false;
        for (size_t j = 0; s->hand && j < i; j++)
            v->can_go_back = v->can_go_back || fx->def.steps[j].back;
        v->state = STEP_PENDING;
    }
    fx->role = flow_role;
}

/* Fills the texts of step I again: placeholders learnt since the start (the target's partition
 * label...) show when the step comes up. */
static void refresh_view(struct flow_ctx *fx, size_t i)
{
    const struct flow_step_def *s = &fx->def.steps[i];
    free((char *)fx->views[i].title);
    free((char *)fx->views[i].instructions);
    fx->views[i].title = flow_fill(s->title, fill_lookup, fx);
    fx->views[i].instructions = flow_fill(s->instructions, fill_lookup, fx);
}

static void free_views(struct flow_ctx *fx)
{
    for (size_t i = 0; fx->views && i < fx->def.count; i++) {
        free((char *)fx->views[i].title);
        free((char *)fx->views[i].instructions);
    }
    free(fx->views);
    fx->views = NULL;
}

static void set_step_state(struct flow_ctx *fx, size_t i, enum step_state st)
{
    fx->views[i].state = st;
    struct core_event ev = {.type = EV_STEP_CHANGED};
    ev.u.step.index = i;
    ev.u.step.step = &fx->views[i];
    core_emit(fx->sink, &ev);
}

/* The answers to a hand step's question besides "done" (yes) and "cancel the flow", and the
 * batch mode's "nothing to check" (out of the exit codes' range). */
enum { HAND_BACK = 1, HAND_SKIP = 2, HAND_UNVERIFIED = 100 };

/* The first line of TEXT into BUF. */
static const char *first_line(const char *text, char *buf, size_t len)
{
    size_t n = strcspn(text ? text : "", "\n");
    snprintf(buf, len, "%.*s", (int)n, text ? text : "");
    return buf;
}

/* A hand step: the wizard asks the operator; batch mode relies on the verification alone, and
 * a step with nothing to verify (action none) is left for the operator, never done.
 * Returns 0 (done, or to verify by its action), 1 (go back), 2 (skipped, optional steps only),
 * HAND_UNVERIFIED (batch), or an exit code. */
static int hand_step(struct flow_ctx *fx, size_t i)
{
    if (fx->req->batch) {
        if (strcmp(fx->def.steps[i].action, "none") != 0)
            return 0;
        char todo[512];
        flow_journal_hand_step(fx, "hand-step-unverified", fx->def.steps[i].id,
                               fx->views[i].title,
                               first_line(fx->views[i].instructions, todo, sizeof todo),
                               fx->def.steps[i].verifies);
        return HAND_UNVERIFIED;
    }
    struct core_ask q = {.type = ASK_HAND_STEP, .title = fx->views[i].title,
                         .prompt = fx->views[i].instructions};
    struct core_answer a = {0};
    flow_may_change(fx); /* the operator has the hand */
    int st = core_ask(fx->sink, &q, &a);
    bool back = !a.yes && a.choice == HAND_BACK && fx->views[i].can_go_back;
    bool skip = !a.yes && a.choice == HAND_SKIP && fx->def.steps[i].optional;
    if (st != ASK_ANSWERED || (!a.yes && !back && !skip))
        return flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator at '%s'.",
                         fx->views[i].title);
    if (back)
        return 1;
    if (skip) {
        flow_journal_decision(fx, "optional hand step", "skipped by the operator");
        return 2;
    }
    flow_journal_confirmation(fx, fx->def.steps[i].id, "hand step done", NULL);
    return 0;
}

/* Index of the step to go back to from I (the nearest earlier step marked back), or I. */
static size_t back_target(const struct flow_ctx *fx, size_t i)
{
    for (size_t j = i; j-- > 0;)
        if (fx->def.steps[j].back)
            return j;
    return i;
}

/* The conditions steps.conf's `when` names. An unknown name never holds. */
static bool flow_condition(const struct flow_ctx *fx, const char *name)
{
    if (strcmp(name, "appliance_rpv_needed") == 0)
        return fx->appliance_rpv_needed;
    return false;
}

/* The automatic steps whose failure the operator can fix on the spot (a cable, the PED, a
 * helper to start) and that neither log in nor destroy anything before the failing check:
 * the wizard offers "fixed, check again" instead of ending the flow. Never a login step. */
static bool retry_offered(const struct flow_ctx *fx, const struct flow_step_def *s, int rc,
                          unsigned risky_before)
{
    static const char *const fixable[] = {"check_backup_hsm", "client_check", "pedserver_start",
                                          "rbs_start", "net_admin_slot", "ws_ped_link",
                                          "appliance_ped_link", "appliance_ped_connect",
                                          "check_pedserver"};
    if (fx->req->batch || s->hand || rc == EXIT_CANCELLED || rc == EXIT_RECORD ||
        rc == EXIT_USAGE || fx->not_retryable != risky_before || flow_cancelled(fx))
        return false;
    for (size_t k = 0; k < sizeof fixable / sizeof fixable[0]; k++)
        if (strcmp(s->action, fixable[k]) == 0)
            return true;
    return false;
}

/* Asks whether the operator fixed the condition of step I's failure: true to check again. */
static bool ask_check_again(struct flow_ctx *fx, size_t i)
{
    static const char *const choices[] = {"Fixed, check again", "Stop the flow here"};
    char prompt[1800];
    char *fix = flow_fill(fx->fix, fill_lookup, fx); /* {ped_port}... never shown unfilled */
    snprintf(prompt, sizeof prompt, "%s\n\n%s%s\nFix it now (nothing was logged in to or "
             "changed by this step), then choose \"Fixed, check again\"; or stop here (the "
             "session can be resumed later).", fx->cause, *fix ? "Fix: " : "", fix);
    free(fix);
    struct core_ask q = {.type = ASK_CHOICE, .title = fx->views[i].title, .prompt = prompt,
                         .choices = choices, .choice_count = 2};
    struct core_answer a = {0};
    bool again = core_ask(fx->sink, &q, &a) == ASK_ANSWERED && a.choice == 0;
    flow_may_change(fx); /* what the operator fixed is read again */
    flow_journal_decision(fx, fx->cause, again ? "fixed by the operator, check again"
                                               : "stop the flow");
    return again;
}

/* Runs step I. Returns 0, 1 (go back) or an exit code. */
static int run_step(struct flow_ctx *fx, size_t i)
{
    const struct flow_step_def *s = &fx->def.steps[i];
    flow_action_fn *act = flow_action_find(s->action);
    fx->current = i;
    fx->step = s;
    fx->lane_step[s->lane] = s->id;
    if (s->role >= 0) /* a step of a flow on both k570s names its own (migrate) */
        fx->role = (enum appliance_role)s->role;
    flow_ped_expect(fx, s->ped, s->ped_hsm, s->ped_count);
    refresh_view(fx, i);
    if (s->when && !flow_condition(fx, s->when)) {
        /* a conditional step (an RPV to create) that the facts found so far do not call for */
        set_step_state(fx, i, STEP_SKIPPED);
        flow_journal_decision(fx, fx->views[i].title, "not needed");
        return 0;
    }
    set_step_state(fx, i, STEP_CURRENT);
    flow_journal_step_start(fx, s->id, fx->views[i].title);
    if (flow_carry_satisfied(fx, s)) { /* verified by the backup just done, still in place */
        set_step_state(fx, i, STEP_DONE);
        flow_journal_step_done(fx, s->id);
        return 0;
    }
    for (;;) {
        int rc = 0;
        unsigned risky_before = fx->not_retryable;
        if (s->hand) {
            rc = hand_step(fx, i);
            if (rc == 1) {
                set_step_state(fx, i, STEP_PENDING);
                return 1;
            }
            if (rc == 2) {
                flow_journal_step_skipped(fx, s->id, "skipped by the operator");
                set_step_state(fx, i, STEP_SKIPPED);
                return 0;
            }
            if (rc == HAND_UNVERIFIED) {
                set_step_state(fx, i, STEP_UNVERIFIED);
                return 0;
            }
        }
        if (rc == 0 && !flow_cancelled(fx) && (rc = flow_record_ok(fx)) == 0 &&
            (rc = flow_preflight_pending(fx, s)) == 0)
            rc = act(fx, s);
        else if (rc == 0)
            rc = flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator.");
        if (flow_ped_wait_of_step(fx)->prompts > 0) {
            struct core_event done = {.type = EV_PED_DONE};
            core_emit(fx->sink, &done);
            flow_ped_wait_of_step(fx)->prompts = 0;
        }
        if (rc == 0) {
            if (s->hand && fx->req->batch)
                flow_journal_hand_step(fx, "hand-step-verified-by-effect", s->id,
                                       fx->views[i].title, NULL, s->verifies);
            set_step_state(fx, i, STEP_DONE);
            flow_journal_step_done(fx, s->id);
            return 0;
        }
        /* A hand step whose effect does not verify is shown and asked again in the wizard:
         * the operator fixes the cabling and confirms. Never for logins (no hand step logs in). */
        if (s->hand && !fx->req->batch && rc != EXIT_CANCELLED) {
            flow_report_error(fx);
            continue;
        }
        if (retry_offered(fx, s, rc, risky_before) && ask_check_again(fx, i)) {
            fx->exit_code = EXIT_DONE;
            continue;
        }
        set_step_state(fx, i, STEP_FAILED);
        flow_journal_step_failed(fx, s->id);
        flow_report_error(fx);
        return rc;
    }
}

/* The steps from FROM on, one after the other. */
static int run_steps_in_order(struct flow_ctx *fx, size_t i)
{
    while (i < fx->def.count) {
        int rc = run_step(fx, i);
        if (rc == 1) {
            size_t to = back_target(fx, i);
            for (size_t j = to; j < i; j++)
                set_step_state(fx, j, STEP_PENDING);
            i = to;
            continue;
        }
        if (rc != 0)
            return rc;
        i++;
    }
    return EXIT_DONE;
}

/* The steps on their lanes (flow_lanes.h). Going back at a hand step stops every lane; the
 * steps from the one gone back to on, those that ran ahead included, run again. */
static int run_steps_on_lanes(struct flow_ctx *fx)
{
    bool *done = calloc(fx->def.count + 1, sizeof *done);
    size_t from = 0;
    int rc = -1;
    while (done) {
        size_t back_from = 0;
        rc = flow_lanes_run(fx, from, run_step, &back_from, done);
        if (rc != 1)
            break;
        size_t to = back_target(fx, back_from);
        for (size_t j = to; j < fx->def.count; j++)
            if (j < back_from || done[j])
                set_step_state(fx, j, STEP_PENDING);
        from = to;
    }
    free(done);
    if (rc < 0) /* the lanes could not start: nothing ran from FROM, walk the steps in order */
        return run_steps_in_order(fx, from);
    return rc ? rc : EXIT_DONE;
}

static int run_steps(struct flow_ctx *fx)
{
    return flow_lanes_overlap(&fx->def) ? run_steps_on_lanes(fx) : run_steps_in_order(fx, 0);
}

static void teardown(struct flow_ctx *fx)
{
    for (int r = 0; r < MODEL_ROLES; r++) {
        struct flow_appliance *a = &fx->app[r];
        /* `exit` only at lunacm's own prompt: never typed into a pending question */
        if (a->conv && a->lunacm_running && conv_at_luna_prompt(a->conv))
            conv_send_line(a->conv, "exit");
        flow_aside_close(fx, (enum appliance_role)r);
        conv_free(a->conv);
        stream_free(a->shell);
        ssh_conn_close(a->ssh);
        memset(a, 0, sizeof *a);
    }
    conv_free(fx->wsn.rbs_conv);
    job_free(fx->wsn.rbs);
    conv_free(fx->wsn.lunacm_conv);
    job_free(fx->wsn.lunacm);
    memset(&fx->wsn, 0, sizeof fx->wsn);
}

int flow_run(const struct flow_request *req, const struct core_sink *sink, int cancel_fd)
{
    struct flow_ctx *fx = calloc(1, sizeof *fx);
    fx->req = req;
    fx->sink = sink;
    fx->exit_code = EXIT_DONE;
    for (int r = 0; r < MODEL_ROLES; r++)
        fx->app[r].user_slot = fx->app[r].admin_slot = fx->app[r].net_slot = -1;
    fx->wsn.backup_slot = -1;
    int rc = flow_setup(fx, cancel_fd);
    if (rc == 0) {
        make_views(fx);
        struct core_event ev = {.type = EV_FLOW_STARTED};
        ev.u.flow.flow_id = fx->def.id;
        ev.u.flow.title = fx->def.title;
        ev.u.flow.steps = fx->views;
        ev.u.flow.step_count = fx->def.count;
        core_emit(sink, &ev);
        flow_topology_changed(fx, -1);
        rc = run_steps(fx);
    } else {
        flow_report_error(fx);
    }
    flow_carry_keep(fx, rc); /* before teardown: a backup's RBS may serve the next restore */
    teardown(fx);
    if (*fx->session_dir) {
        pthread_mutex_lock(&last_lock);
        snprintf(last_session, sizeof last_session, "%s", fx->session_dir);
        pthread_mutex_unlock(&last_lock);
    }
    const char *msg = rc == EXIT_DONE ? "done" : fx->cause;
    flow_journal_end(fx, rc, msg);
    struct core_event fin = {.type = EV_FLOW_FINISHED};
    fin.u.finished.exit_code = rc;
    char text[1700];
    /* where the record is, for `rotwiz export` */
    snprintf(text, sizeof text, "%s%s%s%s", rc == EXIT_DONE ? "finished" : "stopped: ",
             rc == EXIT_DONE ? "" : msg, *fx->session_dir ? "; session recorded in " : "",
             fx->session_dir);
    fin.u.finished.message = text;
    core_emit(sink, &fin);
    free_views(fx);
    flow_cleanup(fx);
    free(fx);
    return rc;
}
