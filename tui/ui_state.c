/* ui_state.c: applying core events to the screen model. */
#include "ui_state.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

int ui_state_init(struct ui_state *ui, size_t tx_cap)
{
    memset(ui, 0, sizeof(*ui));
    for (int r = 0; r < MODEL_ROLES; r++) {
        ui->topo.appliances[r].role = (enum appliance_role)r;
        ui->topo.appliances[r].selected_slot = -1;   /* none until the core says so */
    }
    return ui_tx_init(&ui->tx, tx_cap);
}

static void free_steps(struct ui_state *ui)
{
    for (size_t i = 0; i < ui->step_count; i++) {
        free(ui->steps[i].id);
        free(ui->steps[i].title);
        free(ui->steps[i].instructions);
        free(ui->steps[i].enter_action);
    }
    free(ui->steps);
    ui->steps = NULL;
    ui->step_count = 0;
    ui->current_step = 0;
}

static void free_error(struct ui_state *ui)
{
    free(ui->error.cause);
    free(ui->error.fix);
    free(ui->error.excerpt);
    memset(&ui->error, 0, sizeof(ui->error));
}

void ui_state_reset_flow(struct ui_state *ui)
{
    free_steps(ui);
    free_error(ui);
    memset(&ui->ped, 0, sizeof(ui->ped));
    ui->flow_id[0] = ui->flow_title[0] = ui->finished_msg[0] = ui->notice[0] = '\0';
    ui->flow_running = ui->flow_finished = false;
    ui->exit_code = 0;
}

void ui_state_free(struct ui_state *ui)
{
    ui_state_reset_flow(ui);
    ui_tx_free(&ui->tx);
}

static void copy_step(struct ui_step *dst, const struct step_view *src)
{
    free(dst->id);
    free(dst->title);
    free(dst->instructions);
    free(dst->enter_action);
    dst->id = dup_or_empty(src->id);
    dst->title = dup_or_empty(src->title);
    dst->instructions = dup_or_empty(src->instructions);
    dst->enter_action = dup_or_empty(src->enter_action);
    dst->hand_step = src->hand_step;
    dst->destructive = src->destructive;
    dst->can_go_back = src->can_go_back;
    dst->optional = src->optional;
    dst->state = src->state;
}

static void apply_flow_started(struct ui_state *ui, const struct core_event *ev)
{
    free_steps(ui);
    free_error(ui);
    memset(&ui->ped, 0, sizeof(ui->ped));
    snprintf(ui->flow_id, sizeof(ui->flow_id), "%s", ev->u.flow.flow_id ? ev->u.flow.flow_id : "");
    snprintf(ui->flow_title, sizeof(ui->flow_title), "%s",
             ev->u.flow.title ? ev->u.flow.title : "");
    ui->flow_running = true;
    ui->flow_finished = false;
    ui->finished_msg[0] = '\0';
    if (!ev->u.flow.step_count || !ev->u.flow.steps)
        return;
    ui->steps = calloc(ev->u.flow.step_count, sizeof(*ui->steps));
    if (!ui->steps)
        return;
    ui->step_count = ev->u.flow.step_count;
    for (size_t i = 0; i < ui->step_count; i++) {
        copy_step(&ui->steps[i], &ev->u.flow.steps[i]);
        if (ui->steps[i].state == STEP_CURRENT)
            ui->current_step = i;
    }
}

/* The step the current-step pane shows after step I changed. Steps of a flow's lanes run at
 * once (core/flow_lanes.h): a hand step waiting for the operator keeps the pane while steps
 * that run on their own come and go; a step that ends hands the pane to one still running
 * (a hand step first); a failure takes it. */
static void follow_current(struct ui_state *ui, size_t i)
{
    enum step_state st = ui->steps[i].state;
    const struct ui_step *shown = ui->current_step < ui->step_count
                                      ? &ui->steps[ui->current_step] : NULL;
    bool shown_waits = shown && shown->state == STEP_CURRENT && shown->hand_step;
    if (st == STEP_FAILED || (st == STEP_CURRENT && (!shown_waits || ui->steps[i].hand_step))) {
        ui->current_step = i;
        return;
    }
    if (i != ui->current_step || st == STEP_CURRENT)
        return;
    size_t pick = i;
    for (size_t j = 0; j < ui->step_count; j++)
        if (ui->steps[j].state == STEP_CURRENT &&
            (pick == i || (ui->steps[j].hand_step && !ui->steps[pick].hand_step)))
            pick = j;
    ui->current_step = pick;
}

