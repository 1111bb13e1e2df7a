/* test_flow_login.c: the failed-login ledger at a flow's login points (core/flow_login.c), with
 * a recording sink: the tries used shown before a login, the counter raised, reset or left by
 * the result, the refusal in batch mode (exit 4, the fix naming the flag), the flag and the
 * wizard's typed acknowledgement, and the journal records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "flow_login.h"
#include "journal.h"
#include "../records/rec_test.h" /* rt_rmtree */
#include "rec_util.h"

#define SERIAL "700123"

struct rec {
    char notices[16][1024];
    bool warnings[16];
    size_t notice_count;
    size_t errors;
    size_t asks;
    enum core_ask_type ask_type;
    char ask_expected[128];
    char ask_prompt[1024];
    int answer_status;          /* what ask returns */
    char answer[128];           /* the text typed */
};

static void rec_event(void *ud, const struct core_event *ev)
{
    struct rec *r = ud;
    if (ev->type == EV_NOTICE && r->notice_count < 16) {
        snprintf(r->notices[r->notice_count], sizeof r->notices[0], "%s", ev->u.notice.text);
        r->warnings[r->notice_count++] = ev->u.notice.warning;
    } else if (ev->type == EV_ERROR) {
        r->errors++;
    }
}

static int rec_ask(void *ud, const struct core_ask *q, struct core_answer *a)
{
    struct rec *r = ud;
    r->asks++;
    r->ask_type = q->type;
    snprintf(r->ask_expected, sizeof r->ask_expected, "%s", q->expected ? q->expected : "");
    snprintf(r->ask_prompt, sizeof r->ask_prompt, "%s", q->prompt ? q->prompt : "");
    snprintf(a->text, sizeof a->text, "%s", r->answer);
    return r->answer_status;
}

struct fix {
    char dir[256];
    char state[320];
    char journal[400];
    struct flow_request req;
    struct rec rec;
    struct core_sink sink;
    struct flow_step_def step;
    struct flow_ctx fx;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    const char *t = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/rotwiz-login-XXXXXX", t && *t ? t : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->state, sizeof f->state, "%s/state", f->dir);
    snprintf(f->journal, sizeof f->journal, "%s/journal.jsonl", f->dir);
    f->req.kind = FLOW_BACKUP;
    f->req.batch = true;
    f->rec.answer_status = ASK_UNAVAILABLE;
    f->sink = (struct core_sink){.on_event = rec_event, .ask = rec_ask, .ud = &f->rec};
    f->step.id = "archive_backup";
    f->fx.req = &f->req;
    f->fx.sink = &f->sink;
    f->fx.step = &f->step;
    f->fx.exit_code = EXIT_DONE;
    char err[512];
    f->fx.ledger = ledger_open(f->state, err, sizeof err);
    assert_non_null(f->fx.ledger);
    f->fx.journal = journal_open(f->journal, NULL, err, sizeof err);
    assert_non_null(f->fx.journal);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    ledger_close(f->fx.ledger);
    journal_close(f->fx.journal);
    chmod(f->state, 0700);
    rt_rmtree(f->dir);
    free(f);
    return 0;
}

/* The journal records of TYPE, as a JSON array (decref it). */
static json_t *records(const struct fix *f, const char *type)
{
    json_t *out = json_array();
    FILE *in = fopen(f->journal, "r");
    assert_non_null(in);
    char line[8192];
    while (fgets(line, sizeof line, in)) {
        json_t *r = json_loads(line, 0, NULL);
        assert_non_null(r);
        if (!strcmp(json_string_value(json_object_get(r, "type")), type))
            json_array_append(out, r);
        json_decref(r);
    }
    fclose(in);
    return out;
}

static const struct luna_result pin_incorrect = {.found = true, .ok = false, .code = 0xa0};
static const struct luna_result no_error = {.found = true, .ok = true, .code = 0};

static struct ledger_entry entry(struct fix *f, const char *key, enum ledger_role role)
{
    struct ledger_entry e;
    ledger_get(f->fx.ledger, key, role, &e);
    return e;
}

static void fail_so_login(struct fix *f)
{
    assert_int_equal(flow_login_result(&f->fx, "Backup HSM", SERIAL, LEDGER_SO, &pin_incorrect),
                     0);
}

