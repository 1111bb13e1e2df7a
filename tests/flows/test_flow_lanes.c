/* test_flow_lanes.c: which steps may run at once (flow_lanes_ready on every embedded flow) and
 * the lane runner itself (flow_lanes_run with stand-in steps): lanes overlap where the table
 * allows it and nowhere else, every flow can finish, a failure stops the other lanes and is
 * the flow's, and what belongs to a lane's step stays that lane's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "flow_ctx.h"
#include "flow_def.h"
#include "flow_lanes.h"
#include "lane_lock.h"

static const char *const all_flows[] = {"backup-password", "backup-ped", "restore-password",
                                        "restore-ped", "prepare-target-password",
                                        "prepare-target-ped", "topology", "migrate-password",
                                        "migrate-ped"};
#define FLOW_COUNT (sizeof all_flows / sizeof all_flows[0])

/* Index of ENTRY ("co_login", or "target:co_login" in a flow on both k570s), or -1. */
static long find(const struct flow_def *d, const char *entry)
{
    int role = -1;
    const char *id = entry;
    if (strncmp(entry, "source:", 7) == 0 || strncmp(entry, "target:", 7) == 0) {
        role = entry[0] == 's' ? ROLE_SOURCE : ROLE_TARGET;
        id = entry + 7;
    }
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->steps[i].id, id) == 0 && (role < 0 || d->steps[i].role == role))
            return (long)i;
    return -1;
}

static void load(const char *id, struct flow_def *d)
{
    char err[256] = "";
    if (flow_def_load(id, d, err, sizeof err) != 0)
        fail_msg("%s: %s", id, err);
}

/* What never runs ahead, in any flow: the operator's hand steps, PED steps of PED flows,
 * what destroys or writes (the clear, the archives), what reads what a backup left (the
 * target's emptiness check names the backup partition) and the SO logins; and what does
 * names only earlier steps. */
static void only_safe_steps_run_ahead(void **state)
{
    (void)state;
    static const char *const never[] = {"clear_target", "archive_backup", "archive_restore",
                                        "verify_backup", "verify_restore", "check_target_empty",
                                        "record_source_objects", "co_login_clear", "logout",
                                        "backup_hsm_so_login", "backup_hsm_so_relogin",
                                        "appliance_rpv", "rbs_config", "rbs_genkey",
                                        "rbs_start"};
    for (size_t f = 0; f < FLOW_COUNT; f++) {
        struct flow_def d;
        load(all_flows[f], &d);
        bool ped = strcmp(d.auth, "ped") == 0;
        for (size_t i = 0; i < d.count; i++) {
            const struct flow_step_def *s = &d.steps[i];
            for (size_t k = 0; k < sizeof never / sizeof never[0]; k++)
                if (strcmp(s->id, never[k]) == 0 && s->ahead)
                    fail_msg("%s: %s runs ahead", all_flows[f], s->id);
            if (s->ahead && (s->hand || (ped && s->ped_count)))
                fail_msg("%s: hand or PED step %s runs ahead", all_flows[f], s->id);
            for (size_t k = 0; k < s->needs_count; k++)
                assert_true(s->needs[k] < i);
        }
        flow_def_free(&d);
    }
}

/* The vendor's order across devices holds: nothing is registered with vtl, and lunacm is not
 * started for the vendor's steps, before RBS runs; no login before the k570's syntax
 * preflight. */
static void vendor_order_across_devices(void **state)
{
    (void)state;
    for (size_t f = 0; f < FLOW_COUNT; f++) {
        struct flow_def d;
        load(all_flows[f], &d);
        long rbs = find(&d, "rbs_start");
        for (size_t i = 0; i < d.count; i++) {
            const struct flow_step_def *s = &d.steps[i];
            bool needs_rbs = false, needs_preflight = false;
            for (size_t k = 0; k < s->needs_count; k++) {
                needs_rbs = needs_rbs || (long)s->needs[k] == rbs;
                needs_preflight = needs_preflight ||
                                  (strcmp(d.steps[s->needs[k]].id, "preflight_syntax") == 0 &&
                                   d.steps[s->needs[k]].lane == FLOW_LANE_ASIDE(s->lane));
            }
            if (rbs >= 0 && s->ahead &&
                (strcmp(s->id, "vtl_register") == 0 || strcmp(s->id, "lunacm_start") == 0))
                assert_true(needs_rbs);
            if (s->ahead && strstr(s->action, "login"))
                assert_true(needs_preflight);
        }
        flow_def_free(&d);
    }
}

