/* test_luna_slots.c: `slot list` in every banner generation, indentation, order and trailer
 * form, and `slot set`. */
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

/* Parses fixture NAME as stored and in CRLF / 8, 4, 2-space variants; all must agree. */
static void parse_all(const char *name, struct slot_list *out)
{
    char *forms[5] = {fixture_load(name), fixture_load_crlf(name),
                      fixture_load_indent(name, "        "), fixture_load_indent(name, "    "),
                      fixture_load_indent(name, "  ")};
    assert_true(luna_parse_slot_list(forms[0], out));
    for (size_t i = 1; i < 5; i++) {
        struct slot_list l;
        assert_true(luna_parse_slot_list(forms[i], &l));
        assert_memory_equal(&l, out, sizeof l);
    }
    for (size_t i = 0; i < 5; i++)
        free(forms[i]);
}

static void check_slot(const struct slot *s, long id, const char *label, const char *desc,
                       enum slot_kind kind)
{
    assert_int_equal(s->id, id);
    assert_string_equal(s->label, label);
    assert_string_equal(s->description, desc);
    assert_int_equal(s->kind, kind);
}

static void test_71_tab_trailer(void **state)
{
    (void)state;
    struct slot_list l;
    parse_all("session_71.txt", &l);
    assert_int_equal(l.count, 2);
    check_slot(&l.slots[0], 0, "rotpart", "User Token Slot", SLOT_USER);
    assert_string_equal(l.slots[0].serial, "1238696044912");
    assert_string_equal(l.slots[0].model, "LunaSA 7.7.1");
    assert_string_equal(l.slots[0].firmware, "7.7.1");
    assert_string_equal(l.slots[0].configuration,
                        "Luna User Partition With SO (PW) Signing With Cloning Mode");
    check_slot(&l.slots[1], 1, "k570-hsm", "Admin Token Slot", SLOT_ADMIN);
    assert_true(l.has_current);
    assert_int_equal(l.current, 0);
}

static void test_72_8spaces_no_trailer(void **state)
{
    (void)state;
    struct slot_list l;
    parse_all("session_72.txt", &l);
    assert_int_equal(l.count, 3);
    check_slot(&l.slots[0], 0, "netpart", "Net Token Slot", SLOT_OTHER);
    check_slot(&l.slots[1], 3, "rotpart", "User Token Slot", SLOT_USER);
    check_slot(&l.slots[2], 4, "k570-hsm", "Admin Token Slot", SLOT_ADMIN);
    assert_false(l.has_current);
    assert_int_equal(l.current, -1);
    assert_ptr_equal(model_find_slot(&l, SLOT_USER), &l.slots[1]);
    assert_null(model_find_slot(&l, SLOT_NET_ADMIN));
}

/* 4 spaces, CRLF, trailing spaces, an empty label, ids out of order. */
static void test_711_crlf_empty_label(void **state)
{
    (void)state;
    struct slot_list l;
    char *t = fixture_load("session_711.txt");
    assert_non_null(strstr(t, "Label ->   \r\n"));   /* the fixture really has the variant */
    free(t);
    parse_all("session_711.txt", &l);
    assert_int_equal(l.count, 3);
    check_slot(&l.slots[0], 5, "k570-hsm", "Admin Token Slot", SLOT_ADMIN);
    check_slot(&l.slots[1], 3, "", "User Token Slot", SLOT_USER);
    assert_string_equal(l.slots[1].serial, "1238696044912");
    check_slot(&l.slots[2], 0, "backup-hsm", "Net Admin Token Slot", SLOT_NET_ADMIN);
    assert_string_equal(l.slots[2].configuration, "Luna Backup HSM (PW)");
    assert_true(l.has_current);
    assert_int_equal(l.current, 3);
}

/* 2 spaces, extra slots of other kinds, a label with spaces, None trailer. */
static void test_104_extra_slots_none(void **state)
{
    (void)state;
    struct slot_list l;
    parse_all("session_104.txt", &l);
    assert_int_equal(l.count, 5);
    check_slot(&l.slots[0], 7, "ha-group", "HA Virtual Card Slot", SLOT_OTHER);
    check_slot(&l.slots[1], 2, "lunanet", "LunaNet Slot", SLOT_OTHER);
    check_slot(&l.slots[2], 12, "rot part 2026", "User Token Slot", SLOT_USER);
    check_slot(&l.slots[3], 9, "backup-hsm", "Net Admin Token Slot", SLOT_NET_ADMIN);
    check_slot(&l.slots[4], 1, "k570-hsm", "Admin Token Slot", SLOT_ADMIN);
    assert_true(l.has_current);
    assert_int_equal(l.current, -1);
    assert_int_equal(model_find_slot(&l, SLOT_NET_ADMIN)->id, 9);
}

