/* skipped, unverified and satisfied-earlier steps (and the failed-login records) in the record: session
 * read-back, the text, JSON Lines and asciicast exports, and the batch sink's closing "Left for
 * you to do" (issues 7 and 10). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "batch_sink.h"
#include "export.h"
#include "rec_test.h"
#include "session.h"

struct fix {
    char tmp[512];
    char dir[SESSION_PATH_MAX];
};

static void put(struct journal *j, const char *type, const char *step, const char *title)
{
    json_t *f = json_object();
    json_object_set_new(f, "step", json_string(step));
    if (title)
        json_object_set_new(f, "title", json_string(title));
    assert_int_equal(journal_append(j, type, f), 0);
    json_decref(f);
}

/* A restore session: a verified hand step, a skipped step, two unverified hand steps. */
static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    rt_tempdir(f->tmp, sizeof f->tmp);
    char err[256];
    struct session *s = session_create(f->tmp, "restore-password", NULL, 0, err, sizeof err);
    assert_non_null(s);
    struct journal *j = session_journal(s);
    assert_int_equal(session_step_start(s, "cable_devices", "Cable the Backup HSM"), 0);
    put(j, "hand-step-verified-by-effect", "cable_devices", "Cable the Backup HSM");
    assert_int_equal(session_step_done(s, "cable_devices", NULL), 0);
    /* satisfied by the backup just done in the same wizard (core/flow_carry.c) */
    json_t *people = json_pack("{s:s, s:s, s:s}", "step", "operator-and-witnesses", "session",
                               "S-backup-1", "verified", "Operator Ana Lima, no witness");
    assert_int_equal(journal_append(j, "satisfied-earlier", people), 0); /* no step */
    json_decref(people);
    assert_int_equal(session_step_start(s, "rbs_start", "Start the Remote Backup Server"), 0);
    json_t *se = json_pack("{s:s, s:s, s:s}", "step", "rbs_start", "session", "S-backup-1",
                           "verified", "RBS started by session S-backup-1 still runs");
    assert_int_equal(journal_append(j, "satisfied-earlier", se), 0);
    json_decref(se);
    assert_int_equal(session_step_done(s, "rbs_start", NULL), 0);
    assert_int_equal(session_step_start(s, "cm_backup", "Take a CipherTrust Manager backup"), 0);
    assert_int_equal(journal_decision(j, "cm_backup", "optional hand step",
                                      "skipped by the operator"), 0);
    put(j, "step-skipped", "cm_backup", NULL);
    assert_int_equal(session_step_start(s, "configure_rot", "Configure the root of trust"), 0);
    put(j, "hand-step-unverified", "configure_rot", "Configure the root of trust");
    assert_int_equal(session_step_start(s, "rotate_rot", "Rotate the key"), 0);
    put(j, "hand-step-unverified", "rotate_rot", "Rotate the key");
    json_t *lf = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s}", "step", "archive_restore",
                           "device", "Backup HSM", "serial", "700123", "role", "so", "failures", 1,
                           "code", 0xa0, "what", "archive_restore: 0xa0 CKR_PIN_INCORRECT");
    assert_int_equal(journal_append(j, "login-failed", lf), 0);
    json_decref(lf);
    json_t *ack = json_pack("{s:s, s:s, s:s, s:s}", "device", "Backup HSM", "serial", "700123",
                            "role", "so", "how", "--acknowledge-failed-login");
    assert_int_equal(journal_append(j, "login-acknowledged", ack), 0);
    json_decref(ack);
    assert_int_equal(session_end(s, 0, "done"), 0);
    snprintf(f->dir, sizeof f->dir, "%s", session_path(s));
    session_close(s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    rt_rmtree(f->tmp);
    free(f);
    return 0;
}

static char *export_to(const struct fix *f, enum export_format fmt)
{
    char out[700], err[256];
    snprintf(out, sizeof out, "%s/export.%s", f->tmp, export_format_name(fmt));
    assert_int_equal(export_session(f->dir, fmt, out, err, sizeof err), EXPORT_OK);
    char *text = rt_slurp(out, NULL);
    assert_non_null(text);
    return text;
}

static void test_read_back_states(void **state)
{
    struct fix *f = *state;
    struct session_summary sum;
    char err[256];
    assert_int_equal(session_load(f->dir, &sum, err, sizeof err), 0);
    assert_int_equal(session_step_state(&sum, "cable_devices"), STEP_DONE);
    assert_int_equal(session_step_state(&sum, "cm_backup"), STEP_SKIPPED);
    assert_int_equal(session_step_state(&sum, "rbs_start"), STEP_DONE);
    assert_string_equal(sum.steps[1].id, "rbs_start");
    assert_string_equal(sum.steps[1].satisfied_by, "S-backup-1");
    assert_int_equal(sum.step_count, 5); /* the people kept are no step */
    assert_int_equal(session_step_state(&sum, "configure_rot"), STEP_UNVERIFIED);
    assert_int_equal(session_step_state(&sum, "rotate_rot"), STEP_UNVERIFIED);
    assert_true(sum.chain_ok);
    session_summary_free(&sum);
}

/* The line of the text export's step list naming STEP. */
static void step_line(const char *text, const char *step, char *out, size_t len)
{
    char needle[64];
    snprintf(needle, sizeof needle, "  %s", step);
    const char *steps = strstr(text, "Steps\n-----\n");
    assert_non_null(steps);
    const char *hit = strstr(steps, needle);
    assert_non_null(hit);
    while (hit > steps && hit[-1] != '\n')
        hit--;
    snprintf(out, len, "%.*s", (int)strcspn(hit, "\n"), hit);
}

