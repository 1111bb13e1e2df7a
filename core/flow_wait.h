/* flow_wait.h: waits of the workstation actions that end on an event, never on a fixed sleep:
 * a helper's exit (a pidfd in the flow's waitset) and a port that starts to accept
 * connections. The deadline of each is only a safety net. */
#ifndef ROTWIZ_FLOW_WAIT_H
#define ROTWIZ_FLOW_WAIT_H
#include <stdbool.h>

struct flow_ctx;
struct job;

/* Waits until JOB has exited, at most MS. Returns true with its waitpid status in *status (may
 * be NULL), false on the deadline or a cancel. */
bool flow_wait_job_exit(struct flow_ctx *fx, struct job *job, long ms, int *status);

/* Waits until HOST:PORT accepts a TCP connection or JOB (may be NULL) exits, at most MS.
 * Returns true when the port is open. A cancel ends the wait (false). */
bool flow_wait_port(struct flow_ctx *fx, const char *host, int port, struct job *job, long ms);

#endif
