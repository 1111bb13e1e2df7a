/* test_screens.c: every scene (panes and dialogs) at 80x24, 120x40 and 200x60, in colour and
 * on a monochrome terminal, compared with golden dumps (text + attribute map). */
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
#include "scenes.h"
#include "screen_dump.h"

static const int sizes[][2] = {{24, 80}, {40, 120}, {60, 200}};

/* Draws scene S on a fresh headless TERM screen and returns the dump (caller frees). */
static char *render(const struct scene *s, const char *term, bool no_color, int rows, int cols,
                    const struct tui_options *opt)
{
    struct fake_backend fb;
    struct app_backend be;
    struct app app;
    struct tui_options o = *opt;
    o.no_color = no_color;
    sd_open(term, rows, cols);
    colors_init(no_color);
    fake_backend_init(&fb, &be);
    assert_int_equal(app_init(&app, &o, &be, SCR_START), 0);
    app_resize(&app, rows, cols);
    s->setup(&app, &fb);
    app_resize(&app, rows, cols);
    app_draw(&app, stdscr);
    char *dump = sd_dump(stdscr, true);
    app_free(&app);
    sd_close();
    return dump;
}

static void run_mode(const char *term, const char *mode)
{
    int failures = 0;
    draw_set_unicode(true);
    for (size_t i = 0; i < scene_count; i++) {
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            int rows = sizes[k][0], cols = sizes[k][1];
            char *dump = render(&scenes[i], term, false, rows, cols, &scene_opts);
            char name[128];
            snprintf(name, sizeof(name), "%s-%dx%d-%s.txt", scenes[i].name, cols, rows, mode);
            if (!sd_golden(name, dump))
                failures++;
            free(dump);
        }
    }
    assert_int_equal(failures, 0);
}

static void test_colour_goldens(void **state)
{
    (void)state;
    run_mode("xterm-256color", "color");
}

static void test_mono_goldens(void **state)
{
    (void)state;
    run_mode("xterm-mono", "mono");
}

