/* test_luna_banner.c: lunacm / vtl banners of every client generation, version helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "fixture_util.h"
#include "luna_parse.h"

static void check(const char *fixture, const char *tool, int maj, int min, int pat, int build,
                  const char *vendor)
{
    char *forms[2] = {fixture_load(fixture), fixture_load_crlf(fixture)};
    for (size_t i = 0; i < 2; i++) {
        struct luna_version v;
        char buf[32];
        assert_true(luna_parse_banner(forms[i], &v));
        assert_string_equal(v.tool, tool);
        assert_int_equal(v.major, maj);
        assert_int_equal(v.minor, min);
        assert_int_equal(v.patch, pat);
        assert_int_equal(v.build, build);
        assert_string_equal(v.vendor, vendor);
        luna_version_string(&v, buf, sizeof buf);
        char want[32];
        snprintf(want, sizeof want, "%d.%d.%d", maj, min, pat);
        assert_string_equal(buf, want);
        free(forms[i]);
    }
}

static void test_71(void **state)
{
    (void)state;
    check("session_71.txt", "LunaCM", 7, 1, 0, 379, "SafeNet");
}

static void test_72(void **state)
{
    (void)state;
    check("session_72.txt", "lunacm", 7, 2, 0, 220, "SafeNet");
}

static void test_711(void **state)
{
    (void)state;
    check("session_711.txt", "lunacm", 7, 11, 1, 5, "SafeNet Assured Technologies, LLC");
}

static void test_104(void **state)
{
    (void)state;
    check("session_104.txt", "lunacm", 10, 4, 0, 275, "Thales Group");
}

static void test_vtl(void **state)
{
    (void)state;
    check("banner_vtl.txt", "vtl", 10, 7, 2, 16, "Thales Group");
}

static void test_banner_odd(void **state)
{
    (void)state;
    struct luna_version v;
    /* after an echoed command, with indentation, without build number */
    assert_true(luna_parse_banner("$ ./lunacm\n\tlunacm v6.3.0. Copyright (C) 2016 SafeNet.\n",
                                  &v));
    assert_int_equal(v.major, 6);
    assert_int_equal(v.minor, 3);
    assert_int_equal(v.build, -1);
    assert_string_equal(v.vendor, "SafeNet");
    /* over a PTY the shell prompt may share the banner's line */
    assert_true(luna_parse_banner("[ksadmin@k570 ~]$ lunacm (64-bit) v10.4.0-275. Copyright (c) "
                                  "2022 Thales Group. All rights reserved.\n", &v));
    assert_int_equal(v.major, 10);
    assert_int_equal(v.build, 275);
    assert_string_equal(v.tool, "lunacm");
    assert_string_equal(v.vendor, "Thales Group");
    assert_false(luna_parse_banner("\tModel ->                LunaSA 7.2.0\n", &v));
    assert_false(luna_parse_banner("Ped Server Version 1.0.6 (10006)\n", &v));
    assert_false(luna_parse_banner("lunacm:>", &v));
    assert_false(luna_parse_banner("", &v));
}

static void test_dotted_and_cmp(void **state)
{
    (void)state;
    int a, b, c;
    assert_true(luna_parse_dotted("7.7.1", &a, &b, &c));
    assert_int_equal(a, 7);
    assert_int_equal(b, 7);
    assert_int_equal(c, 1);
    assert_true(luna_parse_dotted(" 6.28 ", &a, &b, &c));
    assert_int_equal(a, 6);
    assert_int_equal(b, 28);
    assert_int_equal(c, 0);
    assert_true(luna_parse_dotted("10.4.0-275", &a, &b, &c));
    assert_int_equal(a, 10);
    assert_false(luna_parse_dotted("7", &a, &b, &c));
    assert_false(luna_parse_dotted("LunaSA 7.2.0", &a, &b, &c));
    assert_false(luna_parse_dotted("7.x", &a, &b, &c));
    assert_false(luna_parse_dotted("", &a, &b, &c));
    assert_false(luna_parse_dotted(NULL, &a, &b, &c));
    assert_true(luna_version_cmp(7, 7, 0, 7, 7, 1) < 0);
    assert_true(luna_version_cmp(10, 4, 0, 7, 11, 1) > 0);
    assert_true(luna_version_cmp(6, 28, 0, 6, 28, 0) == 0);
    assert_true(luna_version_cmp(7, 10, 0, 7, 9, 9) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_71),     cmocka_unit_test(test_72),
        cmocka_unit_test(test_711),    cmocka_unit_test(test_104),
        cmocka_unit_test(test_vtl),    cmocka_unit_test(test_banner_odd),
        cmocka_unit_test(test_dotted_and_cmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
