/* ssh_conn.h: one SSH connection being served (private to ssh_conn.c and ssh_requests.c). */
#ifndef SIM_SSH_CONN_H
#define SIM_SSH_CONN_H
#include "lab_params.h"
#include "ssh_bridge.h"
#include "ssh_scp.h"
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <stdbool.h>

#define CONN_SFTP_SERVER "/usr/lib/openssh/sftp-server"

struct conn {
    const struct sim_lab_params *p;
    const char *name;                   /* the appliance: "source", "target" */
    char home[SIM_TEXT + 64];           /* DIR/appliances/NAME/home */
    ssh_session session;
    ssh_event event;
    ssh_key allowed;                    /* the one client key ksadmin may use */
    bool authenticated;
    ssh_channel channel;                /* the one session channel served */
    struct ssh_channel_callbacks_struct chan_cb;
    bool want_pty;
    struct winsize ws;
    char term[64];
    char lang[64];
    struct bridge br;
    char *command;                      /* the exec request's command (owned), or NULL */
    struct scp_request scp;             /* the parsed command when it is scp -t/-f */
    int handler_pid;                    /* exported to the shell as ROTWIZ_SIM_CONN_PID */
    bool started;                       /* a shell, command or subsystem is running */
    bool out_watched, err_watched;      /* the child's stdout/stderr are in the event */
    bool peer_closed;                   /* the client closed the channel */
    bool out_eof, err_eof;              /* the child's stdout/stderr reached EOF */
};

/* Fills c->chan_cb with the channel request callbacks (pty, env, shell, exec, subsystem). */
void conn_requests_init(struct conn *c);

/* Registers the running child's output descriptors with c->event. Returns 0 or -1. */
int conn_watch_child(struct conn *c);

#endif
