/* flow_def.h: flows as data. A flow (assets/flows/<id>.conf) is an ordered list of step ids;
 * every step is defined once in assets/flows/steps.conf. Both are libconfig files embedded in
 * the binary, so the procedure can be read and reviewed as a list. */
#ifndef ROTWIZ_FLOW_DEF_H
#define ROTWIZ_FLOW_DEF_H
#include <stdbool.h>
#include <stddef.h>
#include "core_event.h"
#include "runner.h"

/* The lanes a flow's steps run on: one per k570 (enum appliance_role), the workstation's, and
 * one more per k570 for read-only work on a session of its own beside the k570's shell (the
 * syntax preflight). Steps of one lane run one after the other; a step that names what it
 * needs (steps.conf `needs`) may run while steps of other lanes run (core/flow_lanes.c). */
#define FLOW_LANE_WORKSTATION 2
#define FLOW_LANE_ASIDE(role) (3 + (int)(role))
#define FLOW_LANES 5

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
    int lane;            /* FLOW_LANE_WORKSTATION (steps.conf lane = "workstation"),
                          * FLOW_LANE_ASIDE(its k570) ("aside"), else the step's k570 (its
                          * role, or the flow's appliance) */
    bool ahead;          /* steps.conf `needs` is set: the step waits only for the earlier steps
                          * of its lane and for NEEDS; else for every earlier step */
    size_t *needs;       /* indices of the earlier steps of this flow it needs */
    size_t needs_count;
    char **need_ids;     /* steps.conf `needs`, as written (resolved into NEEDS) */
    size_t need_id_count;
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
