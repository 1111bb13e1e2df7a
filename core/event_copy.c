/* event_copy.c: deep copies of events and questions. Every string is strdup'd into a small
 * list owned by the copy, so freeing is one walk. */
#include "event_copy.h"
#include <stdlib.h>
#include <string.h>

#define COPY_MAX_STRINGS 256

struct owned {
    void *ptrs[COPY_MAX_STRINGS];
    size_t count;
};

static const char *own_str(struct owned *o, const char *s)
{
    if (!s || o->count >= COPY_MAX_STRINGS)
        return NULL;
    char *d = strdup(s);
    o->ptrs[o->count++] = d;
    return d;
}

static void *own_mem(struct owned *o, const void *src, size_t len)
{
    if (!src || o->count >= COPY_MAX_STRINGS)
        return NULL;
    void *d = malloc(len ? len : 1);
    memcpy(d, src, len);
    o->ptrs[o->count++] = d;
    return d;
}

static void own_free(struct owned *o)
{
    for (size_t i = 0; i < o->count; i++)
        free(o->ptrs[i]);
    o->count = 0;
}

struct event_copy {
    struct core_event ev;
    struct owned owned;
};

struct event_copy *event_copy_new(const struct core_event *src)
{
    struct event_copy *c = calloc(1, sizeof *c);
    struct owned *o = &c->owned;
    struct core_event *ev = &c->ev;
    *ev = *src;
    switch (src->type) {
    case EV_TRANSCRIPT_LINE:
        ev->u.line.host = own_str(o, src->u.line.host);
        ev->u.line.text = own_str(o, src->u.line.text);
        break;
    case EV_SLOTS_CHANGED:
        ev->u.slots.slots = own_mem(o, src->u.slots.slots, sizeof *src->u.slots.slots);
        break;
    case EV_TOPOLOGY_CHANGED:
        ev->u.topology.topology =
            own_mem(o, src->u.topology.topology, sizeof *src->u.topology.topology);
        break;
    case EV_PED_PROMPT:
        ev->u.ped.device = own_str(o, src->u.ped.device);
        ev->u.ped.where = own_str(o, src->u.ped.where);
        for (size_t i = 0; i < PED_MAX_KEYS; i++)
            ev->u.ped.key_for[i] = own_str(o, src->u.ped.key_for[i]);
        break;
    case EV_FLOW_STARTED: {
        ev->u.flow.flow_id = own_str(o, src->u.flow.flow_id);
        ev->u.flow.title = own_str(o, src->u.flow.title);
        struct step_view *steps =
            own_mem(o, src->u.flow.steps, src->u.flow.step_count * sizeof *steps);
        for (size_t i = 0; steps && i < src->u.flow.step_count; i++) {
            steps[i].id = own_str(o, steps[i].id);
            steps[i].title = own_str(o, steps[i].title);
            steps[i].instructions = own_str(o, steps[i].instructions);
            steps[i].enter_action = own_str(o, steps[i].enter_action);
        }
        ev->u.flow.steps = steps;
        break;
    }
    case EV_STEP_CHANGED: {
        struct step_view *st = own_mem(o, src->u.step.step, sizeof *st);
        if (st) {
            st->id = own_str(o, st->id);
            st->title = own_str(o, st->title);
            st->instructions = own_str(o, st->instructions);
            st->enter_action = own_str(o, st->enter_action);
        }
        ev->u.step.step = st;
        break;
    }
    case EV_FLOW_FINISHED:
        ev->u.finished.message = own_str(o, src->u.finished.message);
        break;
    case EV_NOTICE:
        ev->u.notice.text = own_str(o, src->u.notice.text);
        break;
    case EV_ERROR:
        ev->u.error.cause = own_str(o, src->u.error.cause);
        ev->u.error.fix = own_str(o, src->u.error.fix);
        ev->u.error.excerpt = own_str(o, src->u.error.excerpt);
        break;
    default:
        break;
    }
    return c;
}

const struct core_event *event_copy_get(const struct event_copy *c)
{
    return &c->ev;
}

void event_copy_free(struct event_copy *c)
{
    if (!c)
        return;
    own_free(&c->owned);
    free(c);
}

struct ask_copy {
    struct core_ask q;
    struct owned owned;
};

struct ask_copy *ask_copy_new(const struct core_ask *src)
{
    struct ask_copy *c = calloc(1, sizeof *c);
    struct owned *o = &c->owned;
    c->q = *src;
    c->q.title = own_str(o, src->title);
    c->q.prompt = own_str(o, src->prompt);
    c->q.key = own_str(o, src->key);
    c->q.expected = own_str(o, src->expected);
    c->q.host = own_str(o, src->host);
    c->q.fingerprint = own_str(o, src->fingerprint);
    if (src->choices && src->choice_count) {
        const char **ch = own_mem(o, src->choices, src->choice_count * sizeof *ch);
        for (size_t i = 0; ch && i < src->choice_count; i++)
            ch[i] = own_str(o, src->choices[i]);
        c->q.choices = ch;
    }
    return c;
}

const struct core_ask *ask_copy_get(const struct ask_copy *c)
{
    return &c->q;
}

void ask_copy_free(struct ask_copy *c)
{
    if (!c)
        return;
    own_free(&c->owned);
    free(c);
}
