/* pane_ped.c: the PED keys an operation needs, in order and in their colours, the wanted one
 * emphasised, and the prompt's countdown; or a note that the HSM uses passwords. */
#include "pane.h"
#include "draw.h"
#include <stdio.h>

static enum color_role key_role(enum ped_key k)
{
    switch (k) {
    case PED_KEY_BLUE: return CR_PED_BLUE;
    case PED_KEY_RED: return CR_PED_RED;
    case PED_KEY_BLACK: return CR_PED_BLACK;
    default: return CR_PED_ORANGE;
    }
}

static void ped_draw(struct pane *p, WINDOW *w, const struct pane_ctx *c)
{
    const struct ui_state *ui = c->ui;
    const struct ui_ped *ped = &ui->ped;
    struct canvas cv;
    draw_fill(w, p->rect, colors_attr(CR_NORMAL));
    draw_box(w, p->rect, p->ops->title, c->focused);
    cv_begin(&cv, w, draw_inner(p->rect), p->scroll);
    if (!ui->topo.ped_used && !ped->active) {
        cv_wrap(&cv, CR_NORMAL, 0,
                "The HSMs are password-authenticated: no PED keys are needed.");
        goto out;
    }
    if (!ped->active) {
        cv_put(&cv, CR_DIM, "No PED prompt now.");
        cv_nl(&cv);
        goto out;
    }
    /* every key names the HSM it is for: an operator holding two sets must take the right one */
    cv_put(&cv, CR_NORMAL, "PED ");
    cv_put(&cv, CR_LABEL, ped->where[0] ? ped->where : "at the workstation");
    cv_put(&cv, CR_NORMAL, ", for ");
    cv_put(&cv, CR_LABEL, ped->device[0] ? ped->device : "the HSM");
    cv_nl(&cv);
    for (size_t i = 0; i < ped->count; i++) {
        bool wanted = i == ped->current;
        char swatch[16];
        snprintf(swatch, sizeof(swatch), " %-6s ", ped_key_name(ped->keys[i]));
        cv_put(&cv, wanted ? CR_PED_WANTED : CR_NORMAL, wanted ? "> " : "  ");
        cv_printf(&cv, CR_NORMAL, "%zu ", i + 1);
        if (ped->keys[i] == PED_KEY_ANY) {
            /* the step cannot know the colour: say so rather than guess one */
            cv_put(&cv, CR_PED_WANTED, "the key the PED screen asks for");
            cv_nl(&cv);
            if (wanted && ped->said[0]) {
                /* the device's own words, verbatim: the operator matches them to the PED */
                cv_put(&cv, CR_DIM, "    it says: ");
                cv_put(&cv, CR_LABEL, "\"");
                cv_put(&cv, CR_LABEL, ped->said);
                cv_put(&cv, CR_LABEL, "\"");
                cv_nl(&cv);
            }
            continue;
        }
        cv_put(&cv, key_role(ped->keys[i]), swatch);
        cv_put(&cv, CR_NORMAL, " ");
        cv_put(&cv, wanted ? CR_PED_WANTED : (i < ped->current ? CR_DIM : CR_NORMAL),
               ped_key_role(ped->keys[i]));
        if (wanted)
            cv_put(&cv, CR_PED_WANTED, "  <- insert now");
        else if (i < ped->current)
            cv_put(&cv, CR_DIM, "  (done)");
        cv_nl(&cv);
        if (ped->key_for[i][0]) {
            cv_put(&cv, CR_DIM, "             of ");
            cv_put(&cv, wanted ? CR_LABEL : CR_NORMAL, ped->key_for[i]);
            cv_nl(&cv);
        }
    }
    long left = ui_state_ped_left(ui, &c->now);
    cv_put(&cv, CR_NORMAL, "Timeout in ");
    cv_printf(&cv, left <= 30 ? CR_WARNING : CR_PANE_TITLE, "%ld s", left);
    cv_printf(&cv, CR_DIM, " (of %d s)", ped->timeout_s);
    cv_nl(&cv);
out:
    p->total = cv_lines(&cv);
    draw_scroll_hint(w, p->rect, p->scroll, pane_visible(p), p->total);
}

static int ped_key(struct pane *p, enum key_action a, const struct pane_ctx *c)
{
    (void)c;
    return pane_scroll_key(p, a);
}

static int ped_event(struct pane *p, const struct core_event *ev, const struct pane_ctx *c)
{
    (void)c;
    if (ev->type == EV_PED_PROMPT)
        p->scroll = 0;
    return ev->type == EV_PED_PROMPT || ev->type == EV_PED_DONE ||
                   ev->type == EV_TOPOLOGY_CHANGED
               ? PANE_REDRAW
               : 0;
}

const struct pane_ops pane_ped_ops = {
    .title = "PED",
    .init = NULL,
    .recalc = pane_clamp,
    .draw = ped_draw,
    .handle_key = ped_key,
    .on_event = ped_event,
    .destroy = NULL,
};
