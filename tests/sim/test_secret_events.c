/* test_secret_events.c: wrong_secret_events in state.json. A secret of another kind typed at a
 * prompt, a secret of another kind given in an option, a word that is no secret (exit) typed at
 * an SO prompt, a secret typed at a proceed/quit confirmation and at an rbs prompt each leave an
 * event; a plainly wrong password (a failed login) and a secret of the right kind do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_model.h"
#include "testlab.h"

static void make(struct testlab *t)
{
    assert_int_equal(testlab_make_linked(t, "password", NULL), 0);
    assert_int_equal(testlab_add_server(t, "source"), 0);
}

/* `rotwiz-sim state --json` as a test sees it (with the computed failed_logins). */
static json_t *state_json(struct testlab *t)
{
    const char *args[] = {"state", "--dir", "@DIR", "--json", NULL};
    int st = -1;
    char *out = testlab_run(t, args, NULL, &st);
    assert_int_equal(st, 0);
    json_t *root = json_loads(out, 0, NULL);
    assert_non_null(root);
    free(out);
    return root;
}

static json_t *events(json_t *root)
{
    json_t *e = json_object_get(root, "wrong_secret_events");
    assert_true(json_is_array(e));
    return e;
}

/* Checks event I of ROOT. */
static void check_event(json_t *root, size_t i, const char *device, const char *where,
                        const char *prompt, const char *asked, const char *given)
{
    json_t *e = json_array_get(events(root), i);
    assert_non_null(e);
    assert_string_equal(sm_str(e, "device"), device);
    assert_string_equal(sm_str(e, "where"), where);
    assert_string_equal(sm_str(e, "prompt"), prompt);
    assert_string_equal(sm_str(e, "asked"), asked);
    assert_string_equal(sm_str(e, "given"), given);
}

static void test_empty_in_a_safe_run(void **state)
{
    (void)state;
    struct testlab t;
    make(&t);
    json_t *root = state_json(&t);
    assert_int_equal(json_array_size(events(root)), 0);
    json_t *fl = json_object_get(root, "failed_logins");
    assert_int_equal(sm_int(json_object_get(fl, "backup"), "so"), 0);
    assert_int_equal(sm_int(json_object_get(fl, "source"), "co"), 0);
    assert_int_equal(sm_int(json_object_get(fl, "target"), "so"), 0);
    json_decref(root);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co -p SourceCo-1\n"
                                             "partition archive backup -s 6 -partition "
                                             "rot-backup -do k570-rot -sop BackupSo-3 "
                                             "-pas BakPart-4\n");
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    root = state_json(&t);
    assert_int_equal(json_array_size(events(root)), 0);
    json_decref(root);
    testlab_destroy(&t);
}

static void test_wrong_kind_at_a_prompt(void **state)
{
    (void)state;
    struct testlab t;
    make(&t);
    /* The Backup HSM SO password typed where the k570 asks for the Crypto Officer's. */
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co\nBackupSo-3\n");
    assert_non_null(strstr(out, "0xa0 (CKR_PIN_INCORRECT)"));
    free(out);
    json_t *root = state_json(&t);
    assert_int_equal(json_array_size(events(root)), 1);
    check_event(root, 0, "source", "prompt", "Enter password:", "co_password", "so_password");
    /* It is a failed login too. */
    assert_int_equal(sm_int(json_object_get(json_object_get(root, "failed_logins"), "source"),
                            "co"), 1);
    json_decref(root);
    testlab_destroy(&t);
}

static void test_wrong_kind_in_an_option(void **state)
{
    (void)state;
    struct testlab t;
    make(&t);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co -p SourceCo-1\n"
                                             "partition archive backup -s 6 -partition "
                                             "rot-backup -do k570-rot -sop BakPart-4 "
                                             "-pas BakPart-4\n");
    assert_non_null(strstr(out, "0xa0 (CKR_PIN_INCORRECT)"));
    free(out);
    json_t *root = state_json(&t);
    assert_int_equal(json_array_size(events(root)), 1);
    check_event(root, 0, "backup", "option", "-sop", "so_password", "partition_password");
    assert_int_equal(sm_int(json_object_get(json_object_get(root, "failed_logins"), "backup"),
                            "so"), 1);
    json_decref(root);
    testlab_destroy(&t);
}

static void test_exit_at_the_so_prompt(void **state)
{
    (void)state;
    struct testlab t;
    make(&t);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co -p SourceCo-1\n"
                                             "partition archive backup -s 6 -partition "
                                             "rot-backup\nexit\n");
    assert_non_null(strstr(out, "\tEnter password for the SO: ****\n"));
    free(out);
    json_t *root = state_json(&t);
    assert_int_equal(json_array_size(events(root)), 1);
    check_event(root, 0, "backup", "prompt", "Enter password for the SO:", "so_password",
                "other");
    json_decref(root);
    testlab_destroy(&t);
}

static void test_plainly_wrong_is_no_event(void **state)
{
    (void)state;
    struct testlab t;
    make(&t);
    /* A wrong password, and the other k570's Crypto Officer password (same kind). */
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co -p Nope-1\n"
                                             "role login -n co\nTargetCo-2\n");
    assert_int_equal(testlab_count(out, "0xa0 (CKR_PIN_INCORRECT)"), 2);
    free(out);
    json_t *root = state_json(&t);
    assert_int_equal(json_array_size(events(root)), 0);
    assert_int_equal(sm_int(json_object_get(json_object_get(root, "failed_logins"), "source"),
                            "co"), 2);
    assert_int_equal(sm_int(sm_user_partition(sm_hsm(root, "source")), "co_failures"), 2);
    json_decref(root);
    testlab_destroy(&t);
}

static void test_secret_at_a_confirmation(void **state)
{
    (void)state;
    struct testlab t;
    make(&t);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co -p SourceCo-1\n"
                                             "partition clear\nSourceCo-1\n");
    assert_non_null(strstr(out, "0xb (User Cancelled Operation)"));
    free(out);
    json_t *root = state_json(&t);
    assert_int_equal(json_array_size(events(root)), 1);
    check_event(root, 0, "source", "prompt",
                "Type 'proceed' to continue, or 'quit' to quit now ->", "confirm", "co_password");
    json_decref(root);
    testlab_destroy(&t);
}

static void test_secret_at_an_rbs_prompt(void **state)
{
    (void)state;
    struct testlab t;
    make(&t);
    const char *args[] = {"rbs", "--dir", "@DIR", "--genkey", NULL};
    char *out = testlab_run(&t, args, "y\nBackupSo-3\nBackupSo-3\n", NULL);
    assert_non_null(strstr(out, "Certificate written to"));
    free(out);
    json_t *root = state_json(&t);
    assert_int_equal(json_array_size(events(root)), 2);
    check_event(root, 0, "workstation-rbs", "prompt", "Enter new RBS password:",
                "rbs_password", "so_password");
    check_event(root, 1, "workstation-rbs", "prompt", "Confirm RBS password:", "rbs_password",
                "so_password");
    json_decref(root);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_in_a_safe_run),
        cmocka_unit_test(test_wrong_kind_at_a_prompt),
        cmocka_unit_test(test_wrong_kind_in_an_option),
        cmocka_unit_test(test_exit_at_the_so_prompt),
        cmocka_unit_test(test_plainly_wrong_is_no_event),
        cmocka_unit_test(test_secret_at_a_confirmation),
        cmocka_unit_test(test_secret_at_an_rbs_prompt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
