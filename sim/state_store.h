/* state_store.h: DIR/state.json, the one record of every simulated device, shared by all device
 * programs. Always read-modify-write under an exclusive flock on DIR/state.lock, so concurrent
 * programs (two lunacm sessions, rbs, pedserver) never lose each other's changes.
 * The schema is in sim/README.md ("state --json"). */
#ifndef SIM_STATE_STORE_H
#define SIM_STATE_STORE_H
#include <jansson.h>
#include <stddef.h>

struct state_handle {
    int lock_fd;
    char path[512];
    json_t *root;       /* the whole state; owned by the handle */
};

/* Locks and loads the state. Returns 0, or -1 with a message in err. Hold the lock briefly:
 * never across a wait for the operator, the PED or the network. */
int state_open(const char *dir, struct state_handle *h, char *err, size_t errlen);
/* Writes h->root atomically (temp file, fsync, rename), unlocks and frees. Returns 0 or -1. */
int state_commit(struct state_handle *h);
/* Unlocks and frees without writing. */
void state_close(struct state_handle *h);
/* Writes ROOT as DIR/state.json for a new lab (no lock needed: nothing runs yet). */
int state_write_new(const char *dir, json_t *root, char *err, size_t errlen);

#endif
