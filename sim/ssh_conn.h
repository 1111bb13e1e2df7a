/* ssh_conn.h: one SSH connection being served, with its session channels (private to
 * ssh_conn.c and ssh_requests.c). A client may open several channels at once (rotwiz keeps a
 * lunacm shell open while it runs commands and uploads on other channels). */
#ifndef SIM_SSH_CONN_H
#define SIM_SSH_CONN_H
#include "lab_params.h"
#include "ssh_bridge.h"
#include "ssh_scp.h"
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <stdbool.h>
#include <time.h>

#define CONN_SFTP_SERVER "/usr/lib/openssh/sftp-server"
#define CONN_MAX_CHANNELS 8

struct conn;

/* One session channel and the process behind it. A slot is free while channel is NULL. */
struct chan {
    struct conn *conn;
    ssh_channel channel;
    struct ssh_channel_callbacks_struct cb;
    bool want_pty;
    struct winsize ws;
    char term[64];
    char lang[64];
    struct bridge br;
    char *command;                      /* the exec request's command (owned), or NULL */
    struct scp_request scp;             /* the parsed command when it is scp -t/-f */
    bool started;                       /* a shell, command or subsystem is running */
    bool is_shell;                      /* ...an interactive shell (knob shells) */
    bool out_watched, err_watched;      /* the child's stdout/stderr are in the event */
    bool out_eof, err_eof;              /* the child's stdout/stderr reached EOF */
    int exit_fd;                        /* pidfd of the child, readable once it ended; -1 */
    bool exit_watched;                  /* exit_fd is in the event */
    bool peer_closed;                   /* the client closed the channel */
    time_t exited_at;                   /* when the child was reaped (0: running) */
    time_t closed_at;                   /* when we sent exit status and close (0: not yet) */
};

struct conn {
    const struct sim_lab_params *p;
    const char *name;                   /* the appliance: "source", "target" */
    char home[SIM_TEXT + 64];           /* DIR/appliances/NAME/home */
    ssh_session session;
    ssh_event event;
    ssh_key allowed;                    /* the one client key ksadmin may use */
    bool authenticated;
    int handler_pid;                    /* exported to the shell as ROTWIZ_SIM_CONN_PID */
    struct chan chans[CONN_MAX_CHANNELS];
};

/* Fills ch->cb with the channel request callbacks (pty, env, shell, exec, subsystem, close). */
void chan_callbacks_init(struct chan *ch);

/* Registers the running child's output descriptors with the connection's event. 0 or -1. */
int chan_watch_child(struct chan *ch);

#endif
