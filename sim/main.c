/* main.c: rotwiz-sim, the simulated lab. Dispatches to one mode per device program. */
#include "modes.h"
#include <stdio.h>
#include <string.h>

struct mode {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
};

static const struct mode modes[] = {
    {"lab", mode_lab, "lab --dir DIR [--auth password|ped] [--secrets FILE] [--fault NAME]... "
                      "[--latency MS] [--ped auto|manual]   start a lab"},
    {"stop", mode_stop, "stop --dir DIR                  stop a lab"},
    {"state", mode_state, "state --dir DIR --json          print every simulated HSM"},
    {"ped", mode_ped, "ped --dir DIR insert blue|orange|red|black   present a key (manual PED)"},
    {"serve", mode_serve, NULL},
    {"shell", mode_shell, NULL},
    {"k570-lunacm", mode_k570_lunacm, NULL},
    {"vtl", mode_vtl, NULL},
    {"rbs", mode_rbs, NULL},
    {"pedserver", mode_pedserver, NULL},
    {"ws-lunacm", mode_ws_lunacm, NULL},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: rotwiz-sim MODE ...\n");
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (modes[i].help)
            fprintf(out, "  rotwiz-sim %s\n", modes[i].help);
    fprintf(out, "  (device programs, normally run by the lab: serve shell k570-lunacm vtl rbs "
                 "pedserver ws-lunacm)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(argv[1], modes[i].name) == 0)
            return modes[i].run(argc - 1, argv + 1);
    fprintf(stderr, "rotwiz-sim: unknown mode '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
