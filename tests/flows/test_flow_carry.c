/* test_flow_carry.c: core/flow_carry.c with a recording sink: a wizard backup that ended 0
 * leaves its operator and witnesses (and session id) to the restore after it, offered to keep
 * (kept: journaled with a satisfied-earlier record naming the backup's session; changed: asked
 * as usual); the Backup HSM and RBS secrets the backup used kept in memory for it (never a
 * k570's Crypto Officer password, a secrets file's own value wins, dropped after a run that did
 * not end 0); batch runs, a backup that did not end 0 and a backup started in between leave
 * nothing; an RBS that is not running never satisfies a step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "flow_carry.h"
#include "flow_ctx.h"
#include "journal.h"
#include "../records/rec_test.h" /* rt_rmtree */
#include "secret_store.h"
#include "session.h"

struct rec {
    size_t asks;
    char title[64];
    char prompt[1400];
    int choice;
    size_t secret_asks;
};

static void rec_event(void *ud, const struct core_event *ev)
{
    (void)ud;
    (void)ev;
}

static int rec_ask(void *ud, const struct core_ask *q, struct core_answer *a)
{
    struct rec *r = ud;
    if (q->type == ASK_SECRET) { /* the store asks: nobody answers in this test */
        r->secret_asks++;
        return ASK_UNAVAILABLE;
    }
    r->asks++;
    snprintf(r->title, sizeof r->title, "%s", q->title ? q->title : "");
    snprintf(r->prompt, sizeof r->prompt, "%s", q->prompt ? q->prompt : "");
    a->choice = r->choice;
    return ASK_ANSWERED;
}

struct fix {
    char dir[256];
    struct rec rec;
    struct core_sink sink;
    struct session *backup;           /* the backup's session record */
    char backup_id[64];
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    const char *t = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/rotwiz-carry-XXXXXX", t && *t ? t : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    f->sink = (struct core_sink){.on_event = rec_event, .ask = rec_ask, .ud = &f->rec};
    char err[256];
    f->backup = session_create(f->dir, "backup-password", NULL, 0, err, sizeof err);
    assert_non_null(f->backup);
    snprintf(f->backup_id, sizeof f->backup_id, "%s", session_id(f->backup));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    flow_carry_end();
    session_close(f->backup);
    rt_rmtree(f->dir);
    free(f);
    return 0;
}

/* A wizard backup run that ends with RC, by Ana Lima witnessed by Ben Ode, given the Backup
 * HSM's SO password and the source's Crypto Officer password. */
static void end_backup(struct fix *f, struct flow_request *req, int rc)
{
    static struct flow_ctx fx;
    memset(&fx, 0, sizeof fx);
    req->kind = FLOW_BACKUP;
    fx.req = req;
    fx.sink = &f->sink;
    fx.session = f->backup;
    fx.secrets = secret_store_new(&f->sink);
    assert_true(secret_store_set(fx.secrets, "backup_so_password", SECRET_NO_ROLE, "SoPass-1"));
    assert_true(secret_store_set(fx.secrets, "co_password", ROLE_SOURCE, "SourceCo-1"));
    snprintf(fx.topo.backup.serial, sizeof fx.topo.backup.serial, "527134");
    flow_carry_note_person(&fx, true, "Ana Lima");
    flow_carry_note_person(&fx, false, "Ben Ode");
    flow_carry_keep(&fx, rc);
    secret_store_free(fx.secrets);
}

/* A run of KIND starting: its journal in the fixture's folder, the carry taken. */
static void start_run(struct fix *f, struct flow_ctx *fx, struct flow_request *req,
                      enum flow_kind kind, const char *name)
{
    char path[400], err[256];
    memset(fx, 0, sizeof *fx);
    req->kind = kind;
    fx->req = req;
    fx->sink = &f->sink;
    fx->exit_code = EXIT_DONE;
    snprintf(path, sizeof path, "%s/%s.jsonl", f->dir, name);
    fx->journal = journal_open(path, NULL, err, sizeof err);
    assert_non_null(fx->journal);
    static struct secret_store *store;
    secret_store_free(store); /* the previous run's */
    store = fx->secrets = secret_store_new(&f->sink);
    flow_carry_take(fx);
}

static char *slurp(struct fix *f, const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s.jsonl", f->dir, name);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    buf[n] = '\0';
    fclose(in);
    return buf;
}

