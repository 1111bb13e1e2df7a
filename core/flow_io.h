/* flow_io.h: the engine's plumbing: run set-up and clean-up, the session record (journal and
 * transcript), reporting errors and notices, and the placeholders of step texts. Internal. */
#ifndef ROTWIZ_FLOW_IO_H
#define ROTWIZ_FLOW_IO_H
#include "flow_ctx.h"

/* Loads config and secrets, opens the session record, picks the flow. Returns 0 or an exit
 * code after flow_fail. */
int flow_setup(struct flow_ctx *fx, int cancel_fd);
/* Frees what flow_setup made (after the journal's last record). */
void flow_cleanup(struct flow_ctx *fx);

/* True once the operator cancelled. */
bool flow_cancelled(const struct flow_ctx *fx);

/* Emits EV_ERROR for the recorded failure, with the transcript lines that show it. */
void flow_report_error(struct flow_ctx *fx);

/* The value of a {placeholder} of the step texts, or NULL. */
const char *flow_placeholder(struct flow_ctx *fx, const char *name);

/* Journal records (no-ops when the journal could not be opened; flow_setup fails then). */
void flow_journal_step_start(struct flow_ctx *fx, const char *step, const char *title);
void flow_journal_step_done(struct flow_ctx *fx, const char *step);
void flow_journal_step_failed(struct flow_ctx *fx, const char *step);
/* A step the operator skipped (step-skipped). */
void flow_journal_step_skipped(struct flow_ctx *fx, const char *step, const char *reason);
/* A hand step in batch mode: TYPE is "hand-step-unverified" (nothing rotwiz can check: left
 * for the operator to do, never done) or "hand-step-verified-by-effect" (its action verified
 * it). TODO: the first line of its instructions (may be NULL). */
void flow_journal_hand_step(struct flow_ctx *fx, const char *type, const char *step,
                            const char *title, const char *todo, const char *verifies);
void flow_journal_confirmation(struct flow_ctx *fx, const char *step, const char *what,
                               const char *typed);
void flow_journal_decision(struct flow_ctx *fx, const char *question, const char *answer);
void flow_journal_objects(struct flow_ctx *fx, const char *where, const struct luna_objects *o);
void flow_journal_appliance(struct flow_ctx *fx, const char *role, const char *host,
                            const char *serial, const char *model, const char *firmware,
                            const char *client_version);
void flow_journal_end(struct flow_ctx *fx, int exit_code, const char *message);

#endif
