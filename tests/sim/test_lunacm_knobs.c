/* test_lunacm_knobs.c: every value of every knob (sim/knobs.h) observably changes what the
 * devices do: prompt words and order, options used or ignored, restore secrets, the login of
 * archive contents, listing layouts, empty partitions, relogin, the rbs menu. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state_model.h"
#include "testlab.h"

#define BACKUP_ALL "partition archive backup -s 6 -partition rot-backup -do k570-rot " \
                   "-sop BackupSo-3 -pas BakPart-4\n"

/* A linked password lab (both appliances see the Backup HSM), knob NAME set to VALUE. */
static void make(struct testlab *t, const char *name, const char *value)
{
    assert_int_equal(testlab_make_linked(t, "password", NULL), 0);
    assert_int_equal(testlab_add_server(t, "source"), 0);
    assert_int_equal(testlab_add_server(t, "target"), 0);
    if (name)
        assert_int_equal(testlab_vary(t, name, value), 0);
}

/* lunacm on APPLIANCE: its User Token Slot set, the Crypto Officer logged in, then CMDS. */
static char *as_co(struct testlab *t, const char *appliance, const char *cmds)
{
    char input[2048];
    bool src = strcmp(appliance, "source") == 0;
    snprintf(input, sizeof input, "slot set -s %d\nrole login -n co -p %s\n%s", src ? 3 : 0,
             src ? t->s.source_co_password : t->s.target_co_password, cmds);
    return testlab_lunacm(t, appliance, input);
}

/* True when A appears in OUT before B (both present). */
static bool before(const char *out, const char *a, const char *b)
{
    const char *pa = strstr(out, a), *pb = strstr(out, b);
    return pa && pb && pa < pb;
}

static void backup_by_options(struct testlab *t)
{
    char *out = as_co(t, "source", BACKUP_ALL);
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
}

static void test_prompt_words(void **state)
{
    (void)state;
    static const char *const values[] = {"plain", "luna", "terse"};
    static const char *const login[] = {"\tEnter password: ", "\tPlease enter the password: ",
                                        "\tPassword: "};
    static const char *const so[] = {
        "\tEnter password for the SO: ",
        "\tPlease enter the Security Officer (SO) password for the Backup HSM: ", "\tPassword: "};
    static const char *const domain[] = {"\tEnter cloning domain for the new partition: ",
                                         "\tPlease enter the cloning domain: ", "\tValue: "};
    static const char *const again[] = {"\tRe-enter password to confirm: ",
                                        "\tPlease re-enter it to confirm: ", "\tAgain: "};
    for (size_t i = 0; i < 3; i++) {
        struct testlab t;
        make(&t, "prompt-words", values[i]);
        char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co\nSourceCo-1\n"
                                   "partition archive backup -s 6 -partition rot-backup\n"
                                   "BackupSo-3\nBakPart-4\nBakPart-4\nk570-rot\nk570-rot\n");
        assert_non_null(strstr(out, login[i]));
        assert_non_null(strstr(out, so[i]));
        assert_non_null(strstr(out, domain[i]));
        assert_non_null(strstr(out, again[i]));
        assert_non_null(strstr(out, "Backup Complete."));
        if (i == 1)
            assert_non_null(strstr(out, "Enter the password of backup partition 'rot-backup': "));
        if (i != 0)
            assert_null(strstr(out, "Enter password for the SO"));
        free(out);
        testlab_destroy(&t);
    }
}

