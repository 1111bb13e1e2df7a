/* test_luna_result.c: Command Result lines, result names and what lunacm waits for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixture_util.h"
#include "luna_parse.h"

/* Parses fixture NAME as is, with CRLF, and with its TABs replaced by 8/4/2 spaces: every form
 * must give the same result. */
static void parse_variants(const char *name, struct luna_result *out)
{
    char *forms[5] = {fixture_load(name), fixture_load_crlf(name),
                      fixture_load_indent(name, "        "), fixture_load_indent(name, "    "),
                      fixture_load_indent(name, "  ")};
    assert_true(luna_parse_result(forms[0], out));
    for (size_t i = 1; i < 5; i++) {
        struct luna_result r;
        assert_true(luna_parse_result(forms[i], &r));
        assert_int_equal(r.ok, out->ok);
        assert_int_equal(r.code, out->code);
        assert_string_equal(r.text, out->text);
        assert_string_equal(r.error, out->error);
    }
    for (size_t i = 0; i < 5; i++)
        free(forms[i]);
}

static void test_ok(void **state)
{
    (void)state;
    struct luna_result r;
    parse_variants("result_ok.txt", &r);
    assert_true(r.found);
    assert_true(r.ok);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.text, "");
    assert_string_equal(r.error, "");
}

static void test_fail_error_colon(void **state)
{
    (void)state;
    struct luna_result r;
    parse_variants("result_fail_error_colon.txt", &r);
    assert_true(r.found);
    assert_false(r.ok);
    assert_int_equal(r.code, 0xa0);
    assert_string_equal(r.text, "Incorrect PIN");
    assert_string_equal(r.error, "CKR_PIN_INCORRECT");
}

static void test_fail_error_space_colon(void **state)
{
    (void)state;
    struct luna_result r;
    parse_variants("result_fail_error_space_colon.txt", &r);
    assert_false(r.ok);
    assert_int_equal(r.code, 0x8000006f);
    assert_string_equal(r.text, "Object Already Exists");
    assert_string_equal(r.error, "RC_OBJECT_ALREADY_EXISTS");
}

static void test_fail_plain(void **state)
{
    (void)state;
    struct luna_result r;
    parse_variants("result_fail_plain.txt", &r);
    assert_false(r.ok);
    assert_int_equal(r.code, 0xb);
    assert_string_equal(r.text, "User Cancelled Operation");
    assert_string_equal(r.error, "");
}

/* The last result counts, and an error line belongs only to the result that follows it. */
static void test_last_result(void **state)
{
    (void)state;
    struct luna_result r;
    parse_variants("result_multi.txt", &r);
    assert_false(r.ok);
    assert_int_equal(r.code, 0x101);
    assert_string_equal(r.text, "User Not Logged In");
    assert_string_equal(r.error, "");
}

static void test_no_result(void **state)
{
    (void)state;
    struct luna_result r;
    char *t = fixture_load("result_none.txt");
    r.found = true;
    assert_false(luna_parse_result(t, &r));
    assert_false(r.found);
    assert_false(luna_parse_result("", &r));
    free(t);
}

static void test_odd_results(void **state)
{
    (void)state;
    struct luna_result r;
    /* spacing variants of the line itself */
    assert_true(luna_parse_result("Command Result: No Error", &r));
    assert_true(r.ok);
    assert_true(luna_parse_result("Command  Result  :  0xA4 (PIN locked (SO))\r\n", &r));
    assert_false(r.ok);
    assert_int_equal(r.code, 0xa4);
    assert_string_equal(r.text, "PIN locked (SO)");
    /* a code without text */
    assert_true(luna_parse_result("Command Result : 0x80000007\n", &r));
    assert_int_equal(r.code, 0x80000007);
    assert_string_equal(r.text, "");
}

static void test_is_result_line(void **state)
{
    (void)state;
    assert_true(luna_is_result_line("Command Result : No Error"));
    assert_true(luna_is_result_line("Command Result : No Error\r\n"));
    assert_true(luna_is_result_line("Command Result : 0xb (User Cancelled Operation)"));
    assert_true(luna_is_result_line("  Command Result: 0xa0 (x)  "));
    assert_false(luna_is_result_line("Error in execution: CKR_PIN_INCORRECT."));
    assert_false(luna_is_result_line("\tCurrent Slot Id: 3"));
    assert_false(luna_is_result_line("Command Results are printed below"));
    assert_false(luna_is_result_line("lunacm:>"));
    assert_false(luna_is_result_line(""));
    assert_false(luna_is_result_line(NULL));
    /* only the first line of a buffer counts */
    assert_false(luna_is_result_line("hello\nCommand Result : No Error"));
}

static void test_result_names(void **state)
{
    (void)state;
    assert_string_equal(luna_result_name(0xa0), "CKR_PIN_INCORRECT");
    assert_string_equal(luna_result_name(0xa4), "CKR_PIN_LOCKED");
    assert_string_equal(luna_result_name(0x100), "CKR_USER_ALREADY_LOGGED_IN");
    assert_string_equal(luna_result_name(0x101), "CKR_USER_NOT_LOGGED_IN");
    assert_string_equal(luna_result_name(0x80000007), "CKR_USER_LOCKED_OUT");
    assert_string_equal(luna_result_name(0x8000001c), "CKR_SO_LOGIN_FAILURE_THRESHOLD");
    assert_string_equal(luna_result_name(0x80000008), "CKR_CLONING_PARAMETER_ALREADY_EXISTS");
    assert_string_equal(luna_result_name(0x8000002a), "CKR_HSM_STORAGE_FULL");
    assert_string_equal(luna_result_name(0x8000006f), "CKR_OBJECT_ALREADY_EXISTS");
    assert_string_equal(luna_result_name(0xb), "user cancelled");
    assert_null(luna_result_name(0));
    assert_null(luna_result_name(0x12345));
}

