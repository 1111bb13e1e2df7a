/* ssh_bridge.h: the process behind an SSH channel (a shell, a command, sftp-server, an scp
 * child) and its descriptors: a PTY master when the client asked for a terminal, else pipes for
 * stdin, stdout and stderr. Knows nothing of libssh; ssh_conn.c moves the bytes. */
#ifndef SIM_SSH_BRIDGE_H
#define SIM_SSH_BRIDGE_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/types.h>

/* Runs in the forked child with stdin/stdout/stderr in place and the working folder set; execs
 * or returns the child's exit status. */
typedef int (*bridge_child_fn)(void *arg);

struct bridge {
    pid_t pid;                  /* the child (leader of its own process group); 0 = none */
    bool pty;                   /* in_fd == out_fd is the PTY master */
    int in_fd, out_fd, err_fd;  /* our ends, non-blocking; -1 once closed */
    bool exited;                /* reaped: wstatus is valid */
    int wstatus;
    char pending[16384];        /* client bytes not yet accepted by the child's stdin */
    size_t pending_len, pending_off;
};

/* Sets every descriptor to -1 and pid to 0. */
void bridge_init(struct bridge *b);

/* Forks FN(ARG) in CWD, in a new session, with a PTY of size WS (when USE_PTY) or pipes.
 * Returns 0, or -1 with a message in err. */
int bridge_start(struct bridge *b, bool use_pty, const struct winsize *ws, const char *cwd,
                 bridge_child_fn fn, void *arg, char *err, size_t errlen);

/* Applies a new terminal size to the PTY (no-op without one). */
void bridge_resize(struct bridge *b, const struct winsize *ws);

/* Writes as much of the pending stdin bytes as the child accepts without blocking.
 * Returns 0, or -1 when the child's stdin is gone (pending bytes are dropped). */
int bridge_flush_stdin(struct bridge *b);

/* Closes the child's stdin (pipes only: a PTY has no separate end). */
void bridge_close_stdin(struct bridge *b);

/* Reaps the child if it has exited (non-blocking). Returns b->exited. */
bool bridge_reap(struct bridge *b);

/* Ends the child's process group (SIGHUP, SIGTERM, then SIGKILL after a bounded wait), reaps
 * it and closes every descriptor. Safe to call more than once. */
void bridge_stop(struct bridge *b);

#endif