static void test_prompt_order(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL, NULL);
    char *out = as_co(&t, "source", "partition archive backup -s 6 -partition rot-backup\n"
                                    "BackupSo-3\nBakPart-4\nBakPart-4\nk570-rot\nk570-rot\n");
    assert_true(before(out, "Enter password for the SO", "Enter password for the new partition"));
    assert_true(before(out, "Enter password for the new partition", "Enter cloning domain"));
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    out = as_co(&t, "target", "partition archive restore -s 2 -partition rot-backup\n"
                              "BackupSo-3\nBakPart-4\nk570-rot\n");
    assert_true(before(out, "Enter password for the SO", "Enter password for the backup"));
    assert_true(before(out, "Enter password for the backup", "Enter the cloning domain"));
    assert_non_null(strstr(out, "Restore Complete."));
    free(out);
    testlab_destroy(&t);

    make(&t, "prompt-order", "partition-first");
    out = as_co(&t, "source", "partition archive backup -s 6 -partition rot-backup\n"
                              "BakPart-4\nBakPart-4\nk570-rot\nk570-rot\nBackupSo-3\n");
    assert_true(before(out, "Enter password for the new partition", "Enter password for the SO"));
    assert_true(before(out, "Enter cloning domain", "Enter password for the SO"));
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    out = as_co(&t, "target", "partition archive restore -s 2 -partition rot-backup\n"
                              "BakPart-4\nk570-rot\nBackupSo-3\n");
    assert_true(before(out, "Enter password for the backup", "Enter password for the SO"));
    assert_true(before(out, "Enter the cloning domain", "Enter password for the SO"));
    assert_non_null(strstr(out, "Restore Complete."));
    free(out);
    testlab_destroy(&t);
}

static void test_archive_prompts(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL, NULL); /* options: nothing prompted */
    char *out = as_co(&t, "source", BACKUP_ALL);
    assert_null(strstr(out, "Enter "));
    assert_null(strstr(out, "Re-enter"));
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    testlab_destroy(&t);

    make(&t, "archive-prompts", "confirm");
    out = as_co(&t, "source", BACKUP_ALL "BakPart-4\nk570-rot\n");
    assert_non_null(strstr(out, "\tRe-enter password to confirm: "));
    assert_non_null(strstr(out, "\tRe-enter cloning domain to confirm: "));
    assert_null(strstr(out, "Enter password for the SO"));
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    out = as_co(&t, "source", "partition archive backup -s 6 -partition rot-backup2 -do k570-rot "
                              "-sop BackupSo-3 -pas BakPart-4\nOther-9\n");
    assert_non_null(strstr(out, "Command Result : 0x7 (CKR_ARGUMENTS_BAD)"));
    free(out);
    testlab_destroy(&t);

    make(&t, "archive-prompts", "ignore-options");
    out = as_co(&t, "source", BACKUP_ALL "BackupSo-3\nBakPart-4\nBakPart-4\nk570-rot\nk570-rot\n");
    assert_non_null(strstr(out, "\tEnter password for the SO: "));
    assert_non_null(strstr(out, "\tEnter password for the new partition: "));
    assert_non_null(strstr(out, "\tEnter cloning domain for the new partition: "));
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    testlab_destroy(&t);
}

static long long backup_so_failures(struct testlab *t)
{
    json_t *root = testlab_state(t);
    long long n = sm_int(sm_hsm(root, "backup"), "so_failures");
    json_decref(root);
    return n;
}

static void test_restore_secrets(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL, NULL);
    backup_by_options(&t);
    char *out = as_co(&t, "target", "partition archive restore -s 2 -partition rot-backup "
                                    "-do other -sop BackupSo-3 -pas BakPart-4\n");
    assert_non_null(strstr(out, "Command Result : 0x8000000b (CKR_CERTIFICATE_INVALID)"));
    free(out);
    out = as_co(&t, "target", "partition archive restore -s 2 -partition rot-backup "
                              "-do k570-rot -sop Wrong-0 -pas BakPart-4\n");
    assert_non_null(strstr(out, "Command Result : 0xa0 (CKR_PIN_INCORRECT)"));
    assert_int_equal(backup_so_failures(&t), 1);
    free(out);
    json_t *root = testlab_state(&t);
    assert_int_equal(json_array_size(testlab_objects(root, "target", NULL)), 0);
    json_decref(root);
    testlab_destroy(&t);

    make(&t, "restore-secrets", "partition-only");
    backup_by_options(&t);
    out = as_co(&t, "target", "partition archive restore -s 2 -partition rot-backup "
                              "-do k570-rot -sop BackupSo-3 -pas BakPart-4\n");
    assert_non_null(strstr(out, "Error in execution: Invalid parameter '-do'"));
    assert_non_null(strstr(out, "Command Result : 0x7 (CKR_ARGUMENTS_BAD)"));
    free(out);
    out = as_co(&t, "target", "partition archive restore -s 2 -partition rot-backup\n"
                              "BakPart-4\n");
    assert_non_null(strstr(out, "\tEnter password for the backup partition: "));
    assert_null(strstr(out, "for the SO"));
    assert_null(strstr(out, "cloning domain"));
    assert_non_null(strstr(out, "Restore Complete."));
    free(out);
    testlab_destroy(&t);
}

