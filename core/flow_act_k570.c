/* flow_act_k570.c: the actions done on a k570: SSH, copying the RBS certificate, vtl, lunacm
 * start-up and slots, the Remote PED set-up, selecting the User Token Slot, Crypto Officer
 * login and logout. */
#include "flow_act.h"
#include "flow_login.h"
#include "validate.h"
#include "scp_upload.h"
#include "ssh_conn.h"
#include "stream.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHELL_ROWS 50
#define SHELL_COLS 200

static const char *role_tag(enum appliance_role role)
{
    return model_role_name(role);
}

/* The serial of the k570's HSM as its User Token Slot lists it ("" before the slot list). */
static const char *k570_serial(struct flow_ctx *fx, enum appliance_role role)
{
    const struct slot *u = model_find_slot(&fx->topo.appliances[role].slots, SLOT_USER);
    return u ? u->serial : "";
}

int flow_ssh_open(struct flow_ctx *fx, enum appliance_role role)
{
    struct flow_appliance *a = flow_appliance(fx, role);
    struct appliance *t = &fx->topo.appliances[role];
    if (!a)
        return flow_fail(fx, EXIT_USAGE, "Add it to the configuration file.",
                         "The configuration has no %s k570.", role_tag(role));
    if (a->ssh && a->shell && !stream_closed(a->shell))
        return 0;
    struct ssh_conn_error err = {0};
    struct ssh_conn_params p = {.host = a->cfg->host, .port = a->cfg->port, .user = a->cfg->user,
                                .identity = a->cfg->identity, .known_hosts = a->cfg->known_hosts};
    char line[300];
    snprintf(line, sizeof line, "ssh %s@%s, port %d", a->cfg->user, a->cfg->host, a->cfg->port);
    flow_line(fx, role_tag(role), TX_INFO, line);
    ssh_conn_close(a->ssh);
    a->ssh = ssh_conn_open(&p, fx->sink, fx->ws, &err);
    if (!a->ssh) {
        t->reachable = false;
        t->ssh_link = LINK_DOWN;
        snprintf(t->error, sizeof t->error, "%s", err.message);
        flow_topology_changed(fx, -1);
        return flow_fail(fx, err.code == SSHC_E_CANCELLED ? EXIT_CANCELLED : EXIT_CONNECT,
                         fx->step ? fx->step->fix : NULL, "%s", err.message);
    }
    a->shell = ssh_conn_open_shell(a->ssh, SHELL_ROWS, SHELL_COLS, &err);
    if (!a->shell)
        return flow_fail(fx, EXIT_CONNECT, NULL, "%s", err.message);
    struct conv_callbacks cb = flow_conv_callbacks(fx);
    a->conv = conv_new(a->shell, fx->ws, role_tag(role), &cb);
    conv_set_timeouts(a->conv, &fx->timeouts);
    a->in_luna_bin = a->vtl_listed = false; /* a new shell, in the ksadmin home */
    a->preflight_pending = false;
    t->reachable = true;
    t->error[0] = '\0';
    t->ssh_link = LINK_UP;
    flow_topology_changed(fx, -1);
    return 0;
}

/* The command line that starts lunacm in a k570's shell (its path one shell word). */
static const char *lunacm_cmdline(const struct flow_appliance *a, char *buf, size_t len)
{
    char bin[600];
    sh_word(a->cfg->luna_bin, bin, sizeof bin);
    snprintf(buf, len, "%s/lunacm", bin);
    return buf;
}

/* "Exit the lunacm utility"; the shell's prompt coming back ends the wait (an event, not a
 * quiet period). */
static enum conv_error lunacm_exit(struct conv *c)
{
    struct conv_opts shell = {.end = CONV_END_SHELL_PROMPT, .what = "lunacm to exit"};
    struct conv_result r = {0};
    enum conv_error e = conv_command(c, "exit", &shell, &r);
    conv_result_free(&r);
    return e;
}

