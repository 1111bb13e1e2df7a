/* preflight_cmds.h: every lunacm command the flows type, with the options rotwiz passes, by
 * the step that types it: the ONE list the syntax preflight (flow_act_preflight.c) checks
 * against the device's own help. The actions spell these commands in flow_act_k570.c,
 * flow_act_ws.c, flow_act_archive.c and steps.conf `command`; tests/integration/
 * test_preflight.py checks every lunacm command of a lab run's transcript is listed here (one
 * PF_CMD per line, read by that test: keep the layout).
 *
 * where: PF_APPLIANCE (the k570's lunacm) or PF_WORKSTATION (the workstation's lunacm);
 * auth: PF_ANY, PF_PASSWORD or PF_PED (the flows of that authentication only);
 * options: space-separated, spelled exactly as typed ("" when the command takes none: then
 * only `help` is read, the command itself never typed with -help). */
#ifndef ROTWIZ_PREFLIGHT_CMDS_H
#define ROTWIZ_PREFLIGHT_CMDS_H

enum pf_where { PF_APPLIANCE, PF_WORKSTATION };
enum pf_auth { PF_ANY, PF_PASSWORD, PF_PED };

struct preflight_cmd {
    const char *step;        /* steps.conf id of the step that types it */
    enum pf_where where;
    enum pf_auth auth;
    const char *command;     /* the command words */
    const char *options;     /* the options typed, space-separated */
};

#define PF_CMD(step, where, auth, command, options) {step, where, auth, command, options}

static const struct preflight_cmd preflight_cmds[] = {
    PF_CMD("cable_devices", PF_WORKSTATION, PF_ANY, "slot list", ""),
    PF_CMD("cable_devices_ped", PF_WORKSTATION, PF_ANY, "slot list", ""),
    PF_CMD("backup_hsm_so_login", PF_WORKSTATION, PF_PED, "slot set", "-s"),
    PF_CMD("backup_hsm_so_login", PF_WORKSTATION, PF_PED, "role login", "-n"),
    PF_CMD("backup_hsm_ped_link", PF_WORKSTATION, PF_PED, "ped set", "-ip -port"),
    PF_CMD("backup_hsm_ped_link", PF_WORKSTATION, PF_PED, "ped connect", ""),
    PF_CMD("backup_hsm_ped_link", PF_WORKSTATION, PF_PED, "ped vector", "-init"),
    PF_CMD("backup_hsm_ped_link", PF_WORKSTATION, PF_PED, "ped show", ""),
    PF_CMD("lunacm_start", PF_APPLIANCE, PF_ANY, "slot list", ""),
    PF_CMD("backup_slot_visible", PF_APPLIANCE, PF_ANY, "slot list", ""),
    PF_CMD("list_slots", PF_APPLIANCE, PF_ANY, "slot list", ""),
    PF_CMD("appliance_ped_link", PF_APPLIANCE, PF_PED, "slot set", "-s"),
    PF_CMD("appliance_ped_link", PF_APPLIANCE, PF_PED, "ped set", "-ip -port"),
    PF_CMD("appliance_ped_link", PF_APPLIANCE, PF_PED, "ped get", ""),
    PF_CMD("appliance_ped_link", PF_APPLIANCE, PF_PED, "ped show", ""),
    PF_CMD("appliance_ped_link", PF_APPLIANCE, PF_PED, "ped connect", ""),
    PF_CMD("appliance_rpv", PF_APPLIANCE, PF_PED, "role login", "-name"),
    PF_CMD("appliance_rpv", PF_APPLIANCE, PF_PED, "hsm ped vector init", ""),
    PF_CMD("select_user_slot", PF_APPLIANCE, PF_ANY, "slot set", "-s"),
    PF_CMD("select_user_slot_clear", PF_APPLIANCE, PF_ANY, "slot set", "-slot"),
    PF_CMD("co_login", PF_APPLIANCE, PF_ANY, "role login", "-n -p"),
    PF_CMD("co_login_clear", PF_APPLIANCE, PF_ANY, "role login", "-name"),
    PF_CMD("record_source_objects", PF_APPLIANCE, PF_ANY, "partition contents", ""),
    PF_CMD("archive_backup", PF_APPLIANCE, PF_PASSWORD, "partition archive contents",
           "-s -partition -password"),
    PF_CMD("archive_backup", PF_APPLIANCE, PF_PED, "partition archive contents", "-s -partition"),
    PF_CMD("archive_backup", PF_APPLIANCE, PF_PASSWORD, "partition archive backup",
           "-s -partition -do -sop -pas -replace"),
    PF_CMD("archive_backup", PF_APPLIANCE, PF_PED, "partition archive backup",
           "-s -partition -replace"),
    PF_CMD("check_target_empty", PF_APPLIANCE, PF_ANY, "partition contents", ""),
    PF_CMD("check_target_empty", PF_APPLIANCE, PF_PASSWORD, "partition archive contents",
           "-s -partition -password"),
    PF_CMD("check_target_empty", PF_APPLIANCE, PF_PED, "partition archive contents",
           "-s -partition"),
    PF_CMD("archive_restore", PF_APPLIANCE, PF_PASSWORD, "partition archive restore",
           "-s -partition -do -sop -pas"),
    PF_CMD("archive_restore", PF_APPLIANCE, PF_PED, "partition archive restore",
           "-s -partition"),
    PF_CMD("clear_target", PF_APPLIANCE, PF_ANY, "partition contents", ""),
    PF_CMD("clear_target", PF_APPLIANCE, PF_ANY, "partition clear", ""),
};

#define PREFLIGHT_CMD_COUNT (sizeof preflight_cmds / sizeof preflight_cmds[0])

#endif
