/* test_layout.c: the layout as text at the three reference sizes, and its invariants. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layout.h"
#include "screen_dump.h"

static const int sizes[][2] = {{24, 80}, {40, 120}, {60, 200}, {23, 80}, {24, 79}, {50, 159}};

static void test_layout_text(void **state)
{
    (void)state;
    char all[8192] = "";
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        for (int mode = 0; mode < 2; mode++) {
            struct layout l;
            char buf[1024];
            layout_compute(sizes[k][0], sizes[k][1], (enum layout_mode)mode, &l);
            layout_format(&l, buf, sizeof(buf));
            char head[64];
            snprintf(head, sizeof(head), "== %dx%d %s\n", sizes[k][1], sizes[k][0],
                     mode ? "topology" : "wizard");
            strcat(all, head);
            strcat(all, buf);
        }
    }
    assert_true(sd_golden("layout.txt", all));
    /* The comparison can fail: one changed character is a difference. */
    const char *upd = getenv("ROTWIZ_UPDATE_GOLDEN");
    if (!upd || !*upd || strcmp(upd, "0") == 0) {
        all[strlen(all) - 2] ^= 1;
        assert_false(sd_golden("layout.txt", all));
    }
}

/* Shown areas never overlap, stay on screen and cover every cell between header and bar. */
static void test_layout_tiles(void **state)
{
    (void)state;
    for (int rows = 24; rows <= 70; rows += 7) {
        for (int cols = 80; cols <= 240; cols += 13) {
            for (int mode = 0; mode < 2; mode++) {
                struct layout l;
                layout_compute(rows, cols, (enum layout_mode)mode, &l);
                assert_false(l.too_small);
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < cols; x++) {
                        int owners = 0;
                        for (int a = 0; a < AREA_COUNT; a++)
                            owners += layout_contains(&l.r[a], y, x);
                        assert_int_equal(owners, 1);
                    }
                }
                /* Every pane keeps room for a frame and a few lines. */
                for (int a = AREA_TOPOLOGY; a <= AREA_TRANSCRIPT; a++) {
                    if (l.r[a].h == 0)
                        continue;
                    assert_true(l.r[a].h >= 5);
                    assert_true(l.r[a].w >= 30);
                }
            }
        }
    }
}

static void test_too_small(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(23, 200, LAYOUT_WIZARD, &l);
    assert_true(l.too_small);
    layout_compute(60, 79, LAYOUT_WIZARD, &l);
    assert_true(l.too_small);
    layout_compute(24, 80, LAYOUT_WIZARD, &l);
    assert_false(l.too_small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_text),
        cmocka_unit_test(test_layout_tiles),
        cmocka_unit_test(test_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