static void test_result_format(void **state)
{
    (void)state;
    struct luna_result r;
    char buf[256];
    char *t = fixture_load("result_fail_error_colon.txt");
    assert_true(luna_parse_result(t, &r));
    luna_result_format(&r, buf, sizeof buf);
    /* the code's name once, never "CKR_PIN_INCORRECT (CKR_PIN_INCORRECT)" */
    assert_string_equal(buf, "0xa0 CKR_PIN_INCORRECT (Incorrect PIN)");
    free(t);
    assert_true(luna_parse_result("Command Result : 0xa0 (CKR_PIN_INCORRECT)", &r));
    luna_result_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "0xa0 CKR_PIN_INCORRECT");
    assert_true(luna_parse_result("Command Result : 0x3 (Slot ID Invalid)", &r));
    luna_result_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "0x3 (Slot ID Invalid)");
    assert_true(luna_parse_result("Command Result : No Error", &r));
    luna_result_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "No Error");
    assert_false(luna_parse_result("nothing", &r));
    luna_result_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "no Command Result");
    assert_true(luna_parse_result("Command Result : 0x8000001c (x)", &r));
    luna_result_format(&r, buf, 12);   /* truncated, still terminated */
    assert_string_equal(buf, "0x8000001c ");
}

static void test_prompt(void **state)
{
    (void)state;
    assert_true(luna_ends_with_prompt("lunacm:>"));
    assert_true(luna_ends_with_prompt("Command Result : No Error\r\n\r\nlunacm:> "));
    assert_true(luna_ends_with_prompt("banner\n\nlunacm:>\t"));
    assert_false(luna_ends_with_prompt("lunacm:>slot list"));
    assert_false(luna_ends_with_prompt("lunacm:> slot list\r\n"));
    assert_false(luna_ends_with_prompt("lunacm:>\n"));
    assert_false(luna_ends_with_prompt(""));
    assert_false(luna_ends_with_prompt(NULL));
}

static void test_confirm(void **state)
{
    (void)state;
    const char *q = "\tAre you sure you wish to continue?\n\n"
                    "\tType 'proceed' to continue, or 'quit' to quit now ->";
    char buf[256];
    assert_true(luna_ends_with_confirm(q));
    snprintf(buf, sizeof buf, "%s ", q);
    assert_true(luna_ends_with_confirm(buf));
    snprintf(buf, sizeof buf, "%s", q);
    for (char *p = buf; (p = strchr(p, '\n')) != NULL; p++)
        *p = '\r';    /* lone CRs as a PTY may show them */
    assert_true(luna_ends_with_confirm(buf));
    assert_true(luna_ends_with_confirm("    Type 'proceed' to continue, or 'quit' to quit now"
                                       " -> "));
    /* answered, with or without a space after the arrow */
    snprintf(buf, sizeof buf, "%sproceed", q);
    assert_false(luna_ends_with_confirm(buf));
    snprintf(buf, sizeof buf, "%s quit\r\n", q);
    assert_false(luna_ends_with_confirm(buf));
    assert_false(luna_ends_with_confirm("\tSlot Id ->"));
    assert_false(luna_ends_with_confirm("lunacm:>"));
    assert_false(luna_ends_with_confirm(NULL));
}

static void test_password_prompt(void **state)
{
    (void)state;
    assert_true(luna_ends_with_password_prompt("lunacm:>role login -n co\n\n\tEnter password:"));
    assert_true(luna_ends_with_password_prompt("\tEnter password for Partition SO: "));
    assert_true(luna_ends_with_password_prompt("Enter Password:\r\n"));
    assert_true(luna_ends_with_password_prompt("  Please enter the RBS PASSWORD :\n\n"));
    assert_true(luna_ends_with_password_prompt("\tEnter the challenge secret:"));
    /* answered: the echo is one '*' per character */
    assert_false(luna_ends_with_password_prompt("\tEnter password for Partition SO: ********"));
    assert_false(luna_ends_with_password_prompt("Enter password: ****\nCommand Result : No Error"));
    assert_false(luna_ends_with_password_prompt("\tCurrent Slot Id:"));
    assert_false(luna_ends_with_password_prompt("lunacm:>"));
    assert_false(luna_ends_with_password_prompt(""));
    assert_false(luna_ends_with_password_prompt(NULL));
}

static void test_wants_ped(void **state)
{
    (void)state;
    assert_true(luna_wants_ped("lunacm:>role login -n co\n\n\tPlease attend to the PED.\n"));
    assert_true(luna_wants_ped("    Please attend to the PED.\r\n"));
    assert_false(luna_wants_ped("lunacm:>role login -n co\n\nCommand Result : No Error\n"));
    assert_false(luna_wants_ped(""));
    assert_false(luna_wants_ped(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok),
        cmocka_unit_test(test_fail_error_colon),
        cmocka_unit_test(test_fail_error_space_colon),
        cmocka_unit_test(test_fail_plain),
        cmocka_unit_test(test_last_result),
        cmocka_unit_test(test_no_result),
        cmocka_unit_test(test_odd_results),
        cmocka_unit_test(test_is_result_line),
        cmocka_unit_test(test_result_names),
        cmocka_unit_test(test_result_format),
        cmocka_unit_test(test_prompt),
        cmocka_unit_test(test_confirm),
        cmocka_unit_test(test_password_prompt),
        cmocka_unit_test(test_wants_ped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
