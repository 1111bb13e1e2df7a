/* test_luna_help.c: luna_parse_help / luna_help_resolve / luna_help_lists_command on several
 * layouts of lunacm's `<command> -help` and `help`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "luna_parse_help.h"

static enum luna_help_match res(const struct luna_help *h, const char *opt)
{
    int which;
    return luna_help_resolve(h, opt, &which);
}

/* rotwiz types these on the archive backup */
static void assert_vendor_options(const struct luna_help *h)
{
    assert_int_equal(res(h, "-s"), LUNA_HELP_EXACT);
    assert_int_equal(res(h, "-partition"), LUNA_HELP_EXACT);
    assert_int_equal(res(h, "-do"), LUNA_HELP_PREFIX);
    assert_int_equal(res(h, "-sop"), LUNA_HELP_PREFIX);
    assert_int_equal(res(h, "-pas"), LUNA_HELP_PREFIX);
    assert_int_equal(res(h, "-replace"), LUNA_HELP_EXACT);
    assert_int_equal(res(h, "-bogus"), LUNA_HELP_NONE);
}

static void table_without_dashes(void **state)
{
    (void)state;
    const char *t =
        "\tpartition archive backup - Back up the partition\r\n"
        "\r\n"
        "\tParameter       Shortcut    Description\r\n"
        "\tslot            s           takes a value\r\n"
        "\tpartition       par         takes a value\r\n"
        "\tdomain          dom         takes a value\r\n"
        "\tsopassword      sopw        takes a value\r\n"
        "\tpassword        pw          takes a value\r\n"
        "\tappend                      a flag, no value\r\n"
        "\treplace                     a flag, no value\r\n"
        "\tforce           f           a flag, no value\r\n"
        "\r\nCommand Result : No Error\r\n";
    struct luna_help h;
    assert_true(luna_parse_help(t, &h));
    assert_int_equal(h.count, 8);
    assert_string_equal(h.opts[3].name, "sopassword");
    assert_string_equal(h.opts[3].alias, "sopw");
    assert_string_equal(h.opts[5].alias, "");
    assert_vendor_options(&h);
    assert_int_equal(res(&h, "-f"), LUNA_HELP_EXACT);
    assert_int_equal(res(&h, "-pa"), LUNA_HELP_AMBIGUOUS);
}

static void usage_line(void **state)
{
    (void)state;
    const char *t = "Usage: partition archive backup [-slot|-s <value>] [-partition|-par <value>] "
                    "[-domain|-dom <value>] [-sopassword|-sopw <value>] [-password|-pw <value>] "
                    "[-append|-replace] [-force|-f]\n\nBack up the partition\n";
    struct luna_help h;
    assert_true(luna_parse_help(t, &h));
    assert_int_equal(h.count, 8);
    assert_string_equal(h.opts[6].name, "replace");   /* -append|-replace: two options */
    assert_string_equal(h.opts[5].alias, "");
    assert_vendor_options(&h);
}

static void table_with_dashes_and_wrapping(void **state)
{
    (void)state;
    const char *t =
        "partition archive backup - Backup the contents of a partition to a backup HSM.\n"
        "\n"
        "Short: par ar b\n"
        "\n"
        "Syntax: partition archive backup -slot <slot> -partition <name> [-domain <d>]\n"
        "\n"
        "    Option          Shortcut   Description\n"
        "    -----------     --------   -----------\n"
        "    -slot           -s         The slot of the backup HSM, as slot list shows\n"
        "                               it (a non-negative number, 0-99).\n"
        "    -partition      -par       The backup partition's name.\n"
        "    -domain         -dom       The cloning domain.\n"
        "    -sopassword     -sopw      The backup HSM SO's password.\n"
        "    -password       -pw        The partition password.\n"
        "    -replace                   Replace an existing backup.\n";
    struct luna_help h;
    assert_true(luna_parse_help(t, &h));
    assert_int_equal(h.count, 6);
    assert_string_equal(h.opts[0].alias, "s");
    assert_vendor_options(&h);
}

static void dropped_option(void **state)
{
    (void)state;
    const char *t = "Usage: partition archive backup [-slot|-s <value>] [-partition|-par <value>] "
                    "[-domain|-dom <value>] [-password|-pw <value>] [-replace]\n";
    struct luna_help h;
    assert_true(luna_parse_help(t, &h));
    assert_int_equal(res(&h, "-sop"), LUNA_HELP_NONE);
    assert_int_equal(res(&h, "-pas"), LUNA_HELP_PREFIX);
    char buf[300];
    luna_help_format(&h, buf, sizeof buf);
    assert_non_null(strstr(buf, "-slot (-s)"));
    assert_null(strstr(buf, "sop"));
}

static void role_login_aliases(void **state)
{
    (void)state;
    const char *t = "role login -name <co|so> [-password <pw>]\n"
                    "    -n is -name, -p is -password\n";
    struct luna_help h;
    assert_true(luna_parse_help(t, &h));
    assert_int_equal(res(&h, "-n"), LUNA_HELP_EXACT);
    assert_int_equal(res(&h, "-p"), LUNA_HELP_EXACT);
    assert_int_equal(res(&h, "-name"), LUNA_HELP_EXACT);
}

static void unreadable(void **state)
{
    (void)state;
    struct luna_help h;
    assert_false(luna_parse_help("Error in execution: Invalid parameter '-help'\n\n"
                                 "Command Result : 0x7 (CKR_ARGUMENTS_BAD)\n", &h));
    assert_false(luna_parse_help("", &h));
    assert_false(luna_parse_help(NULL, &h));
    assert_false(luna_parse_help("non-empty text with 1-32 and --- rules", &h));
    char buf[32];
    luna_help_format(&h, buf, sizeof buf);
    assert_string_equal(buf, "no options");
}

static void many_options(void **state)
{
    (void)state;
    char t[8192] = "";
    for (int i = 0; i < 60; i++) {
        char w[32];
        snprintf(w, sizeof w, " -opt%d", i);
        strcat(t, w);
    }
    struct luna_help h;
    assert_true(luna_parse_help(t, &h));
    assert_true(h.truncated);
    assert_int_equal(h.count, LUNA_HELP_MAX_OPTS);
}

static void help_listing(void **state)
{
    (void)state;
    const char *t = "Commands available on this host (words may be shortened, e.g. 'par con'):\n"
                    "\n"
                    "\tslot list                   List the available slots\n"
                    "\tpartition contents          List the objects\n"
                    "\tpartition archive backup    Back up\n"
                    "\thsm ped vector init         Same as ped vector init\n";
    assert_true(luna_help_lists_command(t, "slot list"));
    assert_true(luna_help_lists_command(t, "partition contents"));
    assert_true(luna_help_lists_command(t, "hsm ped vector init"));
    assert_false(luna_help_lists_command(t, "partition clear"));
    assert_false(luna_help_lists_command(t, "ped show"));
    assert_true(luna_help_lists_command("  par con   list\n", "partition contents"));
    assert_false(luna_help_lists_command(NULL, "slot list"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_without_dashes),   cmocka_unit_test(usage_line),
        cmocka_unit_test(table_with_dashes_and_wrapping), cmocka_unit_test(dropped_option),
        cmocka_unit_test(role_login_aliases),     cmocka_unit_test(unreadable),
        cmocka_unit_test(many_options),           cmocka_unit_test(help_listing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
