/* ssh_conn.c: one SSH connection to a simulated k570 (runs in a process forked per connection):
 * key exchange, publickey authentication, the session channel, and moving bytes between the
 * channel and the process behind it. Request handling is in ssh_requests.c. */
#include "ssh_conn.h"
#include "ssh_serve.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CONN_LOGIN_SECONDS 60   /* from TCP accept to a running shell/command, at most */
#define CONN_LINGER_SECONDS 2   /* after the child exits: output drain, then close handshake */

static volatile sig_atomic_t conn_terminate;

static void conn_on_term(int sig)
{
    (void)sig;
    conn_terminate = 1;
}

static int on_auth_pubkey(ssh_session s, const char *user, struct ssh_key_struct *key,
                          char state, void *ud)
{
    struct conn *c = ud;
    (void)s;
    bool ok = strcmp(user, "ksadmin") == 0 && ssh_key_cmp(key, c->allowed, SSH_KEY_CMP_PUBLIC) == 0;
    if (!ok) {
        fprintf(stderr, "conn %d: refused publickey for user '%s'\n", c->handler_pid, user);
        return SSH_AUTH_DENIED;
    }
    if (state == SSH_PUBLICKEY_STATE_NONE)
        return SSH_AUTH_SUCCESS;    /* "this key would do": the client signs next */
    if (state != SSH_PUBLICKEY_STATE_VALID)
        return SSH_AUTH_DENIED;
    c->authenticated = true;
    fprintf(stderr, "conn %d: %s: ksadmin logged in with the lab key\n", c->handler_pid, c->name);
    return SSH_AUTH_SUCCESS;
}

static ssh_channel on_channel_open(ssh_session s, void *ud)
{
    struct conn *c = ud;
    if (!c->authenticated || c->channel)
        return NULL;
    c->channel = ssh_channel_new(s);
    if (c->channel)
        ssh_set_channel_callbacks(c->channel, &c->chan_cb);
    return c->channel;
}

/* Forwards what the child printed; marks EOF (a PTY says EIO once the child is gone). */
static int on_child_output(socket_t fd, int revents, void *ud)
{
    struct conn *c = ud;
    char buf[16384];
    bool is_err = fd == c->br.err_fd;
    (void)revents;
    for (int round = 0; round < 4; round++) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 0;
        if (n <= 0) {
            if (is_err)
                c->err_eof = true;
            else
                c->out_eof = true;
            return 0;
        }
        int w = is_err ? ssh_channel_write_stderr(c->channel, buf, (uint32_t)n)
                       : ssh_channel_write(c->channel, buf, (uint32_t)n);
        if (w == SSH_ERROR)
            return 0;
    }
    return 0;
}

int conn_watch_child(struct conn *c)
{
    if (ssh_event_add_fd(c->event, c->br.out_fd, POLLIN, on_child_output, c) != SSH_OK)
        return -1;
    if (c->br.err_fd >= 0 &&
        ssh_event_add_fd(c->event, c->br.err_fd, POLLIN, on_child_output, c) != SSH_OK) {
        ssh_event_remove_fd(c->event, c->br.out_fd);
        return -1;
    }
    c->out_watched = true;
    c->err_watched = c->br.err_fd >= 0;
    return 0;
}

/* Stops polling the child's descriptors that reached EOF (outside the event's own dispatch). */
static void unwatch_finished(struct conn *c)
{
    if (c->out_eof && c->out_watched) {
        ssh_event_remove_fd(c->event, c->br.out_fd);
        c->out_watched = false;
        if (!c->br.pty) {       /* a PTY master stays open: it is also the child's stdin */
            close(c->br.out_fd);
            c->br.out_fd = -1;
        }
    }
    if (c->err_eof && c->err_watched) {
        ssh_event_remove_fd(c->event, c->br.err_fd);
        c->err_watched = false;
        close(c->br.err_fd);
        c->br.err_fd = -1;
    }
}

static bool outputs_done(const struct conn *c)
{
    return !c->out_watched && !c->err_watched;
}

/* Moves the client's bytes into the child's stdin as fast as the child takes them; libssh
 * keeps the rest and holds back the window, so a slow child slows the client down. */
static void pump_stdin(struct conn *c)
{
    for (int round = 0; round < 16 && c->br.in_fd >= 0; round++) {
        if (c->br.pending_len == 0) {
            int avail = ssh_channel_poll(c->channel, 0);
            if (avail == SSH_EOF) {
                bridge_close_stdin(&c->br);
                return;
            }
            if (avail <= 0)
                return;
            size_t want = (size_t)avail < sizeof c->br.pending ? (size_t)avail
                                                                : sizeof c->br.pending;
            int n = ssh_channel_read_nonblocking(c->channel, c->br.pending, (uint32_t)want, 0);
            if (n <= 0)
                return;
            c->br.pending_len = (size_t)n;
            c->br.pending_off = 0;
        }
        if (bridge_flush_stdin(&c->br) != 0) {
            bridge_close_stdin(&c->br);
            return;
        }
        if (c->br.pending_len > 0)
            return;     /* the child is busy; try again after the next poll */
    }
}

static void send_exit(struct conn *c)
{
    if (WIFEXITED(c->br.wstatus)) {
        ssh_channel_request_send_exit_status(c->channel, WEXITSTATUS(c->br.wstatus));
    } else if (WIFSIGNALED(c->br.wstatus)) {
        const char *name = sigabbrev_np(WTERMSIG(c->br.wstatus));
        ssh_channel_request_send_exit_signal(c->channel, name ? name : "KILL", 0, "", "");
    }
    ssh_channel_send_eof(c->channel);
    ssh_channel_close(c->channel);
    fprintf(stderr, "conn %d: %s: child %d ended (status 0x%x)\n", c->handler_pid, c->name,
            (int)c->br.pid, c->br.wstatus);
}

