/* flow_resume.h: what a run learns from the state folder's earlier sessions: the provenance of
 * a backup partition (its Object UIDs against a recorded verified backup) and whether an
 * interrupted session was run against the same appliances (serials). Internal to the core. */
#ifndef ROTWIZ_FLOW_RESUME_H
#define ROTWIZ_FLOW_RESUME_H
#include "flow_ctx.h"

/* The decision a backup journals once its partition is verified; its answer is the partition's
 * name, and the "backup" object list before it holds the Object UIDs. */
#define FLOW_BACKUP_VERIFIED "backup partition verified"

/* Before a restore: BACKUP (the backup partition as listed) must hold exactly the objects of
 * the newest verified backup of that partition on this Backup HSM recorded in the state folder
 * (Object UID, label, type). Without such a record the wizard asks for the typed partition
 * name and batch mode stops (exit 4). Returns 0 or flow_fail's code. */
int flow_backup_provenance(struct flow_ctx *fx, const struct luna_objects *backup);

/* An interrupted session SESSION_DIR is being continued: remembers its appliance records
 * (role, serial) to compare with this run's. */
void flow_resume_remember(struct flow_ctx *fx, const char *session_dir);

/* This run met the appliance ROLE with SERIAL. When the continued session was run against
 * another serial in that role, the run goes on in a new session (the old one gets a note,
 * the new one this run's operator, witnesses, appliances and the current step) and the
 * operator is told. Returns 1 when it switched, else 0. */
int flow_resume_appliance(struct flow_ctx *fx, const char *role, const char *serial);

#endif
