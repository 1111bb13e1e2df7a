/* test_luna_contents.c: `partition contents` with both preambles, indentations, CRLF, empty
 * values, an empty partition and a failure. */
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

static void check_obj(const struct luna_object *o, const char *label, const char *handle,
                      const char *type, const char *uid)
{
    assert_string_equal(o->label, label);
    assert_string_equal(o->handle, handle);
    assert_string_equal(o->type, type);
    assert_string_equal(o->uid, uid);
}

static void test_user_preamble_all_indents(void **state)
{
    (void)state;
    char *forms[5] = {fixture_load("contents_user_tab.txt"),
                      fixture_load_crlf("contents_user_tab.txt"),
                      fixture_load_indent("contents_user_tab.txt", "        "),
                      fixture_load_indent("contents_user_tab.txt", "    "),
                      fixture_load_indent("contents_user_tab.txt", "  ")};
    for (size_t i = 0; i < 5; i++) {
        struct luna_objects o;
        assert_true(luna_parse_partition_contents(forms[i], &o));
        assert_int_equal(o.count, 3);
        assert_false(o.truncated);
        check_obj(&o.objects[0], "rot-kek", "28", "Symmetric Key", "fa0d00001a000001cc400e00");
        check_obj(&o.objects[1], "rot-signing", "31", "Private Key", "fa0d00001b000001cc400e00");
        check_obj(&o.objects[2], "rot-signing", "32", "Public Key", "fa0d00001c000001cc400e00");
        free(forms[i]);
    }
}

/* Crypto Officer preamble, short command form, 4 spaces, CRLF, an object with empty values. */
static void test_co_preamble_empty_values(void **state)
{
    (void)state;
    struct luna_objects o;
    char *t = fixture_load("contents_co_4sp_crlf.txt");
    assert_true(luna_parse_partition_contents(t, &o));
    assert_int_equal(o.count, 3);
    check_obj(&o.objects[0], "rot-kek", "28", "Symmetric Key", "fa0d00001a000001cc400e00");
    check_obj(&o.objects[2], "", "40", "Data", "");
    free(t);
}

static void test_empty_partition(void **state)
{
    (void)state;
    struct luna_objects o;
    char *t = fixture_load("contents_co_empty.txt");
    assert_true(luna_parse_partition_contents(t, &o));
    assert_int_equal(o.count, 0);
    free(t);
    /* unknown empty form: no preamble, no list, just success */
    assert_true(luna_parse_partition_contents("lunacm:>partition contents\n\n"
                                              "Command Result : No Error\n", &o));
    assert_int_equal(o.count, 0);
}

static void test_failure(void **state)
{
    (void)state;
    struct luna_objects o;
    char *t = fixture_load("contents_not_logged_in.txt");
    assert_false(luna_parse_partition_contents(t, &o));
    assert_int_equal(o.count, 0);
    free(t);
    assert_false(luna_parse_partition_contents("", &o));
}

static void test_truncated(void **state)
{
    (void)state;
    struct luna_objects *o = malloc(sizeof *o);
    char *text = malloc(64 * 1024);
    assert_non_null(o);
    assert_non_null(text);
    strcpy(text, "Object list:\n");
    for (int i = 0; i < LUNA_MAX_OBJECTS + 2; i++) {
        char b[128];
        snprintf(b, sizeof b, "\tLabel:         k%d\n\tHandle:        %d\n\n", i, i);
        strcat(text, b);
    }
    assert_true(luna_parse_partition_contents(text, o));
    assert_int_equal(o->count, LUNA_MAX_OBJECTS);
    assert_true(o->truncated);
    assert_string_equal(o->objects[LUNA_MAX_OBJECTS - 1].handle, "63");
    free(text);
    free(o);
}

/* Only a listing read completely may count as empty (luna_contents_certain). */
static void test_certainty(void **state)
{
    (void)state;
    struct luna_objects o;
    static const char *const certain[] = {
        "\tThe Crypto Officer is currently logged in.  Looking for objects in the\n"
        "\tCrypto Officer's partition.\n\tNo objects found in the partition.\n"
        "\nCommand Result : No Error\n",
        "\tObject list:\n\tNumber of objects: 0\n\nCommand Result : No Error\n",
        "\tObject list:\n\nCommand Result : No Error\n",
        "\tLogging in to partition rot on slot 6.\n\tEnter password for the SO: ********\n"
        "\tObject list:\n\tLabel:         k\n\tHandle:        7\n\tObject Type:   Private Key\n"
        "\tObject UID:    00aa\n\tNumber of objects: 1\n\nCommand Result : No Error\n",
    };
    for (size_t i = 0; i < sizeof certain / sizeof certain[0]; i++) {
        assert_true(luna_parse_partition_contents(certain[i], &o));
        if (!luna_contents_certain(&o))
            fail_msg("not certain: %s", certain[i]);
    }
    static const char *const doubtful[] = {
        /* a table layout: zero objects parsed, but rows that are objects */
        "\tHandle  Label  Type  UID\n\t17  k  Private Key  00aa\n\nCommand Result : No Error\n",
        /* rows without a header */
        "\t17  k  Private Key  00aa\n\nCommand Result : No Error\n",
        /* a stated count that is not what was read */
        "\tObject list:\n\tNumber of objects: 2\n\nCommand Result : No Error\n",
        /* a Name: value line outside an object block */
        "\tObject list:\n\tKey: k\n\nCommand Result : No Error\n",
    };
    for (size_t i = 0; i < sizeof doubtful / sizeof doubtful[0]; i++) {
        luna_parse_partition_contents(doubtful[i], &o);
        if (luna_contents_certain(&o))
            fail_msg("taken as certain: %s", doubtful[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_preamble_all_indents),
        cmocka_unit_test(test_co_preamble_empty_values),
        cmocka_unit_test(test_empty_partition),
        cmocka_unit_test(test_failure),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_certainty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