int flow_aside_lunacm(struct flow_ctx *fx, enum appliance_role role)
{
    struct flow_appliance *a = &fx->app[role];
    if (a->aside_conv && conv_at_luna_prompt(a->aside_conv))
        return 0;
    if (!a->ssh)
        return flow_fail(fx, EXIT_CONNECT, NULL, "The %s k570 is not connected.", role_tag(role));
    struct ssh_conn_error err = {0};
    if (!a->aside_shell && !(a->aside_shell = ssh_conn_open_shell(a->ssh, SHELL_ROWS, SHELL_COLS,
                                                                  &err))) {
        snprintf(fx->cause, sizeof fx->cause, "%s", err.message);
        return -1; /* the caller does the work in the first shell instead */
    }
    if (!a->aside_conv) {
        struct conv_callbacks cb = flow_conv_callbacks(fx);
        char host[32];
        snprintf(host, sizeof host, "%s" FLOW_ASIDE_HOST_SUFFIX, role_tag(role));
        a->aside_conv = conv_new(a->aside_shell, fx->ws, host, &cb);
        conv_set_timeouts(a->aside_conv, &fx->timeouts);
    }
    char cmd[620];
    struct conv_result r = {0};
    enum conv_error e = conv_start_program(a->aside_conv, lunacm_cmdline(a, cmd, sizeof cmd), 0,
                                           &r);
    conv_result_free(&r);
    if (e == CONV_E_CANCELLED)
        return flow_fail_conv(fx, a->aside_conv, e);
    if (e != CONV_OK) { /* a second lunacm that does not start: the first shell's will do */
        snprintf(fx->cause, sizeof fx->cause, "%s", conv_error_message(a->aside_conv));
        return -1;
    }
    return 0;
}

void flow_aside_close(struct flow_ctx *fx, enum appliance_role role)
{
    struct flow_appliance *a = &fx->app[role];
    /* lunacm is left with its own `exit`; its shell is closed right after, without waiting
     * for the prompt (nothing more is typed there, and the close ends whatever remains) */
    if (a->aside_conv && conv_at_luna_prompt(a->aside_conv))
        conv_send_line(a->aside_conv, "exit");
    conv_free(a->aside_conv);
    stream_free(a->aside_shell);
    a->aside_conv = NULL;
    a->aside_shell = NULL;
}

int act_ssh_connect(struct flow_ctx *fx, const struct flow_step_def *step)
{
    (void)step;
    return flow_ssh_open(fx, fx->role);
}

int act_upload_cert(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    struct ssh_conn_error err = {0};
    char used[512], local[512];
    snprintf(local, sizeof local, "%s", flow_placeholder(fx, "rbs_pem"));
    flow_line(fx, role_tag(fx->role), TX_SENT, "scp server.pem (to the ksadmin home)");
    /* scp_upload reads the copy back and compares it byte for byte: a file that is not in the
     * ksadmin home afterwards fails here, with scp's own words */
    if (scp_upload(a->ssh, local, NULL, used, sizeof used, 0, &err) != 0)
        return flow_fail(fx, err.code == SSHC_E_CANCELLED ? EXIT_CANCELLED : EXIT_CONNECT,
                         step->fix, "Copying %s to the %s k570 failed: %s", local,
                         role_tag(fx->role), err.message);
    flow_notice(fx, false, "server.pem copied to %s on the %s k570 and read back identical.",
                used, role_tag(fx->role));
    return 0;
}

char *flow_vtl_command(const char *luna_bin, const char *args)
{
    char bin[600], *cmd = NULL;
    sh_word(luna_bin, bin, sizeof bin);
    return asprintf(&cmd, "cd %s && ./vtl %s", bin, args) < 0 ? NULL : cmd;
}

/* Types CMD into the k570's interactive shell (lunacm is not running in it) and waits for its
 * end: the marker conv appends, with the exit status, then the shell's prompt. R gets the
 * output and the status. */
static int k570_shell(struct flow_ctx *fx, enum appliance_role role, const char *cmd,
                      struct conv_result *r)
{
    struct flow_appliance *a = &fx->app[role];
    if (a->lunacm_running && !conv_closed(a->conv))
        return flow_fail(fx, EXIT_HSM, NULL, "lunacm runs in the %s k570's shell; `%s` is not "
                         "typed into it.", role_tag(role), cmd);
    struct conv_opts o = {.end = CONV_END_SHELL_MARKER};
    enum conv_error e = conv_command(a->conv, cmd, &o, r);
    return e == CONV_OK ? 0 : flow_fail_conv(fx, a->conv, e);
}

