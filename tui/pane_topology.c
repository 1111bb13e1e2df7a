/* pane_topology.c: the workstation, Backup HSM, PED, both k570s and the links between them. */
#include "pane.h"
#include "draw.h"
#include <stdio.h>

static enum color_role link_role(enum link_state s)
{
    return s == LINK_UP ? CR_LINK_UP : s == LINK_DOWN ? CR_LINK_DOWN : CR_LINK_UNKNOWN;
}

/* "name word" with the word in the link's colour: colour AND a word. */
static void put_link(struct canvas *cv, const char *name, enum link_state s)
{
    cv_put(cv, CR_NORMAL, name);
    cv_put(cv, CR_NORMAL, " ");
    cv_put(cv, link_role(s), model_link_word(s));
    cv_put(cv, CR_NORMAL, "  ");
}

static const char *ped_where(enum ped_location l)
{
    switch (l) {
    case PED_AT_WORKSTATION: return "plugged into the workstation";
    case PED_AT_SOURCE: return "plugged into the source k570";
    case PED_AT_TARGET: return "plugged into the target k570";
    default: return "location not confirmed";
    }
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void draw_appliance(struct canvas *cv, const struct topology *t, int role)
{
    const struct appliance *a = &t->appliances[role];
    cv_put(cv, CR_LABEL, role == ROLE_SOURCE ? "Source k570" : "Target k570");
    if (!a->configured) {
        cv_put(cv, CR_DIM, "  not configured");
        cv_nl(cv);
        return;
    }
    cv_printf(cv, CR_NORMAL, "  %s:%d  client %s", or_dash(a->host), a->port,
              or_dash(a->lunacm_version));
    cv_nl(cv);
    cv_put(cv, CR_NORMAL, "  ");
    put_link(cv, "ssh", a->ssh_link);
    put_link(cv, "vtl>RBS", a->vtl_link);
    if (t->ped_used)
        put_link(cv, "ped>PEDServer", a->ped_link);
    cv_nl(cv);
    if (a->syntax.run) {
        /* the syntax preflight: what the device's own help lists of what rotwiz types */
        const struct syntax_check *sx = &a->syntax;
        cv_printf(cv, CR_NORMAL, "  syntax checked: %zu command%s", sx->checked,
                  sx->checked == 1 ? "" : "s");
        for (size_t i = 0; i < sx->missing_count; i++)
            cv_printf(cv, CR_LINK_DOWN, "%s%s", i ? ", " : "; NOT LISTED: ", sx->missing[i]);
        if (sx->unchecked_count)
            cv_printf(cv, CR_LINK_UNKNOWN, "; not checked: %zu", sx->unchecked_count);
        cv_nl(cv);
    }
    if (a->error[0]) {
        cv_put(cv, CR_NORMAL, "  ");
        cv_put(cv, CR_ERROR, a->error);
        cv_nl(cv);
    }
}

static void topo_draw(struct pane *p, WINDOW *w, const struct pane_ctx *c)
{
    const struct topology *t = &c->ui->topo;
    struct canvas cv;
    draw_fill(w, p->rect, colors_attr(CR_NORMAL));
    draw_box(w, p->rect, p->ops->title, c->focused);
    cv_begin(&cv, w, draw_inner(p->rect), p->scroll);
    if (!c->ui->have_topo) {
        cv_put(&cv, CR_DIM, "Not read yet.");
        cv_nl(&cv);
    }
    const struct workstation *ws = &t->workstation;
    cv_put(&cv, CR_LABEL, "Workstation");
    cv_printf(&cv, CR_NORMAL, "  %s  client %s", or_dash(ws->address),
              or_dash(ws->client_version));
    cv_nl(&cv);
    cv_printf(&cv, CR_NORMAL, "  RBS :%d ", ws->rbs_port);
    cv_put(&cv, ws->rbs_listening ? CR_LINK_UP : CR_LINK_DOWN,
           ws->rbs_listening ? "listening" : "not listening");
    if (t->ped_used) {
        cv_printf(&cv, CR_NORMAL, "  PEDServer :%d ", ws->ped_port);
        cv_put(&cv, ws->ped_listening ? CR_LINK_UP : CR_LINK_DOWN,
               ws->ped_listening ? "listening" : "not listening");
    }
    cv_nl(&cv);
    cv_put(&cv, CR_LABEL, "Backup HSM");
    if (t->backup.visible)
        cv_printf(&cv, CR_NORMAL, " (USB)  %s  fw %s  sn %s", or_dash(t->backup.model),
                  or_dash(t->backup.firmware), or_dash(t->backup.serial));
    else
        cv_put(&cv, CR_WARNING, "  not seen");
    cv_nl(&cv);
    cv_put(&cv, CR_LABEL, "PED");
    if (t->ped_used)
        cv_printf(&cv, CR_NORMAL, "  %s", ped_where(t->ped));
    else
        cv_put(&cv, CR_DIM, "  not used (passwords)");
    cv_nl(&cv);
    draw_appliance(&cv, t, ROLE_SOURCE);
    draw_appliance(&cv, t, ROLE_TARGET);
    p->total = cv_lines(&cv);
    draw_scroll_hint(w, p->rect, p->scroll, pane_visible(p), p->total);
}

static int topo_key(struct pane *p, enum key_action a, const struct pane_ctx *c)
{
    (void)c;
    return pane_scroll_key(p, a);
}

static int topo_event(struct pane *p, const struct core_event *ev, const struct pane_ctx *c)
{
    (void)p;
    (void)c;
    return ev->type == EV_TOPOLOGY_CHANGED ? PANE_REDRAW : 0;
}

const struct pane_ops pane_topology_ops = {
    .title = "Topology",
    .init = NULL,
    .recalc = pane_clamp,
    .draw = topo_draw,
    .handle_key = topo_key,
    .on_event = topo_event,
    .destroy = NULL,
};
