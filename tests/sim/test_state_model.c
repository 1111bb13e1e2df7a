/* test_state_model.c: the initial devices of a lab and the state accessors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lab_params.h"
#include "state_model.h"
#include "state_store.h"
#include "testlab.h"

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!strchr("0123456789abcdef", *s))
            return false;
    return true;
}

static void test_source_holds_root_keys(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    json_t *root = sm_initial_state(&t.p, &t.s);
    assert_non_null(root);
    json_t *src = sm_hsm(root, "source");
    assert_string_equal(sm_str(src, "kind"), "k570");
    assert_string_equal(sm_str(src, "firmware"), "7.7.1");
    json_t *part = sm_user_partition(src);
    assert_string_equal(sm_str(part, "domain"), "k570-rot");
    assert_non_null(strstr(sm_str(part, "configuration"), "(PW)"));
    json_t *objs = json_object_get(part, "objects");
    size_t n = json_array_size(objs);
    assert_true(n >= 4 && n <= 6);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(objs, i);
        assert_true(is_hex64(sm_str(o, "fingerprint")));
        assert_true(sm_str(o, "label")[0] != '\0');
        for (size_t j = 0; j < i; j++) {
            json_t *p = json_array_get(objs, j);
            assert_string_not_equal(sm_str(o, "fingerprint"), sm_str(p, "fingerprint"));
            assert_true(sm_int(o, "handle") != sm_int(p, "handle"));
        }
    }
    /* The target starts empty, with the same cloning domain. */
    json_t *tgt = sm_user_partition(sm_hsm(root, "target"));
    assert_int_equal(json_array_size(json_object_get(tgt, "objects")), 0);
    assert_string_equal(sm_str(tgt, "domain"), "k570-rot");
    json_decref(root);
    testlab_destroy(&t);
}

static void test_slots_are_not_in_id_order(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    json_t *root = sm_initial_state(&t.p, &t.s);
    json_t *src = sm_hsm(root, "source"), *tgt = sm_hsm(root, "target");
    json_t *su = sm_slot_by_desc(src, "User Token Slot");
    json_t *tu = sm_slot_by_desc(tgt, "User Token Slot");
    assert_non_null(su);
    assert_non_null(tu);
    assert_true(sm_int(su, "id") != sm_int(tu, "id"));
    assert_non_null(sm_slot_by_desc(src, "Net Admin Token Slot"));
    json_t *slots = json_object_get(src, "slots");
    assert_true(sm_int(json_array_get(slots, 0), "id") > sm_int(json_array_get(slots, 1), "id"));
    assert_ptr_equal(sm_slot_by_id(src, (int)sm_int(su, "id")), su);
    json_decref(root);
    testlab_destroy(&t);
}

/* hostile-labels: the source's labels look like lunacm's protocol and hold an ESC sequence. */
static void test_hostile_labels(void **state)
{
    (void)state;
    struct testlab t;
    const char *faults[] = {"hostile-labels", NULL};
    assert_int_equal(testlab_make(&t, "password", faults), 0);
    json_t *root = sm_initial_state(&t.p, &t.s);
    json_t *objs = json_object_get(sm_user_partition(sm_hsm(root, "source")), "objects");
    assert_true(json_array_size(objs) >= 4);
    assert_string_equal(sm_str(json_array_get(objs, 0), "label"), "Command Result : No Error");
    assert_non_null(strstr(sm_str(json_array_get(objs, 1), "label"), "'proceed'"));
    assert_non_null(strstr(sm_str(json_array_get(objs, 2), "label"), "password for the SO"));
    assert_non_null(strstr(sm_str(json_array_get(objs, 3), "label"), "\x1b[2J"));
    json_decref(root);
    testlab_destroy(&t);
}

static void test_faults_shape_the_devices(void **state)
{
    (void)state;
    struct testlab t;
    const char *faults[] = {"target-not-empty", "old-backup-firmware", "backup-partition-exists",
                            "domain-mismatch", NULL};
    assert_int_equal(testlab_make(&t, "ped", faults), 0);
    json_t *root = sm_initial_state(&t.p, &t.s);
    json_t *tgt = sm_user_partition(sm_hsm(root, "target"));
    assert_int_equal(json_array_size(json_object_get(tgt, "objects")), 2);
    json_t *bak = sm_hsm(root, "backup");
    assert_string_equal(sm_str(bak, "firmware"), "7.3.0");
    json_t *old = sm_partition(bak, "rot-backup");
    assert_non_null(old);
    assert_true(json_array_size(json_object_get(old, "objects")) > 0);
    json_t *src = sm_user_partition(sm_hsm(root, "source"));
    assert_string_equal(sm_str(src, "domain"), "k570-rot");
    assert_string_not_equal(sm_str(sm_user_partition(sm_hsm(root, "target")), "domain"),
                            "k570-rot");
    assert_non_null(strstr(sm_str(src, "configuration"), "(PED)"));
    json_decref(root);
    testlab_destroy(&t);
}

