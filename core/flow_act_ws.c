/* flow_act_ws.c: the actions done on the workstation: the Luna client and Backup HSM checks,
 * RBS (config, key, server), PEDServer, and the Backup HSM's PED set-up (PED flows). */
#include "flow_act.h"
#include "flow_words.h"
#include "flow_login.h"
#include "flow_wait.h"
#include "job.h"
#include "waitset.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RBS_LISTEN_MS 15000

/* Starts a workstation tool in a pty with a conversation tagged HOST. */
static int start_tool(struct flow_ctx *fx, const char *tool, const char *const *args,
                      const char *host, struct job **job, struct conv **conv)
{
    char path[512], err[256];
    const char *argv[8] = {path};
    if (!flow_ws_tool(fx, tool, path, sizeof path))
        return flow_fail(fx, EXIT_PRECONDITION,
                         "Install the Luna HSM Client (with the Backup and Remote PED options) or "
                         "correct workstation.luna_client_dir.",
                         "%s is not installed at %s.", tool, path);
    for (size_t i = 0; args && args[i] && i < 6; i++)
        argv[i + 1] = args[i];
    char line[600];
    snprintf(line, sizeof line, "%s", path);
    for (size_t i = 0; args && args[i] && i < 6; i++) {
        strncat(line, " ", sizeof line - strlen(line) - 1);
        strncat(line, args[i], sizeof line - strlen(line) - 1);
    }
    flow_line(fx, host, TX_SENT, line);
    struct job_spec spec = {.argv = argv, .cwd = fx->cfg.workstation.luna_client_dir};
    *job = job_start(&spec, err, sizeof err);
    if (!*job)
        return flow_fail(fx, EXIT_PRECONDITION, NULL, "Cannot run %s: %s", tool, err);
    struct conv_callbacks cb = flow_conv_callbacks(fx);
    *conv = conv_new(job_stream(*job), fx->ws, host, &cb);
    conv_set_timeouts(*conv, &fx->timeouts);
    return 0;
}

/* Runs a short-lived tool to its end; *status gets its exit status (-1 when killed). */
static int run_tool(struct flow_ctx *fx, const char *tool, const char *const *args,
                    const struct conv_opts *opts, struct conv_result *r, int *status)
{
    struct job *job = NULL;
    struct conv *conv = NULL;
    int rc = start_tool(fx, tool, args, tool, &job, &conv);
    if (rc)
        return rc;
    struct conv_opts o = *opts;
    o.end = CONV_END_CLOSED;
    enum conv_error e = conv_command(conv, NULL, &o, r);
    if (e != CONV_OK)
        rc = flow_fail_conv(fx, conv, e);
    int st = -1;
    flow_wait_job_exit(fx, job, 1000, &st); /* its pty closed: the exit follows at once */
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    conv_free(conv);
    job_free(job);
    return rc;
}

/* The workstation's lunacm (sees the Backup HSM over USB), started once per run. STARTUP
 * gets its start-up text (which lists the slots), or when it runs already and LIST, `slot
 * list`'s (else nothing is typed). */
static int ws_lunacm(struct flow_ctx *fx, bool list, struct conv_result *startup)
{
    struct flow_workstation *w = &fx->wsn;
    if (w->lunacm_conv && !conv_closed(w->lunacm_conv)) {
        return !list ? 0 : flow_lunacm_ok(fx, w->lunacm_conv, "slot list", NULL, startup,
                                          "slot list on the workstation");
    }
    conv_free(w->lunacm_conv);
    job_free(w->lunacm);
    w->lunacm_conv = NULL;
    w->lunacm = NULL;
    w->backup_slot_set = false; /* a new lunacm has its own current slot */
    int rc = start_tool(fx, "lunacm", NULL, "workstation", &w->lunacm, &w->lunacm_conv);
    if (rc)
        return rc;
    enum conv_error e = conv_start_program(w->lunacm_conv, NULL, 0, startup);
    return e == CONV_OK ? 0 : flow_fail_conv(fx, w->lunacm_conv, e);
}