/* Walks DEF as the lanes could: each round starts every step that is ready, then finishes
 * them all. Returns the number of rounds (the flow's length in "turns"); fails on a deadlock. */
static size_t rounds_to_finish(const struct flow_def *d)
{
    bool *done = calloc(d->count + 1, sizeof *done);
    bool *now = calloc(d->count + 1, sizeof *now);
    size_t left = d->count, rounds = 0;
    while (left) {
        size_t started = 0;
        for (size_t i = 0; i < d->count; i++) {
            now[i] = !done[i] && flow_lanes_ready(d, done, i);
            started += now[i];
        }
        if (!started)
            fail_msg("%s: no step can start with %zu left", d->id, left);
        for (size_t i = 0; i < d->count; i++)
            if (now[i]) {
                done[i] = true;
                left--;
            }
        rounds++;
    }
    free(done);
    free(now);
    return rounds;
}

static void every_flow_can_finish_and_overlaps(void **state)
{
    (void)state;
    for (size_t f = 0; f < FLOW_COUNT; f++) {
        struct flow_def d;
        load(all_flows[f], &d);
        size_t rounds = rounds_to_finish(&d);
        if (flow_lanes_overlap(&d))
            assert_true(rounds < d.count); /* something ran at the same time */
        else
            assert_int_equal(rounds, d.count); /* one step after the other */
        flow_def_free(&d);
    }
}

/* The overlaps a migrate is for, and the waits it keeps. */
static void migrate_prepares_the_target_while_the_source_backs_up(void **state)
{
    (void)state;
    struct flow_def d;
    load("migrate-password", &d);
    bool *done = calloc(d.count + 1, sizeof *done);
    /* at the start: both k570s are connected while the operator cables the Backup HSM */
    assert_true(flow_lanes_ready(&d, done, (size_t)find(&d, "cable_devices")));
    assert_true(flow_lanes_ready(&d, done, (size_t)find(&d, "source:ssh_connect")));
    assert_true(flow_lanes_ready(&d, done, (size_t)find(&d, "target:ssh_connect")));
    assert_false(flow_lanes_ready(&d, done, (size_t)find(&d, "client_check")));
    /* RBS runs: the target's vtl still waits for its own certificate copy (its lane) */
    for (long i = 0; i <= find(&d, "rbs_start"); i++)
        done[i] = true;
    assert_true(flow_lanes_ready(&d, done, (size_t)find(&d, "target:upload_cert")) ==
                done[find(&d, "target:ssh_connect")]);
    done[find(&d, "target:ssh_connect")] = true;
    assert_false(flow_lanes_ready(&d, done, (size_t)find(&d, "target:vtl_register")));
    memset(done, 0, (d.count + 1) * sizeof *done);
    /* everything up to the source's backup is done */
    long bak = find(&d, "source:archive_backup");
    for (long i = 0; i < bak; i++)
        done[i] = true;
    /* the target's own steps up to its login do not wait for the backup... */
    static const char *const ahead[] = {"target:upload_cert", "target:preflight_syntax",
                                        "target:vtl_register",
                                        "target:lunacm_start", "target:backup_slot_visible",
                                        "target:select_user_slot", "target:co_login"};
    for (size_t k = 0; k < sizeof ahead / sizeof ahead[0]; k++) {
        long i = find(&d, ahead[k]);
        assert_true(i > bak);
        assert_true(flow_lanes_ready(&d, done, (size_t)i));
        done[i] = true;
    }
    /* ...but its emptiness check and the restore wait for the backup and its verification */
    assert_false(flow_lanes_ready(&d, done, (size_t)find(&d, "target:check_target_empty")));
    assert_false(flow_lanes_ready(&d, done, (size_t)find(&d, "target:archive_restore")));
    for (long i = bak; i <= find(&d, "source:logout"); i++)
        done[i] = true;
    assert_true(flow_lanes_ready(&d, done, (size_t)find(&d, "target:check_target_empty")));
    free(done);
    flow_def_free(&d);
}

/* ---- the runner, with stand-in steps ------------------------------------------------- */

static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static int running, most_running;
static long tick, started_at[64], ended_at[64]; /* a clock of starts and ends, per step */
static long fail_at = -1;
static bool state_lost; /* a lane's step found another's state in the context */