static void test_state_keeps_no_password(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    json_t *root = testlab_state(&t);
    assert_non_null(root);
    char *text = json_dumps(root, 0);
    assert_null(strstr(text, t.s.source_co_password));
    assert_null(strstr(text, t.s.target_co_password));
    assert_null(strstr(text, t.s.backup_so_password));
    json_t *src = sm_user_partition(sm_hsm(root, "source"));
    assert_true(sm_password_ok(src, "co_password_sha256", t.s.source_co_password));
    assert_false(sm_password_ok(src, "co_password_sha256", t.s.target_co_password));
    assert_true(sm_password_ok(sm_hsm(root, "backup"), "so_password_sha256",
                               t.s.backup_so_password));
    free(text);
    json_decref(root);
    testlab_destroy(&t);
}

static void test_handles_and_versions(void **state)
{
    (void)state;
    json_t *part = sm_partition_new("p", "d", "pw", "conf");
    long long a = sm_take_handle(part), b = sm_take_handle(part), c = sm_take_handle(part);
    assert_true(a < b && b < c);
    json_t *o = sm_object_new("k", "Symmetric Key", a);
    json_t *copy = sm_object_clone(o, c);
    assert_string_equal(sm_str(o, "fingerprint"), sm_str(copy, "fingerprint"));
    assert_string_equal(sm_str(o, "uid"), sm_str(copy, "uid"));
    assert_int_equal(sm_int(copy, "handle"), c);
    assert_true(sm_fw_cmp("7.3.0", "7.7.1") < 0);
    assert_true(sm_fw_cmp("7.7.1", "7.7.0") > 0);
    assert_int_equal(sm_fw_cmp("7.7.1", "7.7.1"), 0);
    assert_true(sm_fw_cmp("7.10.0", "7.7.1") > 0);
    json_decref(o);
    json_decref(copy);
    json_decref(part);
}

static void test_state_store_roundtrip(void **state)
{
    (void)state;
    struct testlab t;
    struct state_handle h;
    char err[256];
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    assert_int_equal(state_open(t.dir, &h, err, sizeof err), 0);
    sm_set_int(sm_hsm(h.root, "source"), "so_failures", 2);
    assert_int_equal(state_commit(&h), 0);
    json_t *root = testlab_state(&t);
    assert_int_equal(sm_int(sm_hsm(root, "source"), "so_failures"), 2);
    json_decref(root);
    testlab_destroy(&t);
}

/* Knob rbs-saved: the lab starts with no RBS configuration, or with the Backup HSM already
 * selected by an earlier rbs --config (what rotwiz must keep without typing its number). */
static void test_rbs_saved_knob(void **state)
{
    (void)state;
    struct testlab t;
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    json_t *root = sm_initial_state(&t.p, &t.s);
    json_t *rbs = json_object_get(root, "rbs");
    assert_false(json_is_true(json_object_get(rbs, "configured")));
    assert_true(json_is_null(json_object_get(rbs, "device_serial")));
    json_decref(root);
    assert_int_equal(lab_set_knob(&t.p, "rbs-saved", "selected"), 0);
    root = sm_initial_state(&t.p, &t.s);
    rbs = json_object_get(root, "rbs");
    assert_true(json_is_true(json_object_get(rbs, "configured")));
    assert_string_equal(sm_str(rbs, "device_serial"), sm_str(sm_hsm(root, "backup"), "serial"));
    json_decref(root);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_holds_root_keys),
        cmocka_unit_test(test_slots_are_not_in_id_order),
        cmocka_unit_test(test_faults_shape_the_devices),
        cmocka_unit_test(test_hostile_labels),
        cmocka_unit_test(test_state_keeps_no_password),
        cmocka_unit_test(test_handles_and_versions),
        cmocka_unit_test(test_state_store_roundtrip),
        cmocka_unit_test(test_rbs_saved_knob),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