/* "Change into the directory containing the vtl utility", as the vendor does, in the shell. */
static int vtl_cd(struct flow_ctx *fx, enum appliance_role role, const struct flow_step_def *step)
{
    char bin[600], cmd[sizeof bin + 4];
    sh_word(fx->app[role].cfg->luna_bin, bin, sizeof bin);   /* one word for the shell */
    snprintf(cmd, sizeof cmd, "cd %s", bin);
    struct conv_result r = {0};
    int rc = k570_shell(fx, role, cmd, &r);
    if (rc == 0 && r.shell_status != 0)
        rc = flow_fail(fx, EXIT_PRECONDITION, step->fix, "`%s` failed on the %s k570 (exit "
                       "status %d): the vtl folder is not there.", cmd, role_tag(role),
                       r.shell_status);
    fx->app[role].in_luna_bin = rc == 0;
    conv_result_free(&r);
    return rc;
}

/* Types ./vtl with ARGS into the shell (in the vtl folder); R gets its output and status. */
static int vtl_run(struct flow_ctx *fx, enum appliance_role role, const char *args,
                   struct conv_result *r)
{
    char cmd[500];
    snprintf(cmd, sizeof cmd, "./vtl %s", args);
    return k570_shell(fx, role, cmd, r);
}

/* Types `./vtl listservers` and fills the topology. */
static int vtl_list(struct flow_ctx *fx, enum appliance_role role)
{
    struct conv_result r = {0};
    int rc = vtl_run(fx, role, "listservers", &r);
    if (rc == 0)
        luna_parse_vtl_listservers(r.output, &fx->topo.appliances[role].vtl);
    fx->app[role].vtl_listed = rc == 0;
    conv_result_free(&r);
    return rc;
}

/* Types `./vtl ARGS` for its effect; *status gets its exit status. */
static int vtl_do(struct flow_ctx *fx, enum appliance_role role, const char *args, int *status)
{
    struct conv_result r = {0};
    int rc = vtl_run(fx, role, args, &r);
    *status = r.shell_status;
    conv_result_free(&r);
    return rc;
}

static bool vtl_has(const struct vtl_server_list *l, const char *address)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->servers[i].address, address) == 0)
            return true;
    return false;
}

int act_vtl_read(struct flow_ctx *fx, const struct flow_step_def *step)
{
    int rc = vtl_cd(fx, fx->role, step);
    return rc ? rc : vtl_list(fx, fx->role);
}

int act_vtl_register(struct flow_ctx *fx, const struct flow_step_def *step)
{
    const char *ws = fx->cfg.workstation.address;
    char args[400], quoted[300];
    sh_word(ws, quoted, sizeof quoted);
    int status = -1;
    struct flow_appliance *a = &fx->app[fx->role];
    /* vtl_read did both in this shell (only vtl changes what it listed), unless this step
     * runs without it */
    int rc = a->in_luna_bin ? 0 : vtl_cd(fx, fx->role, step);
    if (rc == 0 && !a->vtl_listed)
        rc = vtl_list(fx, fx->role);
    if (rc)
        return rc;
    /* A server registered earlier may hold an older certificate: register the current one.
     * (Beyond the vendor procedure, which starts from an appliance that has none.) */
    if (vtl_has(&fx->topo.appliances[fx->role].vtl, ws)) {
        snprintf(args, sizeof args, "deleteServer -n %s", quoted);
        if ((rc = vtl_do(fx, fx->role, args, &status)) != 0)
            return rc;
    }
    /* ~ unquoted: the shell expands it to ksadmin's home, where the certificate was copied */
    snprintf(args, sizeof args, "addserver -n %s -c ~/server.pem", quoted);
    if ((rc = vtl_do(fx, fx->role, args, &status)) != 0)
        return rc;
    if ((rc = vtl_list(fx, fx->role)) != 0)
        return rc;
    bool ok = vtl_has(&fx->topo.appliances[fx->role].vtl, ws);
    fx->topo.appliances[fx->role].vtl_link = ok ? LINK_UP : LINK_DOWN;
    flow_topology_changed(fx, -1);
    if (!ok)
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "vtl listservers on the %s k570 does "
                         "not name %s after vtl addserver (exit status %d).",
                         role_tag(fx->role), ws, status);
    return 0;
}

