/* secret_store.h: the run's secrets (passwords), held in locked, wiped memory.
 *
 * Values come from the secrets file (secrets_file.h) or, when missing, from the operator
 * through the sink (ASK_SECRET, .key = the secrets-file key name). They are never printed,
 * never logged, never put on a command line; secret_store_values() exists only so the
 * transcript can mask them. Thread-safe: a flow thread may ask while another thread
 * enumerates values for masking. */
#ifndef ROTWIZ_SECRET_STORE_H
#define ROTWIZ_SECRET_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include "core_event.h"

/* A secret not tied to one appliance (backup_so_password...). */
#define SECRET_NO_ROLE (-1)

/* Outcome of the last secret_get. */
enum secret_status {
    SECRET_OK = 0,
    SECRET_CANCELLED,     /* the operator cancelled the question (flow exit 6) */
    SECRET_UNAVAILABLE,   /* missing and nobody can be asked: batch without a terminal (exit 2) */
    SECRET_FAILED         /* store full or bad key (a programming error) */
};

struct secret_store;

/* A new, empty store that asks through SINK (may be NULL: then nobody can be asked). The sink
 * must outlive the store. NULL when out of memory. */
struct secret_store *secret_store_new(const struct core_sink *sink);

/* Loads PATH (secrets_file_load) into the store and remembers PATH for messages. */
bool secret_store_load_file(struct secret_store *store, const char *path, char *err,
                            size_t len);

/* Sets KEY for ROLE (ROLE_SOURCE, ROLE_TARGET or SECRET_NO_ROLE), replacing any value. */
bool secret_store_set(struct secret_store *store, const char *key, int role, const char *value);

/* The value of KEY for ROLE: the appliance's own value (source.co_password) first, then the
 * shared one (co_password), else asks the operator and keeps the answer for that ROLE only (so
 * the source's answer is never tried on the target). Returns NULL on failure; then
 * secret_store_status() and secret_store_error() say why, e.g. "missing secret co_password:
 * add it to the secrets file FILE or run on a terminal". The pointer stays valid until
 * secret_forget of that key or secret_store_free. */
const char *secret_get(struct secret_store *store, const char *key, int role);

/* Status and message of the last secret_get ("" after success). */
enum secret_status secret_store_status(const struct secret_store *store);
const char *secret_store_error(const struct secret_store *store);

/* Wipes KEY for ROLE, e.g. after the HSM rejected it, so the next secret_get(KEY, ROLE) asks
 * again instead of repeating a wrong password. For an appliance ROLE the shared value (if that
 * was the one used) stays for the other appliance but is no longer used for ROLE; with
 * SECRET_NO_ROLE the shared value itself is wiped. */
void secret_forget(struct secret_store *store, const char *key, int role);

/* Copies KEY for ROLE from SRC into DST when SRC holds a value for exactly that key and role
 * (not forgotten) and DST holds none for it (what DST has, e.g. from its secrets file, wins).
 * Never asks; the value only moves between stores in memory. True when copied. */
bool secret_store_adopt(struct secret_store *dst, struct secret_store *src, const char *key,
                        int role);
/* Calls CB with every value held (for the transcript masker). Never log what CB receives. */
void secret_store_values(struct secret_store *store, void (*cb)(void *ud, const char *value),
                         void *ud);

/* Wipes and frees the store. NULL is ignored. */
void secret_store_free(struct secret_store *store);

/* Process-wide hardening, called once at start: no core dumps (RLIMIT_CORE 0) and not
 * dumpable (PR_SET_DUMPABLE 0), so secrets never land in a core file. False if either call
 * failed (the program may go on). */
bool secure_init(void);

#endif
