/* tui_demo.c: the wizard against a scripted fake runner (no SSH, no lab), for the tmux test of
 * the real terminal loop. Strong runner_* definitions here replace core's weak stubs.
 * Usage: tui_demo [wizard|topology]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runner.h"
#include "tui.h"

struct runner {
    int pipe[2];
    enum flow_kind kind;
    int stage;
    bool has_ask, finished, cancelled;
    int code, last_status;
    struct core_ask ask;
    char operator_name[64];
    size_t secret_len;
    char typed[64];
};

static void wake(struct runner *r)
{
    char b = 1;
    if (write(r->pipe[1], &b, 1) < 0)
        abort();
}

struct runner *runner_start(const struct flow_request *req, char *err, size_t errlen)
{
    struct runner *r = calloc(1, sizeof(*r));
    if (!r || pipe(r->pipe) != 0) {
        snprintf(err, errlen, "out of resources");
        free(r);
        return NULL;
    }
    r->kind = req->kind;
    wake(r);
    return r;
}

int runner_fd(const struct runner *r)
{
    return r->pipe[0];
}

static const char *const titles[] = {"Name the operator", "Log in as Crypto Officer",
                                     "Clear the target partition"};

static void step(const struct core_sink *s, size_t i, enum step_state st)
{
    struct step_view v = {.id = "s", .title = titles[i], .instructions = "Follow the dialog.",
                          .enter_action = "Answer the dialog", .destructive = i == 2,
                          .state = st};
    struct core_event ev = {.type = EV_STEP_CHANGED};
    ev.u.step.index = i;
    ev.u.step.step = &v;
    core_emit(s, &ev);
}

static void line(const struct core_sink *s, enum tx_direction d, const char *text)
{
    struct core_event ev = {.type = EV_TRANSCRIPT_LINE};
    ev.u.line.host = "source";
    ev.u.line.dir = d;
    ev.u.line.text = text;
    core_emit(s, &ev);
}

static void finish(struct runner *r, const struct core_sink *s, int code, const char *msg)
{
    struct core_event ev = {.type = EV_FLOW_FINISHED};
    ev.u.finished.exit_code = code;
    ev.u.finished.message = msg;
    r->finished = true;
    r->code = code;
    core_emit(s, &ev);
}

static void topology(const struct core_sink *s)
{
    static struct topology t;
    memset(&t, 0, sizeof(t));
    snprintf(t.workstation.address, MODEL_TEXT, "127.0.0.1");
    t.workstation.rbs_port = 1792;
    t.appliances[0].configured = true;
    snprintf(t.appliances[0].host, MODEL_TEXT, "127.0.0.2");
    t.appliances[0].port = 22;
    t.appliances[0].ssh_link = LINK_UP;
    t.appliances[0].selected_slot = -1;
    t.appliances[1].role = ROLE_TARGET;
    t.appliances[1].selected_slot = -1;
    struct core_event ev = {.type = EV_TOPOLOGY_CHANGED};
    ev.u.topology.topology = &t;
    core_emit(s, &ev);
}

void runner_dispatch(struct runner *r, const struct core_sink *s)
{
    char buf[64];
    while (read(r->pipe[0], buf, sizeof(buf)) == (ssize_t)sizeof(buf)) {
    }
    if (r->finished)
        return;
    if (r->cancelled) {
        finish(r, s, 6, "cancelled by the operator");
        return;
    }
    if (r->has_ask)
        return;
    if (r->kind == FLOW_TOPOLOGY) {
        topology(s);
        line(s, TX_SENT, "slot list");
        finish(r, s, 0, "topology read");
        return;
    }
    char msg[200];
    switch (r->stage) {
    case 0: {
        struct step_view v[3];
        memset(v, 0, sizeof(v));
        for (int i = 0; i < 3; i++) {
            v[i].id = "s";
            v[i].title = titles[i];
            v[i].instructions = "";
            v[i].enter_action = "";
        }
        struct core_event ev = {.type = EV_FLOW_STARTED};
        ev.u.flow.flow_id = "demo";
        ev.u.flow.title = "Demo flow";
        ev.u.flow.steps = v;
        ev.u.flow.step_count = 3;
        core_emit(s, &ev);
        topology(s);
        step(s, 0, STEP_CURRENT);
        r->ask = (struct core_ask){.type = ASK_TEXT, .title = "Operator",
                                   .prompt = "Who runs this ceremony?"};
        break;
    }
    case 1:
        step(s, 0, STEP_DONE);
        step(s, 1, STEP_CURRENT);
        r->ask = (struct core_ask){.type = ASK_SECRET, .title = "CO password",
                                   .prompt = "Crypto Officer password", .key = "co_password"};
        break;
    case 2:
        line(s, TX_SENT, "role login -name co -password ********");
        line(s, TX_RECEIVED, "Command Result : No Error");
        step(s, 1, STEP_DONE);
        step(s, 2, STEP_CURRENT);
        r->ask = (struct core_ask){.type = ASK_TYPED_CONFIRM, .title = "Clear the target",
                                   .prompt = "Deletes every object.", .expected = "target"};
        break;
    default:
        step(s, 2, STEP_DONE);
        snprintf(msg, sizeof(msg), "operator %s, password of %zu characters, typed %s",
                 r->operator_name, r->secret_len, r->typed);
        finish(r, s, 0, msg);
        return;
    }
    r->has_ask = true;
}

const struct core_ask *runner_pending_ask(struct runner *r)
{
    return r->has_ask ? &r->ask : NULL;
}

void runner_answer(struct runner *r, int status, const struct core_answer *a)
{
    r->has_ask = false;
    if (status != ASK_ANSWERED) {
        r->cancelled = true;
    } else if (r->stage == 0) {
        snprintf(r->operator_name, sizeof(r->operator_name), "%.60s", a->text);
    } else if (r->stage == 1) {
        r->secret_len = strlen(a->text);
    } else if (r->stage == 2) {
        snprintf(r->typed, sizeof(r->typed), "%.60s", a->text);
    }
    r->stage++;
    wake(r);
}

void runner_cancel(struct runner *r)
{
    r->cancelled = true;
    r->has_ask = false;
    wake(r);
}

bool runner_finished(struct runner *r, int *exit_code)
{
    if (exit_code)
        *exit_code = r->code;
    return r->finished;
}

/* The scripted flow stops at once when cancelled: 6, like the core's cancelled flow. */
int runner_wait(struct runner *r)
{
    return r->finished ? r->code : 6;
}

void runner_free(struct runner *r)
{
    if (!r)
        return;
    close(r->pipe[0]);
    close(r->pipe[1]);
    free(r);
}

int main(int argc, char **argv)
{
    struct tui_options o = {
        .config_path = "/demo/rotwiz.conf",
        .auth = "password",
        .simulated = true,
        .lab_dir = "/demo",
    };
    if (argc > 1 && strcmp(argv[1], "topology") == 0)
        return tui_topology(&o);
    return tui_wizard(&o);
}
