/* flow_act_topology.c: the read-only view. Connects, reads, changes nothing and never logs in:
 * the workstation's ports and Luna client, and for each configured k570 its lunacm version,
 * slot list and vtl servers. An unreachable k570 is recorded with why, and the flow ends 3. */
#include "flow_act.h"
#include "flow_capture.h"
#include "flow_preflight.h"
#include "ssh_conn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int act_read_workstation(struct flow_ctx *fx, const struct flow_step_def *step)
{
    (void)step;
    struct workstation *w = &fx->topo.workstation;
    w->rbs_listening = flow_port_open(w->address, w->rbs_port, 1000);
    w->ped_listening = flow_port_open(w->address, w->ped_port, 1000);
    flow_topology_changed(fx, -1);
    /* the Luna client's version and the Backup HSM over USB: lunacm's banner and slot list,
     * no login; a workstation without them is shown so, not an error of the view */
    if (flow_ws_read_backup_hsm(fx) != 0) {
        if (fx->exit_code == EXIT_CANCELLED)
            return EXIT_CANCELLED;
        flow_notice(fx, true, "The workstation's Luna client could not be read: %s", fx->cause);
        fx->exit_code = EXIT_DONE;
        fx->cause[0] = '\0';
    }
    return 0;
}

/* Reads one k570; failures are recorded in the topology, not fatal to the others. */
static int read_one(struct flow_ctx *fx, enum appliance_role role)
{
    struct appliance *t = &fx->topo.appliances[role];
    int rc = flow_ssh_open(fx, role);
    if (rc == 0)
        rc = flow_lunacm_start(fx, role);
    if (rc == 0) {
        struct flow_appliance *a = &fx->app[role];
        char out[8192];
        struct ssh_conn_error err = {0};
        int status = -1;
        char *cmd = flow_vtl_command(a->cfg->luna_bin, "listservers");
        if (cmd)
            flow_line(fx, model_role_name(role), TX_SENT, cmd);
        if (cmd && ssh_conn_exec(a->ssh, cmd, out, sizeof out, &status, 0, &err) == 0) {
            flow_line(fx, model_role_name(role), TX_RECEIVED, out);
            luna_parse_vtl_listservers(out, &t->vtl);
        }
        free(cmd);
        /* the syntax of every command any flow of this authentication types (read-only) */
        char who[64];
        snprintf(who, sizeof who, "the %s k570", model_role_name(role));
        rc = flow_preflight_run(fx, a->conv, PF_APPLIANCE, true, who, &t->syntax, false);
    }
    if (rc && rc != EXIT_CANCELLED) {
        t->reachable = false;
        if (!*t->error)
            snprintf(t->error, sizeof t->error, "%.*s", (int)sizeof t->error - 1, fx->cause);
    }
    flow_topology_changed(fx, (int)role);
    return rc;
}

int act_read_appliances(struct flow_ctx *fx, const struct flow_step_def *step)
{
    (void)step;
    int first = 0;
    size_t configured = 0;
    for (int r = 0; r < MODEL_ROLES; r++) {
        if (!fx->app[r].cfg)
            continue;
        configured++;
        int rc = read_one(fx, (enum appliance_role)r);
        if (rc == EXIT_CANCELLED)
            return rc;
        if (rc && !first)
            first = rc;
    }
    if (configured == 0)
        return flow_fail(fx, EXIT_USAGE, "Add a source or target group to the configuration.",
                         "The configuration names no k570.");
    if (fx->req->capture_path) {
        /* `rotwiz capture`: written even when a k570 could not be read (it says so) */
        int rc = flow_capture_write(fx);
        if (rc)
            return rc;
    }
    if (first)
        return flow_fail(fx, EXIT_CONNECT, "See each appliance's error.",
                         "Not every k570 could be read.");
    return 0;
}
