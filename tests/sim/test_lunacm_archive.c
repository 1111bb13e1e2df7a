/* test_lunacm_archive.c: partition archive backup/restore against the Backup HSM behind the
 * Net Admin Token Slot (through rotwiz-sim-fakelink, see fake_link.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_model.h"
#include "state_store.h"
#include "testlab.h"

/* Source: user slot 3, Net Admin 6. Target: user slot 0, Net Admin 2. */
static char *backup(struct testlab *t, const char *extra, const char *domain)
{
    char input[512];
    snprintf(input, sizeof input,
             "slot set -s 3\nrole login -n co -p %s\npartition archive backup -slot 6 "
             "-partition rot-backup -sopassword %s -password %s -domain %s %s\n",
             t->s.source_co_password, t->s.backup_so_password, t->s.backup_partition_password,
             domain, extra);
    return testlab_lunacm(t, "source", input);
}

/* Spelled as the vendor does: a restore takes the domain and the Backup HSM SO password too. */
static char *restore(struct testlab *t)
{
    char input[512];
    snprintf(input, sizeof input,
             "slot set -s 0\nrole login -n co -p %s\npartition archive restore -s 2 "
             "-partition rot-backup -do %s -sop %s -pas %s\n",
             t->s.target_co_password, t->p.domain, t->s.backup_so_password,
             t->s.backup_partition_password);
    return testlab_lunacm(t, "target", input);
}

static void make(struct testlab *t, const char *const *faults)
{
    assert_int_equal(testlab_make_linked(t, "password", faults), 0);
    assert_int_equal(testlab_add_server(t, "source"), 0);
    assert_int_equal(testlab_add_server(t, "target"), 0);
}

static json_t *backup_objects(json_t *root)
{
    return testlab_objects(root, "backup", "rot-backup");
}

/* True when every fingerprint of A is in B, in the same order (B may hold more before). */
static bool fingerprints_match(json_t *a, json_t *b, size_t offset)
{
    if (json_array_size(b) != json_array_size(a) + offset)
        return false;
    for (size_t i = 0; i < json_array_size(a); i++)
        if (strcmp(sm_str(json_array_get(a, i), "fingerprint"),
                   sm_str(json_array_get(b, i + offset), "fingerprint")) != 0)
            return false;
    return true;
}

static void test_archive_needs_co_login(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL);
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\npartition archive backup -slot 6 "
                                             "-partition x\n");
    assert_non_null(strstr(out, "\tSlot Description ->     Net Admin Token Slot\n"));
    assert_non_null(strstr(out, "Command Result : 0x101 (CKR_USER_NOT_LOGGED_IN)"));
    json_t *root = testlab_state(&t);
    assert_int_equal(json_array_size(json_object_get(sm_hsm(root, "backup"), "partitions")), 0);
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_backup_copies_every_object(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL);
    char *out = backup(&t, "", "k570-rot");
    json_t *root = testlab_state(&t);
    json_t *src = testlab_objects(root, "source", NULL);
    assert_true(fingerprints_match(src, backup_objects(root), 0));
    assert_int_equal(testlab_count(out, "\tCloned object "), (int)json_array_size(src));
    assert_non_null(strstr(out, "Backup Complete."));
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 3);
    json_decref(root);
    free(out);
    /* archive list and contents show it */
    char input[256];
    snprintf(input, sizeof input, "par ar list -s 6\nslot set -s 3\nrole login -n co -p %s\n"
             "par ar list -s 6\npar ar con -s 6 -par rot-backup -pw %s\n",
             t.s.source_co_password, t.s.backup_partition_password);
    out = testlab_lunacm(&t, "source", input);
    assert_non_null(strstr(out, "Command Result : 0x101 (CKR_USER_NOT_LOGGED_IN)"));
    assert_int_equal(testlab_count(out, "\tPartition Name ->       rot-backup\n"), 1);
    root = testlab_state(&t);
    assert_int_equal(testlab_count(out, "\tLabel:"),
                     (int)json_array_size(testlab_objects(root, "source", NULL)));
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_wrong_domain_stops_backup_at_first_object(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL);
    char *out = backup(&t, "", "some-other-domain");
    assert_int_equal(testlab_count(out, "Failed to clone object"), 1);
    assert_non_null(strstr(out, "Command Result : 0x8000000b (CKR_CERTIFICATE_INVALID)"));
    json_t *root = testlab_state(&t);
    json_t *objs = backup_objects(root);
    assert_non_null(objs);                      /* the partition was created and left... */
    assert_int_equal(json_array_size(objs), 0); /* ...empty */
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_older_firmware_reports_every_object(void **state)
{
    (void)state;
    struct testlab t;
    struct state_handle h;
    char err[256];
    make(&t, NULL);
    assert_int_equal(state_open(t.dir, &h, err, sizeof err), 0);
    sm_set_str(sm_hsm(h.root, "source"), "firmware", "7.3.0");
    size_t n = json_array_size(testlab_objects(h.root, "source", NULL));
    assert_int_equal(state_commit(&h), 0);
    char *out = backup(&t, "", "some-other-domain");
    assert_int_equal(testlab_count(out, "Failed to clone object"), (int)n);
    assert_non_null(strstr(out, "Command Result : 0x8000000b"));
    free(out);
    testlab_destroy(&t);
}

