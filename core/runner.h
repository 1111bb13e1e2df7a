/* runner.h: runs one flow in a worker thread and hands its events to the UI thread.
 *
 * Why a thread: a flow reads like the ceremony script (send, verify, ask, go on), which is
 * what a reviewer needs; the worker blocks on SSH, helpers and the operator's answers while
 * the UI thread's poll() loop never does. Events are queued and a pipe wakes the UI.
 * Batch mode and tests run flows directly (flow_run) with their own sink instead. */
#ifndef ROTWIZ_RUNNER_H
#define ROTWIZ_RUNNER_H
#include <stdbool.h>
#include <stddef.h>
#include "core_event.h"

/* FLOW_MIGRATE: a backup of the source and a restore onto the target in one run */
enum flow_kind { FLOW_BACKUP = 0, FLOW_RESTORE, FLOW_PREPARE_TARGET, FLOW_TOPOLOGY, FLOW_MIGRATE };

#define FLOW_MAX_WITNESSES 8
#define FLOW_MAX_ACKS 4
#define FLOW_MAX_INIT_RPV 4
/* Everything a flow needs to start. Strings are copied by runner_start/flow_run. */
struct flow_request {
    enum flow_kind kind;
    const char *config_path;
    const char *secrets_path;           /* NULL: none; missing secrets are asked for */
    const char *auth_override;          /* "password"/"ped" or NULL */
    const char *state_dir;              /* where sessions are recorded */
    const char *confirm_clear_host;     /* batch: --confirm-clear HOST */
    const char *operator_name;          /* NULL: asked (wizard) or login name (batch) */
    const char *witnesses[FLOW_MAX_WITNESSES];
    size_t witness_count;
    bool batch;                         /* hand steps verified by effect, never asked */
    /* batch: --acknowledge-failed-login SERIAL (repeatable): the failed SO logins of these
     * serials are acknowledged (core/flow_login.h); the wizard asks instead */
    const char *ack_serials[FLOW_MAX_ACKS];
    size_t ack_count;
    /* batch: --init-rpv WHICH (repeatable): an appliance host as the configuration writes it,
     * or "backup-hsm", whose Remote PED Vector may be initialised when it has none */
    const char *init_rpv[FLOW_MAX_INIT_RPV];
    size_t init_rpv_count;
    /* `rotwiz capture` (the read-only view, then flow_act_capture.c): the file ("-": stdout),
     * whether token labels are kept and serials masked */
    const char *capture_path;
    bool capture_labels;
    bool capture_mask_serials;
};

struct runner;

/* Starts the flow in a worker thread. Returns NULL with a message in err. */
struct runner *runner_start(const struct flow_request *req, char *err, size_t errlen);

/* A descriptor that becomes readable when events or a question wait; add it to poll(). */
int runner_fd(const struct runner *r);

/* UI thread: delivers every queued event to SINK->on_event (sink->ask is not used). */
void runner_dispatch(struct runner *r, const struct core_sink *sink);

/* UI thread: the question the flow waits on, or NULL. Valid until runner_answer. */
const struct core_ask *runner_pending_ask(struct runner *r);

/* UI thread: answers the pending question (status ASK_ANSWERED or ASK_CANCELLED). The answer
 * is copied and the caller should wipe its own copy of any secret. */
void runner_answer(struct runner *r, int status, const struct core_answer *a);

/* Asks the flow to stop at the next safe point (never in the middle of an HSM command). */
void runner_cancel(struct runner *r);

/* True once the flow ended; *exit_code gets the INTERFACE.md exit code. */
bool runner_finished(struct runner *r, int *exit_code);

/* Cancels the flow if it still runs, waits for its thread and returns its exit code: what
 * its journal's last record says (the process exits with it). */
int runner_wait(struct runner *r);

/* Cancels if still running, joins the thread and frees everything. */
void runner_free(struct runner *r);

#endif
