/* ssh_serve.h: the lab daemon's SSH servers (`rotwiz-sim serve`): listening sockets, the accept
 * loop forking one handler per connection, and the connection handler itself. */
#ifndef SIM_SSH_SERVE_H
#define SIM_SSH_SERVE_H
#include "lab_params.h"
#include <stddef.h>

/* Opens a TCP socket listening on ADDRESS:PORT (PORT 0 picks a free one), close-on-exec.
 * Returns the descriptor and stores the bound port in *bound, or -1 with a message in err. */
int serve_listen(const char *address, int port, int *bound, char *err, size_t errlen);

/* The accept loop: polls FDS[i] (listening for appliance P->appliances[i]) and forks
 * ssh_conn_handle() for each connection, until SIGTERM/SIGINT; then terminates the handlers.
 * When READY_FD >= 0, writes one byte to it and closes it once the loop is set up.
 * Returns the exit status of the daemon. */
int serve_run(const struct sim_lab_params *p, const int *fds, size_t n, int ready_fd);

/* Serves one accepted SSH connection FD for appliance NAME (runs in a forked process): key
 * exchange with DIR/ssh/host_ed25519, publickey auth of ksadmin with DIR/ssh/client_ed25519.pub
 * only, then one session channel (shell, exec, scp, sftp). Returns the process exit status. */
int ssh_conn_handle(const struct sim_lab_params *p, const char *name, int fd);

#endif
