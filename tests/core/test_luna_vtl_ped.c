/* test_luna_vtl_ped.c: vtl listservers / verify (both table generations), ped get / show and
 * pedserver's Name: value pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include "fixture_util.h"
#include "luna_parse.h"

static void test_listservers(void **state)
{
    (void)state;
    struct vtl_server_list l;
    char *t = fixture_load("vtl_listservers.txt");
    assert_true(luna_parse_vtl_listservers(t, &l));
    assert_int_equal(l.count, 2);
    assert_string_equal(l.servers[0].address, "192.0.2.10");
    assert_false(l.servers[0].htl_required);
    assert_string_equal(l.servers[1].address, "10.1.2.3");
    assert_true(l.servers[1].htl_required);
    free(t);
    t = fixture_load("vtl_listservers_crlf.txt");
    assert_true(luna_parse_vtl_listservers(t, &l));
    assert_int_equal(l.count, 1);
    assert_string_equal(l.servers[0].address, "127.0.0.1");
    free(t);
    t = fixture_load("vtl_listservers_none.txt");
    assert_false(luna_parse_vtl_listservers(t, &l));
    assert_int_equal(l.count, 0);
    free(t);
}

static void test_verify_16(void **state)
{
    (void)state;
    char *forms[2] = {fixture_load("vtl_verify_16.txt"), fixture_load_crlf("vtl_verify_16.txt")};
    for (size_t i = 0; i < 2; i++) {
        struct luna_vtl_verify v;
        assert_true(luna_parse_vtl_verify(forms[i], &v));
        assert_int_equal(v.count, 3);
        assert_int_equal(v.slots[0].slot, 0);
        assert_string_equal(v.slots[0].serial, "500752010");
        assert_string_equal(v.slots[0].label, "partition1");
        assert_int_equal(v.slots[1].slot, 1);
        assert_string_equal(v.slots[1].serial, "1238696044912");
        assert_string_equal(v.slots[1].label, "rot part");
        assert_int_equal(v.slots[2].slot, 5);
        assert_string_equal(v.slots[2].serial, "70123456");
        assert_string_equal(v.slots[2].label, "");
        free(forms[i]);
    }
}

static void test_verify_8(void **state)
{
    (void)state;
    struct luna_vtl_verify v;
    char *t = fixture_load("vtl_verify_8.txt");
    assert_true(luna_parse_vtl_verify(t, &v));
    assert_int_equal(v.count, 2);
    assert_int_equal(v.slots[0].slot, 1);
    assert_string_equal(v.slots[0].serial, "150518006");
    assert_string_equal(v.slots[0].label, "part_a");
    assert_int_equal(v.slots[1].slot, 2);
    assert_string_equal(v.slots[1].label, "part_b");
    free(t);
}

static void test_verify_empty(void **state)
{
    (void)state;
    struct luna_vtl_verify v;
    char *t = fixture_load("vtl_verify_none.txt");
    assert_true(luna_parse_vtl_verify(t, &v));
    assert_int_equal(v.count, 0);
    free(t);
    assert_false(luna_parse_vtl_verify("Error: could not connect\n", &v));
}

static void test_ped_get(void **state)
{
    (void)state;
    struct luna_ped_info p;
    char *t = fixture_load("ped_get.txt");
    assert_true(luna_parse_ped_info(t, &p));
    assert_true(p.local);
    assert_int_equal(p.ped_id, 0);
    assert_string_equal(p.server_ip, "");
    assert_int_equal(p.server_port, 0);
    free(t);
    t = fixture_load("ped_get_remote.txt");
    assert_true(luna_parse_ped_info(t, &p));
    assert_false(p.local);
    assert_int_equal(p.ped_id, 100);
    free(t);
}

static void test_ped_show(void **state)
{
    (void)state;
    char *forms[3] = {fixture_load("ped_show.txt"), fixture_load_crlf("ped_show.txt"),
                      fixture_load_indent("ped_show.txt", "    ")};
    for (size_t i = 0; i < 3; i++) {
        struct luna_ped_info p;
        assert_true(luna_parse_ped_info(forms[i], &p));
        assert_false(p.local);
        assert_int_equal(p.ped_id, -1);
        assert_string_equal(p.server_ip, "192.0.2.10");
        assert_int_equal(p.server_port, 1503);
        free(forms[i]);
    }
    struct luna_ped_info p;
    assert_false(luna_parse_ped_info("lunacm:>ped show\n\nCommand Result : 0x1 (x)\n", &p));
}

static void test_named_value(void **state)
{
    (void)state;
    char buf[64];
    char *t = fixture_load("pedserver_show.txt");
    assert_true(luna_parse_named_value(t, "Ped2 Connection Status", buf, sizeof buf));
    assert_string_equal(buf, "Connected");
    assert_true(luna_parse_named_value(t, "ped2  connection status", buf, sizeof buf));
    assert_string_equal(buf, "Connected");
    assert_true(luna_parse_named_value(t, "IP", buf, sizeof buf));
    assert_string_equal(buf, "192.0.2.10");
    assert_true(luna_parse_named_value(t, "Idle Timeout Value", buf, sizeof buf));
    assert_string_equal(buf, "1800 seconds");
    assert_true(luna_parse_named_value(t, "Port", buf, 3));
    assert_string_equal(buf, "15");   /* truncated to fit */
    assert_false(luna_parse_named_value(t, "Ped2 RPK Serial Numbers", buf, sizeof buf));
    assert_string_equal(buf, "");
    assert_false(luna_parse_named_value(t, "Ped2", buf, sizeof buf));
    free(t);
    t = fixture_load_crlf("pedserver_show.txt");
    assert_true(luna_parse_named_value(t, "Admin Port", buf, sizeof buf));
    assert_string_equal(buf, "1502");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listservers), cmocka_unit_test(test_verify_16),
        cmocka_unit_test(test_verify_8),    cmocka_unit_test(test_verify_empty),
        cmocka_unit_test(test_ped_get),     cmocka_unit_test(test_ped_show),
        cmocka_unit_test(test_named_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
