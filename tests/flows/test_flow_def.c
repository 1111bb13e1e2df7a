/* test_flow_def.c: every embedded flow loads, names only known actions and defined steps, and
 * keeps the procedure's order and safety properties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "flow_ctx.h"
#include "flow_def.h"

static const char *const all_flows[] = {"backup-password", "backup-ped", "restore-password",
                                        "restore-ped", "prepare-target-password",
                                        "prepare-target-ped", "topology", "migrate-password",
                                        "migrate-ped"};

static long index_of(const struct flow_def *d, const char *id)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->steps[i].id, id) == 0)
            return (long)i;
    return -1;
}

static void every_flow_loads_with_known_actions(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof all_flows / sizeof all_flows[0]; f++) {
        struct flow_def d;
        char err[256] = "";
        assert_int_equal(flow_def_load(all_flows[f], &d, err, sizeof err), 0);
        assert_string_equal(d.id, all_flows[f]);
        assert_true(d.count > 0);
        for (size_t i = 0; i < d.count; i++) {
            assert_non_null(d.steps[i].title);
            if (!flow_action_find(d.steps[i].action))
                fail_msg("%s: step %s names unknown action %s", all_flows[f], d.steps[i].id,
                         d.steps[i].action);
        }
        flow_def_free(&d);
    }
}

static void kind_and_auth_pick_flows(void **state)
{
    (void)state;
    assert_string_equal(flow_def_id(FLOW_BACKUP, false), "backup-password");
    assert_string_equal(flow_def_id(FLOW_BACKUP, true), "backup-ped");
    assert_string_equal(flow_def_id(FLOW_RESTORE, true), "restore-ped");
    assert_string_equal(flow_def_id(FLOW_PREPARE_TARGET, false), "prepare-target-password");
    assert_string_equal(flow_def_id(FLOW_TOPOLOGY, false), "topology");
}

static void unknown_flow_is_an_error(void **state)
{
    (void)state;
    struct flow_def d;
    char err[256] = "";
    assert_int_equal(flow_def_load("no-such-flow", &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "no-such-flow"));
}

/* The procedure's order: the interlock before the restore, verification after each archive
 * command, login before partition work, the clear is the destructive step. */
static void restore_checks_empty_target_first(void **state)
{
    (void)state;
    for (int ped = 0; ped < 2; ped++) {
        struct flow_def d;
        char err[256];
        assert_int_equal(flow_def_load(flow_def_id(FLOW_RESTORE, ped), &d, err, sizeof err), 0);
        long login = index_of(&d, "co_login"), empty = index_of(&d, "check_target_empty");
        long restore = index_of(&d, "archive_restore"), verify = index_of(&d, "verify_restore");
        assert_true(login >= 0 && empty > login && restore > empty && verify > restore);
        assert_true(index_of(&d, "configure_rot") > verify);
        flow_def_free(&d);
    }
}

/* The step instance of id ID with role ROLE (-1: the flow's), or -1. */
static long index_of_role(const struct flow_def *d, const char *id, int role)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->steps[i].id, id) == 0 && d->steps[i].role == role)
            return (long)i;
    return -1;
}

/* migrate: every k570 step names its k570; the workstation is set up once, both k570s are
 * connected before either is typed into; the source is backed up and verified before the
 * target's interlock, restore and verification; other flows' steps carry no role. */
static void migrate_names_each_steps_k570(void **state)
{
    (void)state;
    for (int ped = 0; ped < 2; ped++) {
        struct flow_def d;
        char err[256];
        assert_int_equal(flow_def_load(flow_def_id(FLOW_MIGRATE, ped), &d, err, sizeof err), 0);
        assert_string_equal(d.kind, "migrate");
        size_t rbs = 0;
        for (size_t i = 0; i < d.count; i++)
            rbs += strcmp(d.steps[i].id, "rbs_start") == 0 && d.steps[i].role == -1;
        assert_int_equal(rbs, 1);
        long s_conn = index_of_role(&d, "ssh_connect", ROLE_SOURCE);
        long t_conn = index_of_role(&d, "ssh_connect", ROLE_TARGET);
        long s_lunacm = index_of_role(&d, "lunacm_start", ROLE_SOURCE);
        long ver = index_of_role(&d, "verify_backup", ROLE_SOURCE);
        long empty = index_of_role(&d, "check_target_empty", ROLE_TARGET);
        long restore = index_of_role(&d, "archive_restore", ROLE_TARGET);
        long vres = index_of_role(&d, "verify_restore", ROLE_TARGET);
        assert_true(s_conn >= 0 && t_conn > s_conn && s_lunacm > t_conn);
        assert_true(ver > s_lunacm && empty > ver && restore > empty && vres > restore);
        assert_true(index_of_role(&d, "co_login", ROLE_TARGET) < empty);
        flow_def_free(&d);
        assert_int_equal(flow_def_load(flow_def_id(FLOW_RESTORE, ped), &d, err, sizeof err), 0);
        for (size_t i = 0; i < d.count; i++)
            assert_int_equal(d.steps[i].role, -1);
        flow_def_free(&d);
    }
    assert_string_equal(flow_def_id(FLOW_MIGRATE, false), "migrate-password");
}

