/* config.h: the rotwiz configuration file (INTERFACE.md "Configuration file"), read through
 * libconfig and checked key by key.
 *
 * Every error is one line "FILE:LINE: what is wrong: how to fix it" (just "FILE: ..." when no
 * line can be named, e.g. a missing top-level group or an unreadable file). */
#ifndef ROTWIZ_CONFIG_H
#define ROTWIZ_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include "model.h"

enum config_auth { CONFIG_AUTH_PASSWORD = 0, CONFIG_AUTH_PED };

/* One k570 (`source` or `target`). Strings are owned by the config (freed by config_free). */
struct config_appliance {
    bool present;           /* the group is in the file */
    int line;               /* line of the group, for messages; 0 when absent */
    char *host;
    int port;               /* default 22 */
    char *user;             /* default "ksadmin" */
    char *identity;         /* SSH private key, ~ expanded; NULL: use ssh-agent */
    char *known_hosts;      /* ~ expanded; default ~/.ssh/known_hosts */
    char *luna_bin;         /* remote folder of lunacm/vtl; default /usr/safenet/lunaclient/bin.
                             * Never ~ expanded: it is a path on the appliance. */
};

struct config_workstation {
    char *address;          /* what the k570s use to reach this workstation (required) */
    char *luna_client_dir;  /* ~ expanded; default /usr/safenet/lunaclient */
    int rbs_port;           /* default 1792 */
    int ped_port;           /* default 1503 */
};

struct config_backup {
    bool present;           /* the group is in the file */
    int line;
    char *partition;        /* partition name on the Backup HSM; NULL when absent */
    char *domain;           /* cloning domain; NULL when absent */
};

struct rotwiz_config {
    char *path;                                    /* the file read, as given */
    enum config_auth auth;
    int auth_line;
    struct config_workstation workstation;
    struct config_appliance appliance[MODEL_ROLES]; /* indexed by enum appliance_role */
    struct config_backup backup;
};

/* Reads and checks PATH into *CFG (which it initialises). Always required: auth and
 * workstation.address; everything else has a default or is checked by config_require*.
 * On failure returns false, writes the message into ERR, and leaves *CFG empty (safe to
 * config_free). */
bool config_load(const char *path, struct rotwiz_config *cfg, char *err, size_t len);

/* Checks that the groups a command needs are present: `source` (with host) when NEEDS_SOURCE,
 * `target` when NEEDS_TARGET. False with a FILE-naming message in ERR otherwise. */
bool config_require(const struct rotwiz_config *cfg, bool needs_source, bool needs_target,
                    char *err, size_t len);

/* Checks what backup/restore need: backup.partition, and backup.domain when auth is password
 * (PED HSMs take the domain from the red key). */
bool config_require_backup(const struct rotwiz_config *cfg, char *err, size_t len);

/* "password" / "ped". */
const char *config_auth_name(enum config_auth auth);

/* Expands a leading "~" or "~/" with $HOME (the passwd entry when HOME is unset). Returns a
 * malloc'd string, or NULL when out of memory. Other paths are copied as they are. */
char *config_expand_path(const char *path);

/* Frees the strings of *CFG and zeroes it. */
void config_free(struct rotwiz_config *cfg);

#endif
