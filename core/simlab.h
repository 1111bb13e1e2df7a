/* simlab.h: `rotwiz --simulate`: a private simulated lab (rotwiz-sim) in a temporary folder,
 * started before the command and stopped after it. */
#ifndef ROTWIZ_SIMLAB_H
#define ROTWIZ_SIMLAB_H
#include <stddef.h>

#define SIMLAB_MAX_FAULTS 16
/* lab options passed through (--fault NAME, --vary KNOB=VALUE, --dialect NAME), as pairs */
#define SIMLAB_MAX_ARGS (2 * (SIMLAB_MAX_FAULTS + 12))

struct simlab {
    char dir[256];          /* the lab folder (rotwiz.conf, secrets.conf inside) */
    char config[300];
    char secrets[300];
};

/* Starts `rotwiz-sim lab` (found beside this executable, else on PATH) with AUTH ("password"
 * or "ped", NULL for the default) and LAB_ARGS (option/value pairs: --fault, --vary,
 * --dialect); waits for its "ready". 0, or -1 with err. */
int simlab_start(struct simlab *lab, const char *auth, const char *const *lab_args,
                 size_t lab_arg_count, char *err, size_t errlen);

/* Stops the lab and removes its folder. */
void simlab_stop(struct simlab *lab);

#endif