/* Reads the Backup HSM(s) the workstation sees; fills fx->topo.backup. */
static int read_backup_hsm(struct flow_ctx *fx, struct luna_version *client)
{
    struct flow_workstation *w = &fx->wsn;
    /* what its lunacm listed last (at its start, or slot list), read into fx->wsn and the
     * topology, when nothing was typed since that could change it: not listed again */
    if (flow_fresh_take(fx, &w->slots) && w->lunacm_conv && !conv_closed(w->lunacm_conv)) {
        *client = w->client;
        flow_journal_decision(fx, "slot list on the workstation", "the listing just read is "
                              "reused (only read-only commands typed since)");
        return 0;
    }
    struct conv_result r = {0};
    int rc = ws_lunacm(fx, true, &r);
    if (rc) {
        conv_result_free(&r);
        return rc;
    }
    struct slot_list slots;
    /* the banner comes once, when the workstation's lunacm starts */
    if (luna_parse_banner(r.output, &fx->wsn.client))
        luna_version_string(&fx->wsn.client, fx->topo.workstation.client_version,
                            sizeof fx->topo.workstation.client_version);
    *client = fx->wsn.client;
    luna_parse_slot_list(r.output, &slots);
    conv_result_free(&r);
    /* The Backup HSM is found by what it says it is (model, description or label naming a
     * backup HSM), never as "the first slot listed". */
    const struct slot *found = NULL;
    size_t n = 0;
    for (size_t i = 0; i < slots.count; i++) {
        const struct slot *s = &slots.slots[i];
        if (strcasestr(s->model, "backup") || strcasestr(s->description, "backup") ||
            strcasestr(s->label, "backup")) {
            found = found ? found : s;
            n++;
        }
    }
    fx->wsn.backup_hsms = n;
    fx->wsn.backup_slot = n == 1 ? found->id : -1;
    fx->topo.backup.visible = n == 1;
    if (n == 1) {
        snprintf(fx->topo.backup.model, sizeof fx->topo.backup.model, "%s", found->model);
        snprintf(fx->topo.backup.firmware, sizeof fx->topo.backup.firmware, "%s",
                 found->firmware);
        snprintf(fx->topo.backup.serial, sizeof fx->topo.backup.serial, "%s", found->serial);
    }
    flow_fresh_mark(fx, &w->slots, FLOW_LANE_WORKSTATION);
    flow_topology_changed(fx, -1);
    return 0;
}

int flow_ws_read_backup_hsm(struct flow_ctx *fx)
{
    struct luna_version v;
    return read_backup_hsm(fx, &v);
}

int act_check_backup_hsm(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct luna_version v;
    int rc = read_backup_hsm(fx, &v);
    if (rc)
        return rc;
    if (fx->wsn.backup_hsms > 1)
        return flow_fail(fx, EXIT_PRECONDITION, "Attach only the Backup HSM to use, then confirm "
                         "again.", "The workstation sees %zu Backup HSMs; rotwiz will not guess "
                         "which one to use.", fx->wsn.backup_hsms);
    if (!fx->topo.backup.visible)
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "%s", step->failure);
    return 0;
}