static void test_people_kept_with_the_backup_session(void **state)
{
    struct fix *f = *state;
    struct flow_request breq = {0}, rreq = {0};
    end_backup(f, &breq, EXIT_DONE);
    struct flow_ctx fx;
    start_run(f, &fx, &rreq, FLOW_RESTORE, "restore");
    assert_true(fx.carry.taken);
    assert_string_equal(fx.carry.session, f->backup_id);
    assert_string_equal(fx.carry.serial, "527134");
    f->rec.choice = 0; /* Keep them */
    assert_int_equal(flow_carry_people(&fx), 1);
    assert_int_equal(f->rec.asks, 1);
    assert_string_equal(f->rec.title, "Operator and witnesses");
    char want[200];
    snprintf(want, sizeof want, "Operator Ana Lima, witness Ben Ode, from the backup just done "
             "(session %s)", f->backup_id);
    assert_non_null(strstr(f->rec.prompt, want));
    assert_string_equal(fx.carry.operator_name, "Ana Lima");
    assert_int_equal(fx.carry.witness_count, 1);
    journal_close(fx.journal);
    const char *j = slurp(f, "restore");
    assert_non_null(strstr(j, "\"type\":\"operator\",\"name\":\"Ana Lima\""));
    assert_non_null(strstr(j, "\"type\":\"witness\",\"name\":\"Ben Ode\""));
    snprintf(want, sizeof want, "\"type\":\"satisfied-earlier\",\"step\":"
             "\"operator-and-witnesses\",\"session\":\"%s\"", f->backup_id);
    assert_non_null(strstr(j, want));
    /* no RBS was left running: no RBS step is satisfied; a target step never is */
    struct flow_step_def rbs = {.id = "rbs_start", .action = "rbs_start"};
    struct flow_step_def empty = {.id = "check_target_empty", .action = "check_target_empty"};
    start_run(f, &fx, &rreq, FLOW_RESTORE, "restore2");
    assert_false(flow_carry_satisfied(&fx, &rbs));
    assert_false(flow_carry_satisfied(&fx, &empty));
    /* changed: the names are asked as usual, the choice journaled */
    f->rec.choice = 1;
    assert_int_equal(flow_carry_people(&fx), 0);
    journal_close(fx.journal);
    j = slurp(f, "restore2");
    assert_non_null(strstr(j, "other names typed by the operator"));
    assert_null(strstr(j, "satisfied-earlier"));
    /* names given on the command line are used as given */
    rreq.operator_name = "Carla";
    start_run(f, &fx, &rreq, FLOW_PREPARE_TARGET, "prepare");
    assert_true(fx.carry.taken);
    f->rec.asks = 0;
    assert_int_equal(flow_carry_people(&fx), 0);
    assert_int_equal(f->rec.asks, 0);
    journal_close(fx.journal);
}

static void test_secrets_in_memory(void **state)
{
    struct fix *f = *state;
    struct flow_request breq = {0}, rreq = {0};
    struct flow_ctx fx;
    end_backup(f, &breq, EXIT_DONE);
    start_run(f, &fx, &rreq, FLOW_RESTORE, "s1");
    /* the Backup HSM's SO password the backup used: not asked again */
    const char *v = secret_get(fx.secrets, "backup_so_password", SECRET_NO_ROLE);
    assert_non_null(v);
    assert_string_equal(v, "SoPass-1");
    assert_int_equal(f->rec.secret_asks, 0);
    /* never the source's Crypto Officer password, for the target or anyone */
    assert_null(secret_get(fx.secrets, "co_password", ROLE_TARGET));
    assert_null(secret_get(fx.secrets, "co_password", ROLE_SOURCE));
    assert_int_equal(f->rec.secret_asks, 2);
    /* none of it is written to the run's journal */
    flow_carry_keep(&fx, EXIT_DONE);
    journal_close(fx.journal);
    assert_null(strstr(slurp(f, "s1"), "SoPass-1"));
    /* a value the run has already (its secrets file) wins */
    start_run(f, &fx, &rreq, FLOW_RESTORE, "s2");
    journal_close(fx.journal);
    start_run(f, &fx, &rreq, FLOW_RESTORE, "s3");
    fx.secrets = secret_store_new(&f->sink);
    assert_true(secret_store_set(fx.secrets, "backup_so_password", SECRET_NO_ROLE, "FromFile"));
    flow_carry_take(&fx);
    assert_string_equal(secret_get(fx.secrets, "backup_so_password", SECRET_NO_ROLE),
                        "FromFile");
    secret_store_free(fx.secrets);
    journal_close(fx.journal);
    /* a run that took them and did not end 0 drops them: the next one asks */
    start_run(f, &fx, &rreq, FLOW_RESTORE, "s4");
    flow_carry_keep(&fx, EXIT_HSM);
    journal_close(fx.journal);
    start_run(f, &fx, &rreq, FLOW_RESTORE, "s5");
    assert_true(fx.carry.taken); /* the people and the RBS still count */
    f->rec.secret_asks = 0;
    assert_null(secret_get(fx.secrets, "backup_so_password", SECRET_NO_ROLE));
    assert_int_equal(f->rec.secret_asks, 1);
    journal_close(fx.journal);
}

static void test_nothing_carried(void **state)
{
    struct fix *f = *state;
    struct flow_request breq = {0}, rreq = {0};
    struct flow_ctx fx;
    /* a backup that did not end 0 */
    end_backup(f, &breq, EXIT_CANCELLED);
    start_run(f, &fx, &rreq, FLOW_RESTORE, "r1");
    assert_false(fx.carry.taken);
    assert_int_equal(flow_carry_people(&fx), 0);
    journal_close(fx.journal);
    /* batch runs neither leave nor take anything */
    breq.batch = true;
    end_backup(f, &breq, EXIT_DONE);
    start_run(f, &fx, &rreq, FLOW_RESTORE, "r2");
    assert_false(fx.carry.taken);
    journal_close(fx.journal);
    breq.batch = false;
    end_backup(f, &breq, EXIT_DONE);
    rreq.batch = true;
    start_run(f, &fx, &rreq, FLOW_RESTORE, "r3");
    assert_false(fx.carry.taken);
    journal_close(fx.journal);
    rreq.batch = false;
    /* the read-only view leaves the carry; a backup (or migrate) started in between drops it */
    start_run(f, &fx, &rreq, FLOW_TOPOLOGY, "t");
    journal_close(fx.journal);
    start_run(f, &fx, &rreq, FLOW_MIGRATE, "m");
    assert_false(fx.carry.taken);
    journal_close(fx.journal);
    start_run(f, &fx, &rreq, FLOW_RESTORE, "r4");
    assert_false(fx.carry.taken);
    journal_close(fx.journal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_people_kept_with_the_backup_session, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_secrets_in_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_carried, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
