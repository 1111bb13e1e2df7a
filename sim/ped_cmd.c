/* ped_cmd.c: `rotwiz-sim ped --dir DIR insert COLOUR | plug WHERE | mode auto|manual | status`,
 * the operator's hands on the simulated PED. */
#include "modes.h"
#include "ped_tool.h"
#include "state_store.h"
#include "ws_util.h"
#include <stdio.h>
#include <string.h>

static void usage(void)
{
    fprintf(stderr, "usage: rotwiz-sim ped --dir DIR insert blue|red|black|orange\n"
                    "       rotwiz-sim ped --dir DIR plug workstation|source|target\n"
                    "       rotwiz-sim ped --dir DIR mode auto|manual\n"
                    "       rotwiz-sim ped --dir DIR status\n");
}

static bool place_valid(const struct sim_lab_params *p, const char *where)
{
    return strcmp(where, "workstation") == 0 || lab_appliance(p, where) ||
           strcmp(where, "source") == 0 || strcmp(where, "target") == 0;
}

static int insert(struct state_handle *h, json_t *ped, const char *colour)
{
    if (!ped_colour_valid(colour)) {
        fprintf(stderr, "ped: '%s' is not a PED key colour (blue, red, black or orange)\n",
                colour);
        state_close(h);
        return 2;
    }
    json_t *pend = json_object_get(ped, "pending");
    if (!json_is_object(pend)) {
        fprintf(stderr, "ped: the PED is not waiting for a key\n");
        state_close(h);
        return 1;
    }
    if (strcmp(json_string_value(json_object_get(ped, "mode")), "manual") != 0) {
        fprintf(stderr, "ped: the PED is in auto mode and presents keys by itself\n");
        state_close(h);
        return 1;
    }
    json_object_set_new(ped, "inserted", json_string(colour));
    const char *want = json_string_value(json_object_get(pend, "key"));
    printf("Presented the %s key to the PED (it asked for the %s key for %s).\n", colour,
           want ? want : "?", json_string_value(json_object_get(pend, "for")));
    return state_commit(h) == 0 ? 0 : 1;
}

static int status(struct state_handle *h, json_t *ped)
{
    json_t *pend = json_object_get(ped, "pending");
    printf("PED location: %s\n", json_string_value(json_object_get(ped, "location")));
    printf("PED mode:     %s\n", json_string_value(json_object_get(ped, "mode")));
    if (json_is_object(pend))
        printf("Waiting for:  the %s key, for %s (at the %s)\n",
               json_string_value(json_object_get(pend, "key")),
               json_string_value(json_object_get(pend, "for")),
               json_string_value(json_object_get(pend, "where")));
    else
        printf("Waiting for:  nothing\n");
    state_close(h);
    return 0;
}

int mode_ped(int argc, char **argv)
{
    char dir[SIM_TEXT], err[400];
    struct sim_lab_params p;
    struct state_handle h;
    argc = ws_take_dir(argc, argv, dir, sizeof dir);
    if (argc < 0) {
        fprintf(stderr, "ped: no lab folder (--dir DIR)\n");
        return 2;
    }
    const char *cmd = argc >= 2 ? argv[1] : "";
    const char *arg = argc >= 3 ? argv[2] : NULL;
    bool needs_arg = strcmp(cmd, "status") != 0;
    if (argc < 2 || (needs_arg && argc != 3) || (!needs_arg && argc != 2)) {
        usage();
        return 2;
    }
    if (lab_params_load(dir, &p, err, sizeof err) != 0) {
        fprintf(stderr, "ped: %s\n", err);
        return 2;
    }
    if (strcmp(cmd, "plug") == 0 && !place_valid(&p, arg)) {
        fprintf(stderr, "ped: unknown place '%s' (workstation, source or target)\n", arg);
        return 2;
    }
    if (strcmp(cmd, "mode") == 0 && strcmp(arg, "auto") != 0 && strcmp(arg, "manual") != 0) {
        fprintf(stderr, "ped: unknown mode '%s' (auto or manual)\n", arg);
        return 2;
    }
    if (strcmp(cmd, "insert") != 0 && strcmp(cmd, "plug") != 0 && strcmp(cmd, "mode") != 0 &&
        strcmp(cmd, "status") != 0) {
        fprintf(stderr, "ped: unknown command '%s'\n", cmd);
        usage();
        return 2;
    }
    if (state_open(dir, &h, err, sizeof err) != 0) {
        fprintf(stderr, "ped: %s\n", err);
        return 1;
    }
    lab_latency(&p);
    json_t *ped = ped_state_get(h.root, &p);
    if (strcmp(cmd, "insert") == 0)
        return insert(&h, ped, arg);
    if (strcmp(cmd, "status") == 0)
        return status(&h, ped);
    const char *key = strcmp(cmd, "plug") == 0 ? "location" : "mode";
    json_object_set_new(ped, key, json_string(arg));
    if (state_commit(&h) != 0) {
        fprintf(stderr, "ped: cannot write %s/state.json\n", dir);
        return 1;
    }
    if (strcmp(cmd, "plug") == 0)
        printf("The PED is now plugged into the %s.\n", arg);
    else
        printf("The PED is now in %s mode.\n", arg);
    return 0;
}
