/* pane.c: what every pane shares: allocation and scrolling. */
#include "pane.h"
#include <stdlib.h>

struct pane *pane_new(const struct pane_ops *ops)
{
    struct pane *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->ops = ops;
    if (ops->init && ops->init(p) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void pane_free(struct pane *p)
{
    if (!p)
        return;
    if (p->ops->destroy)
        p->ops->destroy(p);
    free(p);
}

int pane_visible(const struct pane *p)
{
    int v = p->rect.h - 2;
    return v < 0 ? 0 : v;
}

void pane_clamp(struct pane *p)
{
    int max = p->total - pane_visible(p);
    if (p->scroll > max)
        p->scroll = max;
    if (p->scroll < 0)
        p->scroll = 0;
}

int pane_scroll_key(struct pane *p, enum key_action a)
{
    int page = pane_visible(p) > 1 ? pane_visible(p) - 1 : 1;
    int before = p->scroll;
    switch (a) {
    case KA_UP: p->scroll--; break;
    case KA_DOWN: p->scroll++; break;
    case KA_PGUP: p->scroll -= page; break;
    case KA_PGDN: p->scroll += page; break;
    case KA_HOME: p->scroll = 0; break;
    case KA_END: p->scroll = p->total; break;
    default: return 0;
    }
    pane_clamp(p);
    return PANE_HANDLED | (p->scroll != before ? PANE_REDRAW : 0);
}