int act_client_check(struct flow_ctx *fx, const struct flow_step_def *step)
{
    (void)step;
    struct luna_version v;
    int rc = read_backup_hsm(fx, &v);
    if (rc)
        return rc;
    if (v.major == 0)
        flow_notice(fx, true, "The workstation's Luna client version could not be read.");
    else if (luna_version_cmp(v.major, v.minor, v.patch, 10, 4, 0) < 0)
        flow_notice(fx, true, "Luna HSM Client %d.%d.%d is older than the recommended 10.4.0.",
                    v.major, v.minor, v.patch);
    if (!fx->topo.backup.visible)
        return flow_fail(fx, EXIT_PRECONDITION, "Connect exactly one Backup HSM to the "
                         "workstation.", "The workstation sees %zu Backup HSMs (found by model "
                         "or description); it needs exactly one.", fx->wsn.backup_hsms);
    const struct backup_hsm *b = &fx->topo.backup;
    int maj = 0, min = 0, pat = 0;
    if (!luna_parse_dotted(b->firmware, &maj, &min, &pat))
        flow_notice(fx, true, "The Backup HSM's firmware '%s' could not be read.", b->firmware);
    else if (maj != 6 && maj != 7)
        flow_notice(fx, true, "Backup HSM model '%s' firmware %s is not a supported Luna Backup "
                    "HSM (Backup HSM 7 v1/v2 or G5).", b->model, b->firmware);
    flow_journal_appliance(fx, "backup-hsm", NULL, b->serial, b->model, b->firmware, NULL);
    flow_journal_appliance(fx, "workstation", fx->cfg.workstation.address, NULL, NULL, NULL,
                           fx->topo.workstation.client_version);
    return 0;
}

/* `rbs --config`: the menu's wording is UNKNOWN (FORMATS.md §5), so rotwiz judges it by its
 * shape only (luna_parse_rbs_menu: one numbered device row, its selection mark, the serial).
 * Exactly one device, the Backup HSM's, already marked selected: said so, and only the save
 * answer (X) is typed, never the number (which may deselect it). One device not selected:
 * batch types its number; the wizard asks the operator, saying what the menu shows. Anything
 * else: the operator reads the menu and answers (wizard); batch mode stops. Whether a number
 * selects or toggles is unknown too: the effect is what counts (the k570 sees the Backup HSM
 * through RBS, act_net_admin_slot), and rotwiz answers once more when it does not. Each wait
 * ends on a prompt's shape. */
static int rbs_menu_choice(struct flow_ctx *fx, const char *menu_text, char *choice, size_t len,
                           bool *already)
{
    const char *serial = fx->topo.backup.serial;
    long number = -1;
    enum luna_rbs_menu m = fx->wsn.backup_hsms == 1
                           ? luna_parse_rbs_menu(menu_text, serial, &number)
                           : LUNA_RBS_MENU_UNSURE;
    if (m == LUNA_RBS_MENU_SELECTED) {
        flow_notice(fx, false, "rbs --config lists one Backup HSM, serial %s, already selected: "
                    "rotwiz keeps it and saves with X (typing its number could deselect it).",
                    serial);
        *choice = '\0';
        *already = true;
        return 0;
    }
    if (fx->req->batch) {
        if (m == LUNA_RBS_MENU_UNSELECTED) {
            snprintf(choice, len, "%ld", number);
            return 0;
        }
        return flow_fail(fx, EXIT_PRECONDITION, "Attach exactly one Backup HSM, or run the "
                         "wizard to read the menu and choose.", "The workstation sees %zu "
                         "Backup HSMs, or the rbs --config menu does not show exactly one "
                         "device (serial %s) with a selection mark rotwiz can read; batch mode "
                         "does not guess.", fx->wsn.backup_hsms, serial);
    }
    char shown[320] = "";
    if (m == LUNA_RBS_MENU_UNSELECTED)
        snprintf(shown, sizeof shown, "The menu lists the Backup HSM (serial %s) as device %ld, "
                 "not selected: type %ld to select it.\n", serial, number, number);
    char prompt[2400];
    snprintf(prompt, sizeof prompt, "%s\n\n%sType what selects the Backup HSM (serial %s) in "
             "this menu, or nothing to keep what is selected (rotwiz then saves with X):",
             menu_text, shown, serial);
    struct core_ask q = {.type = ASK_TEXT, .title = "rbs --config", .prompt = prompt};
    struct core_answer a = {0};
    if (core_ask(fx->sink, &q, &a) != ASK_ANSWERED)
        return flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator.");
    snprintf(choice, len, "%s", a.text);
    return 0;
}