static void backup_records_then_verifies(void **state)
{
    (void)state;
    for (int ped = 0; ped < 2; ped++) {
        struct flow_def d;
        char err[256];
        assert_int_equal(flow_def_load(flow_def_id(FLOW_BACKUP, ped), &d, err, sizeof err), 0);
        long rec = index_of(&d, "record_source_objects"), bak = index_of(&d, "archive_backup");
        long ver = index_of(&d, "verify_backup"), vis = index_of(&d, "backup_slot_visible");
        assert_true(vis >= 0 && rec > vis && bak > rec && ver > bak);
        assert_true(index_of(&d, "rbs_start") < index_of(&d, "vtl_register"));
        if (ped) {
            /* the RPV steps run only when ped connect showed none works: the PED to the k570
             * for the orange key, then back to the workstation */
            long link = index_of(&d, "appliance_ped_link");
            long to = index_of(&d, "move_ped_to_appliance"), rpv = index_of(&d, "appliance_rpv");
            long back = index_of(&d, "move_ped_to_workstation");
            assert_true(link >= 0 && to == link + 1 && rpv == to + 1 && back == rpv + 1);
            assert_true(d.steps[to].hand && d.steps[back].hand);
            assert_string_equal(d.steps[rpv].when, "appliance_rpv_needed");
            assert_null(d.steps[link].when);
            /* the vendor's keys for the backup: the Backup HSM's orange, blue and red, then
             * the k570's black */
            const struct flow_step_def *b = &d.steps[bak];
            assert_int_equal(b->ped_count, 4);
            const enum ped_key keys[] = {PED_KEY_ORANGE, PED_KEY_BLUE, PED_KEY_RED, PED_KEY_BLACK};
            const enum ped_hsm hsms[] = {PED_HSM_BACKUP, PED_HSM_BACKUP, PED_HSM_BACKUP,
                                         PED_HSM_APPLIANCE};
            for (int k = 0; k < 4; k++) {
                assert_int_equal(b->ped[k], keys[k]);
                assert_int_equal(b->ped_hsm[k], hsms[k]);
            }
        }
        flow_def_free(&d);
    }
}

static void only_the_clear_is_destructive(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof all_flows / sizeof all_flows[0]; f++) {
        struct flow_def d;
        char err[256];
        assert_int_equal(flow_def_load(all_flows[f], &d, err, sizeof err), 0);
        for (size_t i = 0; i < d.count; i++)
            assert_int_equal(d.steps[i].destructive, strcmp(d.steps[i].id, "clear_target") == 0);
        flow_def_free(&d);
    }
}

static const char *lookup(void *ud, const char *name)
{
    (void)ud;
    return strcmp(name, "host") == 0 ? "k570-b" : NULL;
}

static void placeholders_fill(void **state)
{
    (void)state;
    char *s = flow_fill("type {host} to confirm; {unknown} stays; {", lookup, NULL);
    assert_string_equal(s, "type k570-b to confirm; {unknown} stays; {");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_flow_loads_with_known_actions),
        cmocka_unit_test(kind_and_auth_pick_flows),
        cmocka_unit_test(unknown_flow_is_an_error),
        cmocka_unit_test(restore_checks_empty_target_first),
        cmocka_unit_test(backup_records_then_verifies),
        cmocka_unit_test(migrate_names_each_steps_k570),
        cmocka_unit_test(only_the_clear_is_destructive),
        cmocka_unit_test(placeholders_fill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
