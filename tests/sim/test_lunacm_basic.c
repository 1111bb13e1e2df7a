/* test_lunacm_basic.c: the k570 and workstation lunacm driven through pipes: start-up and
 * slot list format, short forms, partition contents and clear, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "state_model.h"
#include "testlab.h"

#define BANNER "lunacm (64-bit) v10.4.0-275. Copyright (c) 2022 Thales Group. " \
               "All rights reserved.\n"

static size_t rot_count(struct testlab *t, const char *hsm)
{
    json_t *root = testlab_state(t);
    size_t n = json_array_size(testlab_objects(root, hsm, NULL));
    json_decref(root);
    return n;
}

static void test_startup_and_slot_list_format(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "slot list\n");
    assert_memory_equal(out, BANNER, strlen(BANNER));
    assert_non_null(strstr(out, "\tAvailable HSMs:\n\n\tSlot Id ->              4\n"));
    assert_non_null(strstr(out, "\tSlot Description ->     User Token Slot\n"));
    assert_non_null(strstr(out, "\tSlot Description ->     Admin Token Slot\n"));
    /* No vtl server registered: the Backup HSM is not visible. */
    assert_null(strstr(out, "Net Admin Token Slot"));
    assert_non_null(strstr(out, "\n\n\n\tCurrent Slot Id: 4\n\nlunacm:>"));
    /* Slots come in no particular order. */
    assert_true(strstr(out, "Slot Id ->              4") < strstr(out, "Slot Id ->              3"));
    /* Every arrow value starts 24 columns after the TAB. */
    int arrows = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        char *arrow = strstr(line, " ->");
        if (!arrow || line[0] != '\t' || strlen(line) <= 25)
            continue;
        arrows++;
        assert_true(line[24] == ' ');
        assert_true(line[25] != ' ');
    }
    assert_int_equal(arrows, 28); /* 2 slots x 7 fields, at start-up and for the command */
    free(out);
    testlab_destroy(&t);
}

static void test_short_forms_and_contents(void **state)
{
    (void)state;
    struct testlab t;
    char input[256];
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    snprintf(input, sizeof input, "sl se -s 3\nrole login -n co -p %s\npar con\nexit\n",
             t.s.source_co_password);
    char *out = testlab_lunacm(&t, "source", input);
    assert_non_null(strstr(out, "\tCurrent Slot Id: 3 (Luna User Slot 7.7.1 (PW) Signing With "
                                "Cloning Mode)\n\nCommand Result : No Error\n"));
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 3);
    assert_non_null(strstr(out, "Object list:"));
    assert_int_equal(testlab_count(out, "\tLabel:         "), (int)rot_count(&t, "source"));
    assert_int_equal(testlab_count(out, "\tObject Type:   "), (int)rot_count(&t, "source"));
    free(out);
    testlab_destroy(&t);
}

static void test_contents_without_login_shows_public_only(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "slot set -slot 3\npartition contents\n");
    json_t *root = testlab_state(&t);
    json_t *objs = testlab_objects(root, "source", NULL);
    int pub = 0;
    for (size_t i = 0; i < json_array_size(objs); i++)
        pub += strcmp(sm_str(json_array_get(objs, i), "type"), "Public Key") == 0;
    assert_int_equal(testlab_count(out, "\tLabel:"), pub);
    assert_non_null(strstr(out, "Looking for public objects"));
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_errors(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "slot set -slot 99\nfrobnicate\nslot set\n"
                                             "partition clear\nrole logout\n");
    assert_non_null(strstr(out, "Command Result : 0x3 (CKR_SLOT_ID_INVALID)"));
    assert_non_null(strstr(out, "Error in execution: Command not found"));
    assert_non_null(strstr(out, "Error in execution: Missing required parameter -slot\n\n"
                                "Command Result : 0x7 (CKR_ARGUMENTS_BAD)"));
    assert_int_equal(testlab_count(out, "Command Result : 0x101 (CKR_USER_NOT_LOGGED_IN)"), 2);
    free(out);
    testlab_destroy(&t);
}

static void test_partition_clear(void **state)
{
    (void)state;
    struct testlab t;
    char input[256];
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    size_t before = rot_count(&t, "source");
    assert_true(before > 0);
    snprintf(input, sizeof input, "slot set -s 3\nrole login -n co -p %s\npartition clear\n"
             "quit\n", t.s.source_co_password);
    char *out = testlab_lunacm(&t, "source", input);
    assert_non_null(strstr(out, "\tAre you sure you wish to continue?\n\n\tType 'proceed' to "
                                "continue, or 'quit' to quit now ->quit\n"));
    assert_non_null(strstr(out, "Command Result : 0xb (User Cancelled Operation)"));
    assert_int_equal(rot_count(&t, "source"), before);
    free(out);
    snprintf(input, sizeof input, "slot set -s 3\nrole login -n co -p %s\npartition clear\n"
             "proceed\n", t.s.source_co_password);
    out = testlab_lunacm(&t, "source", input);
    assert_non_null(strstr(out, "->proceed\n"));
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 3);
    assert_int_equal(rot_count(&t, "source"), 0);
    free(out);
    testlab_destroy(&t);
}

static void test_password_prompt_echoes_stars(void **state)
{
    (void)state;
    struct testlab t;
    char input[256];
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    snprintf(input, sizeof input, "slot set -s 0\nrole login -name co\n%s\n",
             t.s.target_co_password);
    char *out = testlab_lunacm(&t, "target", input);
    char stars[80];
    size_t n = strlen(t.s.target_co_password);
    memset(stars, '*', n);
    stars[n] = '\0';
    char expect[128];
    snprintf(expect, sizeof expect, "\tEnter password: %s\n\nCommand Result : No Error", stars);
    assert_non_null(strstr(out, expect));
    assert_null(strstr(out, t.s.target_co_password));
    free(out);
    testlab_destroy(&t);
}

static void test_workstation_lunacm(void **state)
{
    (void)state;
    struct testlab t;
    const char *args[] = {"ws-lunacm", "--dir", "@DIR", NULL};
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    char *out = testlab_run(&t, args, "help\npartition contents\n", NULL);
    assert_non_null(strstr(out, "\tSlot Description ->     Luna Backup HSM Slot\n"));
    assert_non_null(strstr(out, "\tModel ->                Luna Backup HSM 7\n"));
    assert_non_null(strstr(out, "ped vector init"));
    assert_null(strstr(out, "partition archive")); /* not a command on the workstation */
    assert_non_null(strstr(out, "Command not found"));
    free(out);
    testlab_destroy(&t);
    const char *faults[] = {"backup-hsm-missing", NULL};
    assert_int_equal(testlab_make(&t, "password", faults), 0);
    out = testlab_run(&t, args, "", NULL);
    assert_non_null(strstr(out, "\tAvailable HSMs:\n"));
    assert_non_null(strstr(out, "\tCurrent Slot Id: None\n"));
    free(out);
    testlab_destroy(&t);
}

static void test_help_lists_commands(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    char *out = testlab_lunacm(&t, "source", "help\n");
    assert_non_null(strstr(out, "partition archive backup"));
    assert_non_null(strstr(out, "role login"));
    assert_non_null(strstr(out, "Command Result : No Error"));
    free(out);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_startup_and_slot_list_format),
        cmocka_unit_test(test_short_forms_and_contents),
        cmocka_unit_test(test_contents_without_login_shows_public_only),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_partition_clear),
        cmocka_unit_test(test_password_prompt_echoes_stars),
        cmocka_unit_test(test_workstation_lunacm),
        cmocka_unit_test(test_help_lists_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
