/* flow_act_preflight.c: before any login, ask each lunacm for its own syntax of every command
 * the flow will type (`help`, `<command> -help`: read-only) and check every option rotwiz
 * passes is listed, by full name, shortcut or unique prefix, as lunacm resolves them. An option
 * the device does not list stops the flow (exit 4) before anything else is typed; help that
 * cannot be read or parsed is recorded as "not checked", never as checked. */
#include "flow_act.h"
#include "flow_preflight.h"
#include "luna_parse_help.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_MAX_CMDS 24

/* One command to check: its words and the union of the options the flow types with it. */
struct pf_item {
    const char *command;
    char options[160];
};

/* True when the flow runs step ID where WHERE is: on the workstation, anywhere in the flow; on
 * a k570, as a step of the k570 being checked (fx->role): "source:archive_backup" is not the
 * target's; a step without a role is the flow's one k570 (a flow on both names every k570's). */
static bool flow_has_step(const struct flow_ctx *fx, const char *id, enum pf_where where)
{
    for (size_t i = 0; i < fx->def.count; i++) {
        const struct flow_step_def *s = &fx->def.steps[i];
        if (strcmp(s->id, id) == 0 &&
            (where == PF_WORKSTATION || s->role < 0 || s->role == (int)fx->role))
            return true;
    }
    return false;
}

static bool has_word(const char *list, const char *w, size_t wl)
{
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == wl && strncmp(p, w, wl) == 0)
            return true;
        p += n;
    }
    return false;
}

static size_t collect(const struct flow_ctx *fx, enum pf_where where, bool all,
                      struct pf_item *items)
{
    size_t n = 0;
    for (size_t i = 0; i < PREFLIGHT_CMD_COUNT; i++) {
        const struct preflight_cmd *e = &preflight_cmds[i];
        if (e->where != where || (e->auth == PF_PASSWORD && fx->ped) ||
            (e->auth == PF_PED && !fx->ped) || (!all && !flow_has_step(fx, e->step, where)))
            continue;
        size_t k = 0;
        while (k < n && strcmp(items[k].command, e->command) != 0)
            k++;
        if (k == n) {
            if (n == PF_MAX_CMDS)
                continue;
            items[n].command = e->command;
            items[n].options[0] = '\0';
            n++;
        }
        for (const char *p = e->options; *p;) {
            while (*p == ' ')
                p++;
            size_t wl = strcspn(p, " ");
            if (wl && !has_word(items[k].options, p, wl)) {
                size_t used = strlen(items[k].options);
                snprintf(items[k].options + used, sizeof items[k].options - used, "%s%.*s",
                         used ? " " : "", (int)wl, p);
            }
            p += wl;
        }
    }
    return n;
}

static void add_text(char (*list)[MODEL_TEXT], size_t *count, const char *text)
{
    if (*count < SYNTAX_MAX_ITEMS)
        snprintf(list[(*count)++], MODEL_TEXT, "%s", text);
}

void syntax_check_summary(const struct syntax_check *s, char *buf, size_t len)
{
    if (!s->run) {
        snprintf(buf, len, "syntax not checked");
        return;
    }
    size_t used = (size_t)snprintf(buf, len, "syntax checked: %zu command%s", s->checked,
                                   s->checked == 1 ? "" : "s");
    for (size_t i = 0; i < s->missing_count && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "; NOT LISTED: ",
                                 s->missing[i]);
    for (size_t i = 0; i < s->unchecked_count && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "; not checked: ",
                                 s->unchecked[i]);
}

