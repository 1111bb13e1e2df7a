/* ssh_conn.h: one SSH connection per appliance for the whole run (libssh client).
 *
 * Opening connects (with a timeout), checks the host key (hostkey.h), authenticates with a
 * public key (the configured identity file, or ssh-agent and ~/.ssh/config identities when
 * none is configured) and starts keepalives from the flow's waitset. Every wait watches the
 * waitset's cancel descriptor and keeps the other registered streams drained. Errors carry a
 * category so that flows can map them to exit codes (INTERFACE.md: 3 = cannot connect or host
 * key refused). */
#ifndef ROTWIZ_SSH_CONN_H
#define ROTWIZ_SSH_CONN_H
#include <stdbool.h>
#include <stddef.h>
#include <libssh/libssh.h>
#include "core_event.h"

struct waitset;
struct stream;
struct ssh_conn;

/* Error categories, with a word for logs. */
#define SSH_CONN_ERRORS(X)                                                                     \
    X(SSHC_OK, "ok")                                                                           \
    X(SSHC_E_SETTINGS, "bad connection settings")                                              \
    X(SSHC_E_CONNECT, "cannot connect")                                                        \
    X(SSHC_E_HOSTKEY, "host key refused")                                                      \
    X(SSHC_E_AUTH, "authentication failed")                                                    \
    X(SSHC_E_CHANNEL, "SSH channel failed")                                                    \
    X(SSHC_E_TIMEOUT, "timed out")                                                             \
    X(SSHC_E_CANCELLED, "cancelled")                                                           \
    X(SSHC_E_TRANSFER, "file transfer failed")

enum ssh_conn_code {
#define SSH_CONN_ENUM(id, text) id,
    SSH_CONN_ERRORS(SSH_CONN_ENUM)
#undef SSH_CONN_ENUM
};

/* A failure: its category and a message for the operator (what, where, how to fix). */
struct ssh_conn_error {
    enum ssh_conn_code code;
    char message[768];
};

/* Word for a category ("host key refused"...). */
const char *ssh_conn_code_name(enum ssh_conn_code code);

/* Where and how to connect. Strings are copied. "~/" is expanded in file names. */
struct ssh_conn_params {
    const char *host;           /* name or address; also looked up in the SSH config */
    int port;                   /* <= 0: from the SSH config, else 22 */
    const char *user;           /* NULL: from the SSH config, else the login name */
    const char *identity;       /* private key file; NULL: ssh-agent and config identities */
    const char *known_hosts;    /* NULL: ~/.ssh/known_hosts */
    const char *ssh_config;     /* NULL: ~/.ssh/config and the system file; "": none */
    int connect_timeout_s;      /* 0: 15 s (connection, key exchange and authentication) */
    int keepalive_s;            /* 0: 30 s; < 0: no keepalives */
};

/* Connects, verifies the host key (asking SINK when it is unknown) and authenticates.
 * WS is the flow's waitset (not owned; keepalives are registered in it). Returns NULL and
 * fills ERR on failure. */
struct ssh_conn *ssh_conn_open(const struct ssh_conn_params *p, const struct core_sink *sink,
                               struct waitset *ws, struct ssh_conn_error *err);
/* Disconnects and frees. Streams from ssh_conn_open_shell must be freed before. */
void ssh_conn_close(struct ssh_conn *c);

/* Opens an interactive shell on a PTY of ROWS x COLS ("dumb" terminal) as a stream. */
struct stream *ssh_conn_open_shell(struct ssh_conn *c, int rows, int cols,
                                   struct ssh_conn_error *err);

/* Runs CMD (no secrets in it) and captures stdout and stderr into OUT (NUL-terminated,
 * truncated to OUTLEN) and its exit status into *STATUS (-1 when none was sent). Waits at
 * most TIMEOUT_MS (0 = 30 s). Returns 0, or -1 with ERR filled. */
int ssh_conn_exec(struct ssh_conn *c, const char *cmd, char *out, size_t outlen, int *status,
                  long timeout_ms, struct ssh_conn_error *err);

/* Sends one keepalive now (the waitset timer calls it every keepalive_s). Returns 0, or -1
 * when the connection is broken. */
int ssh_conn_keepalive(struct ssh_conn *c);

/* The libssh session (for scp_upload), the waitset, and "host:port" for messages. */
ssh_session ssh_conn_session(struct ssh_conn *c);
struct waitset *ssh_conn_waitset(struct ssh_conn *c);
const char *ssh_conn_name(const struct ssh_conn *c);

#endif
