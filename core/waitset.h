/* waitset.h: a small poll()-based set of descriptors with callbacks, a cancel descriptor,
 * periodic timers and a deadline.
 *
 * A flow runs in one worker thread and blocks in waitset_run_until() while it waits for one
 * thing (a prompt, a PED, a helper); every other registered descriptor keeps being served by
 * its callback during that wait, so a background helper's lines reach the transcript live.
 * Callbacks are also called once per loop turn with revents == 0 ("pump"), because libssh
 * buffers data internally and a readable socket is not the only sign that a channel has data. */
#ifndef ROTWIZ_WAITSET_H
#define ROTWIZ_WAITSET_H
#include <stdbool.h>
#include <time.h>

struct waitset;

/* Results of waitset_run_until(). */
enum waitset_result { WAITSET_DONE = 0, WAITSET_TIMEOUT, WAITSET_CANCELLED, WAITSET_ERROR };

/* Called when FD is ready (revents from poll) or, with revents == 0, once per loop turn. */
typedef void waitset_fd_fn(void *ud, int fd, short revents);
/* Called every interval of a timer. */
typedef void waitset_timer_fn(void *ud);
/* Returns true when the wait is over. */
typedef bool waitset_pred_fn(void *ud);

/* New empty set. CANCEL_FD (or -1) aborts every wait once it is readable; it is not read. */
struct waitset *waitset_new(int cancel_fd);
/* Frees the set (not the registered descriptors). */
void waitset_free(struct waitset *ws);

/* Registers FD for EVENTS (POLLIN...). FN may be NULL: the descriptor then only wakes the loop.
 * Returns an id (> 0) for waitset_remove, or -1 when out of memory. */
int waitset_add(struct waitset *ws, int fd, short events, waitset_fd_fn *fn, void *ud);
/* Registers FN to run every INTERVAL_MS. Returns an id as waitset_add does. */
int waitset_add_timer(struct waitset *ws, int interval_ms, waitset_timer_fn *fn, void *ud);
/* Unregisters an fd or timer by id; safe from inside a callback. Ignores unknown ids. */
void waitset_remove(struct waitset *ws, int id);

/* Loops until PRED(ud) is true (checked before each sleep), DEADLINE (CLOCK_MONOTONIC; NULL =
 * none) passes, or the cancel descriptor becomes readable. PRED may be NULL (run to deadline). */
enum waitset_result waitset_run_until(struct waitset *ws, waitset_pred_fn *pred, void *ud,
                                      const struct timespec *deadline);
/* The predicate's own moment: the current wait's next turn ends by T (a predicate that
 * depends on time, such as a settle after the last byte, asks for it on each check, so it
 * is seen at that moment and not at the next periodic wake-up). */
void waitset_wake_at(struct waitset *ws, const struct timespec *t);
/* One non-blocking turn: serves whatever is ready and pumps every callback. */
void waitset_pump(struct waitset *ws);
/* True when the cancel descriptor is readable now. */
bool waitset_cancelled(const struct waitset *ws);

/* Replaces the cancel descriptor (-1: none) and returns the previous one. A command that must
 * not be cut off (an archive restore half done is worse than one finished) runs with none; a
 * cancel that came meanwhile stays in the descriptor and is seen after. */
int waitset_set_cancel_fd(struct waitset *ws, int fd);

/* CLOCK_MONOTONIC now plus MS milliseconds. */
struct timespec waitset_deadline_in(long ms);
/* Milliseconds from now until T (negative when past). */
long waitset_ms_until(const struct timespec *t);

#endif
