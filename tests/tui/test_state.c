/* test_state.c: the screen model copies what events say and keeps it after the call. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "ui_state.h"

/* Event strings die with the call: the model must hold its own copies. */
static void test_copies_outlive_event(void **state)
{
    (void)state;
    struct ui_state ui;
    assert_int_equal(ui_state_init(&ui, 10), 0);
    char title[32] = "", instr[64] = "", host[16] = "", text[32] = "";
    snprintf(title, sizeof(title), "Connect");
    snprintf(instr, sizeof(instr), "Do it");
    struct step_view sv = {.id = "c", .title = title, .instructions = instr,
                           .enter_action = "Run", .state = STEP_CURRENT, .can_go_back = true};
    struct core_event ev = {.type = EV_FLOW_STARTED};
    ev.u.flow.flow_id = "backup";
    ev.u.flow.title = "Backup";
    ev.u.flow.steps = &sv;
    ev.u.flow.step_count = 1;
    ui_state_apply(&ui, &ev);
    snprintf(host, sizeof(host), "source");
    snprintf(text, sizeof(text), "slot list");
    struct core_event tl = {.type = EV_TRANSCRIPT_LINE};
    tl.u.line.host = host;
    tl.u.line.dir = TX_SENT;
    tl.u.line.text = text;
    ui_state_apply(&ui, &tl);
    memset(title, 'X', sizeof(title) - 1);
    memset(instr, 'X', sizeof(instr) - 1);
    memset(host, 'X', sizeof(host) - 1);
    memset(text, 'X', sizeof(text) - 1);
    assert_string_equal(ui.steps[0].title, "Connect");
    assert_string_equal(ui.steps[0].instructions, "Do it");
    assert_true(ui.steps[0].can_go_back);
    assert_string_equal(ui_tx_get(&ui.tx, 0)->host, "source");
    assert_string_equal(ui_tx_get(&ui.tx, 0)->text, "slot list");
    assert_int_equal(ui_tx_get(&ui.tx, 0)->dir, TX_SENT);
    assert_true(ui.flow_running);
    /* Step changes land on their index; finishing stops the flow and the PED prompt. */
    struct step_view done = sv;
    done.state = STEP_FAILED;
    struct core_event sc = {.type = EV_STEP_CHANGED};
    sc.u.step.index = 0;
    sc.u.step.step = &done;
    ui_state_apply(&ui, &sc);
    sc.u.step.index = 7;            /* out of range: ignored */
    ui_state_apply(&ui, &sc);
    assert_int_equal(ui.steps[0].state, STEP_FAILED);
    struct core_event fin = {.type = EV_FLOW_FINISHED};
    fin.u.finished.exit_code = 5;
    fin.u.finished.message = "HSM command failed";
    ui.ped.active = true;
    ui_state_apply(&ui, &fin);
    assert_false(ui.flow_running);
    assert_false(ui.ped.active);
    assert_int_equal(ui.exit_code, 5);
    ui_state_free(&ui);
}

/* Steps of several lanes run at once: the current-step pane stays on a hand step waiting for
 * the operator, goes to another running step when the shown one ends, and to a failure. */
static void step_change(struct ui_state *ui, size_t i, struct step_view *v, enum step_state st)
{
    v[i].state = st;
    struct core_event sc = {.type = EV_STEP_CHANGED};
    sc.u.step.index = i;
    sc.u.step.step = &v[i];
    ui_state_apply(ui, &sc);
}

static void test_current_step_follows_lanes(void **state)
{
    (void)state;
    struct ui_state ui;
    assert_int_equal(ui_state_init(&ui, 10), 0);
    struct step_view v[4] = {
        {.id = "cable", .title = "Cable", .instructions = "", .enter_action = "", .hand_step = true},
        {.id = "ssh", .title = "SSH", .instructions = "", .enter_action = ""},
        {.id = "vtl", .title = "vtl", .instructions = "", .enter_action = ""},
        {.id = "rbs", .title = "RBS", .instructions = "", .enter_action = ""}};
    struct core_event ev = {.type = EV_FLOW_STARTED};
    ev.u.flow.flow_id = "backup";
    ev.u.flow.title = "Backup";
    ev.u.flow.steps = v;
    ev.u.flow.step_count = 4;
    ui_state_apply(&ui, &ev);
    step_change(&ui, 0, v, STEP_CURRENT);
    step_change(&ui, 1, v, STEP_CURRENT);     /* runs ahead while the operator cables */
    assert_int_equal(ui.current_step, 0);
    step_change(&ui, 1, v, STEP_DONE);
    step_change(&ui, 2, v, STEP_CURRENT);
    assert_int_equal(ui.current_step, 0);
    step_change(&ui, 0, v, STEP_DONE);        /* the operator confirmed: vtl still runs */
    assert_int_equal(ui.current_step, 2);
    step_change(&ui, 3, v, STEP_CURRENT);     /* no hand step waits: the newest shows */
    assert_int_equal(ui.current_step, 3);
    step_change(&ui, 2, v, STEP_FAILED);      /* a failure takes the pane */
    assert_int_equal(ui.current_step, 2);
    ui_state_free(&ui);
}

