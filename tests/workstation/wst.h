/* wst.h: helpers for the workstation tests: a temporary lab folder, running rotwiz-sim modes
 * with given input, and killing whatever a test started even when it fails. */
#ifndef WST_H
#define WST_H
#include "lab_params.h"
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct wst_lab {
    char dir[SIM_TEXT];
    struct sim_lab_params p;
    char backup_serial[64];     /* the Backup HSM's serial as sim_state_create made it */
    pid_t spawned[8];
    size_t nspawned;
};

/* The rotwiz-sim executable under test (set from argv[1] by each test's main). */
extern const char *wst_sim;

/* Makes a lab folder with lab.json (free ports: 0, faults from the NULL-terminated list, PED mode
 * and fast PED times) and the lab's initial state.json (sim_state_create), the Backup HSM removed
 * from it when without_backup. 0 or -1. */
int wst_lab_make(struct wst_lab *lab, const char *ped_mode, bool without_backup,
                 const char *const *faults);
/* Kills what the lab's tests started (spawned pids, the pedserver daemon), removes the folder. */
void wst_lab_destroy(struct wst_lab *lab);

/* Runs `rotwiz-sim MODE --dir DIR ARGS...` (args NULL-terminated), feeding INPUT on stdin and
 * collecting stdout+stderr into out. Returns the exit status, -1 on failure or after 30 s. */
int wst_run(struct wst_lab *lab, const char *input, char *out, size_t outlen,
            const char *mode, ...);

/* Starts `rotwiz-sim MODE --dir DIR ARGS...` in the background with INPUT on its stdin (kept
 * open), and reads its output until a line contains UNTIL (copied into line). Returns the pid
 * (remembered for wst_lab_destroy), or -1 if it exited or 20 s passed; out gets the output. */
pid_t wst_spawn_until(struct wst_lab *lab, const char *input, const char *until, char *out,
                      size_t outlen, const char *mode, ...);

/* SIGTERM, then waits (SIGKILL after 5 s). Returns the exit status or -1. */
int wst_stop(struct wst_lab *lab, pid_t pid);

/* Reads state.json KEY1.KEY2 as an integer (true = 1; 0 when absent). */
long wst_state_int(struct wst_lab *lab, const char *key1, const char *key2);
/* Copies state.json KEY1.KEY2 (a string) into out ("" when absent or null). */
void wst_state_str(struct wst_lab *lab, const char *key1, const char *key2, char *out,
                   size_t len);

#endif
