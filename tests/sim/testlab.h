/* testlab.h: a throw-away lab folder for the device tests (lab.json + state.json, no
 * servers), and a runner that drives the real rotwiz-sim binary through pipes. */
#ifndef TESTS_SIM_TESTLAB_H
#define TESTS_SIM_TESTLAB_H
#include "lab_params.h"
#include <jansson.h>

struct testlab {
    char dir[256];
    struct sim_lab_params p;
    struct sim_secrets s;
    const char *exe;    /* the rotwiz-sim binary the tests run */
};

/* Creates a lab in a new temporary folder. FAULTS is NULL-terminated (or NULL).
 * Returns 0 or -1. */
int testlab_make(struct testlab *t, const char *auth, const char *const *faults);
/* Same, running rotwiz-sim-fakelink (RBS link stand-in, see fake_link.c) with a server
 * certificate at DIR/lunaclient/rbs/server/server.pem, copied into both appliance homes. */
int testlab_make_linked(struct testlab *t, const char *auth, const char *const *faults);
/* Runs vtl addServer on APPLIANCE for the workstation with the copied server.pem.
 * Returns vtl's exit status. */
int testlab_add_server(struct testlab *t, const char *appliance);
/* Sets knob NAME to VALUE in the lab's lab.json (as `lab --vary NAME=VALUE` would).
 * Returns 0 or -1. */
int testlab_vary(struct testlab *t, const char *name, const char *value);
/* Removes the lab folder. */
void testlab_destroy(struct testlab *t);
/* Runs `rotwiz-sim ARGS...` (NULL-terminated; the words "@DIR" are replaced by the lab folder)
 * with INPUT on stdin; returns its stdout (malloc'd) and its exit status in *status. */
char *testlab_run(struct testlab *t, const char *const *args, const char *input, int *status);
/* Starts `rotwiz-sim ARGS...` in the background with INPUT on stdin (then closed); its stdout
 * is readable on *out_fd. Returns the pid, or -1. */
int testlab_spawn(struct testlab *t, const char *const *args, const char *input, int *out_fd);
/* Shorthand: k570-lunacm on APPLIANCE with INPUT. */
char *testlab_lunacm(struct testlab *t, const char *appliance, const char *input);
/* The lab's state.json (caller frees). */
json_t *testlab_state(struct testlab *t);
/* The objects array of partition PART (NULL: the root-of-trust partition) of HSM in ROOT. */
json_t *testlab_objects(json_t *root, const char *hsm, const char *part);
/* DIR/ped.log written by the fake PED (malloc'd, "" when absent). */
char *testlab_ped_log(struct testlab *t);
/* Counts the occurrences of NEEDLE in HAY. */
int testlab_count(const char *hay, const char *needle);

#endif
