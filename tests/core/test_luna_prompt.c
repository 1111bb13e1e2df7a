/* test_luna_prompt.c: what a prompt asks for, judged by its words (core/luna/luna_parse_prompt.c),
 * across the wordings the lab's knob prompt-words varies and other plausible ones; and the
 * shape of a prompt that waits for input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "luna_parse.h"

static void expect(const char *line, enum luna_secret_kind kind, bool confirm)
{
    struct luna_prompt p;
    luna_classify_prompt(line, &p);
    if (p.kind != kind || p.confirm != confirm)
        fail_msg("'%s': kind %d confirm %d, expected %d %d", line, p.kind, p.confirm, kind,
                 confirm);
}

static void test_kinds_by_words(void **state)
{
    (void)state;
    expect("Enter password for the SO: ", LUNA_SK_SO, false);
    expect("Please enter the Security Officer (SO) password for the Backup HSM:", LUNA_SK_SO,
           false);
    expect("Enter the Crypto Officer password:", LUNA_SK_CO, false);
    expect("Enter challenge:", LUNA_SK_CO, false);
    expect("Enter password for the new partition: ", LUNA_SK_PARTITION, false);
    expect("Enter the password of backup partition 'rot-so-backup':", LUNA_SK_PARTITION, false);
    expect("Enter cloning domain for the new partition: ", LUNA_SK_DOMAIN, false);
    expect("Please enter the cloning domain:", LUNA_SK_DOMAIN, false);
    expect("Enter new RBS password: ", LUNA_SK_RBS, false);
    expect("Please enter the password for the Remote Backup Server key:", LUNA_SK_RBS, false);
    expect("Enter password: ", LUNA_SK_PASSWORD, false);
    expect("Password:", LUNA_SK_PASSWORD, false);
}

static void test_confirmations(void **state)
{
    (void)state;
    expect("Re-enter password to confirm: ", LUNA_SK_PASSWORD, true);
    expect("Re-enter cloning domain to confirm: ", LUNA_SK_DOMAIN, true);
    expect("Confirm RBS password: ", LUNA_SK_RBS, true);
    expect("Please re-enter it to confirm: ", LUNA_SK_NONE, true);
    expect("Again: ", LUNA_SK_NONE, true);
}

/* Several kinds at once, or none: nothing may be typed there. */
static void test_ambiguous_or_unknown(void **state)
{
    (void)state;
    expect("Enter password for Partition SO:", LUNA_SK_UNKNOWN, false);
    expect("Enter the Crypto Officer password of partition P:", LUNA_SK_UNKNOWN, false);
    expect("Enter the SO or CO password:", LUNA_SK_UNKNOWN, false);
    expect("Value:", LUNA_SK_UNKNOWN, false);
    expect("Continue?", LUNA_SK_UNKNOWN, false);
    /* a quoted name does not count: a partition called so-backup */
    expect("Enter the password of partition \"so-backup\":", LUNA_SK_PARTITION, false);
}

static void test_prompt_shape(void **state)
{
    (void)state;
    assert_true(luna_is_input_prompt("\tEnter password: "));
    assert_true(luna_is_input_prompt("Enter a device number, or X to save and exit >"));
    assert_true(luna_is_input_prompt("Overwrite it? (y/N)?"));
    assert_false(luna_is_input_prompt("lunacm:>"));
    assert_false(luna_is_input_prompt("lunacm:> "));
    assert_false(luna_is_input_prompt("\tType 'proceed' to continue, or 'quit' to quit now ->"));
    assert_false(luna_is_input_prompt("\tPlease attend to the PED."));
    assert_false(luna_is_input_prompt("Enter password: ***"));
    assert_false(luna_is_input_prompt("Label: x\nEnter password:"));
    assert_false(luna_is_input_prompt(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_by_words),
        cmocka_unit_test(test_confirmations),
        cmocka_unit_test(test_ambiguous_or_unknown),
        cmocka_unit_test(test_prompt_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
