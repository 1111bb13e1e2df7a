/* lab_files.h: the files `rotwiz-sim lab` writes for the operator and for rotwiz: the secrets
 * (read from --secrets FILE or generated), DIR/secrets.conf, DIR/rotwiz.conf (INTERFACE.md
 * formats) and the workstation's Luna client wrappers DIR/lunaclient/bin/{lunacm,rbs,pedserver}. */
#ifndef SIM_LAB_FILES_H
#define SIM_LAB_FILES_H
#include "lab_params.h"
#include <stddef.h>

/* Reads a secrets file (libconfig, INTERFACE.md "Secrets file"). Refuses a file readable by group
 * or others. co_password fills both appliances unless source/target blocks override it; the CO
 * passwords and backup_so_password are required, the two suggestions may be absent (empty).
 * Returns 0, or -1 with a message (naming the cause and the fix) in err. */
int lab_secrets_load(const char *path, struct sim_secrets *s, char *err, size_t errlen);

/* Fills every secret with a fresh random printable password. Returns 0 or -1. */
int lab_secrets_generate(struct sim_secrets *s, char *err, size_t errlen);

/* Writes DIR/secrets.conf, mode 0600. Returns 0, or -1 with a message in err. */
int lab_secrets_write(const char *dir, const struct sim_secrets *s, char *err, size_t errlen);

/* Writes DIR/rotwiz.conf for the lab P (INTERFACE.md "Configuration file"). 0 or -1. */
int lab_conf_write(const struct sim_lab_params *p, char *err, size_t errlen);

/* Creates DIR/lunaclient/{bin,rbs/server} and the executable sh wrappers in bin/ that exec
 * P->sim_path's modes with --dir DIR. Returns 0, or -1 with a message in err. */
int lab_wrappers_write(const struct sim_lab_params *p, char *err, size_t errlen);

/* Quotes S for sh as one single-quoted word ('it'\''s'). Pure; 0, or -1 if out is too short. */
int lab_shell_quote(const char *s, char *out, size_t outlen);

/* Quotes S as a libconfig string literal, escaping backslash and double quote. 0 or -1. */
int lab_conf_quote(const char *s, char *out, size_t outlen);

#endif
