/* layout.h: where each pane goes, as a pure function of the terminal size. */
#ifndef ROTWIZ_LAYOUT_H
#define ROTWIZ_LAYOUT_H
#include <stdbool.h>
#include <stddef.h>

#define LAYOUT_MIN_ROWS 24
#define LAYOUT_MIN_COLS 80

enum layout_area {
    AREA_HEADER = 0,
    AREA_TOPOLOGY,
    AREA_SLOTS,
    AREA_STEPS,
    AREA_PED,
    AREA_TRANSCRIPT,
    AREA_KEYBAR,
    AREA_COUNT
};

/* A rectangle in screen cells; h == 0 or w == 0 means "not shown". */
struct rect {
    int y, x, h, w;
};

struct layout {
    bool too_small;                 /* below LAYOUT_MIN_ROWS x LAYOUT_MIN_COLS: nothing else */
    struct rect r[AREA_COUNT];
};

enum layout_mode {
    LAYOUT_WIZARD = 0,              /* all five panes */
    LAYOUT_TOPOLOGY                 /* topology view: topology, slots, transcript only */
};

/* Computes the layout for a ROWS x COLS terminal. Pure: no curses, no globals. */
void layout_compute(int rows, int cols, enum layout_mode mode, struct layout *out);

/* Writes the layout as text, one "name y x h w" line per shown area, for tests. */
size_t layout_format(const struct layout *l, char *buf, size_t len);

/* Name of an area ("topology"...). */
const char *layout_area_name(enum layout_area a);

/* True when (y, x) lies inside R. */
bool layout_contains(const struct rect *r, int y, int x);

#endif
