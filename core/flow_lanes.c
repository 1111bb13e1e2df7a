/* flow_lanes.c: the lanes of a flow, run at once (see flow_lanes.h). */
#include "flow_lanes.h"
#include "flow_ctx.h"
#include "lane_lock.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* What belongs to the step a lane runs: swapped into the flow's context while the lane holds
 * the lock, out of it when the lane gives the lock up. (A lane's PED expectation is kept per
 * lane in the context instead: a PED prompt is read by whichever lane waits at that moment.) */
struct lane_state {
    enum appliance_role role;
    size_t current;
    const struct flow_step_def *step;
    bool appliance_rpv_needed;
    int exit_code;
    char cause[sizeof ((struct flow_ctx *)0)->cause];
    char fix[sizeof ((struct flow_ctx *)0)->fix];
};

/* Copies the lane's own fields from FX into ST (SAVE) or back (!SAVE). */
static void state_move(struct flow_ctx *fx, struct lane_state *st, bool save)
{
#define LANE_MOVE(field)                                                                    \
    do {                                                                                    \
        if (save)                                                                           \
            memcpy(&st->field, &fx->field, sizeof st->field);                               \
        else                                                                                \
            memcpy(&fx->field, &st->field, sizeof st->field);                               \
    } while (0)
    LANE_MOVE(role);
    LANE_MOVE(current);
    LANE_MOVE(step);
    LANE_MOVE(appliance_rpv_needed);
    LANE_MOVE(exit_code);
    LANE_MOVE(cause);
    LANE_MOVE(fix);
#undef LANE_MOVE
}

static void state_save(struct flow_ctx *fx, struct lane_state *st)
{
    state_move(fx, st, true);
}

static void state_load(struct flow_ctx *fx, struct lane_state *st)
{
    state_move(fx, st, false);
}

bool flow_lanes_overlap(const struct flow_def *def)
{
    for (size_t i = 0; i < def->count; i++)
        if (def->steps[i].ahead)
            return true;
    return false;
}

bool flow_lanes_ready(const struct flow_def *def, const bool *done, size_t i)
{
    const struct flow_step_def *s = &def->steps[i];
    for (size_t j = 0; j < i; j++) {
        if (done[j])
            continue;
        if (!s->ahead || def->steps[j].lane == s->lane)
            return false;
        for (size_t k = 0; k < s->needs_count; k++)
            if (s->needs[k] == j)
                return false;
    }
    return true;
}

struct lanes_run {
    struct flow_ctx *fx;
    flow_step_runner *run_step;
    pthread_mutex_t lock;
    pthread_cond_t progress;
    bool *done;
    bool stop;
    int rc;              /* the first failure's exit code, 1 for going back, or 0 */
    int rc_lane;
    size_t back_from;
};

struct lane_thread {
    struct lanes_run *run;
    int lane;
    size_t from;
    struct lane_state state;
    struct lane_hooks hooks;
    pthread_t thread;
    bool started;
};

static void lane_leave(void *ud)
{
    struct lane_thread *t = ud;
    state_save(t->run->fx, &t->state);
    pthread_mutex_unlock(&t->run->lock);
}

static void lane_enter(void *ud)
{
    struct lane_thread *t = ud;
    pthread_mutex_lock(&t->run->lock);
    state_load(t->run->fx, &t->state);
}

static void *lane_main(void *arg)
{
    struct lane_thread *t = arg;
    struct lanes_run *run = t->run;
    const struct flow_def *def = &run->fx->def;
    lane_lock_install(&t->hooks);
    lane_enter(t);
    for (size_t i = t->from; i < def->count && !run->stop; i++) {
        if (def->steps[i].lane != t->lane)
            continue;
        while (!run->stop && !flow_lanes_ready(def, run->done, i)) {
            state_save(run->fx, &t->state);
            pthread_cond_wait(&run->progress, &run->lock);
            state_load(run->fx, &t->state);
        }
        if (run->stop)
            break;
        int rc = run->run_step(run->fx, i);
        if (rc == 0) {
            run->done[i] = true;
        } else if (!run->rc) { /* the first to fail (or go back) is what the flow reports */
            run->rc = rc;
            run->rc_lane = t->lane;
            run->back_from = i;
        }
        run->stop = run->stop || rc != 0;
        pthread_cond_broadcast(&run->progress);
    }
    lane_leave(t);
    lane_lock_install(NULL);
    return NULL;
}

int flow_lanes_run(struct flow_ctx *fx, size_t from, flow_step_runner *run_step,
                   size_t *back_from, bool *done_after)
{
    const struct flow_def *def = &fx->def;
    struct lanes_run run = {.fx = fx, .run_step = run_step};
    struct lane_thread lanes[FLOW_LANES];
    run.done = calloc(def->count + 1, sizeof *run.done);
    if (!run.done)
        return -1;
    for (size_t j = 0; j < from && j < def->count; j++)
        run.done[j] = true;
    pthread_mutex_init(&run.lock, NULL);
    pthread_cond_init(&run.progress, NULL);
    /* Every thread is created before any runs a step (they wait for the lock), so a thread
     * that cannot be created stops the others before anything happened. */
    pthread_mutex_lock(&run.lock);
    for (int l = 0; l < FLOW_LANES; l++) {
        lanes[l] = (struct lane_thread){.run = &run, .lane = l, .from = from};
        lanes[l].hooks = (struct lane_hooks){lane_leave, lane_enter, &lanes[l]};
        state_save(fx, &lanes[l].state); /* every lane starts from the flow's own */
        bool has_steps = false;
        for (size_t i = from; i < def->count; i++)
            has_steps = has_steps || def->steps[i].lane == l;
        if (has_steps && !run.stop) {
            lanes[l].started = pthread_create(&lanes[l].thread, NULL, lane_main, &lanes[l]) == 0;
            run.stop = !lanes[l].started;
        }
    }
    bool could_start = !run.stop;
    pthread_mutex_unlock(&run.lock);
    for (int l = 0; l < FLOW_LANES; l++)
        if (lanes[l].started)
            pthread_join(lanes[l].thread, NULL);
    int rc = could_start ? run.rc : -1;
    if (rc > 0)
        state_load(fx, &lanes[run.rc_lane].state); /* its failure (or going back) is the flow's */
    *back_from = run.back_from;
    for (size_t i = from; i < def->count; i++)
        done_after[i] = run.done[i];
    free(run.done);
    pthread_cond_destroy(&run.progress);
    pthread_mutex_destroy(&run.lock);
    return rc;
}
