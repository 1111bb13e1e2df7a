/* colors.c: the colour table (colors.h) turned into colour pairs or monochrome attributes. */
#include "colors.h"
#include <stdlib.h>

struct color_def {
    const char *name;
    short fg, bg;
    attr_t color_attr, mono_attr;
};

static const struct color_def color_table[CR_COUNT] = {
#define COLOR_ROLE_DEF(id, f, b, ca, ma) [id] = {#id, f, b, ca, ma},
    COLOR_ROLES(COLOR_ROLE_DEF)
#undef COLOR_ROLE_DEF
};

static bool mono_mode = true;

static short fix_color(short c)
{
    /* Orange exists only on 256-colour terminals; yellow is the nearest of the eight. */
    if (c == COLORS_ORANGE && COLORS < 256)
        return COLOR_YELLOW;
    return c;
}

void colors_init(bool mono)
{
    const char *nc = getenv("NO_COLOR");
    mono_mode = mono || (nc && *nc) || !has_colors();
    if (mono_mode)
        return;
    if (start_color() == ERR) {
        mono_mode = true;
        return;
    }
    use_default_colors();
    /* Pair i+1 belongs to role i; pair 0 (CR_NORMAL's look) stays the terminal default. */
    for (int i = 1; i < CR_COUNT; i++)
        init_pair((short)i, fix_color(color_table[i].fg), fix_color(color_table[i].bg));
}

bool colors_mono(void)
{
    return mono_mode;
}

attr_t colors_attr(enum color_role role)
{
    if ((unsigned)role >= CR_COUNT)
        role = CR_NORMAL;
    if (mono_mode)
        return color_table[role].mono_attr;
    if (role == CR_NORMAL)
        return color_table[role].color_attr;
    return color_table[role].color_attr | COLOR_PAIR(role);
}

const char *colors_role_name(enum color_role role)
{
    return (unsigned)role < CR_COUNT ? color_table[role].name : "?";
}

enum color_role colors_role_of_pair(int pair)
{
    if (pair <= 0 || pair >= CR_COUNT)
        return pair == 0 ? CR_NORMAL : CR_COUNT;
    return (enum color_role)pair;
}
