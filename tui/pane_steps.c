/* pane_steps.c: the flow's steps with their state, the current step's instructions and what
 * Enter does now. */
#include "pane.h"
#include "draw.h"
#include <stdio.h>
#include <stdlib.h>

static const char *state_word(enum step_state s)
{
    switch (s) {
    case STEP_DONE: return "done   ";
    case STEP_CURRENT: return "current";
    case STEP_FAILED: return "failed ";
    case STEP_SKIPPED: return "skipped";
    case STEP_UNVERIFIED: return "to do  ";
    default: return "       ";
    }
}

static enum color_role state_role(enum step_state s)
{
    switch (s) {
    case STEP_DONE: return CR_STEP_DONE;
    case STEP_CURRENT: return CR_STEP_CURRENT;
    case STEP_FAILED: return CR_STEP_FAILED;
    case STEP_SKIPPED: return CR_STEP_SKIPPED;
    case STEP_UNVERIFIED: return CR_STEP_SKIPPED;
    default: return CR_STEP_PENDING;
    }
}

/* The current step is expanded in place (instructions, what Enter does, Back), so it stays
 * next to its title; the pane follows it unless the operator scrolled. */
static void draw_current(struct canvas *cv, const struct ui_step *s)
{
    if (s->instructions[0])
        cv_wrap(cv, CR_NORMAL, 4, s->instructions);
    if (s->enter_action[0] && s->hand_step) {
        /* only a hand step waits for the operator */
        cv_put(cv, CR_NORMAL, "    ");
        cv_put(cv, CR_KEYBAR_KEY, "Enter");
        cv_put(cv, CR_NORMAL, ": ");
        cv_put(cv, CR_NORMAL, s->enter_action);
        cv_nl(cv);
    } else if (s->enter_action[0]) {
        cv_put(cv, CR_DIM, "    ");
        cv_put(cv, CR_DIM, s->enter_action);
        cv_nl(cv);
    }
    if (s->can_go_back) {
        cv_put(cv, CR_NORMAL, "    ");
        cv_put(cv, CR_KEYBAR_KEY, "b");
        cv_put(cv, CR_NORMAL, ": Back to the previous step");
        cv_nl(cv);
    }
}

struct steps_priv {
    bool manual;        /* the operator scrolled: stop following the current step */
};

static void steps_draw(struct pane *p, WINDOW *w, const struct pane_ctx *c)
{
    const struct ui_state *ui = c->ui;
    struct steps_priv *sp = p->priv;
    struct canvas cv;
    int current_line = -1, block_end = -1;
    draw_fill(w, p->rect, colors_attr(CR_NORMAL));
    draw_box(w, p->rect, p->ops->title, c->focused);
    /* Two passes: measure where the current step lands, then draw scrolled to it. */
    for (int pass = 0; pass < 2; pass++) {
        struct rect area = draw_inner(p->rect);
        cv_begin(&cv, w, area, pass == 0 ? 1 << 20 : p->scroll);
        if (!ui->step_count && !ui->flow_finished) {
            cv_put(&cv, CR_DIM, "No flow running.");
            cv_nl(&cv);
        }
        if (ui->flow_title[0]) {
            cv_put(&cv, CR_PANE_TITLE, ui->flow_title);
            cv_nl(&cv);
        }
        for (size_t i = 0; i < ui->step_count; i++) {
            const struct ui_step *s = &ui->steps[i];
            bool cur = i == ui->current_step && !ui->flow_finished;
            if (cur)
                current_line = cv.line;
            cv_printf(&cv, CR_NORMAL, "%2zu ", i + 1);
            cv_put(&cv, state_role(s->state), state_word(s->state));
            cv_put(&cv, CR_NORMAL, " ");
            cv_put(&cv, cur ? CR_PANE_TITLE : CR_NORMAL, s->title);
            if (s->hand_step)
                cv_put(&cv, CR_LABEL, " (by hand)");
            if (s->destructive)
                cv_put(&cv, CR_WARNING, " (destructive)");
            cv_nl(&cv);
            if (cur) {
                draw_current(&cv, s);
                block_end = cv.line;
            }
        }
        if (ui->flow_finished) {
            current_line = cv.line;
            cv_put(&cv, ui->exit_code == 0 ? CR_LINK_UP : CR_ERROR,
                   ui->exit_code == 0 ? "Finished" : "Stopped");
            cv_printf(&cv, CR_NORMAL, " (exit %d)", ui->exit_code);
            cv_nl(&cv);
            if (ui->finished_msg[0])
                cv_wrap(&cv, CR_NORMAL, 2, ui->finished_msg);
            cv_put(&cv, CR_KEYBAR_KEY, "Enter");
            cv_put(&cv, CR_NORMAL, ": back to the start screen");
            cv_nl(&cv);
            block_end = cv.line;
        }
        if (ui->notice[0])
            cv_wrap(&cv, ui->notice_warning ? CR_WARNING : CR_DIM, 0, ui->notice);
        p->total = cv_lines(&cv);
        if (pass == 0 && (!sp || !sp->manual)) {
            /* One line of context above the current step, unless that hides its end. */
            p->scroll = current_line > 0 ? current_line - 1 : 0;
            if (current_line > 0 && block_end - p->scroll > pane_visible(p))
                p->scroll = current_line;
            pane_clamp(p);
        }
    }
    draw_scroll_hint(w, p->rect, p->scroll, pane_visible(p), p->total);
}

static int steps_key(struct pane *p, enum key_action a, const struct pane_ctx *c)
{
    (void)c;
    int r = pane_scroll_key(p, a);
    struct steps_priv *sp = p->priv;
    if (r && sp)
        sp->manual = true;
    return r;
}

static int steps_event(struct pane *p, const struct core_event *ev, const struct pane_ctx *c)
{
    (void)c;
    struct steps_priv *sp = p->priv;
    /* A new step or flow: follow the current step again. */
    if (sp && (ev->type == EV_FLOW_STARTED || ev->type == EV_STEP_CHANGED ||
               ev->type == EV_FLOW_FINISHED))
        sp->manual = false;
    return ev->type == EV_STEP_CHANGED || ev->type == EV_FLOW_STARTED ||
                   ev->type == EV_FLOW_FINISHED || ev->type == EV_NOTICE
               ? PANE_REDRAW
               : 0;
}

static int steps_init(struct pane *p)
{
    p->priv = calloc(1, sizeof(struct steps_priv));
    return p->priv ? 0 : -1;
}

static void steps_destroy(struct pane *p)
{
    free(p->priv);
    p->priv = NULL;
}

const struct pane_ops pane_steps_ops = {
    .title = "Steps",
    .init = steps_init,
    .recalc = pane_clamp,
    .draw = steps_draw,
    .handle_key = steps_key,
    .on_event = steps_event,
    .destroy = steps_destroy,
};
