/* pane.h: a pane of the wizard as a small vtable (htop's PanelClass, tig's view_ops). */
#ifndef ROTWIZ_PANE_H
#define ROTWIZ_PANE_H
#include <stdbool.h>
#include <time.h>
#include <curses.h>
#include "core_event.h"
#include "keys.h"
#include "layout.h"
#include "ui_state.h"

/* Key handler results, OR-ed. */
enum { PANE_HANDLED = 1, PANE_REDRAW = 2, PANE_QUIT = 4 };

/* What a pane may read while drawing or handling a key. */
struct pane_ctx {
    const struct ui_state *ui;
    struct timespec now;          /* CLOCK_MONOTONIC, for the PED countdown */
    bool focused;
};

struct pane;

struct pane_ops {
    const char *title;
    /* Allocates p->priv when the pane needs private state (NULL: none); 0 or -1. */
    int (*init)(struct pane *p);
    /* The rectangle changed (resize): clamp what depends on it. */
    void (*recalc)(struct pane *p);
    /* Draws into W inside p->rect, frame included; sets p->total. */
    void (*draw)(struct pane *p, WINDOW *w, const struct pane_ctx *c);
    /* Handles a key action; returns PANE_* bits (0: not handled). */
    int (*handle_key)(struct pane *p, enum key_action a, const struct pane_ctx *c);
    /* Sees every event after ui_state took it; returns PANE_REDRAW when it matters. */
    int (*on_event)(struct pane *p, const struct core_event *ev, const struct pane_ctx *c);
    /* Frees p->priv. */
    void (*destroy)(struct pane *p);
};

struct pane {
    const struct pane_ops *ops;
    struct rect rect;
    int scroll;                   /* first content line shown */
    int total;                    /* content lines at the last draw */
    void *priv;
};

enum pane_id { PANE_TOPOLOGY = 0, PANE_SLOTS, PANE_STEPS, PANE_PED, PANE_TRANSCRIPT, PANE_COUNT };

/* The five panes' operations. */
extern const struct pane_ops pane_topology_ops;
extern const struct pane_ops pane_slots_ops;
extern const struct pane_ops pane_steps_ops;
extern const struct pane_ops pane_ped_ops;
extern const struct pane_ops pane_transcript_ops;

/* Creates a pane with OPS (and its private state); NULL when out of memory. */
struct pane *pane_new(const struct pane_ops *ops);

/* Calls destroy and frees. */
void pane_free(struct pane *p);

/* Visible content lines inside the frame. */
int pane_visible(const struct pane *p);

/* Shared scrolling for Up/Down/PgUp/PgDn/Home/End; returns PANE_* bits. */
int pane_scroll_key(struct pane *p, enum key_action a);

/* Keeps scroll within 0..total-visible. */
void pane_clamp(struct pane *p);

/* Transcript pane extras. */
/* Sets the search term ("" clears it) and jumps to the first match from the top shown. */
void pane_transcript_search(struct pane *p, const struct ui_state *ui, const char *term);
/* Scrolls by DELTA lines (mouse wheel); stops following when going up. */
void pane_transcript_scroll(struct pane *p, const struct ui_state *ui, int delta);
/* True while following new lines. */
bool pane_transcript_following(const struct pane *p);
/* The host filter ("" = all hosts). */
const char *pane_transcript_filter(const struct pane *p);

#endif
