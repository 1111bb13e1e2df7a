/* lane_lock.c: the per-thread blocking hooks of lane_lock.h. */
#include "lane_lock.h"
#include <stddef.h>

static __thread const struct lane_hooks *hooks;
static __thread int depth;

void lane_lock_install(const struct lane_hooks *h)
{
    hooks = h;
    depth = 0;
}

void lane_block_begin(void)
{
    if (hooks && depth++ == 0)
        hooks->leave(hooks->ud);
}

void lane_block_end(void)
{
    if (hooks && --depth == 0)
        hooks->enter(hooks->ud);
}
