/* the failed-login ledger (core/ledger.c): counting, reset, acknowledgement, durable across a
 * reopen, a mode-0600 file written atomically, and a damaged file reported, never reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <jansson.h>
#include "ledger.h"
#include "rec_test.h"

struct fix {
    char dir[512];
    char state[600];
    char path[700];
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    rt_tempdir(f->dir, sizeof f->dir);
    /* the state folder does not exist yet: the first record creates it */
    snprintf(f->state, sizeof f->state, "%s/state", f->dir);
    snprintf(f->path, sizeof f->path, "%s/%s", f->state, LEDGER_FILE);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    rt_rmtree(f->dir);
    free(f);
    return 0;
}

static struct ledger *open_ok(const struct fix *f)
{
    char err[512] = "";
    struct ledger *l = ledger_open(f->state, err, sizeof err);
    if (!l)
        fail_msg("ledger_open: %s", err);
    return l;
}

static void test_empty_ledger_knows_nothing(void **state)
{
    struct fix *f = *state;
    struct ledger *l = open_ok(f);
    struct ledger_entry e;
    assert_false(ledger_get(l, "700001", LEDGER_SO, &e));
    assert_int_equal(e.failures, 0);
    assert_true(e.acknowledged);
    assert_string_equal(ledger_path(l), f->path);
    /* a success or acknowledgement of nothing writes nothing */
    char err[256];
    assert_int_equal(ledger_record_success(l, "700001", LEDGER_SO, "Backup HSM", err, sizeof err),
                     0);
    assert_int_equal(ledger_acknowledge(l, "700001", LEDGER_SO, "typed", err, sizeof err), 0);
    struct stat st;
    assert_int_not_equal(stat(f->path, &st), 0);
    ledger_close(l);
}

static void test_failures_count_and_success_resets(void **state)
{
    struct fix *f = *state;
    struct ledger *l = open_ok(f);
    char err[256];
    struct ledger_entry e;
    assert_int_equal(ledger_record_failure(l, "700001", LEDGER_SO, "Backup HSM",
                                           "archive_backup: 0xa0 CKR_PIN_INCORRECT", &e, err,
                                           sizeof err), 0);
    assert_int_equal(e.failures, 1);
    assert_false(e.acknowledged);
    assert_string_equal(e.what, "archive_backup: 0xa0 CKR_PIN_INCORRECT");
    assert_string_equal(e.device, "Backup HSM");
    assert_true(e.last_failure[0] != '\0');
    assert_int_equal(ledger_record_failure(l, "700001", LEDGER_SO, "Backup HSM", "again", &e,
                                           err, sizeof err), 0);
    assert_int_equal(e.failures, 2);
    /* per serial and per role */
    assert_false(ledger_get(l, "700001", LEDGER_CO, &e));
    assert_false(ledger_get(l, "700002", LEDGER_SO, &e));
    assert_int_equal(ledger_record_failure(l, "700001", LEDGER_CO, "Backup HSM", "co", &e, err,
                                           sizeof err), 0);
    assert_int_equal(e.failures, 1);
    /* a success resets its own counter only */
    assert_int_equal(ledger_record_success(l, "700001", LEDGER_SO, "Backup HSM", err,
                                           sizeof err), 0);
    assert_true(ledger_get(l, "700001", LEDGER_SO, &e));
    assert_int_equal(e.failures, 0);
    assert_true(e.acknowledged);
    assert_true(ledger_get(l, "700001", LEDGER_CO, &e));
    assert_int_equal(e.failures, 1);
    ledger_close(l);
}

static void test_acknowledge_keeps_the_count(void **state)
{
    struct fix *f = *state;
    struct ledger *l = open_ok(f);
    char err[256];
    struct ledger_entry e;
    assert_int_equal(ledger_record_failure(l, "S1", LEDGER_SO, "source k570", "x", NULL, err,
                                           sizeof err), 0);
    assert_int_equal(ledger_acknowledge(l, "S1", LEDGER_SO, "typed serial", err, sizeof err), 0);
    assert_true(ledger_get(l, "S1", LEDGER_SO, &e));
    assert_true(e.acknowledged);
    assert_int_equal(e.failures, 1);
    assert_string_equal(e.acknowledged_how, "typed serial");
    assert_true(e.acknowledged_time[0] != '\0');
    /* a new failure is unacknowledged again and counts on */
    assert_int_equal(ledger_record_failure(l, "S1", LEDGER_SO, "source k570", "y", &e, err,
                                           sizeof err), 0);
    assert_int_equal(e.failures, 2);
    assert_false(e.acknowledged);
    assert_string_equal(e.acknowledged_how, "");
    ledger_close(l);
}

