/* test_luna_robust.c: every parser on scrambled Luna-like text (a fixed-seed generator, so a
 * failure repeats): no crash, no overrun (run it under ASan), results within bounds, and long
 * values truncated but terminated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "luna_parse.h"

static const char *const pieces[] = {
    "Slot Id ->", "Label ->", "Slot Description ->", "User Token Slot", "Current Slot Id:",
    "None", "Command Result :", "No Error", "0x", "a0", "(", ")", "Error in execution", ":",
    "->", "=", "====", "\t", " ", "  ", "\n", "\r\n", "\r", "lunacm:>", "Server:",
    "HTL required:", "Label:", "Handle:", "Object list:", "v10.4.0-275.", "lunacm", "Copyright",
    "listening to local PED", "id=", "Remote PED Server Port:", "7", "12345678901234567890",
    "proceed", "password", "*", ".", "-", "Available HSMs:",
};

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void check_bounded(const char *text)
{
    struct luna_version v;
    struct luna_result r;
    struct slot_list l;
    struct vtl_server_list sl;
    struct luna_ped_info p;
    char buf[16];
    static struct luna_objects o;
    static struct luna_vtl_verify vv;

    if (luna_parse_banner(text, &v))
        assert_true(strlen(v.tool) < sizeof v.tool && strlen(v.vendor) < sizeof v.vendor);
    if (luna_parse_result(text, &r))
        assert_true(strlen(r.text) < sizeof r.text && strlen(r.error) < sizeof r.error);
    luna_parse_slot_list(text, &l);
    assert_true(l.count <= MODEL_MAX_SLOTS);
    for (size_t i = 0; i < l.count; i++)
        assert_true(strlen(l.slots[i].description) < MODEL_TEXT);
    luna_parse_slot_set(text);
    luna_parse_partition_contents(text, &o);
    assert_true(o.count <= LUNA_MAX_OBJECTS);
    luna_parse_vtl_listservers(text, &sl);
    assert_true(sl.count <= MODEL_MAX_SERVERS);
    luna_parse_vtl_verify(text, &vv);
    assert_true(vv.count <= MODEL_MAX_SLOTS);
    luna_parse_ped_info(text, &p);
    if (luna_parse_named_value(text, "Label", buf, sizeof buf))
        assert_true(strlen(buf) < sizeof buf);
    luna_ends_with_prompt(text);
    luna_ends_with_confirm(text);
    luna_ends_with_password_prompt(text);
    luna_wants_ped(text);
    luna_is_result_line(text);
}

static void test_scrambled(void **state)
{
    (void)state;
    char text[2048];
    for (int round = 0; round < 1500; round++) {
        size_t len = 0, n = 1 + next_rand() % 60;
        text[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            const char *p = pieces[next_rand() % (sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(p);
            if (len + pl + 1 >= sizeof text)
                break;
            memcpy(text + len, p, pl + 1);
            len += pl;
        }
        check_bounded(text);
    }
}

static void test_long_values_truncated(void **state)
{
    (void)state;
    char text[4096], longval[1000];
    memset(longval, 'x', sizeof longval - 1);
    longval[sizeof longval - 1] = '\0';
    snprintf(text, sizeof text, "Slot Id -> 1\nLabel -> %s\nSlot Description -> %s\n"
             "Command Result : 0x1 (%s)\n", longval, longval, longval);
    struct slot_list l;
    struct luna_result r;
    assert_true(luna_parse_slot_list(text, &l));
    assert_int_equal(l.count, 1);
    assert_int_equal(strlen(l.slots[0].label), MODEL_TEXT - 1);
    assert_int_equal(l.slots[0].kind, SLOT_OTHER);
    assert_true(luna_parse_result(text, &r));
    assert_int_equal(strlen(r.text), MODEL_TEXT - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scrambled),
        cmocka_unit_test(test_long_values_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