static void test_no_hsms(void **state)
{
    (void)state;
    struct slot_list l;
    parse_all("session_empty.txt", &l);
    assert_int_equal(l.count, 0);
    assert_true(l.has_current);
    assert_int_equal(l.current, -1);
}

static void test_echo_forms(void **state)
{
    (void)state;
    struct slot_list l;
    parse_all("slot_list_echo_space.txt", &l);
    assert_int_equal(l.count, 3);
    check_slot(&l.slots[0], 6, "netpart", "Net Token Slot", SLOT_OTHER);
    check_slot(&l.slots[1], 3, "rotpart", "User Token Slot", SLOT_USER);
    check_slot(&l.slots[2], 0, "k570-hsm", "Admin Token Slot", SLOT_ADMIN);
    assert_false(l.has_current);
    parse_all("slot_list_echo_nospace.txt", &l);
    assert_int_equal(l.count, 2);
    check_slot(&l.slots[0], 3, "rotpart", "User Token Slot", SLOT_USER);
    check_slot(&l.slots[1], 5, "backup-hsm", "Net Admin Token Slot", SLOT_NET_ADMIN);
    assert_true(l.has_current);
    assert_int_equal(l.current, 3);
}

/* A whole capture: the start-up listing, then `slot list` typed later: the last one wins. */
static void test_capture_last_listing_wins(void **state)
{
    (void)state;
    struct slot_list l;
    char *first = fixture_load("session_104.txt");         /* ends with the prompt */
    char *second = fixture_load("slot_list_echo_space.txt");   /* "lunacm:> slot list..." */
    size_t n = strlen(first) + strlen(second) + 1;
    char *both = malloc(n);
    assert_non_null(both);
    snprintf(both, n, "%s%s", first, second + strlen("lunacm:>"));
    assert_true(luna_parse_slot_list(both, &l));
    assert_int_equal(l.count, 3);
    check_slot(&l.slots[0], 6, "netpart", "Net Token Slot", SLOT_OTHER);
    assert_false(l.has_current);   /* the first listing's trailer is gone too */
    free(both);
    free(first);
    free(second);
}

static void test_not_a_slot_list(void **state)
{
    (void)state;
    struct slot_list l;
    assert_false(luna_parse_slot_list("lunacm:>slot list\n\nCommand Result : 0x30 (x)\n", &l));
    assert_int_equal(l.count, 0);
    assert_false(luna_parse_slot_list("", &l));
    /* fields outside a block are ignored; the confirm echo is not a slot */
    assert_false(luna_parse_slot_list("Type 'proceed' to continue, or 'quit' to quit now ->quit",
                                      &l));
}

static void test_too_many_slots(void **state)
{
    (void)state;
    struct slot_list l;
    char text[8192] = "";
    for (int i = 0; i < MODEL_MAX_SLOTS + 3; i++) {
        char b[128];
        snprintf(b, sizeof b, "Slot Id -> %d\nSlot Description -> User Token Slot\n\n", i);
        strcat(text, b);
    }
    assert_true(luna_parse_slot_list(text, &l));
    assert_int_equal(l.count, MODEL_MAX_SLOTS);
    assert_int_equal(l.slots[MODEL_MAX_SLOTS - 1].id, MODEL_MAX_SLOTS - 1);
}

static void test_slot_set(void **state)
{
    (void)state;
    char *t = fixture_load("slot_set.txt");
    assert_int_equal(luna_parse_slot_set(t), 3);
    free(t);
    t = fixture_load("slot_set_short.txt");
    assert_int_equal(luna_parse_slot_set(t), 12);
    free(t);
    t = fixture_load_indent("slot_set.txt", "    ");
    assert_int_equal(luna_parse_slot_set(t), 3);
    free(t);
    t = fixture_load("slot_set_fail.txt");
    assert_int_equal(luna_parse_slot_set(t), -1);
    free(t);
    assert_int_equal(luna_parse_slot_set("Current Slot Id: None\n"), -1);
    assert_int_equal(luna_parse_slot_set(""), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_71_tab_trailer),
        cmocka_unit_test(test_72_8spaces_no_trailer),
        cmocka_unit_test(test_711_crlf_empty_label),
        cmocka_unit_test(test_104_extra_slots_none),
        cmocka_unit_test(test_no_hsms),
        cmocka_unit_test(test_echo_forms),
        cmocka_unit_test(test_capture_last_listing_wins),
        cmocka_unit_test(test_not_a_slot_list),
        cmocka_unit_test(test_too_many_slots),
        cmocka_unit_test(test_slot_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
