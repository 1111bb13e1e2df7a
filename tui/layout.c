/* layout.c: layout_compute, a pure function from terminal size to pane rectangles.
 *
 * Narrow terminals (< 160 columns) stack two columns of panes over a full-width transcript;
 * wide ones put the transcript in a third column of full height, where long lines fit. */
#include "layout.h"
#include <stdio.h>
#include <string.h>

static const char *const area_names[AREA_COUNT] = {
    "header", "topology", "slots", "steps", "ped", "transcript", "keybar",
};

const char *layout_area_name(enum layout_area a)
{
    return (unsigned)a < AREA_COUNT ? area_names[a] : "?";
}

static struct rect mk(int y, int x, int h, int w)
{
    struct rect r = {y, x, h, w};
    return r;
}

void layout_compute(int rows, int cols, enum layout_mode mode, struct layout *out)
{
    memset(out, 0, sizeof(*out));
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        out->too_small = true;
        return;
    }
    out->r[AREA_HEADER] = mk(0, 0, 1, cols);
    out->r[AREA_KEYBAR] = mk(rows - 1, 0, 1, cols);
    int top = 1, body = rows - 2;

    if (cols >= 160) {
        int lw = cols * 3 / 10, mw = cols * 3 / 10;
        int tw = cols - lw - mw;
        int th = body * 11 / 20;               /* topology/steps a little over half */
        if (mode == LAYOUT_TOPOLOGY) {
            out->r[AREA_TOPOLOGY] = mk(top, 0, body, lw);
            out->r[AREA_SLOTS] = mk(top, lw, body, mw);
        } else {
            out->r[AREA_TOPOLOGY] = mk(top, 0, th, lw);
            out->r[AREA_SLOTS] = mk(top + th, 0, body - th, lw);
            out->r[AREA_STEPS] = mk(top, lw, th, mw);
            out->r[AREA_PED] = mk(top + th, lw, body - th, mw);
        }
        out->r[AREA_TRANSCRIPT] = mk(top, lw + mw, body, tw);
        return;
    }
    int txh = body / 3;
    if (txh < 6)
        txh = 6;
    int upper = body - txh;
    int lw = cols / 2, rw = cols - lw;
    if (mode == LAYOUT_TOPOLOGY) {
        out->r[AREA_TOPOLOGY] = mk(top, 0, upper, lw);
        out->r[AREA_SLOTS] = mk(top, lw, upper, rw);
    } else {
        int th = upper * 11 / 20;
        out->r[AREA_TOPOLOGY] = mk(top, 0, th, lw);
        out->r[AREA_SLOTS] = mk(top + th, 0, upper - th, lw);
        out->r[AREA_STEPS] = mk(top, lw, th, rw);
        out->r[AREA_PED] = mk(top + th, lw, upper - th, rw);
    }
    out->r[AREA_TRANSCRIPT] = mk(top + upper, 0, txh, cols);
}

size_t layout_format(const struct layout *l, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    if (l->too_small) {
        int n = snprintf(buf, len, "too small\n");
        return n > 0 ? (size_t)n : 0;
    }
    for (int a = 0; a < AREA_COUNT; a++) {
        const struct rect *r = &l->r[a];
        if (r->h <= 0 || r->w <= 0)
            continue;
        int n = snprintf(buf + used, used < len ? len - used : 0, "%s %d %d %d %d\n",
                         area_names[a], r->y, r->x, r->h, r->w);
        if (n > 0)
            used += (size_t)n;
    }
    return used;
}

bool layout_contains(const struct rect *r, int y, int x)
{
    return r->h > 0 && r->w > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}
