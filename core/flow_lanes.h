/* flow_lanes.h: running a flow's steps on several lanes at once.
 *
 * A flow's table (assets/flows/) is one ordered list. Each step runs on a lane: the
 * workstation's, or its k570's. A step without `needs` waits until every earlier step of the
 * table is done, as in a plain walk; a step with `needs` (flow_def.h: ahead) waits only for
 * the earlier steps of its own lane and the steps it names, so a k570 is connected while the
 * workstation's checks run and the target is prepared while the source backs up. Logins,
 * PED steps and the operator's hand steps never run ahead.
 *
 * Each lane runs in its own thread; the lanes take turns holding one lock (lane_lock.h) and
 * give it up only where they block, so the flow's state is never touched by two at once.
 * What belongs to a lane's running step (its role, step, PED expectation, failure) is swapped
 * in and out of the flow's context with the lock. */
#ifndef ROTWIZ_FLOW_LANES_H
#define ROTWIZ_FLOW_LANES_H
#include <stdbool.h>
#include <stddef.h>
#include "flow_def.h"

struct flow_ctx;

/* Runs step I of the flow; returns 0 (done), 1 (the operator goes back) or an exit code. */
typedef int flow_step_runner(struct flow_ctx *fx, size_t i);

/* True when DEF has a step that may run ahead (then flow_lanes_run is worth it). */
bool flow_lanes_overlap(const struct flow_def *def);

/* True when step I of DEF may start, DONE[j] telling which steps are done. */
bool flow_lanes_ready(const struct flow_def *def, const bool *done, size_t i);

/* Runs the steps from FROM on (the earlier ones are done) on their lanes until all are done
 * (0), a step fails (its exit code; the other lanes end the step they run and start no
 * other, and the failing lane's failure is in FX), or the operator goes back at a hand step
 * (1, *BACK_FROM its index; the other lanes stopped likewise). DONE_AFTER[i] tells, on
 * return, which steps from FROM on were done (for the step views). -1 when the lanes could
 * not be started (out of memory or threads): nothing ran, the caller walks the steps itself. */
int flow_lanes_run(struct flow_ctx *fx, size_t from, flow_step_runner *run_step,
                   size_t *back_from, bool *done_after);

#endif