/* Blocks a moment as a device command would (giving the lock up), then checks the lane's own
 * state survived the others running meanwhile; step FAIL_AT fails. */
static int stand_in_step(struct flow_ctx *fx, size_t i)
{
    fx->current = i;
    fx->step = &fx->def.steps[i];
    snprintf(fx->cause, sizeof fx->cause, "cause of %s", fx->step->id);
    pthread_mutex_lock(&seen_lock);
    started_at[i] = ++tick;
    running++;
    most_running = running > most_running ? running : most_running;
    pthread_mutex_unlock(&seen_lock);
    lane_block_begin();
    usleep(3000);
    lane_block_end();
    pthread_mutex_lock(&seen_lock);
    running--;
    ended_at[i] = ++tick;
    pthread_mutex_unlock(&seen_lock);
    /* swapped back in with the lock (cmocka's asserts belong to the test's own thread) */
    if (fx->current != i || fx->step != &fx->def.steps[i])
        state_lost = true;
    if ((long)i == fail_at) {
        fx->exit_code = 5;
        snprintf(fx->cause, sizeof fx->cause, "step %zu failed", i);
        return 5;
    }
    return 0;
}

/* Runs migrate-password's steps as stand-ins, step FAILING (or -1) failing; returns the exit
 * code, *FX and *DONE for the checks (free with done_with). */
static int run_stand_ins(long failing, struct flow_ctx **fx, bool **done)
{
    *fx = calloc(1, sizeof **fx);
    load("migrate-password", &(*fx)->def);
    assert_true((*fx)->def.count <= 64);
    *done = calloc((*fx)->def.count + 1, sizeof **done);
    memset(started_at, 0, sizeof started_at);
    memset(ended_at, 0, sizeof ended_at);
    tick = most_running = 0;
    state_lost = false;
    fail_at = failing;
    size_t back = 0;
    return flow_lanes_run(*fx, 0, stand_in_step, &back, *done);
}

static void done_with(struct flow_ctx *fx, bool *done)
{
    free(done);
    flow_def_free(&fx->def);
    free(fx);
}

static void lanes_run_at_once_in_order(void **state)
{
    (void)state;
    struct flow_ctx *fx;
    bool *done;
    assert_int_equal(run_stand_ins(-1, &fx, &done), 0);
    assert_true(most_running > 1);
    assert_false(state_lost);
    /* each step started only once what it waits for had ended */
    const struct flow_def *d = &fx->def;
    for (size_t i = 0; i < d->count; i++) {
        assert_true(done[i] && started_at[i] > 0);
        for (size_t j = 0; j < i; j++) {
            bool waits = !d->steps[i].ahead || d->steps[j].lane == d->steps[i].lane;
            for (size_t k = 0; k < d->steps[i].needs_count; k++)
                waits = waits || d->steps[i].needs[k] == j;
            if (waits && ended_at[j] > started_at[i])
                fail_msg("%s started before %s ended", d->steps[i].id, d->steps[j].id);
        }
    }
    done_with(fx, done);
}

static void a_failure_stops_every_lane_and_is_the_flows(void **state)
{
    (void)state;
    struct flow_ctx *fx;
    bool *done;
    long failing = 0;
    {
        struct flow_def d;
        load("migrate-password", &d);
        failing = find(&d, "target:vtl_register");
        flow_def_free(&d);
    }
    assert_int_equal(run_stand_ins(failing, &fx, &done), 5);
    char want[64];
    snprintf(want, sizeof want, "step %ld failed", failing);
    assert_string_equal(fx->cause, want); /* the failing lane's, not the last to stop */
    assert_int_equal(fx->exit_code, 5);
    assert_false(done[failing]);
    /* no step started after the failure ended */
    for (size_t i = 0; i < fx->def.count; i++)
        assert_true(started_at[i] == 0 || started_at[i] < ended_at[failing]);
    assert_false(done[find(&fx->def, "target:archive_restore")]);
    fail_at = -1;
    done_with(fx, done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_safe_steps_run_ahead),
        cmocka_unit_test(vendor_order_across_devices),
        cmocka_unit_test(every_flow_can_finish_and_overlaps),
        cmocka_unit_test(migrate_prepares_the_target_while_the_source_backs_up),
        cmocka_unit_test(lanes_run_at_once_in_order),
        cmocka_unit_test(a_failure_stops_every_lane_and_is_the_flows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
