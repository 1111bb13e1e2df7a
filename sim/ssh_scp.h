/* ssh_scp.h: the legacy scp protocol (OpenSSH `scp -O`) served for an appliance's home, and the
 * mapping of the paths a k570 user sees (~, relative, /home/ksadmin/...) onto the lab folder. */
#ifndef SIM_SSH_SCP_H
#define SIM_SSH_SCP_H
#include <stdbool.h>
#include <stddef.h>

#define SCP_HOME_NAME "/home/ksadmin"   /* ksadmin's home as the appliance shows it */

/* One parsed "scp [-p] [-d] [-v] [-r] -t|-f [--] PATH" exec request. */
struct scp_request {
    bool sink;              /* -t: the client uploads; otherwise -f: the client downloads */
    bool preserve;          /* -p: times are sent (T lines) */
    bool recursive;         /* -r: refused, the k570 home holds plain files */
    char path[1024];        /* the path as the client wrote it */
};

/* True when CMD is an scp server command (-t or -f); fills req. Pure. */
bool scp_parse_command(const char *cmd, struct scp_request *req);

/* Maps PATH (as seen on the appliance) to a path under HOME in out. "", ".", "~" give HOME;
 * "~/x", "x" and SCP_HOME_NAME "/x" give HOME/x; ".." may not climb above HOME; any other
 * absolute path is refused. Pure (no file system access). Returns 0, or -1 when refused. */
int scp_resolve(const char *home, const char *path, char *out, size_t outlen);

/* True when HOSTPATH (or, if it does not exist, its parent folder) really lies under HOME once
 * symbolic links are followed. */
bool scp_inside_home(const char *home, const char *hostpath);

/* Runs the server side of the scp protocol for REQ on the descriptors IN (from the client) and
 * OUT (to the client), files under HOME. Blocking; meant for a child process. Returns the exit
 * status to report (0 when every file was copied). */
int scp_serve(const char *home, const struct scp_request *req, int in, int out);

#endif
