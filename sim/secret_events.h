/* secret_events.h: the lab watches every secret-bearing input. It knows every secret of the lab
 * (as SHA-256s in state.json: the live password hashes of the HSMs and partitions, plus
 * `known_secrets` for the RBS password, the suggested backup partition password and the
 * cloning domain). When a value typed at a secret prompt, or given in a secret-bearing option,
 * is a known secret of ANOTHER kind than the one asked for (or, at a prompt, a word that is no
 * secret at all: exit, quit, proceed, a command), an entry is appended to the top-level
 * `wrong_secret_events` of state.json. A value that is merely wrong for the right kind is a
 * failed login, not an event. */
#ifndef SIM_SECRET_EVENTS_H
#define SIM_SECRET_EVENTS_H
#include "lab_params.h"
#include <jansson.h>

/* Secret kinds ("asked" and "given" of an event). "confirm" is a proceed/quit confirmation. */
#define SE_SO "so_password"
#define SE_CO "co_password"
#define SE_PART "partition_password"
#define SE_DOMAIN "domain"
#define SE_RBS "rbs_password"
#define SE_CONFIRM "confirm"

/* The initial `known_secrets` array of a new lab. */
json_t *se_known_new(const struct sim_lab_params *p, const struct sim_secrets *s);
/* Checks VALUE against ROOT (state.json, the caller holds the lock) and appends an event when
 * it is one. WHERE is "prompt" or "option"; PROMPT the prompt's words or the option as typed.
 * Returns true when an event was appended. */
bool se_check_root(json_t *root, const char *device, const char *where, const char *prompt,
                   const char *asked, const char *value);
/* The same, taking the state lock of the lab in DIR. */
void se_check(const char *dir, const char *device, const char *where, const char *prompt,
              const char *asked, const char *value);
/* Records VALUE as a known secret of KIND (e.g. the RBS password chosen at rbs --genkey). */
void se_learn(const char *dir, const char *kind, const char *value);

#endif