/* The last received line mentioning the PED or a key since the last command sent, into BUF
 * ("" when none). */
static void ped_said(const struct ui_tx *tx, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t k = 0; k < 40 && k < tx->count; k++) {
        const struct ui_tx_line *l = ui_tx_get(tx, tx->count - 1 - k);
        if (l && l->dir == TX_SENT)
            return;     /* only the running command's own lines: never an older one's */
        if (!l || l->dir != TX_RECEIVED || !l->text)
            continue;
        if (strcasestr(l->text, "PED") || strcasestr(l->text, "key")) {
            const char *t = l->text;
            while (*t == ' ' || *t == '\t')
                t++;
            snprintf(buf, len, "%s", t);
            return;
        }
    }
}

void ui_state_apply(struct ui_state *ui, const struct core_event *ev)
{
    switch (ev->type) {
    case EV_TRANSCRIPT_LINE:
        ui_tx_push(&ui->tx, ev->u.line.host, ev->u.line.dir, ev->u.line.text);
        break;
    case EV_SLOTS_CHANGED:
        if ((unsigned)ev->u.slots.role < MODEL_ROLES && ev->u.slots.slots) {
            ui->slots[ev->u.slots.role] = *ev->u.slots.slots;
            ui->have_slots[ev->u.slots.role] = true;
        }
        break;
    case EV_TOPOLOGY_CHANGED:
        if (ev->u.topology.topology) {
            ui->topo = *ev->u.topology.topology;
            ui->have_topo = true;
            for (int r = 0; r < MODEL_ROLES; r++) {
                if (ui->topo.appliances[r].slots.count) {
                    ui->slots[r] = ui->topo.appliances[r].slots;
                    ui->have_slots[r] = true;
                }
            }
        }
        break;
    case EV_PED_PROMPT: {
        struct ui_ped *p = &ui->ped;
        p->active = true;
        p->count = ev->u.ped.key_count < PED_MAX_KEYS ? ev->u.ped.key_count : PED_MAX_KEYS;
        memcpy(p->keys, ev->u.ped.keys, p->count * sizeof(p->keys[0]));
        for (size_t i = 0; i < p->count; i++)
            snprintf(p->key_for[i], sizeof p->key_for[i], "%s",
                     ev->u.ped.key_for[i] ? ev->u.ped.key_for[i] : "");
        snprintf(p->where, sizeof p->where, "%s", ev->u.ped.where ? ev->u.ped.where : "");
        p->current = ev->u.ped.current;
        snprintf(p->device, sizeof(p->device), "%s", ev->u.ped.device ? ev->u.ped.device : "");
        ped_said(&ui->tx, p->said, sizeof p->said);
        p->timeout_s = ev->u.ped.timeout_s;
        p->deadline = ev->u.ped.deadline;
        break;
    }
    case EV_PED_DONE:
        ui->ped.active = false;
        break;
    case EV_FLOW_STARTED:
        apply_flow_started(ui, ev);
        break;
    case EV_STEP_CHANGED:
        if (ev->u.step.step && ev->u.step.index < ui->step_count) {
            copy_step(&ui->steps[ev->u.step.index], ev->u.step.step);
            follow_current(ui, ev->u.step.index);
        }
        break;
    case EV_FLOW_FINISHED:
        ui->flow_running = false;
        ui->flow_finished = true;
        ui->ped.active = false;
        ui->exit_code = ev->u.finished.exit_code;
        snprintf(ui->finished_msg, sizeof(ui->finished_msg), "%s",
                 ev->u.finished.message ? ev->u.finished.message : "");
        break;
    case EV_NOTICE:
        snprintf(ui->notice, sizeof(ui->notice), "%s",
                 ev->u.notice.text ? ev->u.notice.text : "");
        ui->notice_warning = ev->u.notice.warning;
        break;
    case EV_ERROR:
        free_error(ui);
        ui->error.cause = dup_or_empty(ev->u.error.cause);
        ui->error.fix = dup_or_empty(ev->u.error.fix);
        ui->error.excerpt = ev->u.error.excerpt ? strdup(ev->u.error.excerpt) : NULL;
        ui->error_seq++;
        break;
    case EV_COUNT:
        break;
    }
}

long ui_state_ped_left(const struct ui_state *ui, const struct timespec *now)
{
    long left = (long)(ui->ped.deadline.tv_sec - now->tv_sec);
    if (ui->ped.deadline.tv_nsec > now->tv_nsec)
        left += 1;      /* round up: "1 s left" until the very end */
    return left < 0 ? 0 : left;
}