static void test_durable_across_reopen_and_processes(void **state)
{
    struct fix *f = *state;
    struct ledger *a = open_ok(f);
    struct ledger *b = open_ok(f); /* another run sharing the state folder */
    char err[256];
    struct ledger_entry e;
    assert_int_equal(ledger_record_failure(a, "S1", LEDGER_SO, "Backup HSM", "one", NULL, err,
                                           sizeof err), 0);
    /* b read the file before a wrote: its change re-reads and keeps a's record */
    assert_int_equal(ledger_record_failure(b, "S2", LEDGER_CO, "target k570", "two", NULL, err,
                                           sizeof err), 0);
    assert_int_equal(ledger_record_failure(b, "S1", LEDGER_SO, "Backup HSM", "three", &e, err,
                                           sizeof err), 0);
    assert_int_equal(e.failures, 2);
    ledger_close(a);
    ledger_close(b);
    struct ledger *c = open_ok(f);
    assert_true(ledger_get(c, "S1", LEDGER_SO, &e));
    assert_int_equal(e.failures, 2);
    assert_string_equal(e.what, "three");
    assert_false(e.acknowledged);
    assert_true(ledger_get(c, "S2", LEDGER_CO, &e));
    assert_int_equal(e.failures, 1);
    ledger_close(c);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(f->state, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* no temporary file left behind, and the file is the documented JSON */
    char tmp[800];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", f->path, (long)getpid());
    assert_int_not_equal(stat(tmp, &st), 0);
    json_t *root = json_load_file(f->path, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "format")), LEDGER_FORMAT);
    assert_int_equal(json_array_size(json_object_get(root, "entries")), 2);
    json_decref(root);
}

static void test_unknown_serial_key_is_kept_apart(void **state)
{
    struct fix *f = *state;
    struct ledger *l = open_ok(f);
    char err[256];
    struct ledger_entry e;
    assert_int_equal(ledger_record_failure(l, "unknown:Backup HSM", LEDGER_SO, "Backup HSM",
                                           "x", &e, err, sizeof err), 0);
    assert_true(ledger_get(l, "unknown:Backup HSM", LEDGER_SO, &e));
    assert_false(ledger_get(l, "unknown:source k570", LEDGER_SO, &e));
    /* an empty serial is refused: the caller keys it (flow_login_key) */
    assert_int_equal(ledger_record_failure(l, "", LEDGER_SO, "Backup HSM", "x", NULL, err,
                                           sizeof err), -1);
    assert_non_null(strstr(err, "serial"));
    ledger_close(l);
}

static void corrupt_case(const struct fix *f, const char *text, const char *why)
{
    assert_int_equal(rec_mkdirs(f->state, 0700), 0);
    rt_write(f->path, text, strlen(text));
    char err[512] = "";
    struct ledger *l = ledger_open(f->state, err, sizeof err);
    assert_null(l);
    assert_non_null(strstr(err, f->path));
    assert_non_null(strstr(err, "never resets"));
    if (why && !strstr(err, why))
        fail_msg("'%s' does not say '%s'", err, why);
    /* and it was not touched */
    size_t len = 0;
    char *now = rt_slurp(f->path, &len);
    assert_non_null(now);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(now, text, len);
    free(now);
}

static void test_corrupt_file_is_an_error_never_reset(void **state)
{
    struct fix *f = *state;
    corrupt_case(f, "{\"format\":\"rotwiz-login-ledger\",\"version\":1,\"entries\":[", "JSON");
    corrupt_case(f, "", "JSON");
    corrupt_case(f, "[]", "not a rotwiz failed-login ledger");
    corrupt_case(f, "{\"format\":\"rotwiz-login-ledger\",\"version\":1,\"entries\":"
                    "[{\"serial\":\"S\",\"role\":\"admin\",\"failures\":1,\"acknowledged\":false}]}",
                 "entry 1");
    corrupt_case(f, "{\"format\":\"rotwiz-login-ledger\",\"version\":1,\"entries\":"
                    "[{\"serial\":\"S\",\"role\":\"so\",\"failures\":-1,\"acknowledged\":false}]}",
                 "entry 1");
    corrupt_case(f, "{\"format\":\"rotwiz-login-ledger\",\"version\":9,\"entries\":[]}",
                 "version");
}

static void test_damaged_after_open_is_not_overwritten(void **state)
{
    struct fix *f = *state;
    struct ledger *l = open_ok(f);
    char err[512];
    assert_int_equal(ledger_record_failure(l, "S1", LEDGER_SO, "Backup HSM", "x", NULL, err,
                                           sizeof err), 0);
    static const char junk[] = "garbage";
    rt_write(f->path, junk, strlen(junk));
    assert_int_equal(ledger_record_failure(l, "S1", LEDGER_SO, "Backup HSM", "y", NULL, err,
                                           sizeof err), -1);
    assert_non_null(strstr(err, "never resets"));
    assert_true(rt_file_contains(f->path, "garbage"));
    ledger_close(l);
}

static void test_unwritable_folder_fails_and_changes_nothing(void **state)
{
    struct fix *f = *state;
    if (geteuid() == 0)
        skip(); /* root writes anyway */
    struct ledger *l = open_ok(f);
    char err[512];
    assert_int_equal(ledger_record_failure(l, "S1", LEDGER_SO, "Backup HSM", "x", NULL, err,
                                           sizeof err), 0);
    assert_int_equal(chmod(f->state, 0500), 0);
    int rc = ledger_record_failure(l, "S1", LEDGER_SO, "Backup HSM", "y", NULL, err, sizeof err);
    chmod(f->state, 0700);
    assert_int_equal(rc, -1);
    struct ledger_entry e;
    ledger_close(l);
    l = open_ok(f);
    assert_true(ledger_get(l, "S1", LEDGER_SO, &e));
    assert_int_equal(e.failures, 1);
    ledger_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_ledger_knows_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_count_and_success_resets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acknowledge_keeps_the_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_durable_across_reopen_and_processes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_serial_key_is_kept_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_file_is_an_error_never_reset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_damaged_after_open_is_not_overwritten, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_folder_fails_and_changes_nothing, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
