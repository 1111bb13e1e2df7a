/* secrets_file.h: the secrets file of INTERFACE.md (libconfig syntax, mode 0600).
 *
 * Keys: co_password, source { co_password }, target { co_password }, backup_so_password,
 * backup_partition_password, rbs_password. Messages name keys and lines, never values. */
#ifndef ROTWIZ_SECRETS_FILE_H
#define ROTWIZ_SECRETS_FILE_H
#include <stdbool.h>
#include <stddef.h>

/* Role of a top-level secret (not tied to one appliance); otherwise ROLE_SOURCE/ROLE_TARGET. */
#define SECRETS_NO_ROLE (-1)

/* Reads PATH and calls CB once per secret with its key ("co_password"), its role (ROLE_SOURCE
 * or ROLE_TARGET inside `source {}` / `target {}`, else SECRETS_NO_ROLE) and its value, which
 * is wiped right after the load: copy it into protected memory during the call.
 * Refuses (false) a file that group or others may access, saying `chmod 600 FILE`; unknown keys,
 * wrong types and empty values are "FILE:LINE: ..." errors. Nothing is reported through CB when
 * the file is refused or has an error. */
bool secrets_file_load(const char *path,
                       void (*cb)(void *ud, const char *key, int role, const char *value),
                       void *ud, char *err, size_t len);

#endif
