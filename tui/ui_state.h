/* ui_state.h: the screen model, a copy of what the core's events said. Drawing reads it;
 * tests feed it synthetic events. Event strings are copied here (they die with the call). */
#ifndef ROTWIZ_UI_STATE_H
#define ROTWIZ_UI_STATE_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "core_event.h"
#include "model.h"
#include "ui_tx.h"

struct ui_step {
    char *id, *title, *instructions, *enter_action;
    bool hand_step, destructive, can_go_back, optional;
    enum step_state state;
};

struct ui_ped {
    bool active;                  /* a prompt is out now */
    enum ped_key keys[PED_MAX_KEYS];
    char key_for[PED_MAX_KEYS][96]; /* whose each key is ("the Backup HSM (serial 7001)") */
    size_t count, current;
    char device[96];
    char where[64];               /* where the PED must be */
    char said[160];               /* the device's own line about the PED/key before the prompt
                                     ("Please attend to the PED."), or "" */
    int timeout_s;
    struct timespec deadline;     /* CLOCK_MONOTONIC */
};

struct ui_error {
    char *cause, *fix, *excerpt;
};

struct ui_state {
    struct topology topo;
    bool have_topo;
    struct slot_list slots[MODEL_ROLES];
    bool have_slots[MODEL_ROLES];
    char flow_id[64];
    char flow_title[128];
    struct ui_step *steps;
    size_t step_count;
    size_t current_step;          /* index of the latest STEP_CURRENT (or last changed) step */
    bool flow_running, flow_finished;
    int exit_code;
    char finished_msg[256];
    struct ui_ped ped;
    struct ui_tx tx;
    char notice[256];
    bool notice_warning;
    struct ui_error error;        /* the latest error (cause empty: none) */
    unsigned long error_seq;      /* bumped on every EV_ERROR, so the app can show it once */
};

/* Sets up an empty model with a transcript of TX_CAP lines; 0 or -1. */
int ui_state_init(struct ui_state *ui, size_t tx_cap);

/* Frees the copies. */
void ui_state_free(struct ui_state *ui);

/* Forgets the flow (steps, PED, error, finish) before a new one starts; keeps the transcript. */
void ui_state_reset_flow(struct ui_state *ui);

/* Copies what EV says into the model. */
void ui_state_apply(struct ui_state *ui, const struct core_event *ev);

/* Seconds left before the PED prompt times out at NOW (CLOCK_MONOTONIC), never below 0. */
long ui_state_ped_left(const struct ui_state *ui, const struct timespec *now);

#endif