/* Reads the slot list out of TEXT into the topology and the appliance's slot ids. */
static void take_slots(struct flow_ctx *fx, enum appliance_role role, const char *text)
{
    struct flow_appliance *a = &fx->app[role];
    struct slot_list *sl = &fx->topo.appliances[role].slots;
    luna_parse_slot_list(text, sl);
    const struct slot *u = model_find_slot(sl, SLOT_USER);
    const struct slot *ad = model_find_slot(sl, SLOT_ADMIN);
    const struct slot *n = model_find_slot(sl, SLOT_NET_ADMIN);
    a->user_slot = u ? u->id : -1;
    a->admin_slot = ad ? ad->id : -1;
    a->net_slot = n ? n->id : -1;
    snprintf(a->user_label, sizeof a->user_label, "%s", u ? u->label : "");
    snprintf(a->user_firmware, sizeof a->user_firmware, "%s", u ? u->firmware : "");
    if (n) {
        struct backup_hsm *b = &fx->topo.backup;
        b->visible = true;
        snprintf(b->model, sizeof b->model, "%s", n->model);
        snprintf(b->firmware, sizeof b->firmware, "%s", n->firmware);
        snprintf(b->serial, sizeof b->serial, "%s", n->serial);
    }
    fx->topo.appliances[role].vtl_link = n ? LINK_UP : fx->topo.appliances[role].vtl.count
                                                         ? LINK_DOWN : LINK_UNKNOWN;
    flow_topology_changed(fx, (int)role);
}

int flow_lunacm_start(struct flow_ctx *fx, enum appliance_role role)
{
    struct flow_appliance *a = &fx->app[role];
    if (a->lunacm_running && !conv_closed(a->conv))
        return 0;
    char cmd[620];
    struct conv_result r = {0};
    enum conv_error e = conv_start_program(a->conv, lunacm_cmdline(a, cmd, sizeof cmd), 0, &r);
    if (e != CONV_OK) {
        conv_result_free(&r);
        return flow_fail_conv(fx, a->conv, e);
    }
    a->lunacm_running = true;
    struct luna_version v;
    if (luna_parse_banner(r.output, &v)) {
        luna_version_string(&v, fx->topo.appliances[role].lunacm_version,
                            sizeof fx->topo.appliances[role].lunacm_version);
        if (strstr(v.vendor, "SafeNet Assured Technologies") && !strstr(v.vendor, "Thales"))
            flow_notice(fx, true, "The %s k570's lunacm banner names SafeNet Assured "
                        "Technologies; check this is not a TCT edition.", role_tag(role));
    }
    /* lunacm lists the slots as it starts (FORMATS.md 1): that listing is the vendor's
     * "Identify the three visible slots", fresh until a line that may change a device */
    take_slots(fx, role, r.output);
    flow_fresh_mark(fx, &a->slots, (int)role);
    conv_result_free(&r);
    return 0;
}

/* Re-reads `slot list` on the k570 of ROLE. */
static int slot_list(struct flow_ctx *fx, enum appliance_role role)
{
    struct conv_result r = {0};
    int rc = flow_lunacm_ok(fx, fx->app[role].conv, "slot list", NULL, &r, "slot list");
    if (rc == 0) {
        take_slots(fx, role, r.output);
        flow_fresh_mark(fx, &fx->app[role].slots, (int)role);
    }
    conv_result_free(&r);
    return rc;
}

/* The slot list of the k570 of ROLE as it is now: the last listing (lunacm's start or `slot
 * list`) when nothing but read-only lines was typed since (flow_may_change) and it was not
 * reused yet; else `slot list` typed. */
