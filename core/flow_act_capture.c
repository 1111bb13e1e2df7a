/* flow_act_capture.c: `rotwiz capture`: after the read-only view has connected, every lunacm
 * (each k570's and the workstation's) is asked only read-only things -- its banner, `slot
 * list`, `help`, `<command> -help` of every command with options any flow types
 * (preflight_cmds.h), `ped show`, `hsm show`, `partition show` -- and each k570's shell `./vtl
 * listservers`; the answers go to one JSON file with versions and serials, for the operator to
 * review and send. Never logs in; no secret is typed (none is loaded); token and partition
 * labels are removed unless --with-labels, serials replaced by SERIAL-n with --mask-serials.
 * `rotwiz-sim lab --from-capture FILE` replays such a file (sim/capture_replay.c). */
#include "flow_act.h"
#include "flow_capture.h"
#include "flow_preflight.h"
#include "ssh_conn.h"
#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CAP_MAX_SERIALS 16

struct cap_masks {
    bool labels;                 /* keep labels */
    bool mask_serials;
    size_t serial_count;
    char serials[CAP_MAX_SERIALS][MODEL_TEXT];
};

static void add_serial(struct cap_masks *m, const char *serial)
{
    if (!serial || strlen(serial) < 3)
        return;
    for (size_t i = 0; i < m->serial_count; i++)
        if (strcmp(m->serials[i], serial) == 0)
            return;
    if (m->serial_count < CAP_MAX_SERIALS)
        snprintf(m->serials[m->serial_count++], MODEL_TEXT, "%s", serial);
}

/* A copy of TEXT with serials replaced (when masked) and label values removed (unless kept). */
static char *clean(const struct cap_masks *m, const char *text)
{
    size_t cap = strlen(text) * 2 + 64, used = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        if (!m->labels) {
            char *lab = strcasestr(line, "label");
            char *sep = lab ? strstr(lab, "->") : NULL;
            size_t skip = 2;
            if (lab && !sep) {
                sep = strchr(lab, ':');
                skip = 1;
            }
            if (sep && strspn(sep + skip, " \t\r\n") < strlen(sep + skip))
                snprintf(sep + skip, sizeof line - (size_t)(sep + skip - line), " %s%s",
                         "(label removed)", strchr(sep + skip, '\n') ? "\n" : "");
        }
        for (size_t i = 0; m->mask_serials && i < m->serial_count; i++) {
            char *at;
            char repl[32];
            snprintf(repl, sizeof repl, "SERIAL-%zu", i + 1);
            while ((at = strstr(line, m->serials[i])) != NULL) {
                size_t sl = strlen(m->serials[i]), rl = strlen(repl);
                if (strlen(line) - sl + rl + 1 > sizeof line)
                    break;
                memmove(at + rl, at + sl, strlen(at + sl) + 1);
                memcpy(at, repl, rl);
            }
        }
        size_t ll = strlen(line);
        if (used + ll + 1 > cap) {
            cap = (used + ll + 1) * 2;
            char *n = realloc(out, cap);
            if (!n) {
                free(out);
                return NULL;
            }
            out = n;
        }
        memcpy(out + used, line, ll);
        used += ll;
        p += len;
    }
    out[used] = '\0';
    return out;
}

static json_t *text_json(const struct cap_masks *m, const char *text)
{
    char *c = clean(m, text ? text : "");
    json_t *j = c ? json_string(c) : json_null();
    free(c);
    return j ? j : json_null();
}

/* Runs CMD on lunacm C and appends {"command", "output"} to LIST; false when the session broke. */
static bool capture_command(struct flow_ctx *fx, struct conv *c, const char *cmd, json_t *list,
                            const struct cap_masks *m)
{
    if (flow_record_ok(fx) != 0)
        return false;
    struct conv_opts o = {.what = cmd};
    struct conv_result r = {0};
    enum conv_error e = conv_command(c, cmd, &o, &r);
    json_array_append_new(list, json_pack("{s:s, s:o}", "command", cmd, "output",
                                          e == CONV_OK ? text_json(m, r.output) : json_null()));
    conv_result_free(&r);
    return e == CONV_OK;
}

/* The read-only lunacm commands of a capture on side WHERE. */
static void capture_lunacm(struct flow_ctx *fx, struct conv *c, enum pf_where where,
                           json_t *list, const struct cap_masks *m)
{
    const char *plain[] = {"slot list", "help"};
    for (size_t i = 0; i < 2; i++)
        if (!capture_command(fx, c, plain[i], list, m))
            return;
    for (size_t i = 0; i < PREFLIGHT_CMD_COUNT; i++) {
        const struct preflight_cmd *e = &preflight_cmds[i];
        if (e->where != where || !*e->options)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i; k++)
            seen |= preflight_cmds[k].where == where && *preflight_cmds[k].options &&
                    strcmp(preflight_cmds[k].command, e->command) == 0;
        if (seen)
            continue;
        char cmd[200];
        snprintf(cmd, sizeof cmd, "%s -help", e->command);
        if (!capture_command(fx, c, cmd, list, m))
            return;
    }
    const char *shows[] = {"ped show", "hsm show", "partition show"};
    for (size_t i = 0; i < 3; i++)
        if (!capture_command(fx, c, shows[i], list, m))
            return;
}

static json_t *serials_json(const struct cap_masks *m, const struct slot_list *sl)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sl->count; i++)
        json_array_append_new(a, text_json(m, sl->slots[i].serial));
    return a;
}