static void test_domain_mismatch_stops_restore_at_first_object(void **state)
{
    (void)state;
    struct testlab t;
    const char *faults[] = {"domain-mismatch", NULL};
    make(&t, faults);
    char *out = backup(&t, "", "k570-rot");
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    out = restore(&t);
    assert_int_equal(testlab_count(out, "Failed to clone object"), 1);
    assert_non_null(strstr(out, "Command Result : 0x8000000b (CKR_CERTIFICATE_INVALID)"));
    json_t *root = testlab_state(&t);
    assert_int_equal(json_array_size(testlab_objects(root, "target", NULL)), 0);
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_existing_partition_append_replace(void **state)
{
    (void)state;
    struct testlab t;
    const char *faults[] = {"backup-partition-exists", NULL};
    make(&t, faults);
    json_t *root = testlab_state(&t);
    size_t old = json_array_size(backup_objects(root));
    assert_true(old > 0);
    json_decref(root);
    char *out = backup(&t, "", "k570-rot");
    assert_non_null(strstr(out, "Command Result : 0x8000006f (CKR_OBJECT_ALREADY_EXISTS)"));
    root = testlab_state(&t);
    assert_int_equal(json_array_size(backup_objects(root)), old);
    json_decref(root);
    free(out);

    out = backup(&t, "-append", "k570-rot");
    root = testlab_state(&t);
    assert_true(fingerprints_match(testlab_objects(root, "source", NULL), backup_objects(root),
                                   old));
    json_decref(root);
    free(out);

    out = backup(&t, "-replace", "k570-rot");
    root = testlab_state(&t);
    assert_true(fingerprints_match(testlab_objects(root, "source", NULL), backup_objects(root),
                                   0));
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_refusals_before_creating(void **state)
{
    (void)state;
    struct {
        const char *fault;
        const char *result;
    } cases[] = {
        {"backup-hsm-full", "Command Result : 0x8000002a (CKR_HSM_STORAGE_FULL)"},
        {"old-backup-firmware", "Command Result : 0x80000030 (CKR_OPERATION_NOT_ALLOWED)"},
    };
    for (size_t i = 0; i < 2; i++) {
        struct testlab t;
        const char *faults[] = {cases[i].fault, NULL};
        make(&t, faults);
        char *out = backup(&t, "", "k570-rot");
        assert_non_null(strstr(out, cases[i].result));
        json_t *root = testlab_state(&t);
        assert_int_equal(json_array_size(json_object_get(sm_hsm(root, "backup"), "partitions")),
                         0);
        json_decref(root);
        free(out);
        testlab_destroy(&t);
    }
}

static void test_wrong_backup_so_password_counts(void **state)
{
    (void)state;
    struct testlab t;
    char input[512];
    make(&t, NULL);
    snprintf(input, sizeof input, "slot set -s 3\nrole login -n co -p %s\npartition archive "
             "backup -slot 6 -partition rot-backup\nnot-the-so-password\n",
             t.s.source_co_password);
    char *out = testlab_lunacm(&t, "source", input);
    assert_non_null(strstr(out, "\tLogging in as the SO on slot 6.\n"));
    assert_non_null(strstr(out, "Command Result : 0xa0 (CKR_PIN_INCORRECT)"));
    json_t *root = testlab_state(&t);
    assert_int_equal(sm_int(sm_hsm(root, "backup"), "so_failures"), 1);
    assert_null(sm_partition(sm_hsm(root, "backup"), "rot-backup"));
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_restore_adds_to_what_is_there(void **state)
{
    (void)state;
    struct testlab t;
    const char *faults[] = {"target-not-empty", NULL};
    make(&t, faults);
    free(backup(&t, "", "k570-rot"));
    char *out = restore(&t);
    assert_non_null(strstr(out, "Restore Complete."));
    json_t *root = testlab_state(&t);
    json_t *tgt = testlab_objects(root, "target", NULL);
    assert_true(fingerprints_match(testlab_objects(root, "source", NULL), tgt, 2));
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_restore_missing_partition_or_slot(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, NULL);
    char *out = restore(&t);
    assert_non_null(strstr(out, "Command Result : 0x80000005"));
    free(out);
    /* The target without a registered vtl server does not see the Backup HSM. */
    testlab_destroy(&t);
    assert_int_equal(testlab_make_linked(&t, "password", NULL), 0);
    out = restore(&t);
    assert_null(strstr(out, "Net Admin Token Slot"));
    assert_non_null(strstr(out, "Command Result : 0x3 (CKR_SLOT_ID_INVALID)"));
    free(out);
    testlab_destroy(&t);
}

static void test_ssh_drop_leaves_partial_backup(void **state)
{
    (void)state;
    struct testlab t;
    const char *faults[] = {"ssh-drop-during-backup", NULL};
    make(&t, faults);
    char *out = backup(&t, "", "k570-rot");
    assert_null(strstr(out, "Backup Complete."));
    json_t *root = testlab_state(&t);
    size_t n = json_array_size(testlab_objects(root, "source", NULL));
    assert_int_equal(json_array_size(backup_objects(root)), (n + 1) / 2);
    json_decref(root);
    free(out);
    /* The fault fires once: a retry with -replace completes. */
    out = backup(&t, "-replace", "k570-rot");
    assert_non_null(strstr(out, "Backup Complete."));
    root = testlab_state(&t);
    assert_true(fingerprints_match(testlab_objects(root, "source", NULL), backup_objects(root),
                                   0));
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

static void test_ssh_drop_leaves_partial_restore(void **state)
{
    (void)state;
    struct testlab t;
    const char *faults[] = {"ssh-drop-during-restore", NULL};
    make(&t, faults);
    char *out = backup(&t, "", "k570-rot");
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    out = restore(&t);
    assert_null(strstr(out, "Restore Complete."));
    assert_int_equal(testlab_count(out, "Command Result : "), 2); /* cut off mid-restore */
    json_t *root = testlab_state(&t);
    size_t n = json_array_size(testlab_objects(root, "source", NULL));
    assert_int_equal(json_array_size(testlab_objects(root, "target", NULL)), (n + 1) / 2);
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_archive_needs_co_login),
        cmocka_unit_test(test_backup_copies_every_object),
        cmocka_unit_test(test_wrong_domain_stops_backup_at_first_object),
        cmocka_unit_test(test_domain_mismatch_stops_restore_at_first_object),
        cmocka_unit_test(test_older_firmware_reports_every_object),
        cmocka_unit_test(test_existing_partition_append_replace),
        cmocka_unit_test(test_refusals_before_creating),
        cmocka_unit_test(test_wrong_backup_so_password_counts),
        cmocka_unit_test(test_restore_adds_to_what_is_there),
        cmocka_unit_test(test_restore_missing_partition_or_slot),
        cmocka_unit_test(test_ssh_drop_leaves_partial_backup),
        cmocka_unit_test(test_ssh_drop_leaves_partial_restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