static int slot_list_now(struct flow_ctx *fx, enum appliance_role role)
{
    struct flow_appliance *a = &fx->app[role];
    bool fresh = flow_fresh_take(fx, &a->slots) && a->lunacm_running && !conv_closed(a->conv);
    if (!fresh)
        return slot_list(fx, role);
    flow_journal_decision(fx, "slot list", "the listing just read is reused (only read-only "
                          "commands typed since)");
    return 0;
}

/* Starts lunacm and reads the slots from the listing it prints as it starts, as the vendor
 * has the operator do ("Identify the three visible slots"): no `slot list` is typed. A lunacm
 * that already runs (the step run again) lists them again unless its listing is fresh. */
int act_lunacm_slots(struct flow_ctx *fx, const struct flow_step_def *step)
{
    enum appliance_role role = fx->role;
    struct flow_appliance *a = &fx->app[role];
    bool running = a->lunacm_running && !conv_closed(a->conv);
    int rc = flow_lunacm_start(fx, role);
    if (rc == 0 && running)
        rc = slot_list_now(fx, role);
    if (rc)
        return rc;
    const struct slot_list *sl = &fx->topo.appliances[role].slots;
    for (size_t i = 0; i < sl->count; i++)
        if (strstr(sl->slots[i].model, "Luna-T7"))
            return flow_fail(fx, EXIT_PRECONDITION, "Contact Thales TCT support for the TCT "
                             "edition's procedure.", "The %s k570's HSM is a %s (TCT edition): "
                             "this procedure does not cover it.", role_tag(role),
                             sl->slots[i].model);
    if (a->user_slot < 0 || a->admin_slot < 0)
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "The %s k570 lists no %s.",
                         role_tag(role), a->user_slot < 0 ? "User Token Slot"
                                                          : "Admin Token Slot");
    const struct slot *u = model_find_slot(sl, SLOT_USER);
    flow_journal_appliance(fx, role_tag(role), a->cfg->host, u->serial, u->model, u->firmware,
                           fx->topo.appliances[role].lunacm_version);
    return 0;
}

/* The vendor's `slot list` right before the switch to the User Token Slot, where the vendor
 * types it (a PED backup: "List the visible slots and identify the slot number for the User
 * Token Slot"; preparing a target: "Find and login to the User Token Slot"): typed every time,
 * never a listing reused, and the User Token Slot must still be there. */
int act_slot_list(struct flow_ctx *fx, const struct flow_step_def *step)
{
    int rc = slot_list(fx, fx->role);
    if (rc == 0 && fx->app[fx->role].user_slot < 0)
        rc = flow_fail(fx, EXIT_PRECONDITION, step->fix, "The %s k570 lists no User Token Slot.",
                       role_tag(fx->role));
    return rc;
}

/* Backup HSM 7 needs 7.7.1+, G5 needs 6.28.0+ to back up firmware 7.7.0+ partitions. */
static int check_firmware(struct flow_ctx *fx, const char *k570_fw, const char *backup_fw)
{
    int km = 0, kn = 0, kp = 0, bm = 0, bn = 0, bp = 0;
    if (!luna_parse_dotted(k570_fw, &km, &kn, &kp) ||
        !luna_parse_dotted(backup_fw, &bm, &bn, &bp)) {
        flow_notice(fx, true, "Firmware versions could not be compared (k570 '%s', Backup HSM "
                    "'%s').", k570_fw, backup_fw);
        return 0;
    }
    if (luna_version_cmp(km, kn, kp, 7, 7, 0) < 0)
        return 0;
    bool ok = (bm == 7 && luna_version_cmp(bm, bn, bp, 7, 7, 1) >= 0) ||
              (bm == 6 && luna_version_cmp(bm, bn, bp, 6, 28, 0) >= 0) || bm > 7;
    if (!ok)
        return flow_fail(fx, EXIT_PRECONDITION, "Update the Backup HSM's firmware (Backup HSM "
                         "7: 7.7.1 or newer; G5: 6.28.0 or newer) or use another Backup HSM.",
                         "The Backup HSM's firmware %s cannot hold backups of firmware %s "
                         "partitions.", backup_fw, k570_fw);
    return 0;
}

