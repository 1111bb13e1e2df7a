/* stubs.c: TEMPORARY weak placeholders so each half of the lab builds alone while the other is
 * being written. A real definition anywhere overrides these. Deleted once both halves exist. */
#include "modes.h"
#include <stdio.h>

#define STUB(fn)                                                      \
    __attribute__((weak)) int fn(int argc, char **argv)               \
    {                                                                 \
        (void)argc;                                                   \
        fprintf(stderr, "rotwiz-sim: %s not built yet\n", argv[0]);   \
        return 2;                                                     \
    }
STUB(mode_lab)
STUB(mode_stop)
STUB(mode_serve)
STUB(mode_state)
STUB(mode_ped)
STUB(mode_shell)
STUB(mode_k570_lunacm)
STUB(mode_vtl)
STUB(mode_rbs)
STUB(mode_pedserver)
STUB(mode_ws_lunacm)

__attribute__((weak)) int sim_state_create(const struct sim_lab_params *p,
                                           const struct sim_secrets *s, char *err,
                                           unsigned long errlen)
{
    (void)p;
    (void)s;
    snprintf(err, errlen, "device state not built yet");
    return -1;
}
