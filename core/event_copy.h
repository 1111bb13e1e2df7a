/* event_copy.h: deep copies of core events, so an event can cross from the flow's thread to
 * the UI thread (event strings are only valid during the sink call). */
#ifndef ROTWIZ_EVENT_COPY_H
#define ROTWIZ_EVENT_COPY_H
#include "core_event.h"

struct event_copy;

/* Copies EV and everything it points to. */
struct event_copy *event_copy_new(const struct core_event *ev);
/* The copied event; valid until event_copy_free. */
const struct core_event *event_copy_get(const struct event_copy *c);
void event_copy_free(struct event_copy *c);

/* Copies a question the same way. */
struct ask_copy;
struct ask_copy *ask_copy_new(const struct core_ask *q);
const struct core_ask *ask_copy_get(const struct ask_copy *c);
void ask_copy_free(struct ask_copy *c);

#endif