static int rbs_configure(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct job *job = NULL;
    struct conv *conv = NULL;
    const char *args[] = {"--config", NULL};
    int rc = start_tool(fx, "rbs", args, "rbs", &job, &conv);
    if (rc)
        return rc;
    struct conv_opts menu = {.end = CONV_END_INPUT_PROMPT, .what = "the rbs --config menu"};
    struct conv_result r = {0};
    enum conv_error e = conv_command(conv, NULL, &menu, &r);
    char choice[CORE_ANSWER_MAX] = "";
    if (e != CONV_OK) {
        rc = flow_fail_conv(fx, conv, e);
        goto out;
    }
    bool already = false;
    if ((rc = rbs_menu_choice(fx, r.output, choice, sizeof choice, &already)) != 0)
        goto out;
    flow_journal_decision(fx, "rbs --config device", *choice ? choice : already
                          ? "(the one Backup HSM, already selected: kept)" : "(kept as saved)");
    conv_result_free(&r);
    if (*choice && (e = conv_command(conv, choice, &menu, &r)) != CONV_OK) {
        rc = flow_fail_conv(fx, conv, e);
        goto out;
    }
    conv_result_free(&r);
    struct conv_opts closed = {.end = CONV_END_CLOSED, .what = "rbs --config to exit"};
    if ((e = conv_command(conv, "X", &closed, &r)) != CONV_OK) {
        rc = flow_fail_conv(fx, conv, e);
        goto out;
    }
    int st = -1;
    flow_wait_job_exit(fx, job, 1000, &st);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        rc = flow_fail(fx, EXIT_PRECONDITION, step ? step->fix : NULL, "rbs --config did not "
                       "finish cleanly (exit status %d).", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    fx->wsn.rbs_configured++;
out:
    conv_result_free(&r);
    conv_free(conv);
    job_free(job);
    return rc;
}

int act_rbs_config(struct flow_ctx *fx, const struct flow_step_def *step)
{
    return rbs_configure(fx, step);
}

int flow_rbs_reselect(struct flow_ctx *fx)
{
    struct flow_workstation *w = &fx->wsn;
    flow_notice(fx, true, "The k570 sees no Backup HSM through RBS: rotwiz answers rbs --config "
                "once more (a menu number may toggle rather than select) and restarts RBS.");
    conv_free(w->rbs_conv);
    job_free(w->rbs);
    w->rbs_conv = NULL;
    w->rbs = NULL;
    int rc = rbs_configure(fx, NULL);
    return rc ? rc : act_rbs_start(fx, NULL);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

bool flow_ws_rbs_key_present(struct flow_ctx *fx)
{
    return file_exists(flow_placeholder(fx, "rbs_pem"));
}

bool flow_ws_rbs_serving(struct flow_ctx *fx)
{
    struct flow_workstation *w = &fx->wsn;
    return w->rbs && !job_exited(w->rbs, NULL) &&
           flow_port_open(fx->cfg.workstation.address, fx->cfg.workstation.rbs_port, 500);
}

int act_rbs_genkey(struct flow_ctx *fx, const struct flow_step_def *step)
{
    const char *pem = flow_placeholder(fx, "rbs_pem");
    char path[512];
    snprintf(path, sizeof path, "%s", pem);
    if (flow_ws_rbs_key_present(fx)) {
        flow_notice(fx, false, "RBS already has a server key (%s); it is kept.", path);
        return 0;
    }
    const char *args[] = {"--genkey", NULL};
    /* rbs has one kind of password: a prompt for "a password" is the RBS password */
    struct conv_opts o = {.answers = {{LUNA_SK_RBS, "rbs_password"}}, .generic = LUNA_SK_RBS,
                          .what = "rbs --genkey"};
    struct conv_result r = {0};
    int status = -1;
    int rc = run_tool(fx, "rbs", args, &o, &r, &status);
    conv_result_free(&r);
    if (rc)
        return rc;
    if (!file_exists(path))
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "rbs --genkey exited %d and %s was "
                         "not created.", status, path);
    return 0;
}

int act_rbs_start(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_workstation *w = &fx->wsn;
    const char *host = fx->cfg.workstation.address;
    int port = fx->cfg.workstation.rbs_port;
    if (flow_ws_rbs_serving(fx)) /* the RBS this run (or migrate's backup half) started */
        return 0;
    if (flow_port_open(host, port, 500))
        flow_notice(fx, true, "Something already listens on %s:%d; rotwiz starts its own RBS "
                    "and verifies the Backup HSM is reachable through it.", host, port);
    char port_s[16];
    snprintf(port_s, sizeof port_s, "%d", port);
    const char *args[] = {"s", "-port", port_s, NULL};
    int rc = start_tool(fx, "rbs", args, "rbs", &w->rbs, &w->rbs_conv);
    if (rc)
        return rc;
    struct conv_opts o = {.end = CONV_END_SECRETS_TYPED, .end_after_typed = 1,
                          .answers = {{LUNA_SK_RBS, "rbs_password"}}, .generic = LUNA_SK_RBS,
                          .what = "rbs s"};
    struct conv_result r = {0};
    enum conv_error e = conv_command(w->rbs_conv, NULL, &o, &r);
    conv_result_free(&r);
    if (e != CONV_OK)
        return flow_fail_conv(fx, w->rbs_conv, e);
    flow_wait_port(fx, host, port, w->rbs, RBS_LISTEN_MS);
    if (waitset_cancelled(fx->ws))
        return flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator.");
    int st = 0;
    if (job_exited(w->rbs, &st)) {
        char last[400];
        bool said = flow_last_line(fx, "rbs", last, sizeof last);
        return flow_fail(fx, EXIT_PRECONDITION, step ? step->fix : NULL, "RBS exited (status %d) "
                         "instead of serving, so no k570 can reach the Backup HSM; its last "
                         "line: %s%s%s", WIFEXITED(st) ? WEXITSTATUS(st) : -1, said ? "\"" : "",
                         said ? last : "(it printed nothing)", said ? "\"" : "");
    }
    fx->topo.workstation.rbs_listening = flow_port_open(host, port, 500);
    flow_topology_changed(fx, -1);
    if (!fx->topo.workstation.rbs_listening)
        return flow_fail(fx, EXIT_TIMEOUT, step ? step->fix : NULL, "RBS did not open %s:%d within %d s.",
                         host, port, RBS_LISTEN_MS / 1000);
    return 0;
}

int act_pedserver_start(struct flow_ctx *fx, const struct flow_step_def *step)
{
    const char *host = fx->cfg.workstation.address;
    int port = fx->cfg.workstation.ped_port;
    if (!flow_port_open(host, port, 500)) {
        char port_s[16];
        snprintf(port_s, sizeof port_s, "%d", port);
        /* as the vendor spells it: PEDServer listens on its own configured port */
        const char *args[] = {"-mode", "start", NULL};
        struct conv_opts o = {.what = "pedserver -mode start"};
        struct conv_result r = {0};
        int status = -1;
        int rc = run_tool(fx, "pedserver", args, &o, &r, &status);
        conv_result_free(&r);
        if (rc)
            return rc;
        flow_wait_port(fx, host, port, NULL, 5000);
    }
    fx->topo.workstation.ped_listening = flow_port_open(host, port, 500);
    flow_topology_changed(fx, -1);
    if (!fx->topo.workstation.ped_listening)
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "PEDServer is not listening on "
                         "%s:%d.", host, port);
    return 0;
}

