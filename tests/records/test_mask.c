/* Masking: every option form, known values in longer text, prompt lines, substring and
 * overlapping secrets, and nothing else altered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "mask.h"

static void expect_masked(const struct masker *m, const char *in, const char *want)
{
    char out[512];
    size_t n = mask_line(m, in, out, sizeof(out));
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_option_forms(void **state)
{
    (void)state;
    expect_masked(NULL, "role login -name co -password hunter2",
                  "role login -name co -password ********");
    expect_masked(NULL, "-PASSWORD Hunter2", "-PASSWORD ********");
    expect_masked(NULL, "lunacm:>role login -n co -p abc", "lunacm:>role login -n co -p ********");
    expect_masked(NULL, "partition archive backup -slot 5 -partition rot -sopassword s3cret "
                        "-password p4ss -domain dom",
                  "partition archive backup -slot 5 -partition rot -sopassword ******** "
                  "-password ******** -domain dom");
    expect_masked(NULL, "tool --password=abc def", "tool --password=******** def");
    expect_masked(NULL, "tool -Password=abc", "tool -Password=********");
    expect_masked(NULL, "x -password \"two words\" -slot 3", "x -password ******** -slot 3");
    expect_masked(NULL, "x -password='two words' -slot 3", "x -password=******** -slot 3");
    expect_masked(NULL, "x -SoPassword 'a b c'", "x -SoPassword ********");
    expect_masked(NULL, "role login -name co -pass abc", "role login -name co -pass ********");
    expect_masked(NULL, "x -sopw a -newpw b -oldpw c", "x -sopw ******** -newpw ******** "
                                                       "-oldpw ********");
    expect_masked(NULL, "x -password\tabc", "x -password\t********");
    /* the vendor procedure's own spelling */
    expect_masked(NULL, "partition archive restore -s 6 -partition rot -do dom -sop s3cret "
                        "-pas p4ss",
                  "partition archive restore -s 6 -partition rot -do dom -sop ******** "
                  "-pas ********");
    /* An option at the end has no value to hide. */
    expect_masked(NULL, "role login -name co -password", "role login -name co -password");
}

static void test_options_left_alone(void **state)
{
    (void)state;
    const char *lines[] = {
        "slot set -slot 3",
        "rbs s -port 1792",
        "partition archive backup -slot 5 -partition rot-backup -domain k570-rot",
        "vtl addServer -n 192.0.2.10 -c server.pem",
        "ped set -ip 192.0.2.10 -port 1503",
        "x-password y",          /* not an option: no space before the dash */
        "Command Result : 0xa0 (CKR_PIN_INCORRECT)",
        "Error in execution: Incorrect password.",
        "\tPartition SO PIN To Be Changed -> False",
        "\tConfiguration ->        Luna User Partition With SO (PW) Signing With Cloning Mode",
        "\tLabel ->                rotpart",
        "\tType 'proceed' to continue, or 'quit' to quit now ->proceed",
        "lunacm:> slot list",
        "",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        expect_masked(NULL, lines[i], lines[i]);
}

static void test_prompt_lines(void **state)
{
    (void)state;
    expect_masked(NULL, "Enter password for Partition SO: hunter2",
                  "Enter password for Partition SO: ********");
    expect_masked(NULL, "Password: x", "Password: ********");
    expect_masked(NULL, "\tRe-enter new RBS password: zz  ",
                  "\tRe-enter new RBS password: ********  ");
    expect_masked(NULL, "Please enter the password ->abc", "Please enter the password ->********");
    expect_masked(NULL, "lunacm:> Enter PIN: 1234", "lunacm:> Enter PIN: ********");
    expect_masked(NULL, "SO Password: abc:def", "SO Password: ********");
    expect_masked(NULL, "Password for server.key: k3y", "Password for server.key: ********");
    expect_masked(NULL, "Passphrase (again): k3y", "Passphrase (again): ********");
    /* Already starred by lunacm, or nothing typed: unchanged. */
    expect_masked(NULL, "Enter password for Partition SO: ********",
                  "Enter password for Partition SO: ********");
    expect_masked(NULL, "Enter password:", "Enter password:");
    expect_masked(NULL, "Enter password:   ", "Enter password:   ");
}

static void test_known_values(void **state)
{
    (void)state;
    struct masker *m = mask_new();
    assert_non_null(m);
    assert_int_equal(mask_add_secret(m, "hunter2"), 0);
    assert_int_equal(mask_add_secret(m, "hunter2"), 0);    /* a repeat is ignored */
    assert_int_equal(mask_add_secret(m, ""), 0);
    assert_int_equal(mask_secret_count(m), 1);
    expect_masked(m, "echo xhunter2y and hunter2", "echo x********y and ********");
    expect_masked(m, "hunter2hunter2", "********");
    expect_masked(m, "no secret here", "no secret here");
    mask_free(m);
}

static void test_overlap_and_substrings(void **state)
{
    (void)state;
    struct masker *m = mask_new();
    mask_add_secret(m, "abcd");
    mask_add_secret(m, "cdef");
    expect_masked(m, "xxabcdefxx", "xx********xx");
    mask_add_secret(m, "pass");
    mask_add_secret(m, "password123");
    expect_masked(m, "password123 and pass and passw", "******** and ******** and ********w");
    mask_add_secret(m, "ab");
    expect_masked(m, "xabx ababab", "x********x ********");
    mask_add_secret(m, "q");                       /* one character is masked too */
    expect_masked(m, "aqa", "a********a");
    mask_add_secret(m, "a.*[b]\\");                /* no special meaning to any character */
    expect_masked(m, "<a.*[b]\\>", "<********>");
    mask_free(m);
}

static void test_value_and_option_together(void **state)
{
    (void)state;
    struct masker *m = mask_new();
    mask_add_secret(m, "Sup3r");
    expect_masked(m, "role login -name co -password Sup3rSecret now Sup3r",
                  "role login -name co -password ******** now ********");
    mask_free(m);
}

static void test_cut_output(void **state)
{
    (void)state;
    struct masker *m = mask_new();
    mask_add_secret(m, "hunter2");
    char out[8];
    size_t n = mask_line(m, "ab hunter2 cd", out, sizeof(out));
    assert_int_equal(n, strlen("ab ******** cd"));
    assert_int_equal(strlen(out), 7);
    assert_string_equal(out, "ab ****");
    assert_null(strstr(out, "hun"));
    /* Long lines work the same way as short ones. */
    char big[5000], res[6000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big + 4000, "hunter2", 7);
    mask_line(m, big, res, sizeof(res));
    assert_null(strstr(res, "hunter2"));
    assert_int_equal(strlen(res), sizeof(big) - 1 - 7 + 8);
    mask_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_forms),
        cmocka_unit_test(test_options_left_alone),
        cmocka_unit_test(test_prompt_lines),
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_overlap_and_substrings),
        cmocka_unit_test(test_value_and_option_together),
        cmocka_unit_test(test_cut_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