static void test_transcript_ring_and_escape(void **state)
{
    (void)state;
    struct ui_tx tx;
    assert_int_equal(ui_tx_init(&tx, 3), 0);
    char line[8];
    for (int i = 0; i < 5; i++) {
        snprintf(line, sizeof(line), "l%d", i);
        ui_tx_push(&tx, "h", TX_RECEIVED, line);
    }
    assert_int_equal(tx.count, 3);
    assert_int_equal(tx.dropped, 2);
    assert_string_equal(ui_tx_get(&tx, 0)->text, "l2");
    assert_string_equal(ui_tx_get(&tx, 2)->text, "l4");
    assert_null(ui_tx_get(&tx, 3));
    ui_tx_push(&tx, "h", TX_RECEIVED, "a\x1b[2Jb\x7f\tc\r");
    assert_string_equal(ui_tx_get(&tx, 2)->text, "a^[[2Jb^?    c^M");
    ui_tx_free(&tx);
}

static void test_ped_countdown(void **state)
{
    (void)state;
    struct ui_state ui;
    assert_int_equal(ui_state_init(&ui, 4), 0);
    struct core_event ev = {.type = EV_PED_PROMPT};
    ev.u.ped.key_count = 20;        /* more than PED_MAX_KEYS: clamped */
    ev.u.ped.current = 0;
    ev.u.ped.deadline.tv_sec = 100;
    ev.u.ped.deadline.tv_nsec = 500000000;
    ui_state_apply(&ui, &ev);
    assert_int_equal(ui.ped.count, PED_MAX_KEYS);
    struct timespec now = {90, 0};
    assert_int_equal(ui_state_ped_left(&ui, &now), 11);
    now.tv_sec = 100;
    now.tv_nsec = 600000000;
    assert_int_equal(ui_state_ped_left(&ui, &now), 0);
    now.tv_sec = 200;
    assert_int_equal(ui_state_ped_left(&ui, &now), 0);
    struct core_event done = {.type = EV_PED_DONE};
    ui_state_apply(&ui, &done);
    assert_false(ui.ped.active);
    ui_state_free(&ui);
}

static void test_topology_copies_slots(void **state)
{
    (void)state;
    struct ui_state ui;
    assert_int_equal(ui_state_init(&ui, 4), 0);
    assert_int_equal(ui.topo.appliances[ROLE_SOURCE].selected_slot, -1);
    assert_int_equal(ui.topo.appliances[ROLE_TARGET].selected_slot, -1);
    struct topology t;
    memset(&t, 0, sizeof(t));
    t.appliances[ROLE_SOURCE].slots.count = 1;
    t.appliances[ROLE_SOURCE].slots.slots[0].id = 3;
    struct core_event ev = {.type = EV_TOPOLOGY_CHANGED};
    ev.u.topology.topology = &t;
    ui_state_apply(&ui, &ev);
    t.appliances[ROLE_SOURCE].slots.slots[0].id = 99;
    assert_true(ui.have_topo);
    assert_true(ui.have_slots[ROLE_SOURCE]);
    assert_false(ui.have_slots[ROLE_TARGET]);
    assert_int_equal(ui.slots[ROLE_SOURCE].slots[0].id, 3);
    ui_state_free(&ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copies_outlive_event),
        cmocka_unit_test(test_current_step_follows_lanes),
        cmocka_unit_test(test_transcript_ring_and_escape),
        cmocka_unit_test(test_ped_countdown),
        cmocka_unit_test(test_topology_copies_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
