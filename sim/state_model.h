/* state_model.h: the simulated HSMs inside DIR/state.json (schema in sim/README.md) and small
 * accessors over it. Every function works on a json_t obtained through state_store.h; none of
 * them takes the lock itself. */
#ifndef SIM_STATE_MODEL_H
#define SIM_STATE_MODEL_H
#include "lab_params.h"
#include <jansson.h>
#include <stdbool.h>

/* Consecutive bad Crypto Officer logins that lock a partition (Luna's default policy). */
#define SM_CO_LOCK_THRESHOLD 10
/* Consecutive bad HSM SO logins that zeroise an HSM. */
#define SM_SO_ZEROISE_THRESHOLD 3
/* Partitions a Backup HSM can hold. */
#define SM_BACKUP_MAX_PARTITIONS 20

/* Builds the initial state of a new lab (both k570s, the Backup HSM, PED, RBS); NULL on error.
 * The caller owns the result. */
json_t *sm_initial_state(const struct sim_lab_params *p, const struct sim_secrets *s);

/* The HSM named NAME ("source", "target", "backup") or NULL. */
json_t *sm_hsm(json_t *root, const char *name);
/* The partition of HSM named NAME, or NULL. */
json_t *sm_partition(json_t *hsm, const char *name);
/* The root-of-trust partition of a k570 (partitions[0]), or NULL. */
json_t *sm_user_partition(json_t *hsm);
/* The slot of HSM whose description is DESC, or NULL. */
json_t *sm_slot_by_desc(json_t *hsm, const char *desc);
/* The slot of HSM with id ID, or NULL. */
json_t *sm_slot_by_id(json_t *hsm, int id);

/* A new object with fresh random key material (its fingerprint is the SHA-256 of it). */
json_t *sm_object_new(const char *label, const char *type, long long handle);
/* A copy of OBJ (same label, type, UID and fingerprint) under a new handle. */
json_t *sm_object_clone(json_t *obj, long long handle);
/* Takes the next free object handle of a partition (handles are not contiguous). */
long long sm_take_handle(json_t *partition);
/* A new, empty partition. */
json_t *sm_partition_new(const char *name, const char *domain, const char *password,
                         const char *configuration);

/* SHA-256 hex of a password (the state keeps only hashes). */
void sm_hash_password(const char *password, char out[65]);
/* True when PASSWORD matches the hash stored under KEY in OBJ. */
bool sm_password_ok(json_t *obj, const char *key, const char *password);

/* Typed getters that tolerate missing keys ("" / 0 / false). */
const char *sm_str(json_t *obj, const char *key);
long long sm_int(json_t *obj, const char *key);
bool sm_bool(json_t *obj, const char *key);
/* Setters (create or replace the key). */
void sm_set_str(json_t *obj, const char *key, const char *value);
void sm_set_int(json_t *obj, const char *key, long long value);
void sm_set_bool(json_t *obj, const char *key, bool value);

/* Compares dotted firmware versions: <0, 0, >0 like strcmp. */
int sm_fw_cmp(const char *a, const char *b);

#endif