int flow_preflight_run(struct flow_ctx *fx, struct conv *c, enum pf_where where, bool all,
                       const char *who, struct syntax_check *out, bool stop)
{
    struct pf_item items[PF_MAX_CMDS];
    size_t n = collect(fx, where, all, items);
    memset(out, 0, sizeof *out);
    out->run = true;
    if (n == 0)
        return 0;
    int rc = flow_record_ok(fx);
    if (rc)
        return rc;
    struct conv_opts o = {.what = "help"};
    struct conv_result hr = {0};
    enum conv_error e = conv_command(c, "help", &o, &hr);
    if (e != CONV_OK) {
        conv_result_free(&hr);
        return flow_fail_conv(fx, c, e);
    }
    bool help_ok = !hr.luna.found || hr.luna.ok;
    char first_missing[1024] = "";
    for (size_t i = 0; i < n; i++) {
        const struct pf_item *it = &items[i];
        if (!it->options[0]) {
            /* no options: `help` must name it (the command is never typed with -help) */
            if (help_ok && luna_help_lists_command(hr.output, it->command))
                out->checked++;
            else
                add_text(out->unchecked, &out->unchecked_count, it->command);
            continue;
        }
        if ((rc = flow_record_ok(fx)) != 0)
            break;
        char cmd[200];
        snprintf(cmd, sizeof cmd, "%s -help", it->command);
        struct conv_opts ho = {.what = cmd};
        struct conv_result r = {0};
        e = conv_command(c, cmd, &ho, &r);
        if (e != CONV_OK) {
            conv_result_free(&r);
            rc = flow_fail_conv(fx, c, e);
            break;
        }
        struct luna_help h;
        bool read = (!r.luna.found || r.luna.ok) && luna_parse_help(r.output, &h);
        conv_result_free(&r);
        if (!read) {
            add_text(out->unchecked, &out->unchecked_count, it->command);
            continue;
        }
        bool all_there = true;
        for (const char *p = it->options; *p;) {
            while (*p == ' ')
                p++;
            size_t wl = strcspn(p, " ");
            char opt[LUNA_HELP_NAME];
            snprintf(opt, sizeof opt, "%.*s", (int)wl, p);
            p += wl;
            if (!wl)
                continue;
            int which = -1;
            enum luna_help_match m = luna_help_resolve(&h, opt, &which);
            if (m == LUNA_HELP_EXACT || m == LUNA_HELP_PREFIX)
                continue;
            all_there = false;
            char miss[MODEL_TEXT];
            snprintf(miss, sizeof miss, "%s %s", it->command, opt);
            add_text(out->missing, &out->missing_count, miss);
            if (!first_missing[0]) {
                char listed[600];
                luna_help_format(&h, listed, sizeof listed);
                snprintf(first_missing, sizeof first_missing,
                         "lunacm on %s does not list the option %s of '%s' that rotwiz types "
                         "(%s; it lists: %s).", who, opt, it->command,
                         m == LUNA_HELP_AMBIGUOUS ? "it is ambiguous there" : "not listed",
                         listed);
            }
        }
        if (all_there)
            out->checked++;
    }
    conv_result_free(&hr);
    char summary[1200];
    syntax_check_summary(out, summary, sizeof summary);
    char question[160];
    snprintf(question, sizeof question, "syntax preflight of lunacm on %s", who);
    flow_journal_decision(fx, question, summary);
    flow_topology_changed(fx, -1);
    if (rc)
        return rc;
    if (out->unchecked_count)
        flow_notice(fx, true, "lunacm on %s: %s (its help could not be read; the other "
                    "protections still hold).", who, summary);
    else if (!out->missing_count)
        flow_notice(fx, false, "lunacm on %s: %s.", who, summary);
    if (out->missing_count && stop)
        return flow_fail(fx, EXIT_PRECONDITION, "This lunacm speaks another dialect than the "
                         "one rotwiz types: run `rotwiz capture` and send the file to the "
                         "rotwiz maintainers; do not type the procedure by hand with these "
                         "options.", "%s", first_missing);
    return 0;
}

int act_preflight_syntax(struct flow_ctx *fx, const struct flow_step_def *step)
{
    (void)step;
    struct flow_appliance *a = &fx->app[fx->role];
    char who[64];
    snprintf(who, sizeof who, "the %s k570", model_role_name(fx->role));
    /* on a shell of its own, while the k570's first shell does the flow's work */
    int rc = flow_aside_lunacm(fx, fx->role);
    if (rc < 0) {
        /* a k570 that allows one shell at a time: the first shell's lunacm answers instead,
         * before anything else is typed into it (flow_preflight_pending) */
        a->preflight_pending = true;
        flow_notice(fx, false, "%s refused a second shell (%s): its lunacm syntax is checked "
                    "in its first shell as soon as lunacm runs there, before any login.", who,
                    fx->cause);
        fx->cause[0] = '\0';
        flow_aside_close(fx, fx->role);
        return 0;
    }
    if (rc == 0)
        rc = flow_preflight_run(fx, a->aside_conv, PF_APPLIANCE, false, who,
                                &fx->topo.appliances[fx->role].syntax, true);
    flow_aside_close(fx, fx->role);
    return rc;
}

int flow_preflight_pending(struct flow_ctx *fx, const struct flow_step_def *step)
{
    int lane = step->lane;
    if (lane < 0 || lane >= MODEL_ROLES)
        return 0; /* not a step in a k570's first shell */
    struct flow_appliance *a = &fx->app[lane];
    if (!a->preflight_pending || !a->lunacm_running || !a->conv || conv_closed(a->conv))
        return 0;
    a->preflight_pending = false;
    char who[64];
    snprintf(who, sizeof who, "the %s k570", model_role_name((enum appliance_role)lane));
    return flow_preflight_run(fx, a->conv, PF_APPLIANCE, false, who,
                              &fx->topo.appliances[lane].syntax, true);
}

int act_preflight_ws_syntax(struct flow_ctx *fx, const struct flow_step_def *step)
{
    (void)step;
    struct syntax_check *s = &fx->topo.workstation.syntax;
    if (!fx->wsn.lunacm_conv || conv_closed(fx->wsn.lunacm_conv)) {
        memset(s, 0, sizeof *s);
        s->run = true;
        add_text(s->unchecked, &s->unchecked_count, "(the workstation's lunacm is not running)");
        flow_notice(fx, true, "The workstation's lunacm is not running: its syntax is not "
                    "checked.");
        return 0;
    }
    return flow_preflight_run(fx, fx->wsn.lunacm_conv, PF_WORKSTATION, false, "the workstation",
                              s, true);
}