int act_check_pedserver(struct flow_ctx *fx, const struct flow_step_def *step)
{
    fx->topo.ped = PED_AT_WORKSTATION;
    fx->topo.workstation.ped_listening =
        flow_port_open(fx->cfg.workstation.address, fx->cfg.workstation.ped_port, 1000);
    flow_topology_changed(fx, -1);
    if (!fx->topo.workstation.ped_listening)
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "%s", step->failure);
    return 0;
}

/* The workstation's lunacm with the Backup HSM as its current slot. */
static int ws_backup_slot(struct flow_ctx *fx, struct conv **c)
{
    struct conv_result r = {0};
    int rc = ws_lunacm(fx, false, &r); /* the Backup HSM's slot is known: nothing listed */
    conv_result_free(&r);
    if (rc)
        return rc;
    if (fx->wsn.backup_slot < 0)
        return flow_fail(fx, EXIT_PRECONDITION, "Connect exactly one Backup HSM to the "
                         "workstation.", "The workstation does not see one Backup HSM.");
    *c = fx->wsn.lunacm_conv;
    if (fx->wsn.backup_slot_set)
        return 0;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "slot set -s %ld", fx->wsn.backup_slot);
    rc = flow_lunacm_ok(fx, *c, cmd, NULL, &r, "Selecting the Backup HSM");
    conv_result_free(&r);
    fx->wsn.backup_slot_set = rc == 0;
    return rc;
}

