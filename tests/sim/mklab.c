/* mklab.c: makes a device-only lab folder for trying the simulated lunacm by hand:
 * sim-mklab password|ped [FAULT...]  -> prints the folder. Not a test. */
#include "testlab.h"
#include <stdio.h>

int main(int argc, char **argv)
{
    struct testlab t;
    const char *faults[SIM_MAX_FAULTS + 1] = {NULL};
    for (int i = 2; i < argc && i - 2 < SIM_MAX_FAULTS; i++)
        faults[i - 2] = argv[i];
    if (testlab_make(&t, argc > 1 ? argv[1] : "password", faults) != 0)
        return 1;
    printf("%s\n", t.dir);
    return 0;
}
