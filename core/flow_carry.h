/* flow_carry.h: what a wizard process carries from a backup that ended 0 to the restore or
 * prepare-target started after it in the same process: the backup's session id, operator and
 * witnesses, the Backup HSM's serial, and the RBS it left running (the same RBS a migrate run
 * shares between its backup and restore: fx->wsn.rbs, which act_rbs_start keeps while it
 * answers), and, in locked memory only (never written), the Backup HSM's and RBS's secrets the
 * backup's success proved (never a k570's Crypto Officer password; a run that did not end 0
 * drops them, so the next one asks; a secrets file's own values win). Nothing carried counts before its effect is checked again, cheaply,
 * in the new run: the Backup HSM still listed with the same serial, RBS still alive and
 * answering on its port; else the step is done again as always. A step satisfied this way is
 * journaled as `satisfied-earlier`, naming the earlier session. Batch runs carry nothing. */
#ifndef ROTWIZ_FLOW_CARRY_H
#define ROTWIZ_FLOW_CARRY_H
#include <stdbool.h>
#include <stddef.h>
#include "model.h"
#include "runner.h"

struct flow_ctx;
struct flow_step_def;
struct job;

/* a name is at most 64 characters (validate.c, VK_PERSON): 4 bytes each in UTF-8, and NUL */
#define FLOW_CARRY_NAME (4 * 64 + 1)
/* What a run carries (and what it was given), kept in its flow_ctx. */
struct flow_carry_facts {
    char operator_name[FLOW_CARRY_NAME];                  /* recorded in this run */
    char witnesses[FLOW_MAX_WITNESSES][FLOW_CARRY_NAME];
    size_t witness_count;
    bool taken;                       /* this run took a carry from an earlier one */
    char session[64];                 /* the backup's session id */
    char rbs_session[64];             /* the session that started the RBS carried */
    char serial[MODEL_TEXT];          /* the Backup HSM it used */
    struct job *rbs;                  /* the RBS job as taken (a restarted one differs) */
};

/* Start of a run (after its record is open): a wizard restore or prepare-target takes what a
 * backup left (RBS becomes this run's, its output drained into this transcript); a backup or
 * migrate first stops an RBS left running (it starts its own); the read-only view leaves it. */
void flow_carry_take(struct flow_ctx *fx);

/* End of a run, before its helpers are stopped: a wizard backup that ended 0 (RC) leaves its
 * RBS running and its facts here; a run that took the carry hands it back (RBS still alive). */
void flow_carry_keep(struct flow_ctx *fx, int rc);

/* The operator and witnesses of the backup just done, offered to keep (the wizard asks
 * "keep" or "change" once). Returns 1 when kept (journaled, with a satisfied-earlier record),
 * 0 to ask for names as usual, or an exit code (cancelled). */
int flow_carry_people(struct flow_ctx *fx);

/* Remembers a person recorded in this run (OPERATOR true for the operator), for the carry. */
void flow_carry_note_person(struct flow_ctx *fx, bool is_operator, const char *name);

/* True when step S's effect, verified in the earlier session, is still in place, checked now
 * (the cabling: the Backup HSM listed with the same serial; rbs_config, rbs_genkey, rbs_start:
 * that RBS still alive and answering); journaled as satisfied-earlier. False: run it as usual
 * (a dead RBS is dropped first, so it is configured and started again). */
bool flow_carry_satisfied(struct flow_ctx *fx, const struct flow_step_def *s);

/* flow_carry_end() (flow.h) stops what the process kept between flows. */

#endif
