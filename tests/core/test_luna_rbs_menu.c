/* test_luna_rbs_menu.c: the rbs --config menu judged by its shape: one device row already
 * selected, not selected, in rows and table layouts, and every case where rotwiz must not
 * guess (two devices, another serial, an unreadable mark, no device). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "luna_parse.h"

#define BANNER "RBS (64-bit) v10.4.0-275. Copyright (c) 2022 Thales Group.\n\n" \
               "Remote Backup Server configuration\n\n"

static void test_rows_layout(void **state)
{
    (void)state;
    long n = 0;
    const char *sel = BANNER "Backup HSMs attached to this workstation:\n\n"
                      "  1  [x]  Luna Backup HSM 7     serial 700123       firmware 7.7.1\n\n"
                      "Enter a device number to select it (-number to deselect), or X: ";
    assert_int_equal(luna_parse_rbs_menu(sel, "700123", &n), LUNA_RBS_MENU_SELECTED);
    assert_int_equal(n, 1);
    const char *unsel = BANNER "Backup HSMs attached to this workstation:\n\n"
                        "\t2  [ ]  Luna Backup HSM 7     serial 700123       firmware 7.7.1\r\n";
    assert_int_equal(luna_parse_rbs_menu(unsel, "700123", &n), LUNA_RBS_MENU_UNSELECTED);
    assert_int_equal(n, 2);
    /* the serial is not checked when unknown */
    assert_int_equal(luna_parse_rbs_menu(sel, "", NULL), LUNA_RBS_MENU_SELECTED);
}

static void test_table_layout(void **state)
{
    (void)state;
    long n = 0;
    const char *sel = BANNER "No. | Sel | Model                | Serial       | Firmware\n"
                      "----+-----+----------------------+--------------+---------\n"
                      "  1 |  *  | Luna Backup HSM 7    | 700123       | 7.7.1\n\n"
                      "Choice (number = toggle the device, X = save and exit) > ";
    assert_int_equal(luna_parse_rbs_menu(sel, "700123", &n), LUNA_RBS_MENU_SELECTED);
    assert_int_equal(n, 1);
    const char *unsel = BANNER "No. | Sel | Model                | Serial       | Firmware\n"
                        "  1 |     | Luna Backup HSM 7    | 700123       | 7.7.1\n";
    assert_int_equal(luna_parse_rbs_menu(unsel, "700123", &n), LUNA_RBS_MENU_UNSELECTED);
}

static void test_unsure(void **state)
{
    (void)state;
    long n = 0;
    /* two devices: never a guess */
    assert_int_equal(luna_parse_rbs_menu(BANNER "  1  [x]  HSM serial 700123\n"
                                                "  2  [ ]  HSM serial 700124\n", "700123", &n),
                     LUNA_RBS_MENU_UNSURE);
    assert_int_equal(n, -1);
    /* one device, but another serial (or the serial inside a longer one) */
    assert_int_equal(luna_parse_rbs_menu(BANNER "  1  [x]  HSM serial 700124\n", "700123", &n),
                     LUNA_RBS_MENU_UNSURE);
    assert_int_equal(luna_parse_rbs_menu(BANNER "  1  [x]  HSM serial 7001234\n", "700123", &n),
                     LUNA_RBS_MENU_UNSURE);
    /* a mark rotwiz cannot read, or none */
    assert_int_equal(luna_parse_rbs_menu(BANNER "  1  [on]  HSM serial 700123\n", "700123", &n),
                     LUNA_RBS_MENU_UNSURE);
    assert_int_equal(luna_parse_rbs_menu(BANNER "  1. HSM serial 700123 (selected)\n", "700123",
                                         &n), LUNA_RBS_MENU_UNSURE);
    assert_int_equal(luna_parse_rbs_menu(BANNER "  1  [x  HSM serial 700123\n", "700123", &n),
                     LUNA_RBS_MENU_UNSURE);
    /* no device at all, an empty text, NULL */
    assert_int_equal(luna_parse_rbs_menu(BANNER "  (none found)\n\nEnter X to save and exit: ",
                                         "700123", &n), LUNA_RBS_MENU_UNSURE);
    assert_int_equal(luna_parse_rbs_menu("", "700123", &n), LUNA_RBS_MENU_UNSURE);
    assert_int_equal(luna_parse_rbs_menu(NULL, NULL, NULL), LUNA_RBS_MENU_UNSURE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_layout),
        cmocka_unit_test(test_table_layout),
        cmocka_unit_test(test_unsure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
