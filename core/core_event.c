/* core_event.c: emitting events and asking questions through a sink. */
#include "core_event.h"
#include "lane_lock.h"
#include <pthread.h>

static const char *const event_names[] = {
#define CORE_EVENT_NAME(id, name) name,
    CORE_EVENTS(CORE_EVENT_NAME)
#undef CORE_EVENT_NAME
};

const char *core_event_name(enum core_event_type type)
{
    return (unsigned)type < EV_COUNT ? event_names[type] : "?";
}

void core_emit(const struct core_sink *sink, struct core_event *ev)
{
    clock_gettime(CLOCK_REALTIME, &ev->when);
    if (sink && sink->on_event)
        sink->on_event(sink->ud, ev);
}

int core_ask(const struct core_sink *sink, const struct core_ask *q, struct core_answer *a)
{
    /* One question at a time: lanes of a flow that run at once (lane_lock.h) may both have
     * one, and the operator answers them in turn; the others run meanwhile. */
    static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;
    static __thread int asking; /* a sink that passes the question on to another (nested) */
    if (!sink || !sink->ask)
        return ASK_UNAVAILABLE;
    lane_block_begin();
    if (asking++ == 0)
        pthread_mutex_lock(&one_at_a_time);
    int st = sink->ask(sink->ud, q, a);
    if (--asking == 0)
        pthread_mutex_unlock(&one_at_a_time);
    lane_block_end();
    return st;
}

const char *ped_key_name(enum ped_key key)
{
    static const char *const names[] = {"blue", "red", "black", "orange",
                                        "the key the PED screen asks for"};
    return (unsigned)key <= PED_KEY_ANY ? names[key] : "?";
}

const char *ped_key_role(enum ped_key key)
{
    static const char *const roles[] = {"HSM Security Officer", "cloning domain", "Crypto Officer",
                                        "Remote PED Vector", "as the PED's screen names it"};
    return (unsigned)key <= PED_KEY_ANY ? roles[key] : "?";
}
