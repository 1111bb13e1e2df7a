/* state_cmd.c: `rotwiz-sim state --dir DIR --json` prints the whole simulated lab state
 * (schema in sim/README.md), read under the state lock. */
#include "modes.h"
#include "state_store.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int mode_state(int argc, char **argv)
{
    const char *dir = NULL;
    bool json = false;
    char err[512];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else {
            fprintf(stderr, "usage: rotwiz-sim state --dir DIR --json\n");
            return 2;
        }
    }
    if (!dir || !json) {
        fprintf(stderr, "usage: rotwiz-sim state --dir DIR --json\n");
        return 2;
    }
    struct state_handle h;
    if (state_open(dir, &h, err, sizeof err) != 0) {
        fprintf(stderr, "rotwiz-sim state: %s\n", err);
        return 1;
    }
    int rc = json_dumpf(h.root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    state_close(&h);
    printf("\n");
    return rc == 0 ? 0 : 1;
}
