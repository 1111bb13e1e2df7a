/* mklab.c: makes a device-only lab folder for trying the simulated lunacm by hand:
 * sim-mklab [--linked] password|ped [FAULT...]  -> prints the folder. Not a test.
 * --linked: lab.json points at rotwiz-sim-fakelink and a server.pem is in place. */
#include "testlab.h"
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    struct testlab t;
    const char *faults[SIM_MAX_FAULTS + 1] = {NULL};
    int i = 1;
    int linked = argc > 1 && strcmp(argv[1], "--linked") == 0;
    i += linked;
    const char *auth = i < argc ? argv[i++] : "password";
    for (int f = 0; i < argc && f < SIM_MAX_FAULTS; i++)
        faults[f++] = argv[i];
    int rc = linked ? testlab_make_linked(&t, auth, faults) : testlab_make(&t, auth, faults);
    if (rc != 0)
        return 1;
    printf("%s\n", t.dir);
    return 0;
}
