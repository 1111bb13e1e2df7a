/* test_runner.c: a flow in its worker thread hands events and questions to the UI thread;
 * answers and cancel travel back; the exit code arrives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "flow.h"
#include "runner.h"

struct seen {
    int errors, finished, exit_code;
    char cause[512];
};

static void on_event(void *ud, const struct core_event *ev)
{
    struct seen *s = ud;
    if (ev->type == EV_ERROR) {
        s->errors++;
        snprintf(s->cause, sizeof s->cause, "%s", ev->u.error.cause);
    } else if (ev->type == EV_FLOW_FINISHED) {
        s->finished++;
        s->exit_code = ev->u.finished.exit_code;
    }
}

/* Polls the runner like the UI does until a question waits or the flow ends. */
static const struct core_ask *pump(struct runner *r, struct seen *s)
{
    struct core_sink sink = {.on_event = on_event, .ud = s};
    for (int i = 0; i < 500; i++) {
        struct pollfd p = {.fd = runner_fd(r), .events = POLLIN};
        poll(&p, 1, 20);
        runner_dispatch(r, &sink);
        const struct core_ask *q = runner_pending_ask(r);
        if (q || runner_finished(r, NULL)) {
            runner_dispatch(r, &sink);
            return q;
        }
    }
    fail_msg("the runner neither asked nor finished");
    return NULL;
}

/* Makes DIR (a mkdtemp template) and a configuration in it naming a target nobody listens on
 * (port 1), with its own empty known_hosts; CONF gets its path. */
static void write_config(char *dir, char *conf, size_t len)
{
    assert_non_null(mkdtemp(dir));
    snprintf(conf, len, "%s/rotwiz.conf", dir);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, "auth = \"password\";\nworkstation = { address = \"127.0.0.1\"; };\n"
               "target = { host = \"127.0.0.1\"; port = 1; known_hosts = \"%s/kh\"; };\n",
            dir);
    fclose(f);
}

static void config_error_arrives_as_event_and_exit_code(void **state)
{
    (void)state;
    struct flow_request req = {.kind = FLOW_BACKUP, .config_path = "/nonexistent/rotwiz.conf",
                               .operator_name = "alice", .batch = true};
    char err[256];
    struct runner *r = runner_start(&req, err, sizeof err);
    assert_non_null(r);
    struct seen s = {0};
    assert_null(pump(r, &s));
    int code = -1;
    assert_true(runner_finished(r, &code));
    assert_int_equal(code, EXIT_USAGE);
    assert_int_equal(s.finished, 1);
    assert_int_equal(s.exit_code, EXIT_USAGE);
    assert_int_equal(s.errors, 1);
    assert_non_null(strstr(s.cause, "/nonexistent/rotwiz.conf"));
    runner_free(r);
}

static void questions_are_answered_and_cancel_ends_the_flow(void **state)
{
    (void)state;
    char dir[] = "/tmp/rotwiz-runner-XXXXXX", conf[300];
    write_config(dir, conf, sizeof conf);
    struct flow_request req = {.kind = FLOW_PREPARE_TARGET, .config_path = conf,
                               .state_dir = dir};
    char err[256];
    struct runner *r = runner_start(&req, err, sizeof err);
    assert_non_null(r);
    struct seen s = {0};
    const struct core_ask *q = pump(r, &s);
    assert_non_null(q);
    assert_int_equal(q->type, ASK_TEXT);
    assert_string_equal(q->title, "Operator");
    struct core_answer a = {0};
    snprintf(a.text, sizeof a.text, "alice");
    runner_answer(r, ASK_ANSWERED, &a);
    q = pump(r, &s);
    assert_non_null(q);
    assert_string_equal(q->title, "Witness");
    /* witnesses one after another: a name asks for the next one */
    snprintf(a.text, sizeof a.text, "bob");
    runner_answer(r, ASK_ANSWERED, &a);
    q = pump(r, &s);
    assert_non_null(q);
    assert_string_equal(q->title, "Witness");
    assert_non_null(strstr(q->prompt, "witness 2"));
    runner_cancel(r);
    assert_null(pump(r, &s));
    int code = -1;
    assert_true(runner_finished(r, &code));
    assert_int_equal(code, EXIT_CANCELLED);
    assert_int_equal(s.exit_code, EXIT_CANCELLED);
    runner_free(r);
    /* the session is known to the UI thread (the export dialog proposes it) */
    assert_non_null(strstr(flow_last_session(), dir));
    assert_non_null(strstr(flow_last_session(), "/sessions/"));
    /* the operator's name reached the session journal */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "grep -q '\"alice\"' %s/sessions/*/journal.jsonl", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The read-only view asks no names; an unreachable k570 ends it with exit 3. */
static void topology_asks_nothing_and_reports_unreachable(void **state)
{
    (void)state;
    char dir[] = "/tmp/rotwiz-runner-XXXXXX", conf[300];
    write_config(dir, conf, sizeof conf);
    struct flow_request req = {.kind = FLOW_TOPOLOGY, .config_path = conf, .state_dir = dir};
    char err[256];
    struct runner *r = runner_start(&req, err, sizeof err);
    assert_non_null(r);
    struct seen s = {0};
    assert_null(pump(r, &s));
    int code = -1;
    assert_true(runner_finished(r, &code));
    assert_int_equal(code, EXIT_CONNECT);
    assert_int_equal(s.exit_code, EXIT_CONNECT);
    runner_free(r);
    /* the read-only view writes no session folder */
    char sessions[400];
    snprintf(sessions, sizeof sessions, "%s/sessions", dir);
    assert_int_not_equal(access(sessions, F_OK), 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_error_arrives_as_event_and_exit_code),
        cmocka_unit_test(questions_are_answered_and_cancel_ends_the_flow),
        cmocka_unit_test(topology_asks_nothing_and_reports_unreachable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
