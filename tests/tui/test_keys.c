/* test_keys.c: the one key table drives the key bar and the help screen, without conflicts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "colors.h"
#include "draw.h"
#include "keys.h"
#include "scenes.h"
#include "screen_dump.h"

/* No key means two things in one context. */
static void test_no_conflicts(void **state)
{
    (void)state;
    for (size_t i = 0; i < keys_count; i++) {
        for (size_t j = i + 1; j < keys_count; j++) {
            const struct key_def *a = &keys_table[i], *b = &keys_table[j];
            if (a->code == b->code && a->is_fkey == b->is_fkey && (a->contexts & b->contexts))
                assert_int_equal(a->action, b->action);
        }
        /* And lookup finds each binding in each of its contexts. */
        for (unsigned c = 1; c < (1u << KC_COUNT); c <<= 1)
            if (keys_table[i].contexts & c)
                assert_int_equal(keys_lookup(c, keys_table[i].code, keys_table[i].is_fkey),
                                 keys_table[i].action);
    }
    assert_int_equal(keys_lookup(KC_WIZARD, 'Z', false), KA_NONE);
}

/* Every action with a bar label shows in the bar of each of its contexts. */
static void test_bar_has_every_key(void **state)
{
    (void)state;
    struct fake_backend fb;
    struct app_backend be;
    struct app app;
    sd_open("xterm-256color", 60, 200);
    colors_init(false);
    fake_backend_init(&fb, &be);
    assert_int_equal(app_init(&app, &scene_opts, &be, SCR_START), 0);
    app_resize(&app, 60, 200);
    for (unsigned c = 1; c < (1u << KC_COUNT); c <<= 1) {
        werase(stdscr);
        screen_keybar_draw(&app, stdscr, c);
        const char *bar = sd_row(stdscr, 59);
        for (size_t i = 0; i < keys_count; i++) {
            const struct key_def *k = &keys_table[i];
            if (!(k->contexts & c) || !k->label)
                continue;
            char want[64];
            snprintf(want, sizeof(want), "%s %s", k->name, k->label);
            const struct key_def *items[32];
            size_t n = keys_bar(c, items, 32);
            bool first_for_action = false;
            for (size_t m = 0; m < n; m++)
                first_for_action = first_for_action || items[m] == k;
            if (first_for_action && !strstr(bar, want))
                fail_msg("context %s: bar lacks \"%s\": %s", keys_context_name(c), want, bar);
        }
    }
    app_free(&app);
    sd_close();
}

/* The help screen lists every key with a help line, under every context it holds in. */
static void test_help_has_every_key(void **state)
{
    (void)state;
    struct fake_backend fb;
    struct app_backend be;
    struct app app;
    int rows = 200, cols = 120;
    sd_open("xterm-256color", rows, cols);
    colors_init(false);
    draw_set_unicode(true);
    fake_backend_init(&fb, &be);
    assert_int_equal(app_init(&app, &scene_opts, &be, SCR_START), 0);
    app_resize(&app, rows, cols);
    app_key(&app, KEY_F(1), true);
    assert_int_equal(app.screen, SCR_HELP);
    app_draw(&app, stdscr);
    char *dump = sd_dump(stdscr, false);
    for (unsigned c = 1; c < (1u << KC_COUNT); c <<= 1) {
        char *sec = strstr(dump, keys_context_name(c));
        assert_non_null(sec);
        for (size_t i = 0; i < keys_count; i++) {
            const struct key_def *k = &keys_table[i];
            if (!(k->contexts & c) || !k->help)
                continue;
            char want[160];
            snprintf(want, sizeof(want), "  %-7s %s", k->name, k->help);
            if (!strstr(sec, want))
                fail_msg("help lacks \"%s\" under %s", want, keys_context_name(c));
        }
    }
    free(dump);
    /* Every key name appears at least once with a help line. */
    for (size_t i = 0; i < keys_count; i++) {
        bool documented = false;
        for (size_t j = 0; j < keys_count; j++)
            documented = documented ||
                         (strcmp(keys_table[j].name, keys_table[i].name) == 0 &&
                          keys_table[j].help);
        assert_true(documented);
    }
    app_key(&app, 27, false);
    assert_int_equal(app.screen, SCR_START);
    app_free(&app);
    sd_close();
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("NO_COLOR");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_conflicts),
        cmocka_unit_test(test_bar_has_every_key),
        cmocka_unit_test(test_help_has_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
