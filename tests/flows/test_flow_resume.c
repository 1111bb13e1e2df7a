/* test_flow_resume.c: core/flow_resume.c with a recording sink: a backup partition is
 * restored only when its Object UIDs are those of a recorded verified backup (same Backup HSM,
 * same partition), an unrecorded one stops batch mode (exit 4) and takes the typed partition
 * name in the wizard; an interrupted session met with another appliance serial goes on in a
 * new session. */
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
#include "flow_resume.h"
#include "journal.h"
#include "../records/rec_test.h" /* rt_rmtree */
#include "mask.h"
#include "session.h"

struct rec {
    size_t asks;
    char ask_expected[128];
    int answer_status;
    char answer[128];
    char notices[4][1024];
    size_t notice_count;
};

static void rec_event(void *ud, const struct core_event *ev)
{
    struct rec *r = ud;
    if (ev->type == EV_NOTICE && r->notice_count < 4)
        snprintf(r->notices[r->notice_count++], sizeof r->notices[0], "%s", ev->u.notice.text);
}

static int rec_ask(void *ud, const struct core_ask *q, struct core_answer *a)
{
    struct rec *r = ud;
    r->asks++;
    snprintf(r->ask_expected, sizeof r->ask_expected, "%s", q->expected ? q->expected : "");
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
    struct luna_objects backup;
};

static void add_object(struct luna_objects *o, const char *label, const char *uid)
{
    struct luna_object *x = &o->objects[o->count++];
    snprintf(x->label, sizeof x->label, "%s", label);
    snprintf(x->type, sizeof x->type, "Symmetric Key");
    snprintf(x->uid, sizeof x->uid, "%s", uid);
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    const char *t = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/rotwiz-resume-XXXXXX", t && *t ? t : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->state, sizeof f->state, "%s/state", f->dir);
    snprintf(f->journal, sizeof f->journal, "%s/journal.jsonl", f->dir);
    f->req.kind = FLOW_RESTORE;
    f->req.batch = true;
    f->req.state_dir = f->state;
    f->rec.answer_status = ASK_UNAVAILABLE;
    f->sink = (struct core_sink){.on_event = rec_event, .ask = rec_ask, .ud = &f->rec};
    f->step.id = "check_target_empty";
    f->fx.req = &f->req;
    f->fx.sink = &f->sink;
    f->fx.step = &f->step;
    f->fx.exit_code = EXIT_DONE;
    f->fx.cfg.backup.partition = "rot-backup";
    snprintf(f->fx.topo.backup.serial, sizeof f->fx.topo.backup.serial, "447624");
    char err[512];
    f->fx.journal = journal_open(f->journal, NULL, err, sizeof err);
    assert_non_null(f->fx.journal);
    add_object(&f->backup, "ks_root_kek", "505bea6f");
    add_object(&f->backup, "ks_root_sign", "9c0ffee1");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    journal_close(f->fx.journal);
    rt_rmtree(f->dir);
    free(f);
    return 0;
}

/* A backup session in the state folder: Backup HSM SERIAL, the verified PARTITION, objects
 * with UID1 and UID2. */
static void record_backup(struct fix *f, const char *serial, const char *partition,
                          const char *uid1, const char *uid2)
{
    char dir[512], path[600], err[256];
    snprintf(dir, sizeof dir, "%s/sessions/20261130-101010Z-backup-password-aaaaaa", f->state);
    snprintf(path, sizeof path, "%s/sessions", f->state);
    mkdir(f->state, 0700);
    mkdir(path, 0700);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/%s", dir, SESSION_JOURNAL);
    struct journal *j = journal_open(path, NULL, err, sizeof err);
    assert_non_null(j);
    journal_session_start(j, "backup-password", "x", "1");
    struct journal_appliance a = {.role = "backup-hsm", .serial = serial};
    journal_appliance(j, &a);
    struct journal_object objs[] = {{"ks_root_kek", "Symmetric Key", "16", uid1},
                                    {"ks_root_sign", "Symmetric Key", "17", uid2}};
    journal_objects(j, "verify_backup", "backup", objs, 2);
    journal_decision(j, "verify_backup", FLOW_BACKUP_VERIFIED, partition);
    journal_close(j);
}

