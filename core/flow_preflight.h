/* flow_preflight.h: the read-only syntax preflight of a lunacm (flow_act_preflight.c). */
#ifndef ROTWIZ_FLOW_PREFLIGHT_H
#define ROTWIZ_FLOW_PREFLIGHT_H
#include "flow_ctx.h"
#include "preflight_cmds.h"

/* Checks, on lunacm conversation C, every command of the table (preflight_cmds.h) that WHERE
 * types in this flow (on a k570: the steps of the k570 being checked, fx->role; ALL: in any
 * flow of this authentication, for the read-only view):
 * `help` once, then `<command> -help` for each command that takes options. Fills OUT and the
 * journal. Returns 0, a conversation failure, or (STOP and an option missing) exit 4. */
int flow_preflight_run(struct flow_ctx *fx, struct conv *c, enum pf_where where, bool all,
                       const char *who, struct syntax_check *out, bool stop);

/* Before STEP's action, on a k570 that refused the preflight a second shell: the preflight in
 * the first shell, once its lunacm runs (at the first step of that k570's lane that finds it
 * running, so before any command it would check is typed there). 0 when nothing is pending,
 * else flow_preflight_run's result. */
int flow_preflight_pending(struct flow_ctx *fx, const struct flow_step_def *step);

/* "syntax checked: 6 commands", "syntax: -sop of partition archive backup not listed", ... */
void syntax_check_summary(const struct syntax_check *s, char *buf, size_t len);

#endif
