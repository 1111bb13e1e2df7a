/* test_lunacm_login.c: logins and their counters: bad Crypto Officer logins lock the
 * partition, three bad SO logins zeroise the HSM; PED logins ask for the right key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "state_model.h"
#include "testlab.h"

static long long counter(struct testlab *t, const char *hsm, bool partition, const char *key)
{
    json_t *root = testlab_state(t);
    json_t *h = sm_hsm(root, hsm);
    long long v = sm_int(partition ? sm_user_partition(h) : h, key);
    json_decref(root);
    return v;
}

static bool flag(struct testlab *t, const char *hsm, bool partition, const char *key)
{
    json_t *root = testlab_state(t);
    json_t *h = sm_hsm(root, hsm);
    bool v = sm_bool(partition ? sm_user_partition(h) : h, key);
    json_decref(root);
    return v;
}

static void test_co_failure_counted_then_reset(void **state)
{
    (void)state;
    struct testlab t;
    char input[256];
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co -p wrong\n");
    assert_non_null(strstr(out, "Command Result : 0xa0 (CKR_PIN_INCORRECT)"));
    assert_int_equal(counter(&t, "source", true, "co_failures"), 1);
    free(out);
    snprintf(input, sizeof input, "slot set -s 3\nrole login -n co -p %s\nrole login -n co -p "
             "%s\nrole logout\nrole logout\n", t.s.source_co_password, t.s.source_co_password);
    out = testlab_lunacm(&t, "source", input);
    assert_non_null(strstr(out, "Command Result : 0x100 (CKR_USER_ALREADY_LOGGED_IN)"));
    assert_non_null(strstr(out, "Command Result : 0x101 (CKR_USER_NOT_LOGGED_IN)"));
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 3);
    assert_int_equal(counter(&t, "source", true, "co_failures"), 0);
    free(out);
    testlab_destroy(&t);
}

static void test_co_lock_at_threshold(void **state)
{
    (void)state;
    struct testlab t;
    char input[2048] = "slot set -s 0\n";
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    for (int i = 0; i < SM_CO_LOCK_THRESHOLD; i++)
        strcat(input, "role login -n co -p nope\n");
    char *out = testlab_lunacm(&t, "target", input);
    assert_int_equal(testlab_count(out, "0xa0 (CKR_PIN_INCORRECT)"), SM_CO_LOCK_THRESHOLD - 1);
    assert_int_equal(testlab_count(out, "0xa4 (CKR_PIN_LOCKED)"), 1);
    assert_true(flag(&t, "target", true, "locked"));
    free(out);
    /* Locked: even the right password is refused. */
    snprintf(input, sizeof input, "slot set -s 0\nrole login -n co -p %s\n",
             t.s.target_co_password);
    out = testlab_lunacm(&t, "target", input);
    assert_non_null(strstr(out, "0xa4 (CKR_PIN_LOCKED)"));
    assert_null(strstr(out, "Command Result : No Error\n\nlunacm:>\nCommand"));
    free(out);
    testlab_destroy(&t);
}

static void test_three_bad_so_logins_zeroise(void **state)
{
    (void)state;
    struct testlab t;
    char input[256];
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "slot set -s 4\nrole login -n so -p a\n"
                                             "role login -n so -p b\n");
    assert_int_equal(testlab_count(out, "0xa0 (CKR_PIN_INCORRECT)"), 2);
    assert_int_equal(counter(&t, "source", false, "so_failures"), 2);
    assert_false(flag(&t, "source", false, "zeroized"));
    free(out);
    /* A new session: the count is the HSM's, not the session's. */
    out = testlab_lunacm(&t, "source", "slot set -s 4\nrole login -n so -p c\n");
    assert_non_null(strstr(out, "0x8000001c (CKR_SO_LOGIN_FAILURE_THRESHOLD)"));
    assert_true(flag(&t, "source", false, "zeroized"));
    json_t *root = testlab_state(&t);
    assert_int_equal(json_array_size(testlab_objects(root, "source", NULL)), 0);
    json_decref(root);
    free(out);
    /* It stays unusable. */
    snprintf(input, sizeof input, "slot set -s 3\nrole login -n co -p %s\n",
             t.s.source_co_password);
    out = testlab_lunacm(&t, "source", input);
    assert_non_null(strstr(out, "0xe0 (CKR_TOKEN_NOT_PRESENT)"));
    free(out);
    testlab_destroy(&t);
}

static void test_backup_hsm_so_on_workstation(void **state)
{
    (void)state;
    struct testlab t;
    char input[256];
    const char *args[] = {"ws-lunacm", "--dir", "@DIR", NULL};
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    snprintf(input, sizeof input, "role login -n so -p %s\nrole login -n co -p x\n",
             t.s.backup_so_password);
    char *out = testlab_run(&t, args, input, NULL);
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 1);
    free(out);
    out = testlab_run(&t, args, "role login -n so -p 1\nrole login -n so -p 2\n"
                                "role login -n so -p 3\n", NULL);
    assert_non_null(strstr(out, "CKR_SO_LOGIN_FAILURE_THRESHOLD"));
    assert_true(flag(&t, "backup", false, "zeroized"));
    free(out);
    testlab_destroy(&t);
}

static void test_ped_login_attends_the_ped(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "ped", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co\n");
    assert_non_null(strstr(out, "\tPlease attend to the PED.\n"));
    assert_null(strstr(out, "Enter password"));
    assert_non_null(strstr(out, "Please attend to the PED.\n\nCommand Result : No Error"));
    free(out);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_co_failure_counted_then_reset),
        cmocka_unit_test(test_co_lock_at_threshold),
        cmocka_unit_test(test_three_bad_so_logins_zeroise),
        cmocka_unit_test(test_backup_hsm_so_on_workstation),
        cmocka_unit_test(test_ped_login_attends_the_ped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
