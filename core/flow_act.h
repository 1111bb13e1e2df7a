/* flow_act.h: the actions of the step table (assets/flows/steps.conf names them), grouped by
 * where they act: the workstation (flow_act_ws.c), a k570 (flow_act_k570.c), the partitions
 * (flow_act_archive.c) and the read-only view (flow_act_topology.c). Each does its step's work
 * and verifies the effect; see flow_ctx.h for the contract. */
#ifndef ROTWIZ_FLOW_ACT_H
#define ROTWIZ_FLOW_ACT_H
#include "flow_ctx.h"
#include "flow_io.h"

#define FLOW_ACTIONS(X)                                                                      \
    X(none) X(check_backup_hsm) X(client_check) X(rbs_config) X(rbs_genkey) X(rbs_start)     \
    X(pedserver_start) X(check_pedserver) X(ws_so_login) X(ws_ped_link)                      \
    X(ssh_connect) X(upload_cert) X(vtl_read) X(vtl_register) X(lunacm_slots)              \
    X(slot_list) X(net_admin_slot)                                                           \
    X(appliance_ped_link) X(rpv_init) X(appliance_ped_connect) X(slot_set_user) X(co_login)  \
    X(logout) X(ped_at_appliance)                                                            \
    X(record_source) X(archive_backup) X(verify_backup) X(check_target_empty)                \
    X(archive_restore) X(verify_restore) X(clear_target)                                     \
    X(read_workstation) X(read_appliances)                                                  \
    X(preflight_syntax) X(preflight_ws_syntax)

#define FLOW_ACTION_DECL(name) int act_##name(struct flow_ctx *fx, const struct flow_step_def *s);
FLOW_ACTIONS(FLOW_ACTION_DECL)
#undef FLOW_ACTION_DECL

/* `ped set -ip <workstation> -port <ped port>` on CONV; WHO names the HSM for messages. */
int flow_ped_set(struct flow_ctx *fx, struct conv *c, const char *who);
/* `ped show` must name the workstation's address and PED port. */
int flow_ped_show_check(struct flow_ctx *fx, struct conv *c, const char *who);
/* `ped connect`: *connected tells whether it succeeded; a refusal is not a failure here (the
 * caller decides), only a broken session or a timeout is. */
int flow_ped_connect_try(struct flow_ctx *fx, struct conv *c, const char *who, bool *connected);

/* Opens SSH to the k570 of ROLE, verifying its host key, and a PTY shell. */
int flow_ssh_open(struct flow_ctx *fx, enum appliance_role role);

/* "cd <LUNA_BIN> && ./vtl ARGS", LUNA_BIN quoted for the remote shell, as the vendor runs vtl
 * ("Change into the directory containing the vtl utility"). Malloc'd, NULL when out of memory. */
char *flow_vtl_command(const char *luna_bin, const char *args);

/* Opens a second shell on the k570 of ROLE's SSH connection and starts lunacm in it, for
 * read-only commands beside the first shell's work (the preflight on its own lane). 0, exit 6
 * when cancelled, or -1 when the k570 refuses a second shell or its lunacm does not start
 * there (why: in fx->cause; nothing failed, the first shell can do the work). */
int flow_aside_lunacm(struct flow_ctx *fx, enum appliance_role role);
/* Leaves that lunacm and closes the second shell. */
void flow_aside_close(struct flow_ctx *fx, enum appliance_role role);

/* Starts lunacm in the k570's shell and reads its version and slots (no login). */
int flow_lunacm_start(struct flow_ctx *fx, enum appliance_role role);

/* `partition contents` on the k570 of ROLE into *objs; *certain is false when the output
 * mentions objects the parser could not read (then it is never taken as empty). */
int flow_partition_contents(struct flow_ctx *fx, enum appliance_role role,
                            struct luna_objects *objs, bool *certain);

/* Reads the workstation's Luna client version and the Backup HSM it sees over USB (its
 * lunacm's banner and slot list; no login): fills fx->topo. 0 or an exit code. */
int flow_ws_read_backup_hsm(struct flow_ctx *fx);

/* True when this run's RBS (fx->wsn.rbs) is alive and accepts connections on its port. */
bool flow_ws_rbs_serving(struct flow_ctx *fx);

/* True when RBS's server key (its certificate, {rbs_pem}) is in place. */
bool flow_ws_rbs_key_present(struct flow_ctx *fx);

#endif
