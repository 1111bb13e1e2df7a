/* state_cmd.c: `rotwiz-sim state --dir DIR --json` prints the whole simulated lab state
 * (schema in sim/README.md), read under the state lock. */
#include "modes.h"
#include "state_model.h"
#include "state_store.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Failed logins since the lab started, per HSM: {"so": N} and, for the k570s, "co" (the
 * root-of-trust partition), for the Backup HSM "partition" (all its partitions). These are
 * totals: so_failures / co_failures are the consecutive counts a success resets. */
static json_t *failed_logins(json_t *root)
{
    json_t *out = json_object();
    const char *name;
    json_t *hsm;
    json_object_foreach(json_object_get(root, "hsms"), name, hsm) {
        long long parts = 0;
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(hsm, "partitions"), i, p) {
            parts += sm_int(p, "co_failed_logins");
        }
        bool backup = strcmp(sm_str(hsm, "kind"), "backup") == 0;
        json_object_set_new(out, name, json_pack("{s:I, s:I}", "so",
                                                 (json_int_t)sm_int(hsm, "so_failed_logins"),
                                                 backup ? "partition" : "co",
                                                 (json_int_t)(backup ? parts
                                                              : sm_int(sm_user_partition(hsm),
                                                                       "co_failed_logins"))));
    }
    return out;
}

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
    if (!json_is_array(json_object_get(h.root, "wrong_secret_events")))
        json_object_set_new(h.root, "wrong_secret_events", json_array());
    json_object_set_new(h.root, "failed_logins", failed_logins(h.root));
    int rc = json_dumpf(h.root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    state_close(&h);
    printf("\n");
    return rc == 0 ? 0 : 1;
}
