/* rbs_tool.h: the parts of the simulated `rbs` program (rbs.c: menu, key generation, dispatch;
 * rbs_serve.c: the TLS server). */
#ifndef SIM_RBS_TOOL_H
#define SIM_RBS_TOOL_H
#include "lab_params.h"
#include "rbs_link.h"
#include <stddef.h>

/* The Backup HSM attached to the workstation (state.json hsms.backup). Returns 0, or -1 with
 * err set when none is attached (absent, "attached": false, "missing": true, or the lab fault
 * backup-hsm-missing). */
int rbs_backup_attached(const struct sim_lab_params *p, struct rbs_hsm_info *info, char *err,
                        size_t errlen);

/* DIR/lunaclient/rbs/server/server.pem and server.key. */
void rbs_paths(const char *dir, char *cert, size_t certlen, char *key, size_t keylen);

/* Records a wrong-secret event (device workstation-rbs) when VALUE, typed at PROMPT for the
 * RBS password, is a known secret of another kind or no secret at all. */
void rbs_check_secret(const struct sim_lab_params *p, const char *prompt, const char *value);

/* `rbs s -port P`: asks the RBS password and serves in the foreground. Exit status. */
int rbs_serve_main(const struct sim_lab_params *p, int argc, char **argv);

#endif