static void test_contents_login(void **state)
{
    (void)state;
    static const char *const values[] = {"partition", "so", "none"};
    static const char *const answer[] = {"BakPart-4\n", "BackupSo-3\n", ""};
    static const char *const prompt[] = {"\tEnter password for the backup partition: ",
                                         "\tEnter password for the SO: ", NULL};
    for (size_t i = 0; i < 3; i++) {
        struct testlab t;
        char cmds[256];
        make(&t, "contents-login", values[i]);
        backup_by_options(&t);
        snprintf(cmds, sizeof cmds, "partition archive contents -s 6 -partition rot-backup\n%s",
                 answer[i]);
        char *out = as_co(&t, "source", cmds);
        if (prompt[i])
            assert_non_null(strstr(out, prompt[i]));
        else
            assert_null(strstr(out, "Enter "));
        assert_non_null(strstr(out, "Object UID:"));
        assert_int_equal(testlab_count(out, "Command Result : No Error"), 3);
        free(out);
        if (i == 1) { /* a wrong SO password counts towards the Backup HSM's zeroise */
            out = as_co(&t, "source", "partition archive contents -s 6 -partition rot-backup "
                                      "-sopassword Wrong-0\n");
            assert_non_null(strstr(out, "0xa0 (CKR_PIN_INCORRECT)"));
            assert_int_equal(backup_so_failures(&t), 1);
            free(out);
        }
        testlab_destroy(&t);
    }
}

static void test_archive_listing(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL, NULL);
    backup_by_options(&t);
    char *out = as_co(&t, "source", "partition archive contents -s 6 -partition rot-backup "
                                    "-password BakPart-4\n");
    assert_non_null(strstr(out, "\tObject UID:    "));
    assert_null(strstr(out, "Handle  Label  Type  UID"));
    free(out);
    testlab_destroy(&t);

    make(&t, "archive-listing", "table");
    backup_by_options(&t);
    out = as_co(&t, "source", "partition archive contents -s 6 -partition rot-backup "
                              "-password BakPart-4\n");
    assert_non_null(strstr(out, "\tHandle  Label  Type  UID\n"));
    assert_non_null(strstr(out, "  ks_root_kek  Symmetric Key  "));
    assert_null(strstr(out, "Object UID:"));
    free(out);
    testlab_destroy(&t);
}

static void test_empty_wording(void **state)
{
    (void)state;
    static const char *const values[] = {"none-found", "count-zero", "silent"};
    for (size_t i = 0; i < 3; i++) {
        struct testlab t;
        make(&t, "empty-wording", values[i]);
        char *out = as_co(&t, "target", "partition contents\n");
        bool none = strstr(out, "No objects found in the partition.") != NULL;
        bool zero = strstr(out, "Number of objects: 0") != NULL;
        assert_true(none == (i == 0));
        assert_true(zero == (i != 2));
        if (i == 2)
            assert_non_null(strstr(out, "partition.\n\n\tObject list:\n\nCommand Result"));
        free(out);
        /* A backup with another cloning domain leaves its new partition behind, empty. */
        out = as_co(&t, "source", "partition archive backup -s 6 -partition rot-backup -do "
                                  "other -sop BackupSo-3 -pas BakPart-4\n"
                                  "partition archive contents -s 6 -partition rot-backup "
                                  "-password BakPart-4\n");
        assert_non_null(strstr(out, "0x8000000b (CKR_CERTIFICATE_INVALID)"));
        const char *listing = strstr(out, "Logging in to partition rot-backup on slot 6.");
        assert_non_null(listing);
        assert_true((strstr(listing, "No objects found in the partition.") != NULL) == (i == 0));
        assert_true((strstr(listing, "Number of objects: 0") != NULL) == (i != 2));
        if (i == 2)
            assert_non_null(strstr(listing, "\tObject list:\n\nCommand Result : No Error"));
        free(out);
        if (i == 2) { /* silent with the table layout: the header and nothing */
            assert_int_equal(testlab_vary(&t, "archive-listing", "table"), 0);
            out = as_co(&t, "source", "partition archive contents -s 6 -partition rot-backup "
                                      "-password BakPart-4\n");
            assert_non_null(strstr(out, "\tHandle  Label  Type  UID\n\nCommand Result"));
            free(out);
        }
        testlab_destroy(&t);
    }
}

