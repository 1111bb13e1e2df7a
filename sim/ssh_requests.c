/* ssh_requests.c: the requests a client makes on a session channel: pty-req, window-change,
 * env, shell, exec (the k570 shell with -c, or legacy scp), the sftp subsystem, close. */
#include "ssh_conn.h"
#include "lab_params.h"
#include "ssh_sftp.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* In the child: the k570 shell, interactive or with -c COMMAND. */
static int run_shell(void *arg)
{
    struct chan *ch = arg;
    struct conn *c = ch->conn;
    char pid[32];
    snprintf(pid, sizeof pid, "%d", c->handler_pid);
    setenv("HOME", c->home, 1);
    setenv("USER", "ksadmin", 1);
    setenv("LOGNAME", "ksadmin", 1);
    setenv("ROTWIZ_SIM_CONN_PID", pid, 1);
    if (ch->want_pty)
        setenv("TERM", ch->term[0] ? ch->term : "xterm", 1);
    else
        unsetenv("TERM");
    if (ch->lang[0])
        setenv("LANG", ch->lang, 1);
    char *argv[] = {"rotwiz-sim", "shell", "--dir", (char *)c->p->dir, "--appliance",
                    (char *)c->name, ch->command ? "-c" : NULL, ch->command, NULL};
    execv(c->p->sim_path, argv);
    fprintf(stderr, "cannot run %s: %s\n", c->p->sim_path, strerror(errno));
    return 127;
}

/* In the child: sftp-server behind the relay that keeps paths inside the appliance home. */
static int run_sftp(void *arg)
{
    struct chan *ch = arg;
    setenv("HOME", ch->conn->home, 1);
    return sftp_relay_run(CONN_SFTP_SERVER, ch->conn->home, 0, 1);
}

static int run_scp(void *arg)
{
    struct chan *ch = arg;
    return scp_serve(ch->conn->home, &ch->scp, 0, 1);
}

static int start(struct chan *ch, bool use_pty, bridge_child_fn fn, const char *what)
{
    struct conn *c = ch->conn;
    char err[256];
    if (ch->started) {
        fprintf(stderr, "conn %d: refused a second %s on one channel\n", c->handler_pid, what);
        return 1;
    }
    if (ch->ws.ws_col == 0 || ch->ws.ws_row == 0)
        ch->ws = (struct winsize){.ws_row = 24, .ws_col = 80};
    if (bridge_start(&ch->br, use_pty, &ch->ws, c->home, fn, ch, err, sizeof err) != 0) {
        fprintf(stderr, "conn %d: cannot start the %s: %s\n", c->handler_pid, what, err);
        return 1;
    }
    fprintf(stderr, "conn %d: %s: %s%s started (pid %d)\n", c->handler_pid, c->name, what,
            use_pty ? " with a pty" : "", (int)ch->br.pid);
    ch->started = true;
    if (chan_watch_child(ch) != 0) {
        bridge_stop(&ch->br);
        return 1;
    }
    return 0;
}

static int on_pty(ssh_session s, ssh_channel channel, const char *term, int width, int height,
                  int pxwidth, int pxheight, void *ud)
{
    struct chan *ch = ud;
    (void)s;
    (void)channel;
    ch->want_pty = true;
    snprintf(ch->term, sizeof ch->term, "%s", term ? term : "");
    ch->ws = (struct winsize){.ws_row = (unsigned short)height, .ws_col = (unsigned short)width,
                             .ws_xpixel = (unsigned short)pxwidth,
                             .ws_ypixel = (unsigned short)pxheight};
    return 0;
}

static int on_window_change(ssh_session s, ssh_channel channel, int width, int height, int pxwidth,
                            int pxheight, void *ud)
{
    struct chan *ch = ud;
    (void)s;
    (void)channel;
    ch->ws = (struct winsize){.ws_row = (unsigned short)height, .ws_col = (unsigned short)width,
                             .ws_xpixel = (unsigned short)pxwidth,
                             .ws_ypixel = (unsigned short)pxheight};
    bridge_resize(&ch->br, &ch->ws);
    return 0;
}

static int on_env(ssh_session s, ssh_channel channel, const char *name, const char *value, void *ud)
{
    struct chan *ch = ud;
    (void)s;
    (void)channel;
    if (strcmp(name, "LANG") == 0) {
        snprintf(ch->lang, sizeof ch->lang, "%s", value);
        return 0;
    }
    /* The k570 keeps its own locale otherwise; say yes to LC_* and TERM, ignore them. */
    return (strncmp(name, "LC_", 3) == 0 || strcmp(name, "TERM") == 0) ? 0 : 1;
}

/* Knob shells=one: an appliance that allows one interactive shell per connection at a time
 * (whether a k570's sshd allows more is not known: FORMATS.md says nothing of it). */
static bool another_shell_runs(const struct chan *ch)
{
    const struct conn *c = ch->conn;
    for (size_t i = 0; i < CONN_MAX_CHANNELS; i++) {
        const struct chan *o = &c->chans[i];
        if (o != ch && o->channel && o->is_shell && !o->exited_at && !o->closed_at)
            return true;
    }
    return false;
}

static int on_shell(ssh_session s, ssh_channel channel, void *ud)
{
    struct chan *ch = ud;
    (void)s;
    (void)channel;
    if (lab_knob_is(ch->conn->p, "shells", "one") && another_shell_runs(ch)) {
        fprintf(stderr, "conn %d: %s: refused a second shell (knob shells=one)\n",
                ch->conn->handler_pid, ch->conn->name);
        return 1;
    }
    ch->is_shell = true;
    return start(ch, ch->want_pty, run_shell, "shell");
}

static int on_exec(ssh_session s, ssh_channel channel, const char *command, void *ud)
{
    struct chan *ch = ud;
    (void)s;
    (void)channel;
    if (ch->started || ch->command)
        return 1;
    if (scp_parse_command(command, &ch->scp))   /* never through a PTY: binary protocol */
        return start(ch, false, run_scp, ch->scp.sink ? "scp upload" : "scp download");
    ch->command = strdup(command);
    if (!ch->command)
        return 1;
    return start(ch, ch->want_pty, run_shell, "command");
}

static int on_subsystem(ssh_session s, ssh_channel channel, const char *subsystem, void *ud)
{
    struct chan *ch = ud;
    (void)s;
    (void)channel;
    if (strcmp(subsystem, "sftp") != 0 || access(CONN_SFTP_SERVER, X_OK) != 0) {
        fprintf(stderr, "conn %d: refused subsystem %s\n", ch->conn->handler_pid, subsystem);
        return 1;
    }
    return start(ch, false, run_sftp, "sftp-server");
}

static void on_close(ssh_session s, ssh_channel channel, void *ud)
{
    struct chan *ch = ud;
    (void)s;
    (void)channel;
    ch->peer_closed = true;
}

void chan_callbacks_init(struct chan *ch)
{
    memset(&ch->cb, 0, sizeof ch->cb);
    ch->cb.userdata = ch;
    ch->cb.channel_pty_request_function = on_pty;
    ch->cb.channel_pty_window_change_function = on_window_change;
    ch->cb.channel_env_request_function = on_env;
    ch->cb.channel_shell_request_function = on_shell;
    ch->cb.channel_exec_request_function = on_exec;
    ch->cb.channel_subsystem_request_function = on_subsystem;
    ch->cb.channel_close_function = on_close;
    ssh_callbacks_init(&ch->cb);
}