static bool any_notice(const struct fix *f, const char *needle)
{
    for (size_t i = 0; i < f->rec.notice_count; i++)
        if (strstr(f->rec.notices[i], needle))
            return true;
    return false;
}

static void test_guard_shows_tries_used_before_a_first_login(void **state)
{
    struct fix *f = *state;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO), 0);
    assert_int_equal(f->rec.notice_count, 1);
    assert_non_null(strstr(f->rec.notices[0], "0 of 3 tries used: the 3rd failure zeroises the "
                                              "Backup HSM and destroys"));
    assert_non_null(strstr(f->rec.notices[0], SERIAL));
    assert_false(f->rec.warnings[0]);
    json_t *g = records(f, "login-guard");
    assert_int_equal(json_array_size(g), 1);
    json_t *r = json_array_get(g, 0);
    assert_string_equal(json_string_value(json_object_get(r, "serial")), SERIAL);
    assert_string_equal(json_string_value(json_object_get(r, "role")), "so");
    assert_string_equal(json_string_value(json_object_get(r, "step")), "archive_backup");
    assert_true(json_is_false(json_object_get(r, "refused")));
    json_decref(g);
}

static void test_failure_is_counted_durably_and_journaled(void **state)
{
    struct fix *f = *state;
    fail_so_login(f);
    struct ledger_entry e = entry(f, SERIAL, LEDGER_SO);
    assert_int_equal(e.failures, 1);
    assert_false(e.acknowledged);
    assert_non_null(strstr(e.what, "archive_backup"));
    assert_non_null(strstr(e.what, "CKR_PIN_INCORRECT"));
    /* on disk, not only in memory */
    char err[512];
    struct ledger *again = ledger_open(f->state, err, sizeof err);
    assert_non_null(again);
    struct ledger_entry d;
    assert_true(ledger_get(again, SERIAL, LEDGER_SO, &d));
    assert_int_equal(d.failures, 1);
    ledger_close(again);
    json_t *g = records(f, "login-failed");
    assert_int_equal(json_array_size(g), 1);
    json_t *r = json_array_get(g, 0);
    assert_int_equal(json_integer_value(json_object_get(r, "code")), 0xa0);
    assert_int_equal(json_integer_value(json_object_get(r, "failures")), 1);
    assert_string_equal(json_string_value(json_object_get(r, "code_name")), "CKR_PIN_INCORRECT");
    json_decref(g);
    assert_true(any_notice(f, "1 of 3 tries used"));
    assert_true(any_notice(f, "--acknowledge-failed-login " SERIAL));
    /* every failure code counts */
    static const unsigned long codes[] = {0xa4, 0x8000001c, 0x80000007};
    for (size_t i = 0; i < 3; i++) {
        struct luna_result r2 = {.found = true, .code = codes[i]};
        assert_int_equal(flow_login_result(&f->fx, "Backup HSM", SERIAL, LEDGER_SO, &r2), 0);
    }
    assert_int_equal(entry(f, SERIAL, LEDGER_SO).failures, 4);
}

static void test_other_results_leave_the_counter(void **state)
{
    struct fix *f = *state;
    fail_so_login(f);
    struct luna_result not_logged_in = {.found = true, .code = 0x101};
    struct luna_result none = {.found = false};
    assert_int_equal(flow_login_result(&f->fx, "Backup HSM", SERIAL, LEDGER_SO, &not_logged_in),
                     0);
    assert_int_equal(flow_login_result(&f->fx, "Backup HSM", SERIAL, LEDGER_SO, &none), 0);
    assert_int_equal(flow_login_result(&f->fx, "Backup HSM", SERIAL, LEDGER_SO, NULL), 0);
    assert_int_equal(entry(f, SERIAL, LEDGER_SO).failures, 1);
}

static void test_success_resets(void **state)
{
    struct fix *f = *state;
    fail_so_login(f);
    f->req.ack_serials[0] = SERIAL;
    f->req.ack_count = 1;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO), 0);
    assert_int_equal(flow_login_result(&f->fx, "Backup HSM", SERIAL, LEDGER_SO, &no_error), 0);
    struct ledger_entry e = entry(f, SERIAL, LEDGER_SO);
    assert_int_equal(e.failures, 0);
    json_t *g = records(f, "login-ok");
    assert_int_equal(json_array_size(g), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(g, 0),
                                                        "previous_failures")), 1);
    json_decref(g);
    /* and the next run goes on without acknowledging anything */
    f->req.ack_count = 0;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO), 0);
}

