/* flow_actions.c: the action table: names used in assets/flows/steps.conf -> functions. */
#include "flow_act.h"
#include <string.h>

int act_none(struct flow_ctx *fx, const struct flow_step_def *s)
{
    (void)fx;
    (void)s;
    return 0; /* a hand step with nothing rotwiz can check */
}

static const struct {
    const char *name;
    flow_action_fn *fn;
} actions[] = {
#define FLOW_ACTION_ENTRY(name) {#name, act_##name},
    FLOW_ACTIONS(FLOW_ACTION_ENTRY)
#undef FLOW_ACTION_ENTRY
};

flow_action_fn *flow_action_find(const char *name)
{
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(actions[i].name, name) == 0)
            return actions[i].fn;
    return NULL;
}