int act_ws_so_login(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct conv *c = NULL;
    int rc = ws_backup_slot(fx, &c);
    if (rc)
        return rc;
    struct conv_opts so = {.timeout_ms = fx->timeouts.ped_op_ms,
                           .what = "the Backup HSM SO login"};
    struct conv_result r = {0};
    /* the vendor logs in a second time after ped connect: "already logged in" is logged in */
    const struct flow_login_target t = {"Backup HSM", fx->topo.backup.serial, LEDGER_SO, true};
    rc = flow_login_command(fx, c, "role login -n so", &so, &r, "The Backup HSM SO login", &t);
    (void)step;
    conv_result_free(&r);
    return rc;
}

int act_ws_ped_link(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct conv *c = NULL;
    int rc = ws_backup_slot(fx, &c);
    bool connected = false;
    if (rc == 0)
        rc = flow_ped_set(fx, c, "the Backup HSM");
    if (rc == 0)
        rc = flow_ped_connect_try(fx, c, "the Backup HSM", &connected);
    if (rc == 0 && !connected) {
        char prompt[512];
        snprintf(prompt, sizeof prompt, "ped connect on the Backup HSM failed: it has no usable "
                 "Remote PED Vector, or PEDServer cannot be reached (read the transcript). "
                 "ped vector -init imprints a NEW orange key; the Backup HSM's old orange keys "
                 "stop working. Type backup-hsm to create it.");
        bool allowed = false;
        for (size_t i = 0; i < fx->req->init_rpv_count; i++)
            allowed |= strcmp(fx->req->init_rpv[i], "backup-hsm") == 0;
        rc = flow_confirm_typed(fx, "Create a new Remote PED Vector?", prompt, "backup-hsm",
                                allowed, "Check PEDServer first; to create a new RPV in batch "
                                "mode pass --init-rpv backup-hsm.");
        struct conv_result r = {0};
        if (rc == 0) {
            /* `proceed` is typed because the operator confirmed it just now */
            flow_ped_expect_one(fx, PED_KEY_ORANGE, PED_HSM_BACKUP);
            struct conv_opts pv = {.confirmed = true, .timeout_ms = fx->timeouts.ped_op_ms};
            rc = flow_lunacm_ok(fx, c, "ped vector -init", &pv, &r,
                                "Initializing the Backup HSM's Remote PED Vector");
            conv_result_free(&r);
        }
        if (rc == 0) {
            flow_ped_expect_one(fx, PED_KEY_ANY, PED_HSM_BACKUP);
            rc = flow_ped_connect_try(fx, c, "the Backup HSM", &connected);
        }
        if (rc == 0 && !connected)
            rc = flow_fail(fx, EXIT_HSM, step->fix, "ped connect on the Backup HSM failed.");
    }
    if (rc == 0)
        rc = flow_ped_show_check(fx, c, "the Backup HSM");
    return rc;
}
