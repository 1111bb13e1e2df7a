/* flow_def.h: flows as data. A flow (assets/flows/<id>.conf) is an ordered list of step ids;
 * every step is defined once in assets/flows/steps.conf. Both are libconfig files embedded in
 * the binary, so the procedure can be read and reviewed as a list. */
#ifndef ROTWIZ_FLOW_DEF_H
#define ROTWIZ_FLOW_DEF_H
#include <stdbool.h>
#include <stddef.h>
#include "core_event.h"
#include "runner.h"

struct flow_step_def {
    char *id;
    int role;            /* the k570 of this step instance ("target:co_login" in a flow's list,
                          * enum appliance_role), or -1: the flow's appliance */
    char *title;
    char *instructions;
    char *action;        /* name in the action table (core/flow_actions.h) */
    char *verifies;      /* what the check after the action proves */
    char *failure;       /* what a failure means to the operator (may be NULL) */
    char *fix;           /* what to do about it (may be NULL) */
    bool hand;           /* only hands can do it */
    bool destructive;
    bool optional;
    bool back;           /* going back to this step is safe */
    enum ped_key ped[PED_MAX_KEYS];
    enum ped_hsm ped_hsm[PED_MAX_KEYS];  /* whose each key is */
    size_t ped_count;
    char *command;       /* the lunacm command typed, where its spelling varies (may be NULL) */
    char *when;          /* runs only when this condition holds (core/flow.c), or NULL */
    char *extra;         /* what rotwiz does beyond the vendor procedure (may be NULL) */
    char **vendor;       /* the vendor procedure's commands or sentences this step carries out */
    size_t vendor_count;
};

struct flow_def {
    char *id;
    char *title;
    char *kind;          /* "backup", "restore", "prepare-target", "topology" */
    char *auth;          /* "password", "ped", "any" */
    char *appliance;     /* "source", "target", "both" (steps name theirs: "source:ssh_connect") */
    struct flow_step_def *steps;
    size_t count;
};

/* The flow id for a kind and authentication type, e.g. "backup-ped". */
const char *flow_def_id(enum flow_kind kind, bool ped);

/* Loads flow ID from the embedded assets. Returns 0, or -1 with "file:line: message" in err. */
int flow_def_load(const char *id, struct flow_def *out, char *err, size_t errlen);

void flow_def_free(struct flow_def *def);

/* Replaces every {name} in TEXT by lookup(name) (left as is when lookup returns NULL).
 * Returns a malloc'd string. */
char *flow_fill(const char *text, const char *(*lookup)(void *ud, const char *name), void *ud);

#endif
