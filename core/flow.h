/* flow.h: runs one flow (backup, restore, prepare-target, topology) to the end, on the calling
 * thread, speaking through SINK. Batch mode and tests call this directly; the wizard calls it
 * through the runner (core/runner.h). */
#ifndef ROTWIZ_FLOW_H
#define ROTWIZ_FLOW_H
#include "core_event.h"
#include "runner.h"

/* INTERFACE.md exit codes. */
enum rotwiz_exit {
    EXIT_DONE = 0,
    EXIT_USAGE = 2,          /* usage or config error (also: a needed secret is missing) */
    EXIT_CONNECT = 3,        /* cannot connect, or host key refused */
    EXIT_PRECONDITION = 4,   /* e.g. target partition not empty, Backup HSM not visible */
    EXIT_HSM = 5,            /* an HSM command failed */
    EXIT_CANCELLED = 6,      /* cancelled by the operator */
    EXIT_TIMEOUT = 7,        /* timed out waiting (PED, helper) */
    EXIT_RECORD = 8          /* the session record could not be written (journal_ok false);
                              * nothing more was sent to any device */
};

/* Runs the flow; CANCEL_FD (or -1) becomes readable when the operator cancels. Returns an
 * enum rotwiz_exit code and emits EV_FLOW_FINISHED with it. */
int flow_run(const struct flow_request *req, const struct core_sink *sink, int cancel_fd);

/* The session folder of the newest flow_run in this process ("" when none), from any thread;
 * the export dialog proposes it. */
const char *flow_last_session(void);

/* Stops what the wizard process kept running between flows (the RBS a backup leaves for the
 * restore after it, core/flow_carry.h); the wizard calls it before the process exits. */
void flow_carry_end(void);

#endif
