/* lane_lock.h: letting other lanes of a flow run while this thread blocks.
 *
 * A flow whose steps overlap (core/flow_lanes.c) runs each lane in its own thread, and the
 * lanes take turns holding one lock: only the holder runs flow code, so the flow's state needs
 * no other locking. A lane gives the lock up only where it would block (a poll() for device
 * output, a question to the operator, a short sleep); modules that block bracket the blocking
 * call with lane_block_begin/lane_block_end. In a thread that runs no lane (every test, the
 * UI, a flow without overlap) both do nothing. */
#ifndef ROTWIZ_LANE_LOCK_H
#define ROTWIZ_LANE_LOCK_H

/* What a lane thread does around a blocking call: LEAVE before (saves what is its own,
 * unlocks), ENTER after (locks, restores). */
struct lane_hooks {
    void (*leave)(void *ud);
    void (*enter)(void *ud);
    void *ud;
};

/* Installs HOOKS for the calling thread (NULL: none). The struct must outlive the thread's use. */
void lane_lock_install(const struct lane_hooks *hooks);

/* The calling thread is about to block: other lanes may run until lane_block_end. Calls
 * nest: only the outermost pair gives the lock up. */
void lane_block_begin(void);
void lane_block_end(void);

#endif