/* The connection's life after login: returns when the exchange is over or the peer is gone. */
static void serve_loop(struct conn *c)
{
    time_t exited_at = 0, closed_at = 0;
    for (;;) {
        int timeout = (c->br.pending_len > 0 || c->br.exited) ? 10 : 200;
        ssh_event_dopoll(c->event, timeout);   /* errors show up in ssh_is_connected */
        if (conn_terminate || !ssh_is_connected(c->session))
            return;
        unwatch_finished(c);
        if (!c->started)
            continue;       /* the login deadline (alarm) bounds this */
        if (closed_at) {
            /* Wait for the client's own close, or it reports a lost connection (255). */
            if (c->peer_closed || time(NULL) - closed_at > CONN_LINGER_SECONDS)
                return;
            continue;
        }
        if (c->peer_closed)
            return;         /* the client went away first: the child is ended by the caller */
        pump_stdin(c);
        if (!c->br.exited && bridge_reap(&c->br))
            exited_at = time(NULL);
        if (c->br.exited &&
            (outputs_done(c) || time(NULL) - exited_at > CONN_LINGER_SECONDS)) {
            /* One last non-blocking drain of whatever a grandchild left behind. */
            if (c->out_watched)
                on_child_output(c->br.out_fd, POLLIN, c);
            if (c->err_watched)
                on_child_output(c->br.err_fd, POLLIN, c);
            send_exit(c);
            closed_at = time(NULL);
        }
    }
}

static int conn_setup(struct conn *c, int fd, ssh_bind *bind, struct ssh_server_callbacks_struct
                      *cb)
{
    char path[SIM_TEXT + 64];
    bool no = false;
    long timeout = 30;

    snprintf(path, sizeof path, "%s/ssh/client_ed25519.pub", c->p->dir);
    if (ssh_pki_import_pubkey_file(path, &c->allowed) != SSH_OK) {
        fprintf(stderr, "conn %d: cannot read %s\n", c->handler_pid, path);
        return -1;
    }
    *bind = ssh_bind_new();
    c->session = ssh_new();
    if (!*bind || !c->session)
        return -1;
    snprintf(path, sizeof path, "%s/ssh/host_ed25519", c->p->dir);
    if (ssh_bind_options_set(*bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no) != SSH_OK ||
        ssh_bind_options_set(*bind, SSH_BIND_OPTIONS_HOSTKEY, path) != SSH_OK) {
        fprintf(stderr, "conn %d: host key %s: %s\n", c->handler_pid, path,
                ssh_get_error(*bind));
        return -1;
    }
    if (ssh_bind_accept_fd(*bind, c->session, fd) != SSH_OK) {
        fprintf(stderr, "conn %d: %s\n", c->handler_pid, ssh_get_error(*bind));
        return -1;
    }
    ssh_options_set(c->session, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_set_auth_methods(c->session, SSH_AUTH_METHOD_PUBLICKEY);
    memset(cb, 0, sizeof *cb);
    cb->userdata = c;
    cb->auth_pubkey_function = on_auth_pubkey;
    cb->channel_open_request_session_function = on_channel_open;
    ssh_callbacks_init(cb);
    ssh_set_server_callbacks(c->session, cb);
    if (ssh_handle_key_exchange(c->session) != SSH_OK) {
        fprintf(stderr, "conn %d: key exchange failed: %s\n", c->handler_pid,
                ssh_get_error(c->session));
        return -1;
    }
    c->event = ssh_event_new();
    if (!c->event || ssh_event_add_session(c->event, c->session) != SSH_OK)
        return -1;
    return 0;
}

int ssh_conn_handle(const struct sim_lab_params *p, const char *name, int fd)
{
    struct conn c = {.p = p, .name = name, .handler_pid = (int)getpid()};
    struct ssh_server_callbacks_struct cb;
    struct sigaction sa = {.sa_handler = conn_on_term};
    ssh_bind bind = NULL;
    struct stat st;
    int rc = 1;

    bridge_init(&c.br);
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    alarm(CONN_LOGIN_SECONDS);  /* a client that never logs in is dropped (SIGALRM ends us) */
    snprintf(c.home, sizeof c.home, "%s/appliances/%s/home", p->dir, name);
    if (stat(c.home, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "conn %d: no home folder %s\n", c.handler_pid, c.home);
        close(fd);
        return 1;
    }
    conn_requests_init(&c);
    if (conn_setup(&c, fd, &bind, &cb) != 0) {
        if (!c.session)
            close(fd);
        goto out;
    }
    serve_loop(&c);
    rc = 0;
out:
    if (c.br.pid > 0 && !c.br.exited)
        fprintf(stderr, "conn %d: client gone, ending child %d\n", c.handler_pid, (int)c.br.pid);
    if (c.out_watched)
        ssh_event_remove_fd(c.event, c.br.out_fd);
    if (c.err_watched)
        ssh_event_remove_fd(c.event, c.br.err_fd);
    bridge_stop(&c.br);
    if (c.event) {
        if (c.session)
            ssh_event_remove_session(c.event, c.session);
        ssh_event_free(c.event);
    }
    if (c.session) {
        ssh_disconnect(c.session);
        ssh_free(c.session);
    }
    ssh_bind_free(bind);
    ssh_key_free(c.allowed);
    free(c.command);
    return rc;
}