static void test_text_export(void **state)
{
    struct fix *f = *state;
    char *text = export_to(f, EXPORT_TEXT);
    char line[512];
    step_line(text, "cm_backup", line, sizeof line);
    assert_non_null(strstr(line, "[skipped]"));
    step_line(text, "configure_rot", line, sizeof line);
    assert_non_null(strstr(line, "[to do]"));
    assert_non_null(strstr(line, "unverified"));
    step_line(text, "cable_devices", line, sizeof line);
    assert_non_null(strstr(line, "[done]"));
    assert_null(strstr(line, "not asked again"));
    step_line(text, "rbs_start", line, sizeof line);
    assert_non_null(strstr(line, "[done]"));
    assert_non_null(strstr(line, "(not asked again: satisfied by session S-backup-1)"));
    assert_non_null(strstr(text, "=== NOT ASKED AGAIN rbs_start: satisfied by the earlier "
                                 "session S-backup-1, still in place: RBS started by session "
                                 "S-backup-1 still runs"));
    assert_null(strstr(text, "[started]"));
    assert_non_null(strstr(text, "=== UNVERIFIED configure_rot: Configure the root of trust"));
    assert_non_null(strstr(text, "=== UNVERIFIED rotate_rot"));
    assert_non_null(strstr(text, "=== SKIPPED cm_backup"));
    assert_null(strstr(text, "=== DONE configure_rot"));
    assert_non_null(strstr(text, "--- login-failed [archive_restore] device=Backup HSM "
                                 "serial=700123 role=so failures=1"));
    assert_non_null(strstr(text, "--- login-acknowledged"));
    assert_non_null(strstr(text, "how=--acknowledge-failed-login"));
    free(text);
}

static void test_jsonl_export(void **state)
{
    struct fix *f = *state;
    char *text = export_to(f, EXPORT_JSONL);
    json_t *head = json_loadb(text, strcspn(text, "\n"), 0, NULL);
    assert_non_null(head);
    json_t *steps = json_object_get(head, "steps");
    assert_int_equal(json_array_size(steps), 5);
    static const char *const want[][2] = {{"cable_devices", "done"}, {"rbs_start", "done"},
                                          {"cm_backup", "skipped"},
                                          {"configure_rot", "unverified"},
                                          {"rotate_rot", "unverified"}};
    assert_null(json_object_get(json_array_get(steps, 0), "satisfied_by"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(steps, 1),
                                                          "satisfied_by")), "S-backup-1");
    for (size_t i = 0; i < 5; i++) {
        json_t *s = json_array_get(steps, i);
        assert_string_equal(json_string_value(json_object_get(s, "id")), want[i][0]);
        assert_string_equal(json_string_value(json_object_get(s, "state")), want[i][1]);
    }
    json_decref(head);
    assert_non_null(strstr(text, "\"type\":\"hand-step-unverified\""));
    assert_non_null(strstr(text, "\"type\":\"login-failed\""));
    assert_non_null(strstr(text, "\"type\":\"login-acknowledged\""));
    assert_non_null(strstr(text, "\"type\":\"satisfied-earlier\""));
    free(text);
}

static void test_cast_export(void **state)
{
    struct fix *f = *state;
    char *text = export_to(f, EXPORT_CAST);
    assert_non_null(strstr(text, "NOT VERIFIED, left for you to do: Configure the root of trust"));
    assert_non_null(strstr(text, "LOGIN FAILED: archive_restore: 0xa0 CKR_PIN_INCORRECT"));
    assert_non_null(strstr(text, "not asked again, satisfied by session S-backup-1"));
    free(text);
}

static void test_batch_sink_lists_what_is_left(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    struct batch_sink bs = {.out = out};
    struct core_sink sink = batch_sink_make(&bs);
    struct step_view views[2] = {
        {.id = "configure_rot", .title = "Configure the root of trust",
         .instructions = "In the console, configure the PCIe HSM.\nSecond line.",
         .state = STEP_UNVERIFIED},
        {.id = "logout", .title = "Log out", .state = STEP_DONE},
    };
    struct core_event started = {.type = EV_FLOW_STARTED};
    started.u.flow.title = "Restore";
    started.u.flow.step_count = 2;
    core_emit(&sink, &started);
    for (size_t i = 0; i < 2; i++) {
        struct core_event ev = {.type = EV_STEP_CHANGED};
        ev.u.step.index = 1 - i;
        ev.u.step.step = &views[1 - i];
        core_emit(&sink, &ev);
    }
    /* the same step reported again is listed once */
    struct core_event again = {.type = EV_STEP_CHANGED};
    again.u.step.step = &views[0];
    core_emit(&sink, &again);
    struct core_event fin = {.type = EV_FLOW_FINISHED};
    fin.u.finished.message = "finished";
    core_emit(&sink, &fin);
    fclose(out);
    assert_non_null(strstr(buf, "TO DO   Configure the root of trust"));
    const char *todo = strstr(buf, "Left for you to do");
    assert_non_null(todo);
    assert_non_null(strstr(todo, "  - Configure the root of trust\n"
                                 "      In the console, configure the PCIe HSM.\n"));
    assert_null(strstr(todo, "Second line"));
    assert_null(strstr(todo, "Log out"));
    assert_null(strstr(strstr(todo, "Configure") + 1, "- Configure"));
    assert_true(strstr(buf, "rotwiz: finished") > todo);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_back_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cast_export, setup, teardown),
        cmocka_unit_test(test_batch_sink_lists_what_is_left),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