int act_net_admin_slot(struct flow_ctx *fx, const struct flow_step_def *step)
{
    int rc = slot_list_now(fx, fx->role);
    if (rc)
        return rc;
    struct flow_appliance *a = &fx->app[fx->role];
    /* judged by effect: a first rbs --config answer that did not enable the Backup HSM (a menu
     * number that toggles) is given once more, then the slot list is read again */
    if (a->net_slot < 0 && fx->wsn.rbs_configured == 1) {
        if ((rc = flow_rbs_reselect(fx)) != 0 || (rc = slot_list(fx, fx->role)) != 0)
            return rc;
    }
    if (a->net_slot < 0)
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "%s", step->failure);
    const struct slot *n = model_find_slot(&fx->topo.appliances[fx->role].slots, SLOT_NET_ADMIN);
    return check_firmware(fx, a->user_firmware, n->firmware);
}

int flow_ped_set(struct flow_ctx *fx, struct conv *c, const char *who)
{
    char cmd[256], what[128];
    struct conv_result r = {0};
    snprintf(cmd, sizeof cmd, "ped set -ip %s -port %d", fx->cfg.workstation.address,
             fx->cfg.workstation.ped_port);
    snprintf(what, sizeof what, "Pointing %s at PEDServer", who);
    int rc = flow_lunacm_ok(fx, c, cmd, NULL, &r, what);
    conv_result_free(&r);
    return rc;
}

int flow_ped_show_check(struct flow_ctx *fx, struct conv *c, const char *who)
{
    char what[128];
    struct conv_result r = {0};
    snprintf(what, sizeof what, "ped show on %s", who);
    int rc = flow_lunacm_ok(fx, c, "ped show", NULL, &r, what);
    struct luna_ped_info info;
    if (rc == 0 && (!luna_parse_ped_info(r.output, &info) ||
                    strcmp(info.server_ip, fx->cfg.workstation.address) != 0 ||
                    info.server_port != fx->cfg.workstation.ped_port))
        rc = flow_fail(fx, EXIT_PRECONDITION, "Check the PED server settings with ped show.",
                       "ped show on %s does not name %s:%d.", who, fx->cfg.workstation.address,
                       fx->cfg.workstation.ped_port);
    conv_result_free(&r);
    return rc;
}

int flow_ped_connect_try(struct flow_ctx *fx, struct conv *c, const char *who, bool *connected)
{
    struct conv_result r = {0};
    struct conv_opts o = {.timeout_ms = fx->timeouts.ped_op_ms, .what = "ped connect"};
    enum conv_error e = conv_command(c, "ped connect", &o, &r);
    int rc = 0;
    *connected = false;
    if (e != CONV_OK)
        rc = flow_fail_conv(fx, c, e);
    else if (!r.luna.found)
        rc = flow_fail(fx, EXIT_HSM, NULL, "ped connect on %s printed no Command Result.", who);
    else if (r.luna.ok)
        *connected = true;
    else if (r.luna.code == LUNA_CKR_TIMEOUT)
        /* the PED was not attended in time: the link may be fine; never a reason for a new
         * Remote PED Vector (the wizard offers "fixed, check again") */
        rc = flow_fail(fx, EXIT_TIMEOUT, "Attend to the PED when it asks (the orange key of "
                       "the HSM it names), then check again.", "ped connect on %s timed out "
                       "waiting for the PED.", who);
    else {
        char res[300];
        luna_result_format(&r.luna, res, sizeof res);
        flow_notice(fx, true, "ped connect on %s failed (%s).", who, res);
    }
    conv_result_free(&r);
    return rc;
}

/* Selects slot ID on the k570 of the flow with the vendor's spelling `slot set -s N`. */
static int slot_set(struct flow_ctx *fx, long id, const char *what)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "slot set -s %ld", id);
    struct conv_result r = {0};
    int rc = flow_lunacm_ok(fx, fx->app[fx->role].conv, cmd, NULL, &r, what);
    long now = rc == 0 ? luna_parse_slot_set(r.output) : -1;
    conv_result_free(&r);
    if (rc == 0 && now != id)
        rc = flow_fail(fx, EXIT_HSM, NULL, "lunacm did not confirm slot %ld as the current "
                       "slot.", id);
    if (rc == 0)
        fx->topo.appliances[fx->role].selected_slot = now;
    return rc;
}