static void test_recorded_backup_with_the_same_uids_is_restored(void **state)
{
    struct fix *f = *state;
    record_backup(f, "447624", "rot-backup", "505bea6f", "9c0ffee1");
    /* listed in another order: still the same objects */
    struct luna_object first = f->backup.objects[0];
    f->backup.objects[0] = f->backup.objects[1];
    f->backup.objects[1] = first;
    assert_int_equal(flow_backup_provenance(&f->fx, &f->backup), 0);
    assert_int_equal(f->rec.asks, 0);
}

static void test_other_uids_are_refused(void **state)
{
    struct fix *f = *state;
    record_backup(f, "447624", "rot-backup", "505bea6f", "deadbeef");
    assert_int_equal(flow_backup_provenance(&f->fx, &f->backup), EXIT_PRECONDITION);
    assert_non_null(strstr(f->fx.cause, "Object UIDs differ"));
}

static void test_a_record_of_another_hsm_or_partition_is_no_record(void **state)
{
    struct fix *f = *state;
    record_backup(f, "999999", "rot-backup", "505bea6f", "9c0ffee1");
    assert_int_equal(flow_backup_provenance(&f->fx, &f->backup), EXIT_PRECONDITION);
    assert_non_null(strstr(f->fx.cause, "cannot tell"));
    record_backup(f, "447624", "other-backup", "505bea6f", "9c0ffee1");
    assert_int_equal(flow_backup_provenance(&f->fx, &f->backup), EXIT_PRECONDITION);
    assert_non_null(strstr(f->fx.cause, "cannot tell"));
}

static void test_unrecorded_backup_takes_the_typed_name_in_the_wizard(void **state)
{
    struct fix *f = *state;
    f->req.batch = false;
    f->rec.answer_status = ASK_ANSWERED;
    snprintf(f->rec.answer, sizeof f->rec.answer, "rot-backu");
    assert_int_equal(flow_backup_provenance(&f->fx, &f->backup), EXIT_CANCELLED);
    assert_string_equal(f->rec.ask_expected, "rot-backup");
    snprintf(f->rec.answer, sizeof f->rec.answer, "rot-backup");
    assert_int_equal(flow_backup_provenance(&f->fx, &f->backup), 0);
    assert_int_equal(f->rec.asks, 2);
}

static void test_another_serial_starts_a_new_session(void **state)
{
    struct fix *f = *state;
    char err[512];
    struct masker *m = mask_new();
    struct session *old = session_create(f->state, "backup-password", m, 0, err, sizeof err);
    assert_non_null(old);
    journal_operator(session_journal(old), "Ada");
    struct journal_appliance a = {.role = "source", .serial = "1111111"};
    journal_appliance(session_journal(old), &a);
    journal_close(f->fx.journal);
    f->fx.masker = m;
    f->fx.def.id = "backup-password";
    f->fx.session = old;
    f->fx.journal = session_journal(old);
    snprintf(f->fx.session_dir, sizeof f->fx.session_dir, "%s", session_path(old));
    flow_resume_remember(&f->fx, f->fx.session_dir);
    assert_int_equal(f->fx.prior_app_count, 1);
    /* the same serial: continued */
    assert_int_equal(flow_resume_appliance(&f->fx, "source", "1111111"), 0);
    /* another: a new session, with this run's operator */
    char was[600];
    snprintf(was, sizeof was, "%s", f->fx.session_dir);
    assert_int_equal(flow_resume_appliance(&f->fx, "source", "2222222"), 1);
    assert_string_not_equal(f->fx.session_dir, was);
    assert_non_null(strstr(f->rec.notices[0], "not continued"));
    struct session_summary sum;
    assert_int_equal(session_load(f->fx.session_dir, &sum, err, sizeof err), 0);
    assert_string_equal(sum.operator_name, "Ada");
    assert_true(sum.chain_ok);
    session_summary_free(&sum);
    assert_int_equal(flow_resume_appliance(&f->fx, "source", "3333333"), 0); /* decided once */
    session_close(f->fx.session);
    f->fx.journal = NULL;
    mask_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recorded_backup_with_the_same_uids_is_restored,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_uids_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_record_of_another_hsm_or_partition_is_no_record,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_unrecorded_backup_takes_the_typed_name_in_the_wizard,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_another_serial_starts_a_new_session, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