static json_t *capture_appliance(struct flow_ctx *fx, enum appliance_role role,
                                 const struct cap_masks *m)
{
    struct flow_appliance *a = &fx->app[role];
    struct appliance *t = &fx->topo.appliances[role];
    json_t *dev = json_pack("{s:s, s:s, s:b}", "role", model_role_name(role), "host",
                            a->cfg->host, "reachable", t->reachable && a->conv);
    if (!t->reachable || !a->conv)
        return dev;
    /* lunacm again from the start, for its banner as printed */
    if (a->lunacm_running && conv_at_luna_prompt(a->conv)) {
        struct conv_opts shell = {.end = CONV_END_SHELL_PROMPT, .what = "lunacm to exit"};
        struct conv_result r = {0};
        if (conv_command(a->conv, "exit", &shell, &r) == CONV_OK)
            a->lunacm_running = false;
        conv_result_free(&r);
    }
    json_t *list = json_array();
    if (!a->lunacm_running) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "%s/lunacm", a->cfg->luna_bin);
        struct conv_result r = {0};
        if (conv_start_program(a->conv, cmd, 0, &r) == CONV_OK) {
            a->lunacm_running = true;
            json_object_set_new(dev, "startup", text_json(m, r.output));
        }
        conv_result_free(&r);
    }
    if (a->lunacm_running)
        capture_lunacm(fx, a->conv, PF_APPLIANCE, list, m);
    json_object_set_new(dev, "lunacm_version", json_string(t->lunacm_version));
    json_object_set_new(dev, "serials", serials_json(m, &t->slots));
    json_object_set_new(dev, "commands", list);
    /* the vtl folder's listservers, as the flows run it */
    json_t *shell = json_array();
    char out[8192];
    struct ssh_conn_error err = {0};
    int status = -1;
    char *cmd = flow_vtl_command(a->cfg->luna_bin, "listservers");
    if (cmd && flow_record_ok(fx) == 0) {
        flow_line(fx, model_role_name(role), TX_SENT, cmd);
        if (ssh_conn_exec(a->ssh, cmd, out, sizeof out, &status, 0, &err) == 0) {
            flow_line(fx, model_role_name(role), TX_RECEIVED, out);
            json_array_append_new(shell, json_pack("{s:s, s:o, s:i}", "command", cmd, "output",
                                                   text_json(m, out), "status", status));
        }
    }
    free(cmd);
    json_object_set_new(dev, "shell", shell);
    return dev;
}

static json_t *capture_workstation(struct flow_ctx *fx, struct cap_masks *m)
{
    json_t *dev = json_pack("{s:s, s:s}", "role", "workstation", "host",
                            fx->cfg.workstation.address);
    /* starts the workstation's lunacm and reads its slots (a refusal is only recorded) */
    int rc = act_check_backup_hsm(fx, fx->step);
    add_serial(m, fx->topo.backup.serial);   /* known now: masked in what follows */
    struct conv *c = fx->wsn.lunacm_conv;
    json_object_set_new(dev, "reachable", json_boolean(c && !conv_closed(c)));
    json_object_set_new(dev, "lunacm_version", json_string(fx->topo.workstation.client_version));
    if (rc)
        json_object_set_new(dev, "note", json_string(fx->cause));
    if (!c || conv_closed(c))
        return dev;
    json_t *list = json_array();
    capture_lunacm(fx, c, PF_WORKSTATION, list, m);
    json_object_set_new(dev, "serials", json_pack("[o]", text_json(m, fx->topo.backup.serial)));
    json_object_set_new(dev, "commands", list);
    return dev;
}

/* Writes ROOT to PATH (mode 0600, replaced atomically) or stdout. 0 or -1. */
static int write_capture(json_t *root, const char *path)
{
    if (!path || strcmp(path, "-") == 0) {
        int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        return rc;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return -1;
    }
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    rc |= fflush(f) | fsync(fileno(f));
    rc |= fclose(f);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc)
        unlink(tmp);
    return rc ? -1 : 0;
}

int flow_capture_write(struct flow_ctx *fx)
{
    const struct flow_request *req = fx->req;
    struct cap_masks m = {.labels = req->capture_labels, .mask_serials = req->capture_mask_serials};
    for (int r = 0; r < MODEL_ROLES; r++)
        for (size_t i = 0; i < fx->topo.appliances[r].slots.count; i++)
            add_serial(&m, fx->topo.appliances[r].slots.slots[i].serial);
    add_serial(&m, fx->topo.backup.serial);
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    json_t *devices = json_array();
    for (int r = 0; r < MODEL_ROLES; r++)
        if (fx->app[r].cfg)
            json_array_append_new(devices, capture_appliance(fx, (enum appliance_role)r, &m));
    json_array_append_new(devices, capture_workstation(fx, &m));
    json_t *root = json_pack("{s:i, s:s, s:s, s:s, s:b, s:b, s:o}", "rotwiz_capture", 1,
                             "rotwiz_version", ROTWIZ_CAPTURE_VERSION, "created", when, "auth",
                             fx->ped ? "ped" : "password", "labels", m.labels, "serials_masked",
                             m.mask_serials, "devices", devices);
    int rc = root ? write_capture(root, req->capture_path) : -1;
    json_decref(root);
    if (rc)
        return flow_fail(fx, EXIT_USAGE, "Choose a writable file with -o.",
                         "The capture could not be written to %s.", req->capture_path);
    flow_journal_decision(fx, "dialect capture (read-only commands only, no login)",
                          strcmp(req->capture_path, "-") ? req->capture_path : "stdout");
    return 0;
}