static void test_relogin(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL, NULL);
    char *out = as_co(&t, "source", "role login -n co -p SourceCo-1\n");
    assert_non_null(strstr(out, "Command Result : 0x100 (CKR_USER_ALREADY_LOGGED_IN)"));
    free(out);
    testlab_destroy(&t);

    make(&t, "relogin", "again");
    out = as_co(&t, "source", "role login -n co -p SourceCo-1\nrole login -n co -p Wrong-0\n");
    assert_null(strstr(out, "0x100"));
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 3);
    assert_non_null(strstr(out, "Command Result : 0xa0 (CKR_PIN_INCORRECT)"));
    json_t *root = testlab_state(&t);
    assert_int_equal(sm_int(sm_user_partition(sm_hsm(root, "source")), "co_failures"), 1);
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static char *rbs(struct testlab *t, const char *what, const char *input)
{
    const char *args[] = {"rbs", "--dir", "@DIR", what, NULL};
    return testlab_run(t, args, input, NULL);
}

static void test_rbs_menu_and_layout(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL, NULL);
    char *out = rbs(&t, "--config", "1\n1\nX\n");
    assert_non_null(strstr(out, "Configuration saved: 1 device selected."));
    assert_non_null(strstr(out, "Backup HSMs attached to this workstation:"));
    assert_non_null(strstr(out, "or X to save and exit: "));
    free(out);
    testlab_destroy(&t);

    make(&t, "rbs-menu", "toggle");
    out = rbs(&t, "--config", "1\n1\nX\n");
    assert_non_null(strstr(out, "Device 1 (serial "));
    assert_non_null(strstr(out, ") deselected."));
    assert_non_null(strstr(out, "Configuration saved: no device selected."));
    free(out);
    testlab_destroy(&t);

    make(&t, "rbs-layout", "table");
    out = rbs(&t, "--config", "1\nX\n");
    assert_non_null(strstr(out, "No. | Sel | Model"));
    assert_non_null(strstr(out, "X = save and exit) > "));
    assert_null(strstr(out, "Backup HSMs attached"));
    assert_non_null(strstr(out, "Configuration saved: 1 device selected."));
    free(out);
    testlab_destroy(&t);
}

static void test_rbs_prompt_words(void **state)
{
    (void)state;
    static const char *const values[] = {"plain", "luna", "terse"};
    static const char *const first[] = {
        "Enter new RBS password: ", "Please enter the password for the Remote Backup Server key: ",
        "Password: "};
    static const char *const second[] = {"Confirm RBS password: ",
                                         "Please re-enter the password: ", "Again: "};
    for (size_t i = 0; i < 3; i++) {
        struct testlab t;
        make(&t, "prompt-words", values[i]);
        char path[400];
        snprintf(path, sizeof path, "%s/lunaclient/rbs/server/server.key", t.dir);
        unlink(path); /* the linked lab has a certificate only; a new key pair is made */
        char *out = rbs(&t, "--genkey", "y\nRbsPass-5\nRbsPass-5\n");
        assert_non_null(strstr(out, first[i]));
        assert_non_null(strstr(out, second[i]));
        assert_non_null(strstr(out, "Certificate written to"));
        free(out);
        testlab_destroy(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prompt_words),      cmocka_unit_test(test_prompt_order),
        cmocka_unit_test(test_archive_prompts),   cmocka_unit_test(test_restore_secrets),
        cmocka_unit_test(test_contents_login),    cmocka_unit_test(test_archive_listing),
        cmocka_unit_test(test_empty_wording),     cmocka_unit_test(test_relogin),
        cmocka_unit_test(test_rbs_menu_and_layout), cmocka_unit_test(test_rbs_prompt_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
