/* pane_slots.c: each appliance's slot list, the three k570 slot kinds marked and the slot the
 * lunacm session has selected highlighted. */
#include "pane.h"
#include "draw.h"
#include <stdio.h>

static const char *kind_mark(enum slot_kind k)
{
    switch (k) {
    case SLOT_USER: return "User ";
    case SLOT_ADMIN: return "Admin";
    case SLOT_NET_ADMIN: return "NetAd";
    default: return "     ";
    }
}

static void draw_role(struct canvas *cv, const struct pane_ctx *c, int role)
{
    const struct slot_list *sl = &c->ui->slots[role];
    const struct appliance *a = &c->ui->topo.appliances[role];
    bool wide = cv->area.w >= 90;
    cv_put(cv, CR_LABEL, role == ROLE_SOURCE ? "Source k570" : "Target k570");
    if (a->host[0])
        cv_printf(cv, CR_NORMAL, "  %s", a->host);
    cv_nl(cv);
    if (!c->ui->have_slots[role]) {
        cv_put(cv, CR_DIM, "  slot list not read yet");
        cv_nl(cv);
        return;
    }
    if (sl->count == 0) {
        cv_put(cv, CR_DIM, "  no slots listed");
        cv_nl(cv);
        return;
    }
    if (wide) {
        cv_printf(cv, CR_DIM, "    %-5s %3s %-22s %-16s %-10s %-8s %s", "kind", "id",
                  "description", "label", "serial", "model", "firmware");
        cv_nl(cv);
    }
    for (size_t i = 0; i < sl->count; i++) {
        const struct slot *s = &sl->slots[i];
        bool sel = a->selected_slot >= 0 && s->id == a->selected_slot;
        /* Selection shows as a ">" marker as well as in reverse, for monochrome terminals. */
        attr_t base = sel ? colors_attr(CR_SELECTED) : colors_attr(CR_NORMAL);
        cv_put_attr(cv, base, sel ? "  > " : "    ");
        cv_put_attr(cv, sel ? base : colors_attr(CR_MARK), kind_mark(s->kind));
        char buf[4 * MODEL_TEXT + 64];
        if (wide) {
            snprintf(buf, sizeof(buf), " %3ld %-22.22s %-16.16s %-10.10s %-8.8s %s", s->id,
                     s->description, s->label, s->serial, s->model, s->firmware);
            cv_put_attr(cv, base, buf);
            cv_nl(cv);
        } else {
            snprintf(buf, sizeof(buf), " %ld %s", s->id, s->description);
            cv_put_attr(cv, base, buf);
            cv_nl(cv);
            snprintf(buf, sizeof(buf), "       label %s  sn %s  %s fw %s",
                     s->label[0] ? s->label : "-", s->serial[0] ? s->serial : "-",
                     s->model[0] ? s->model : "-", s->firmware[0] ? s->firmware : "-");
            cv_put(cv, CR_NORMAL, buf);
            cv_nl(cv);
        }
    }
}

static void slots_draw(struct pane *p, WINDOW *w, const struct pane_ctx *c)
{
    struct canvas cv;
    draw_fill(w, p->rect, colors_attr(CR_NORMAL));
    draw_box(w, p->rect, p->ops->title, c->focused);
    cv_begin(&cv, w, draw_inner(p->rect), p->scroll);
    for (int r = 0; r < MODEL_ROLES; r++) {
        if (r == ROLE_TARGET && !c->ui->topo.appliances[r].configured &&
            !c->ui->have_slots[r] && c->ui->topo.appliances[ROLE_SOURCE].configured)
            continue;
        draw_role(&cv, c, r);
    }
    p->total = cv_lines(&cv);
    draw_scroll_hint(w, p->rect, p->scroll, pane_visible(p), p->total);
}

static int slots_key(struct pane *p, enum key_action a, const struct pane_ctx *c)
{
    (void)c;
    return pane_scroll_key(p, a);
}

static int slots_event(struct pane *p, const struct core_event *ev, const struct pane_ctx *c)
{
    (void)p;
    (void)c;
    return ev->type == EV_SLOTS_CHANGED || ev->type == EV_TOPOLOGY_CHANGED ? PANE_REDRAW : 0;
}

const struct pane_ops pane_slots_ops = {
    .title = "Slots",
    .init = NULL,
    .recalc = pane_clamp,
    .draw = slots_draw,
    .handle_key = slots_key,
    .on_event = slots_event,
    .destroy = NULL,
};
