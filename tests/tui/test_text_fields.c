/* test_text_fields.c: the wizard's text fields refuse what validate.h refuses: an empty
 * operator name, control characters in names and answers, overlong names. Typed control keys
 * never enter a field; a proposed value may hold them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <string.h>
#include "dialog.h"

static void type(struct dialog *d, const char *s)
{
    for (; *s; s++)
        dialog_key(d, KA_NONE, (wint_t)(unsigned char)*s);
}

static void test_operator_name(void **state)
{
    (void)state;
    struct dialog d;
    memset(&d, 0, sizeof d);
    dialog_open_text(&d, "Operator", "Name of the operator", "Name", "");
    assert_false(dialog_ok_enabled(&d));        /* empty: refused */
    type(&d, "Ana Souza");
    assert_true(dialog_ok_enabled(&d));
    type(&d, "\x1b\x07");                       /* control keys never enter the field */
    assert_string_equal(d.fields[0].buf, "Ana Souza");
    assert_true(dialog_ok_enabled(&d));
    dialog_close(&d);
    /* a proposed value with a control character is refused until corrected */
    dialog_open_text(&d, "Operator", "Name of the operator", "Name", "Ana\x1b[2J");
    assert_false(dialog_ok_enabled(&d));
    dialog_key(&d, KA_BACKSPACE, 0);
    dialog_key(&d, KA_BACKSPACE, 0);
    dialog_key(&d, KA_BACKSPACE, 0);
    dialog_key(&d, KA_BACKSPACE, 0);
    assert_string_equal(d.fields[0].buf, "Ana");
    assert_true(dialog_ok_enabled(&d));
    dialog_close(&d);
    dialog_open_text(&d, "Operator", "Name", "Name", "");
    for (int i = 0; i < 65; i++)
        type(&d, "a");
    assert_false(dialog_ok_enabled(&d));         /* longer than 64 characters */
    dialog_close(&d);
}

static void test_witness_and_answers(void **state)
{
    (void)state;
    struct dialog d;
    memset(&d, 0, sizeof d);
    dialog_open_text(&d, "Witness", "Name of a witness (leave empty when none)", "Name", "");
    assert_true(dialog_ok_enabled(&d));          /* no witness is fine */
    dialog_close(&d);
    dialog_open_text(&d, "Witness", "Name of a witness", "Name", "Bo\tb");
    assert_false(dialog_ok_enabled(&d));
    dialog_close(&d);
    dialog_open_text(&d, "rbs", "Choose", "Answer", "");
    type(&d, "1");
    assert_true(dialog_ok_enabled(&d));
    dialog_close(&d);
    dialog_open_text(&d, "rbs", "Choose", "Answer", "1\r");
    assert_false(dialog_ok_enabled(&d));
    dialog_close(&d);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operator_name),
        cmocka_unit_test(test_witness_and_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