static void test_batch_refuses_an_unacknowledged_so_failure(void **state)
{
    struct fix *f = *state;
    fail_so_login(f);
    f->rec.notice_count = 0;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO),
                     EXIT_PRECONDITION);
    assert_int_equal(f->fx.exit_code, EXIT_PRECONDITION);
    assert_int_equal(f->rec.asks, 0); /* batch never asks */
    assert_non_null(strstr(f->fx.fix, "--acknowledge-failed-login " SERIAL));
    assert_non_null(strstr(f->fx.cause, SERIAL));
    assert_non_null(strstr(f->fx.cause, "not acknowledged"));
    assert_true(any_notice(f, "1 of 3 tries used"));
    json_t *g = records(f, "login-guard");
    assert_true(json_is_true(json_object_get(json_array_get(g, 0), "refused")));
    json_decref(g);
    /* another serial's acknowledgement does not count */
    f->req.ack_serials[0] = "999";
    f->req.ack_count = 1;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO),
                     EXIT_PRECONDITION);
    /* a Crypto Officer login of the same serial waits for the acknowledgement too */
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_CO),
                     EXIT_PRECONDITION);
    assert_false(entry(f, SERIAL, LEDGER_SO).acknowledged);
}

static void test_batch_flag_acknowledges(void **state)
{
    struct fix *f = *state;
    fail_so_login(f);
    f->req.ack_serials[0] = "other";
    f->req.ack_serials[1] = SERIAL;
    f->req.ack_count = 2;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO), 0);
    struct ledger_entry e = entry(f, SERIAL, LEDGER_SO);
    assert_true(e.acknowledged);
    assert_int_equal(e.failures, 1); /* the count stays until a login succeeds */
    assert_string_equal(e.acknowledged_how, "--acknowledge-failed-login");
    json_t *g = records(f, "login-acknowledged");
    assert_int_equal(json_array_size(g), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(g, 0), "how")),
                        "--acknowledge-failed-login");
    json_decref(g);
    /* acknowledged: the next run needs no flag */
    f->req.ack_count = 0;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO), 0);
}

static void test_wizard_asks_a_typed_acknowledgement(void **state)
{
    struct fix *f = *state;
    f->req.batch = false;
    fail_so_login(f);
    fail_so_login(f);
    f->rec.answer_status = ASK_ANSWERED;
    snprintf(f->rec.answer, sizeof f->rec.answer, "%s", SERIAL);
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO), 0);
    assert_int_equal(f->rec.asks, 1);
    assert_int_equal(f->rec.ask_type, ASK_TYPED_CONFIRM);
    assert_string_equal(f->rec.ask_expected, SERIAL);
    assert_non_null(strstr(f->rec.ask_prompt, "2 of 3 tries"));
    assert_true(entry(f, SERIAL, LEDGER_SO).acknowledged);
    assert_string_equal(entry(f, SERIAL, LEDGER_SO).acknowledged_how, "typed serial");
    assert_true(any_notice(f, "The NEXT failure zeroises it"));
    json_t *g = records(f, "login-acknowledged");
    assert_int_equal(json_array_size(g), 1);
    json_decref(g);
}

static void test_wizard_wrong_text_or_cancel_refuses(void **state)
{
    struct fix *f = *state;
    f->req.batch = false;
    fail_so_login(f);
    f->rec.answer_status = ASK_ANSWERED;
    snprintf(f->rec.answer, sizeof f->rec.answer, "70012");
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO),
                     EXIT_PRECONDITION);
    f->rec.answer_status = ASK_CANCELLED;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO),
                     EXIT_PRECONDITION);
    assert_int_equal(f->rec.asks, 2);
    assert_false(entry(f, SERIAL, LEDGER_SO).acknowledged);
    assert_non_null(strstr(f->fx.fix, "--acknowledge-failed-login " SERIAL));
}

static void test_unknown_serial_is_keyed_by_device(void **state)
{
    struct fix *f = *state;
    assert_int_equal(flow_login_result(&f->fx, "Backup HSM", "", LEDGER_SO, &pin_incorrect), 0);
    assert_int_equal(entry(f, "unknown:Backup HSM", LEDGER_SO).failures, 1);
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", NULL, LEDGER_SO),
                     EXIT_PRECONDITION);
    assert_non_null(strstr(f->fx.fix, "--acknowledge-failed-login unknown:Backup HSM"));
    /* another device with no serial is another key */
    assert_int_equal(flow_login_guard(&f->fx, "source k570", NULL, LEDGER_SO), 0);
}