int act_appliance_ped_link(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    char who[64];
    snprintf(who, sizeof who, "the %s k570", role_tag(fx->role));
    fx->appliance_rpv_needed = false; /* this k570's own need (a migrate links two) */
    if (a->net_slot < 0)
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "The %s k570 lists no Net Admin "
                         "Token Slot.", role_tag(fx->role));
    int rc = slot_set(fx, a->net_slot, "Selecting the Net Admin Token Slot");
    if (rc == 0)
        rc = flow_ped_set(fx, a->conv, who);
    if (rc == 0) {
        /* `ped get` is read for the record; its wording is UNKNOWN beyond the one line the
         * vendor quotes, so nothing is decided on it */
        struct conv_result r = {0};
        rc = flow_lunacm_ok(fx, a->conv, "ped get", NULL, &r, "ped get");
        conv_result_free(&r);
    }
    if (rc == 0)
        rc = flow_ped_show_check(fx, a->conv, who);
    bool connected = false;
    if (rc == 0)
        rc = flow_ped_connect_try(fx, a->conv, who, &connected);
    if (rc)
        return rc;
    fx->topo.appliances[fx->role].ped_link = connected ? LINK_UP : LINK_DOWN;
    flow_topology_changed(fx, -1);
    if (connected) {
        flow_notice(fx, false, "%s is connected to PEDServer: its Remote PED Vector works; no "
                    "new orange key is made.", who);
        return 0;
    }
    /* no usable RPV (or no link): creating one makes the existing orange keys useless, so it
     * takes the operator's typed confirmation first */
    char prompt[600];
    snprintf(prompt, sizeof prompt, "ped connect on %s failed: it has no usable Remote PED "
             "Vector, or PEDServer cannot be reached (read the transcript). Creating a new RPV "
             "(role login -name SO, hsm ped vector init) imprints a NEW orange key; the old "
             "orange keys of this k570 stop working. Type the k570's name (%s) to create it.",
             who, a->cfg->host);
    bool allowed = false;
    for (size_t i = 0; i < fx->req->init_rpv_count; i++)
        allowed |= strcmp(fx->req->init_rpv[i], a->cfg->host) == 0;
    rc = flow_confirm_typed(fx, "Create a new Remote PED Vector?", prompt, a->cfg->host, allowed,
                            "Check PEDServer and the network first; to create a new RPV in "
                            "batch mode pass --init-rpv with the k570's host.");
    if (rc)
        return rc;
    fx->appliance_rpv_needed = true;
    return 0;
}

int act_ped_at_appliance(struct flow_ctx *fx, const struct flow_step_def *step)
{
    /* where the PED is now (the PED pane says it); the next login proves it */
    (void)step;
    fx->topo.ped = fx->role == ROLE_SOURCE ? PED_AT_SOURCE : PED_AT_TARGET;
    flow_topology_changed(fx, -1);
    return 0;
}

int act_rpv_init(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    fx->topo.ped = fx->role == ROLE_SOURCE ? PED_AT_SOURCE : PED_AT_TARGET;
    flow_topology_changed(fx, -1);
    /* the HSM SO is the Admin Token Slot's (beyond the vendor text: the slot made explicit) */
    int rc = a->admin_slot >= 0 ? slot_set(fx, a->admin_slot, "Selecting the Admin Token Slot")
                                : 0;
    struct conv_result r = {0};
    if (rc == 0) {
        flow_ped_expect(fx, step->ped, step->ped_hsm, 1);
        struct conv_opts so = {.timeout_ms = fx->timeouts.ped_op_ms,
                               .what = "the k570 SO login"};
        char device[32];
        snprintf(device, sizeof device, "%s k570", role_tag(fx->role));
        const struct flow_login_target t = {device, k570_serial(fx, fx->role), LEDGER_SO, false};
        rc = flow_login_command(fx, a->conv, "role login -name SO", &so, &r, "The k570 SO login",
                                &t);
        conv_result_free(&r);
    }
    if (rc == 0) {
        /* `proceed` is typed because the operator confirmed this in the step before */
        flow_ped_expect(fx, step->ped + 1, step->ped_hsm + 1, step->ped_count - 1);
        struct conv_opts o = {.confirmed = true, .timeout_ms = fx->timeouts.ped_op_ms};
        rc = flow_lunacm_ok(fx, a->conv, "hsm ped vector init", &o, &r,
                            "Initializing the Remote PED Vector");
        conv_result_free(&r);
    }
    return rc;
}

