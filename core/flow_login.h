/* flow_login.h: the failed-login ledger (ledger.h) at a flow's login points: before a login,
 * how many tries of the device are used and what the next failures do, and the refusal while
 * a failed SO login is not acknowledged; after it, the counter raised or reset, durably, before
 * the flow goes on. The flow's ledger (fx->ledger) is opened by flow_setup (flow_io.c).
 *
 * Journal records (journal.jsonl), each with step, device, serial, role and failures:
 *   login-guard          before a login: the tries used ("refused": true when it stops)
 *   login-acknowledged   the operator acknowledged a failed login ("how": typed serial or
 *                        --acknowledge-failed-login)
 *   login-failed         a login failed ("code", "code_name", "what")
 *   login-ok             a login succeeded ("previous_failures": the count it reset) */
#ifndef ROTWIZ_FLOW_LOGIN_H
#define ROTWIZ_FLOW_LOGIN_H
#include "flow_ctx.h"
#include "ledger.h"

/* INTERFACE.md exit code 8: the record (here the ledger) could not be written; nothing more
 * is sent to any device. */
#define FLOW_LOGIN_EXIT_RECORD EXIT_RECORD

/* Before a login to DEVICE (e.g. "Backup HSM", "source k570") with SERIAL as ROLE: shows the
 * consecutive failures and what the next ones do (flow_notice; SO: "N of 3 tries used: the 3rd
 * failure zeroises DEVICE and destroys ..."), journals it, and refuses (returns
 * EXIT_PRECONDITION after flow_fail, with the fix naming `--acknowledge-failed-login SERIAL`)
 * while an unacknowledged failed SO login of that serial exists -- in the wizard it first asks
 * a typed acknowledgement (ASK_TYPED_CONFIRM, expected = the serial; answered right: recorded
 * as acknowledged in ledger + journal, returns 0). Batch: acknowledged when fx->req lists
 * SERIAL in --acknowledge-failed-login. Returns 0 to go on. An empty/unknown SERIAL is keyed as
 * "unknown:<DEVICE>". A ledger that cannot be written stops the flow (exit 8). */
int flow_login_guard(struct flow_ctx *fx, const char *device, const char *serial,
                     enum ledger_role role);

/* After a login attempt (R = the parsed Command Result of the command that logged in; a
 * command that logs in as part of a bigger one -- archive backup/restore with -sop -- is passed
 * too): a failure code (0xa0, 0xa4, 0x8000001c, 0x80000007) raises the counter (durably, BEFORE
 * returning), a success (R->ok) resets it, anything else (or R NULL / no result line) leaves
 * it. Journals `login-failed` / `login-ok`. Returns 0 (the caller goes on with its own result),
 * or FLOW_LOGIN_EXIT_RECORD after flow_fail when the ledger could not be written: the caller
 * must stop and return it. */
int flow_login_result(struct flow_ctx *fx, const char *device, const char *serial,
                      enum ledger_role role, const struct luna_result *r);

/* Who a login command logs in as. */
struct flow_login_target {
    const char *device;      /* "Backup HSM", "source k570"... */
    const char *serial;
    enum ledger_role role;
    bool already_ok;         /* "already logged in" counts as logged in */
};

/* Runs CMD, a command that logs in to T (alone, or as part of a bigger command), between the
 * guard and the durable record of its outcome, then checks its Command Result like
 * flow_lunacm_ok. Never retried. R is filled (free with conv_result_free). */
int flow_login_command(struct flow_ctx *fx, struct conv *c, const char *cmd,
                       const struct conv_opts *opts, struct conv_result *r, const char *what,
                       const struct flow_login_target *t);

/* After a failed login of DEVICE/SERIAL as ROLE: appends to the failure text how many tries
 * the ledger says are used and how many are left before the HSM zeroises (SO) or the
 * partition locks (Crypto Officer). */
void flow_login_tries_left(struct flow_ctx *fx, const char *device, const char *serial,
                           enum ledger_role role);

/* True for the result codes of a failed login (above). */
bool flow_login_failure_code(unsigned long code);

/* The ledger key of SERIAL on DEVICE: SERIAL, or "unknown:<DEVICE>" when it is empty/NULL. */
void flow_login_key(const char *device, const char *serial, char *buf, size_t len);

#endif
