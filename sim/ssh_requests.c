/* ssh_requests.c: the requests a client makes on its session channel: pty-req, window-change,
 * env, shell, exec (the k570 shell with -c, or legacy scp) and the sftp subsystem. */
#include "ssh_conn.h"
#include "ssh_sftp.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* In the child: the k570 shell, interactive or with -c COMMAND. */
static int run_shell(void *arg)
{
    struct conn *c = arg;
    char pid[32];
    snprintf(pid, sizeof pid, "%d", c->handler_pid);
    setenv("HOME", c->home, 1);
    setenv("USER", "ksadmin", 1);
    setenv("LOGNAME", "ksadmin", 1);
    setenv("ROTWIZ_SIM_CONN_PID", pid, 1);
    if (c->want_pty)
        setenv("TERM", c->term[0] ? c->term : "xterm", 1);
    else
        unsetenv("TERM");
    if (c->lang[0])
        setenv("LANG", c->lang, 1);
    char *argv[] = {"rotwiz-sim", "shell", "--dir", (char *)c->p->dir, "--appliance",
                    (char *)c->name, c->command ? "-c" : NULL, c->command, NULL};
    execv(c->p->sim_path, argv);
    fprintf(stderr, "cannot run %s: %s\n", c->p->sim_path, strerror(errno));
    return 127;
}

/* In the child: sftp-server behind the relay that keeps paths inside the appliance home. */
static int run_sftp(void *arg)
{
    struct conn *c = arg;
    setenv("HOME", c->home, 1);
    return sftp_relay_run(CONN_SFTP_SERVER, c->home, 0, 1);
}

static int run_scp(void *arg)
{
    struct conn *c = arg;
    return scp_serve(c->home, &c->scp, 0, 1);
}

static int start(struct conn *c, bool use_pty, bridge_child_fn fn, const char *what)
{
    char err[256];
    if (c->started) {
        fprintf(stderr, "conn %d: refused a second %s on one channel\n", c->handler_pid, what);
        return 1;
    }
    if (c->ws.ws_col == 0 || c->ws.ws_row == 0)
        c->ws = (struct winsize){.ws_row = 24, .ws_col = 80};
    if (bridge_start(&c->br, use_pty, &c->ws, c->home, fn, c, err, sizeof err) != 0) {
        fprintf(stderr, "conn %d: cannot start the %s: %s\n", c->handler_pid, what, err);
        return 1;
    }
    fprintf(stderr, "conn %d: %s: %s%s started (pid %d)\n", c->handler_pid, c->name, what,
            use_pty ? " with a pty" : "", (int)c->br.pid);
    c->started = true;
    alarm(0);       /* the login deadline is met */
    if (conn_watch_child(c) != 0) {
        bridge_stop(&c->br);
        return 1;
    }
    return 0;
}

static int on_pty(ssh_session s, ssh_channel ch, const char *term, int width, int height,
                  int pxwidth, int pxheight, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)ch;
    c->want_pty = true;
    snprintf(c->term, sizeof c->term, "%s", term ? term : "");
    c->ws = (struct winsize){.ws_row = (unsigned short)height, .ws_col = (unsigned short)width,
                             .ws_xpixel = (unsigned short)pxwidth,
                             .ws_ypixel = (unsigned short)pxheight};
    return 0;
}

static int on_window_change(ssh_session s, ssh_channel ch, int width, int height, int pxwidth,
                            int pxheight, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)ch;
    c->ws = (struct winsize){.ws_row = (unsigned short)height, .ws_col = (unsigned short)width,
                             .ws_xpixel = (unsigned short)pxwidth,
                             .ws_ypixel = (unsigned short)pxheight};
    bridge_resize(&c->br, &c->ws);
    return 0;
}

static int on_env(ssh_session s, ssh_channel ch, const char *name, const char *value, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)ch;
    if (strcmp(name, "LANG") == 0) {
        snprintf(c->lang, sizeof c->lang, "%s", value);
        return 0;
    }
    /* The k570 keeps its own locale otherwise; say yes to LC_* and TERM, ignore them. */
    return (strncmp(name, "LC_", 3) == 0 || strcmp(name, "TERM") == 0) ? 0 : 1;
}

static int on_shell(ssh_session s, ssh_channel ch, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)ch;
    return start(c, c->want_pty, run_shell, "shell");
}

static int on_exec(ssh_session s, ssh_channel ch, const char *command, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)ch;
    if (c->started || c->command)
        return 1;
    if (scp_parse_command(command, &c->scp))   /* never through a PTY: binary protocol */
        return start(c, false, run_scp, c->scp.sink ? "scp upload" : "scp download");
    c->command = strdup(command);
    if (!c->command)
        return 1;
    return start(c, c->want_pty, run_shell, "command");
}

static int on_subsystem(ssh_session s, ssh_channel ch, const char *subsystem, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)ch;
    if (strcmp(subsystem, "sftp") != 0 || access(CONN_SFTP_SERVER, X_OK) != 0) {
        fprintf(stderr, "conn %d: refused subsystem %s\n", c->handler_pid, subsystem);
        return 1;
    }
    return start(c, false, run_sftp, "sftp-server");
}

static void on_close(ssh_session s, ssh_channel ch, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)ch;
    c->peer_closed = true;
}

void conn_requests_init(struct conn *c)
{
    memset(&c->chan_cb, 0, sizeof c->chan_cb);
    c->chan_cb.userdata = c;
    c->chan_cb.channel_pty_request_function = on_pty;
    c->chan_cb.channel_pty_window_change_function = on_window_change;
    c->chan_cb.channel_env_request_function = on_env;
    c->chan_cb.channel_shell_request_function = on_shell;
    c->chan_cb.channel_exec_request_function = on_exec;
    c->chan_cb.channel_subsystem_request_function = on_subsystem;
    c->chan_cb.channel_close_function = on_close;
    ssh_callbacks_init(&c->chan_cb);
}