static void test_crypto_officer_failures(void **state)
{
    struct fix *f = *state;
    assert_int_equal(flow_login_result(&f->fx, "source k570", "S-K570", LEDGER_CO,
                                       &pin_incorrect), 0);
    assert_int_equal(entry(f, "S-K570", LEDGER_CO).failures, 1);
    f->rec.notice_count = 0;
    /* a failed CO login is shown, but only an SO failure must be acknowledged */
    assert_int_equal(flow_login_guard(&f->fx, "source k570", "S-K570", LEDGER_CO), 0);
    assert_true(any_notice(f, "1 consecutive failed login recorded"));
    assert_true(any_notice(f, "lock the partition"));
    assert_true(f->rec.warnings[0]);
}

/* The failure text says how many tries are left: SO before zeroisation, CO before the lock. */
static void test_failure_text_says_tries_left(void **state)
{
    struct fix *f = *state;
    fail_so_login(f);
    fail_so_login(f);
    snprintf(f->fx.cause, sizeof f->fx.cause, "The SO login failed: Command Result 0xa0");
    flow_login_tries_left(&f->fx, "Backup HSM", SERIAL, LEDGER_SO);
    assert_non_null(strstr(f->fx.cause, "0xa0. 2 of 3 SO tries used: 1 try left before the "
                                        "HSM ZEROISES"));
    assert_int_equal(flow_login_result(&f->fx, "source k570", "S-K570", LEDGER_CO,
                                       &pin_incorrect), 0);
    snprintf(f->fx.cause, sizeof f->fx.cause, "The Crypto Officer login failed.");
    flow_login_tries_left(&f->fx, "source k570", "S-K570", LEDGER_CO);
    assert_non_null(strstr(f->fx.cause, "failed. 1 consecutive failed Crypto Officer login "
                                        "recorded: at most 9 tries left before the partition "
                                        "locks"));
}

static void test_unwritable_ledger_stops_the_flow(void **state)
{
    struct fix *f = *state;
    if (geteuid() == 0)
        skip();
    fail_so_login(f); /* creates the state folder */
    assert_int_equal(chmod(f->state, 0500), 0);
    f->fx.exit_code = EXIT_HSM;
    snprintf(f->fx.cause, sizeof f->fx.cause, "the login failed");
    assert_int_equal(flow_login_result(&f->fx, "Backup HSM", SERIAL, LEDGER_SO, &pin_incorrect),
                     FLOW_LOGIN_EXIT_RECORD);
    assert_int_equal(f->fx.exit_code, FLOW_LOGIN_EXIT_RECORD);
    assert_non_null(strstr(f->fx.cause, "failed-login ledger"));
    assert_non_null(strstr(f->fx.cause, "the login failed"));
    chmod(f->state, 0700);
    assert_int_equal(entry(f, SERIAL, LEDGER_SO).failures, 1);
}

static void test_no_ledger_refuses(void **state)
{
    struct fix *f = *state;
    ledger_close(f->fx.ledger);
    f->fx.ledger = NULL;
    assert_int_equal(flow_login_guard(&f->fx, "Backup HSM", SERIAL, LEDGER_SO),
                     EXIT_PRECONDITION);
    assert_int_equal(flow_login_result(&f->fx, "Backup HSM", SERIAL, LEDGER_SO, &pin_incorrect),
                     FLOW_LOGIN_EXIT_RECORD);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_guard_shows_tries_used_before_a_first_login),
        T(test_failure_is_counted_durably_and_journaled),
        T(test_other_results_leave_the_counter),
        T(test_success_resets),
        T(test_batch_refuses_an_unacknowledged_so_failure),
        T(test_batch_flag_acknowledges),
        T(test_wizard_asks_a_typed_acknowledgement),
        T(test_wizard_wrong_text_or_cancel_refuses),
        T(test_unknown_serial_is_keyed_by_device),
        T(test_crypto_officer_failures),
        T(test_failure_text_says_tries_left),
        T(test_unwritable_ledger_stops_the_flow),
        T(test_no_ledger_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
