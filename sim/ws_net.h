/* ws_net.h: small TCP helpers shared by the workstation tools of the lab (rbs, pedserver) and
 * their clients (rbs_link, ped_link): connect with a timeout, listen, line I/O with deadlines and
 * a fork-per-connection accept loop that stops on a signal. */
#ifndef SIM_WS_NET_H
#define SIM_WS_NET_H
#include <signal.h>
#include <stddef.h>

/* Connects to address:port within timeout_ms. Returns a blocking socket, or -1 with err set. */
int wsnet_connect(const char *address, int port, int timeout_ms, char *err, size_t errlen);

/* Listens on address:port (port 0 = pick one). Stores the real port in *bound_port.
 * Returns the socket, or -1 with err set (e.g. address in use). */
int wsnet_listen(const char *address, int port, int *bound_port, char *err, size_t errlen);

/* Sets receive and send timeouts on a blocking socket (bounds every later read/write). */
void wsnet_set_timeouts(int fd, int timeout_ms);

/* Reads one line (without the newline) within timeout_ms. Returns its length, or -1 on
 * timeout, error or EOF before a newline. */
int wsnet_read_line(int fd, char *buf, size_t len, int timeout_ms);

/* Writes all of S. Returns 0 or -1. */
int wsnet_write_all(int fd, const char *s, size_t len);

/* Handles one accepted connection in a forked child; returns the child's exit status. */
typedef int (*wsnet_handler)(int fd, void *ud);

/* Accepts connections on LISTEN_FD until *stop becomes non-zero (set it from a signal handler),
 * forking HANDLER for each so one slow client never blocks the others; reaps the children.
 * Returns 0. */
int wsnet_serve(int listen_fd, wsnet_handler handler, void *ud, volatile sig_atomic_t *stop);

/* Installs HANDLER for SIGTERM, SIGINT and SIGHUP (no SA_RESTART) and ignores SIGPIPE. */
void wsnet_on_stop_signals(void (*handler)(int));

/* Sleeps MS milliseconds (no-op when <= 0). */
void wsnet_sleep_ms(long ms);

#endif
