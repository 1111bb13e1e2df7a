/* test_lunacm_ped.c: PED-authenticated HSMs: which key is asked for where (fake PED in
 * rotwiz-sim-fakelink logs every request), timeouts, wrong keys, the Remote PED link and the
 * Remote PED Vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_model.h"
#include "testlab.h"

static long long co_failures(struct testlab *t, const char *hsm)
{
    json_t *root = testlab_state(t);
    long long v = sm_int(sm_user_partition(sm_hsm(root, hsm)), "co_failures");
    json_decref(root);
    return v;
}

static void test_login_asks_black_or_blue_at_the_appliance(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make_linked(&t, "ped", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co\n"
                                             "slot set -s 4\nrole login -n so\n");
    assert_int_equal(testlab_count(out, "\tPlease attend to the PED.\n"), 2);
    assert_null(strstr(out, "Enter password"));
    char *log = testlab_ped_log(&t);
    assert_string_equal(log, "device source source black\ndevice source source blue\n");
    free(log);
    free(out);
    testlab_destroy(&t);
}

static void test_timeout_and_wrong_key(void **state)
{
    (void)state;
    struct testlab t;
    const char *timeout[] = {"ped-timeout", NULL};
    assert_int_equal(testlab_make_linked(&t, "ped", timeout), 0);
    char *out = testlab_lunacm(&t, "target", "slot set -s 0\nrole login -n co\n");
    assert_non_null(strstr(out, "Command Result : 0x80000024 (CKR_TIMEOUT)"));
    assert_int_equal(co_failures(&t, "target"), 0); /* no key, no failed login */
    free(out);
    testlab_destroy(&t);

    const char *wrong[] = {"ped-wrong-key", NULL};
    assert_int_equal(testlab_make_linked(&t, "ped", wrong), 0);
    out = testlab_lunacm(&t, "target", "slot set -s 0\nrole login -n co\n");
    assert_non_null(strstr(out, "Command Result : 0xa0 (CKR_PIN_INCORRECT)"));
    assert_int_equal(co_failures(&t, "target"), 1);
    free(out);
    testlab_destroy(&t);
}

static void test_backup_and_restore_keys(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make_linked(&t, "ped", NULL), 0);
    assert_int_equal(testlab_add_server(&t, "source"), 0);
    assert_int_equal(testlab_add_server(&t, "target"), 0);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co\n"
                                             "partition archive backup -slot 6 -partition pb\n");
    assert_non_null(strstr(out, "Backup Complete."));
    assert_null(strstr(out, "Enter "));
    free(out);
    out = testlab_lunacm(&t, "target", "slot set -s 0\nrole login -n co\n"
                                       "partition archive restore -slot 2 -partition pb\n");
    assert_non_null(strstr(out, "Restore Complete."));
    free(out);
    char *log = testlab_ped_log(&t);
    assert_string_equal(log, "device source source black\n"
                             "device workstation backup blue\n"
                             "device workstation backup red\n"
                             "device workstation backup black\n"
                             "device target target black\n"
                             "device workstation backup black\n");
    free(log);
    json_t *root = testlab_state(&t);
    json_t *src = testlab_objects(root, "source", NULL);
    json_t *tgt = testlab_objects(root, "target", NULL);
    assert_int_equal(json_array_size(tgt), json_array_size(src));
    json_decref(root);
    testlab_destroy(&t);
}

static void test_vector_and_remote_link(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make_linked(&t, "ped", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "ped set -ip 127.0.0.1 -port 1503\nped connect\n"
                                             "ped vector init\nquit\n");
    assert_non_null(strstr(out, "(use ped vector init)\n\nCommand Result : 0x80000030"));
    assert_non_null(strstr(out, "Command Result : 0xb (User Cancelled Operation)"));
    free(out);
    char *log = testlab_ped_log(&t);
    assert_string_equal(log, "");
    free(log);
    out = testlab_lunacm(&t, "source", "hsm ped vector init\nproceed\nped connect\nped get\n"
                                       "slot set -s 3\nrole login -n co\nped disconnect\n"
                                       "ped get\n");
    assert_non_null(strstr(out, "\tRPV was successfully initialized.\n"));
    assert_non_null(strstr(out, "\tHSM slot 4 listening to remote PED (PED id=1).\n"));
    assert_non_null(strstr(out, "\tHSM slot 3 listening to local PED (PED id=0).\n"));
    free(out);
    log = testlab_ped_log(&t);
    assert_string_equal(log, "device source source orange\n"
                             "link 127.0.0.1:1503 source orange\n"
                             "link 127.0.0.1:1503 source black\n");
    free(log);
    json_t *root = testlab_state(&t);
    assert_true(sm_bool(sm_hsm(root, "source"), "rpv_initialized"));
    json_decref(root);
    testlab_destroy(&t);
}

static void test_pedserver_down_and_password_hsm(void **state)
{
    (void)state;
    struct testlab t;
    const char *faults[] = {"pedserver-down", NULL};
    assert_int_equal(testlab_make_linked(&t, "ped", faults), 0);
    char *out = testlab_lunacm(&t, "source", "ped vector -init -force\n"
                                             "ped set -ip 127.0.0.1\nped connect\n");
    assert_non_null(strstr(out, "Command Result : 0x8000001f (CKR_UNABLE_TO_CONNECT)"));
    free(out);
    testlab_destroy(&t);
    assert_int_equal(testlab_make_linked(&t, "password", NULL), 0);
    out = testlab_lunacm(&t, "source", "ped vector init\n");
    assert_non_null(strstr(out, "Command Result : 0x80000030 (CKR_OPERATION_NOT_ALLOWED)"));
    free(out);
    testlab_destroy(&t);
}

static void test_workstation_vector_and_so(void **state)
{
    (void)state;
    struct testlab t;
    const char *args[] = {"ws-lunacm", "--dir", "@DIR", NULL};
    assert_int_equal(testlab_make_linked(&t, "ped", NULL), 0);
    char *out = testlab_run(&t, args, "ped vector init\nproceed\nrole login -n so\n", NULL);
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 2);
    free(out);
    char *log = testlab_ped_log(&t);
    assert_string_equal(log, "device workstation backup orange\ndevice workstation backup blue\n");
    free(log);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_asks_black_or_blue_at_the_appliance),
        cmocka_unit_test(test_timeout_and_wrong_key),
        cmocka_unit_test(test_backup_and_restore_keys),
        cmocka_unit_test(test_vector_and_remote_link),
        cmocka_unit_test(test_pedserver_down_and_password_hsm),
        cmocka_unit_test(test_workstation_vector_and_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