/* --no-color on a colour terminal looks exactly like a monochrome terminal. */
static void test_no_color_equals_mono(void **state)
{
    (void)state;
    draw_set_unicode(true);
    for (size_t i = 0; i < scene_count; i++) {
        char *a = render(&scenes[i], "xterm-256color", true, 24, 80, &scene_opts);
        char *b = render(&scenes[i], "xterm-mono", false, 24, 80, &scene_opts);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

/* NO_COLOR in the environment does the same as --no-color. */
static void test_no_color_env(void **state)
{
    (void)state;
    setenv("NO_COLOR", "1", 1);
    char *a = render(&scenes[1], "xterm-256color", false, 24, 80, &scene_opts);
    unsetenv("NO_COLOR");
    char *b = render(&scenes[1], "xterm-mono", false, 24, 80, &scene_opts);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

/* Without a UTF-8 locale the frames are drawn in ASCII. */
static void test_ascii_fallback(void **state)
{
    (void)state;
    draw_set_unicode(false);
    int failures = 0;
    for (size_t i = 0; i < scene_count; i++) {
        if (strcmp(scenes[i].name, "wizard-ped") && strcmp(scenes[i].name, "dialog-secret"))
            continue;
        char *dump = render(&scenes[i], "xterm-256color", false, 24, 80, &scene_opts);
        char name[128];
        snprintf(name, sizeof(name), "%s-80x24-ascii.txt", scenes[i].name);
        failures += !sd_golden(name, dump);
        /* No byte above 0x7f may appear in the text part. */
        char *attrs = strstr(dump, "# attributes");
        for (char *p = dump; p < attrs; p++)
            assert_true((unsigned char)*p < 0x80);
        free(dump);
    }
    draw_set_unicode(true);
    assert_int_equal(failures, 0);
}

/* Below 80x24 only the "terminal too small" screen shows. */
static void test_too_small(void **state)
{
    (void)state;
    static const int small[][2] = {{23, 80}, {24, 79}, {10, 40}};
    for (size_t k = 0; k < 3; k++) {
        char *dump = render(&scenes[1], "xterm-256color", false, small[k][0], small[k][1],
                            &scene_opts);
        assert_non_null(strstr(dump, "Terminal too small"));
        assert_null(strstr(dump, "Topology"));
        char name[64];
        snprintf(name, sizeof(name), "too-small-%dx%d.txt", small[k][1], small[k][0]);
        assert_true(sd_golden(name, dump));
        free(dump);
    }
}


/* Attributes of the first cell of TEXT on screen. */
static void attr_of(const char *text, attr_t *a, short *pair)
{
    int y, x;
    if (!sd_find(stdscr, text, &y, &x))
        fail_msg("not on screen: %s", text);
    sd_cell(stdscr, y, x, a, pair);
}

/* Draws scene NAME at 120x40 on TERM and leaves it on stdscr (caller sd_close()s). */
static void show(const char *name, const char *term, struct app *app, struct fake_backend *fb)
{
    struct app_backend be;
    sd_open(term, 40, 120);
    colors_init(false);
    fake_backend_init(fb, &be);
    assert_int_equal(app_init(app, &scene_opts, &be, SCR_START), 0);
    app_resize(app, 40, 120);
    for (size_t i = 0; i < scene_count; i++)
        if (strcmp(scenes[i].name, name) == 0)
            scenes[i].setup(app, fb);
    app_resize(app, 40, 120);
    app_draw(app, stdscr);
}

/* On a monochrome terminal bold, reverse and underline carry the meaning. */
static void test_mono_meaning(void **state)
{
    (void)state;
    struct app app;
    struct fake_backend fb;
    attr_t a;
    short pair;
    show("wizard-ped", "xterm-mono", &app, &fb);
    assert_true(colors_mono());
    attr_of("down", &a, &pair);
    assert_int_equal(pair, 0);
    assert_true(a & A_REVERSE);                       /* link down: reverse */
    attr_of("up  vtl", &a, &pair);
    assert_true(a & A_BOLD);                          /* link up: bold */
    assert_false(a & A_REVERSE);
    attr_of("current", &a, &pair);
    assert_true(a & A_REVERSE);                       /* current step */
    attr_of("HSM Security Officer  <- insert now", &a, &pair);
    assert_true((a & A_REVERSE) && (a & A_BOLD));     /* the wanted PED key */
    attr_of("Crypto Officer", &a, &pair);
    attr_of("> User ", &a, &pair);
    assert_true(a & A_REVERSE);                       /* selected slot */
    app_free(&app);
    sd_close();
}

/* In colour the same things carry their colour roles. */
static void test_colour_roles(void **state)
{
    (void)state;
    struct app app;
    struct fake_backend fb;
    attr_t a;
    short pair;
    int y, x;
    show("wizard-ped", "xterm-256color", &app, &fb);
    assert_false(colors_mono());
    attr_of("down", &a, &pair);
    assert_int_equal(pair, CR_LINK_DOWN);
    attr_of("up  vtl", &a, &pair);
    assert_int_equal(pair, CR_LINK_UP);
    attr_of("unknown", &a, &pair);
    assert_int_equal(pair, CR_LINK_UNKNOWN);
    assert_true(sd_find(stdscr, " blue ", &y, &x));
    sd_cell(stdscr, y, x, &a, &pair);
    assert_int_equal(pair, CR_PED_BLUE);
    assert_true(sd_find(stdscr, " orange ", &y, &x));
    sd_cell(stdscr, y, x, &a, &pair);
    assert_int_equal(pair, CR_PED_ORANGE);
    assert_true(sd_find(stdscr, " red ", &y, &x));
    sd_cell(stdscr, y, x, &a, &pair);
    assert_int_equal(pair, CR_PED_RED);
    assert_true(sd_find(stdscr, " black ", &y, &x));
    sd_cell(stdscr, y, x, &a, &pair);
    assert_int_equal(pair, CR_PED_BLACK);
    assert_true(sd_find(stdscr, "Timeout in 42 s", &y, &x));
    app.now.tv_sec = 1030;                            /* the countdown follows the clock */
    app_draw(&app, stdscr);
    assert_true(sd_find(stdscr, "Timeout in 12 s", &y, &x));
    app_free(&app);
    sd_close();
}

static void test_locale_detection(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C");
    assert_false(draw_locale_is_utf8());
    setlocale(LC_ALL, "C.UTF-8");
    assert_true(draw_locale_is_utf8());
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("NO_COLOR");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colour_goldens),
        cmocka_unit_test(test_mono_goldens),
        cmocka_unit_test(test_no_color_equals_mono),
        cmocka_unit_test(test_no_color_env),
        cmocka_unit_test(test_ascii_fallback),
        cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_mono_meaning),
        cmocka_unit_test(test_colour_roles),
        cmocka_unit_test(test_locale_detection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
