/* test_lunacm_vendor.c: every command typed exactly as the vendor document spells it works in
 * the lab: short options and unique prefixes (-s, -n, -p, -do, -sop, -pas, -par), role names in
 * any case, the vendor's restore with -do -sop -pas, `ped vector -init` on the workstation,
 * `hsm ped vector init` on a k570, and the ped commands typed while the current slot is the
 * Net Admin Token Slot (they configure the Backup HSM's remote PED link, which the archive
 * commands then use). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_model.h"
#include "testlab.h"

static void make(struct testlab *t, const char *auth)
{
    assert_int_equal(testlab_make_linked(t, auth, NULL), 0);
    assert_int_equal(testlab_add_server(t, "source"), 0);
    assert_int_equal(testlab_add_server(t, "target"), 0);
}

static void clear_ped_log(struct testlab *t)
{
    char path[400];
    snprintf(path, sizeof path, "%s/ped.log", t->dir);
    remove(path);
}

static char *ws_lunacm(struct testlab *t, const char *input)
{
    const char *args[] = {"ws-lunacm", "--dir", "@DIR", NULL};
    return testlab_run(t, args, input, NULL);
}

static void test_password_procedure_spelling(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, "password");
    char *out = testlab_lunacm(&t, "source",
                               "slot set -slot 3\nrole login -name co\nSourceCo-1\nrole logout\n"
                               "slot set -s 3\nrole login -n co -p SourceCo-1\n"
                               "partition archive backup -s 6 -partition rot-backup -do k570-rot "
                               "-sop BackupSo-3 -pas BakPart-4\n");
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 6);
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    out = testlab_lunacm(&t, "target",
                         "slot set -s 0\nrole login -n co -p TargetCo-2\npartition clear\n"
                         "proceed\npartition contents\npartition archive restore -s 2 "
                         "-par rot-backup -do k570-rot -sop BackupSo-3 -pas BakPart-4\n");
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 5);
    assert_non_null(strstr(out, "Restore Complete."));
    free(out);
    json_t *root = testlab_state(&t);
    json_t *src = testlab_objects(root, "source", NULL), *tgt = testlab_objects(root, "target",
                                                                                 NULL);
    assert_int_equal(json_array_size(src), json_array_size(tgt));
    for (size_t i = 0; i < json_array_size(src); i++) {
        assert_string_equal(sm_str(json_array_get(src, i), "uid"),
                            sm_str(json_array_get(tgt, i), "uid"));
        assert_string_equal(sm_str(json_array_get(src, i), "fingerprint"),
                            sm_str(json_array_get(tgt, i), "fingerprint"));
    }
    assert_int_equal(json_array_size(json_object_get(root, "wrong_secret_events")), 0);
    json_decref(root);
    testlab_destroy(&t);
}

static void test_role_names_any_case(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, "password");
    char *out = ws_lunacm(&t, "role login -name SO -p BackupSo-3\nrole logout\n"
                              "role login -n so\nBackupSo-3\nrole logout\n"
                              "role login -name So -password BackupSo-3\n");
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 5);
    free(out);
    testlab_destroy(&t);
}

static void test_ped_commands_on_the_net_admin_slot(void **state)
{
    (void)state;
    struct testlab t;
    make(&t, "ped");
    /* The workstation: the Backup HSM's RPV (vendor: `ped vector -init`). */
    char *out = ws_lunacm(&t, "role login -n so\nped vector -init\nproceed\n");
    assert_non_null(strstr(out, "RPV was successfully initialized."));
    free(out);
    /* The k570: its own RPV after `role login -name SO`, then the Net Admin slot's PED. */
    out = testlab_lunacm(&t, "source", "role login -name SO\nhsm ped vector init\nproceed\n");
    assert_non_null(strstr(out, "RPV was successfully initialized."));
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 2);
    free(out);
    out = testlab_lunacm(&t, "source", "slot set -s 6\nped set -ip 127.0.0.1 -port 1503\n"
                                       "ped get\nped show\nped connect\nped get\n");
    assert_non_null(strstr(out, "\tHSM slot 6 listening to local PED (PED id=0).\n"));
    assert_non_null(strstr(out, "\tConfigured Remote PED Server information\n"
                                "\tRemote PED Server IP address: 127.0.0.1\n"
                                "\tRemote PED Server Port: 1503\n"));
    assert_non_null(strstr(out, "\tHSM slot 6 listening to remote PED (PED id=1).\n"));
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 6);
    free(out);
    json_t *root = testlab_state(&t);
    json_t *bps = json_object_get(sm_hsm(root, "backup"), "ped_server");
    assert_string_equal(sm_str(bps, "ip"), "127.0.0.1");
    assert_true(sm_bool(bps, "connected"));
    assert_string_equal(sm_str(json_object_get(sm_hsm(root, "source"), "ped_server"), "ip"), "");
    json_decref(root);
    /* The backup's Backup HSM keys now come through that link; the CO's black key does not. */
    clear_ped_log(&t);
    out = testlab_lunacm(&t, "source", "slot list\nslot set -s 3\nrole login -n co -p Chal-1\n"
                                       "partition archive backup -s 6 -partition rot-backup\n");
    assert_non_null(strstr(out, "Backup Complete."));
    free(out);
    char *log = testlab_ped_log(&t);
    assert_string_equal(log, "device source source black\n"
                             "link 127.0.0.1:1503 backup blue\n"
                             "link 127.0.0.1:1503 backup red\n"
                             "link 127.0.0.1:1503 backup black\n");
    free(log);
    /* The vendor's PED restore: only the black key of the backup partition, through the link. */
    clear_ped_log(&t);
    out = testlab_lunacm(&t, "target", "slot set -s 0\nrole login -n co -p Chal-2\n"
                                       "partition archive restore -s 2 -partition rot-backup\n");
    assert_non_null(strstr(out, "Restore Complete."));
    free(out);
    log = testlab_ped_log(&t);
    assert_string_equal(log, "device target target black\nlink 127.0.0.1:1503 backup black\n");
    free(log);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_procedure_spelling),
        cmocka_unit_test(test_role_names_any_case),
        cmocka_unit_test(test_ped_commands_on_the_net_admin_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