int act_appliance_ped_connect(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    char who[64];
    snprintf(who, sizeof who, "the %s k570", role_tag(fx->role));
    int rc = a->net_slot >= 0 ? slot_set(fx, a->net_slot, "Selecting the Net Admin Token Slot")
                              : 0;
    bool connected = false;
    if (rc == 0)
        rc = flow_ped_connect_try(fx, a->conv, who, &connected);
    fx->topo.appliances[fx->role].ped_link = connected ? LINK_UP : LINK_DOWN;
    flow_topology_changed(fx, -1);
    if (rc == 0 && !connected)
        rc = flow_fail(fx, EXIT_HSM, step->fix, "ped connect on %s failed after the new Remote "
                       "PED Vector.", who);
    return rc;
}

int act_slot_set_user(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    if (a->user_slot < 0)
        return flow_fail(fx, EXIT_PRECONDITION, NULL, "No User Token Slot is known yet.");
    char *cmd = flow_step_command(fx, step);
    if (!cmd)
        return flow_fail(fx, EXIT_USAGE, NULL, "Step %s has no command.", step->id);
    struct conv_result r = {0};
    int rc = flow_lunacm_ok(fx, a->conv, cmd, NULL, &r, "Selecting the User Token Slot");
    free(cmd);
    long now = rc == 0 ? luna_parse_slot_set(r.output) : -1;
    conv_result_free(&r);
    if (rc)
        return rc;
    if (now != a->user_slot)
        return flow_fail(fx, EXIT_HSM, step->fix, "lunacm did not confirm slot %ld as the "
                         "current slot.", a->user_slot);
    fx->topo.appliances[fx->role].selected_slot = now;
    flow_topology_changed(fx, (int)fx->role);
    return 0;
}

int act_co_login(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    char *cmd = flow_step_command(fx, step);
    if (!cmd)
        return flow_fail(fx, EXIT_USAGE, NULL, "Step %s has no command.", step->id);
    /* The password goes where the vendor puts it (-p); spelled without it, only a prompt
     * asking for a password of this login (the Crypto Officer's) is answered. */
    struct conv_opts o = {.answers = {{LUNA_SK_CO, "co_password"}}, .generic = LUNA_SK_CO,
                          .timeout_ms = fx->ped ? fx->timeouts.ped_op_ms : 0,
                          .what = "the Crypto Officer login"};
    struct conv_result r = {0};
    /* Tried once. A failure is reported with its code; the operator decides what to do. */
    char device[32];
    snprintf(device, sizeof device, "%s k570", role_tag(fx->role));
    const struct flow_login_target t = {device, k570_serial(fx, fx->role), LEDGER_CO, false};
    int rc = flow_login_command(fx, a->conv, cmd, &o, &r, "The Crypto Officer login", &t);
    free(cmd);
    conv_result_free(&r);
    flow_journal_decision(fx, "Crypto Officer login (one try, never retried)",
                          rc == 0 ? "succeeded" : "failed");
    return rc;
}

int act_logout(struct flow_ctx *fx, const struct flow_step_def *step)
{
    (void)step;
    struct flow_appliance *a = &fx->app[fx->role];
    if (!conv_at_luna_prompt(a->conv))
        return flow_fail(fx, EXIT_HSM, NULL, "lunacm on the %s k570 is not at its prompt; "
                         "nothing is typed into it.", role_tag(fx->role));
    enum conv_error e = lunacm_exit(a->conv);
    a->lunacm_running = false;
    return e == CONV_OK ? 0 : flow_fail_conv(fx, a->conv, e);
}
