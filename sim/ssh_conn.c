/* ssh_conn.c: one SSH connection to a simulated k570 (runs in a process forked per connection):
 * key exchange, publickey authentication, the session channel, and moving bytes between the
 * channel and the process behind it. Request handling is in ssh_requests.c. */
#include "ssh_conn.h"
#include "ssh_serve.h"
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CONN_LOGIN_SECONDS 60   /* from TCP accept to a successful login, at most */
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
    alarm(0);   /* the login deadline is met; a logged-in client may stay idle, as with sshd */
    fprintf(stderr, "conn %d: %s: ksadmin logged in with the lab key\n", c->handler_pid, c->name);
    return SSH_AUTH_SUCCESS;
}

static ssh_channel on_channel_open(ssh_session s, void *ud)
{
    struct conn *c = ud;
    if (!c->authenticated)
        return NULL;
    for (size_t i = 0; i < CONN_MAX_CHANNELS; i++) {
        struct chan *ch = &c->chans[i];
        if (ch->channel)
            continue;
        memset(ch, 0, sizeof *ch);
        ch->conn = c;
        ch->exit_fd = -1;
        bridge_init(&ch->br);
        chan_callbacks_init(ch);
        ch->channel = ssh_channel_new(s);
        if (ch->channel)
            ssh_set_channel_callbacks(ch->channel, &ch->cb);
        return ch->channel;
    }
    fprintf(stderr, "conn %d: refused a channel beyond %d\n", c->handler_pid, CONN_MAX_CHANNELS);
    return NULL;
}

/* Forwards what the child printed; marks EOF (a PTY says EIO once the child is gone). */
static int on_child_output(socket_t fd, int revents, void *ud)
{
    struct chan *ch = ud;
    char buf[16384];
    bool is_err = fd == ch->br.err_fd;
    (void)revents;
    for (int round = 0; round < 4; round++) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 0;
        if (n <= 0) {
            if (is_err)
                ch->err_eof = true;
            else
                ch->out_eof = true;
            return 0;
        }
        int w = is_err ? ssh_channel_write_stderr(ch->channel, buf, (uint32_t)n)
                       : ssh_channel_write(ch->channel, buf, (uint32_t)n);
        if (w == SSH_ERROR)
            return 0;
    }
    return 0;
}

/* The child ended: the loop turn that follows reaps it (chan_step). Without this descriptor the
 * exit was noticed only at the poll's next timeout (up to 200 ms after an exec's child ended,
 * for every exec and scp channel). */
static int on_child_exit(socket_t fd, int revents, void *ud)
{
    (void)fd;
    (void)revents;
    (void)ud;
    return 0;
}

/* Watches the child's end through a pidfd (kernels without pidfd_open: the poll timeout). */
static void watch_exit(struct chan *ch)
{
#ifdef SYS_pidfd_open
    int fd = (int)syscall(SYS_pidfd_open, ch->br.pid, 0);
    if (fd < 0)
        return;
    if (ssh_event_add_fd(ch->conn->event, fd, POLLIN, on_child_exit, ch) != SSH_OK) {
        close(fd);
        return;
    }
    ch->exit_fd = fd;
    ch->exit_watched = true;
#else
    (void)ch;
#endif
}

int chan_watch_child(struct chan *ch)
{
    ssh_event ev = ch->conn->event;
    if (ssh_event_add_fd(ev, ch->br.out_fd, POLLIN, on_child_output, ch) != SSH_OK)
        return -1;
    if (ch->br.err_fd >= 0 &&
        ssh_event_add_fd(ev, ch->br.err_fd, POLLIN, on_child_output, ch) != SSH_OK) {
        ssh_event_remove_fd(ev, ch->br.out_fd);
        return -1;
    }
    ch->out_watched = true;
    ch->err_watched = ch->br.err_fd >= 0;
    watch_exit(ch);
    return 0;
}

/* Stops polling the child's descriptors that reached EOF (outside the event's own dispatch),
 * or all of them when ALL is set. */
static void unwatch(struct chan *ch, bool all)
{
    ssh_event ev = ch->conn->event;
    if ((ch->out_eof || all) && ch->out_watched) {
        ssh_event_remove_fd(ev, ch->br.out_fd);
        ch->out_watched = false;
        if (!ch->br.pty) {      /* a PTY master stays open: it is also the child's stdin */
            close(ch->br.out_fd);
            ch->br.out_fd = -1;
        }
    }
    if ((ch->err_eof || all) && ch->err_watched) {
        ssh_event_remove_fd(ev, ch->br.err_fd);
        ch->err_watched = false;
        close(ch->br.err_fd);
        ch->br.err_fd = -1;
    }
    /* a pidfd stays readable after the exit: out of the event once the child is reaped */
    if ((ch->br.exited || all) && ch->exit_watched) {
        ssh_event_remove_fd(ev, ch->exit_fd);
        close(ch->exit_fd);
        ch->exit_fd = -1;
        ch->exit_watched = false;
    }
}

/* Moves the client's bytes into the child's stdin as fast as the child takes them; libssh
 * keeps the rest and holds back the window, so a slow child slows the client down. */
static void pump_stdin(struct chan *ch)
{
    for (int round = 0; round < 16 && ch->br.in_fd >= 0; round++) {
        if (ch->br.pending_len == 0) {
            int avail = ssh_channel_poll(ch->channel, 0);
            if (avail == SSH_EOF) {
                bridge_close_stdin(&ch->br);
                return;
            }
            if (avail <= 0)
                return;
            size_t want = (size_t)avail < sizeof ch->br.pending ? (size_t)avail
                                                                 : sizeof ch->br.pending;
            int n = ssh_channel_read_nonblocking(ch->channel, ch->br.pending, (uint32_t)want, 0);
            if (n <= 0)
                return;
            ch->br.pending_len = (size_t)n;
            ch->br.pending_off = 0;
        }
        if (bridge_flush_stdin(&ch->br) != 0) {
            bridge_close_stdin(&ch->br);
            return;
        }
        if (ch->br.pending_len > 0)
            return;     /* the child is busy; try again after the next poll */
    }
}

static void send_exit(struct chan *ch)
{
    if (WIFEXITED(ch->br.wstatus)) {
        ssh_channel_request_send_exit_status(ch->channel, WEXITSTATUS(ch->br.wstatus));
    } else if (WIFSIGNALED(ch->br.wstatus)) {
        const char *name = sigabbrev_np(WTERMSIG(ch->br.wstatus));
        ssh_channel_request_send_exit_signal(ch->channel, name ? name : "KILL", 0, "", "");
    }
    ssh_channel_send_eof(ch->channel);
    ssh_channel_close(ch->channel);
    fprintf(stderr, "conn %d: %s: child %d ended (status 0x%x)\n", ch->conn->handler_pid,
            ch->conn->name, (int)ch->br.pid, ch->br.wstatus);
}

/* Ends the channel's child (if still running), closes and frees the channel: the slot is free
 * again. The callbacks are detached first: libssh may keep the channel until the peer's close. */
static void chan_release(struct chan *ch)
{
    if (ch->br.pid > 0 && !ch->br.exited)
        fprintf(stderr, "conn %d: channel closed or client gone, ending child %d\n",
                ch->conn->handler_pid, (int)ch->br.pid);
    unwatch(ch, true);
    bridge_stop(&ch->br);
    ssh_remove_channel_callbacks(ch->channel, &ch->cb);
    if (ssh_is_connected(ch->conn->session))
        ssh_channel_close(ch->channel);
    ssh_channel_free(ch->channel);
    ch->channel = NULL;
    free(ch->command);
    ch->command = NULL;
}

/* One step of a channel's life after each poll: feed the child, notice its end, report it. */
static void chan_step(struct chan *ch)
{
    time_t now = time(NULL);
    unwatch(ch, false);
    if (ch->closed_at) {
        /* Wait for the client's own close, or it reports a lost connection (255). */
        if (ch->peer_closed || now - ch->closed_at > CONN_LINGER_SECONDS)
            chan_release(ch);
        return;
    }
    if (ch->peer_closed) {
        chan_release(ch);       /* the client went away first: its child is ended */
        return;
    }
    if (!ch->started)
        return;
    pump_stdin(ch);
    if (!ch->exited_at && bridge_reap(&ch->br)) {
        ch->exited_at = now;
        unwatch(ch, false);
    }
    if (ch->exited_at && ((!ch->out_watched && !ch->err_watched) ||
                          now - ch->exited_at > CONN_LINGER_SECONDS)) {
        /* One last non-blocking drain of whatever a grandchild left behind. */
        if (ch->out_watched)
            on_child_output(ch->br.out_fd, POLLIN, ch);
        if (ch->err_watched)
            on_child_output(ch->br.err_fd, POLLIN, ch);
        send_exit(ch);
        ch->closed_at = now;
    }
}

/* The connection's life after the key exchange: returns when the client is gone or the handler
 * is told to stop. The login deadline (alarm) bounds a client that never logs in. */
static void serve_loop(struct conn *c)
{
    for (;;) {
        int timeout = 200;
        for (size_t i = 0; i < CONN_MAX_CHANNELS; i++) {
            const struct chan *ch = &c->chans[i];
            if (ch->channel && (ch->br.pending_len > 0 || ch->exited_at || ch->closed_at))
                timeout = 10;
        }
        ssh_event_dopoll(c->event, timeout);   /* errors show up in ssh_is_connected */
        if (conn_terminate || !ssh_is_connected(c->session))
            return;
        for (size_t i = 0; i < CONN_MAX_CHANNELS; i++)
            if (c->chans[i].channel)
                chan_step(&c->chans[i]);
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
    static struct conn c;       /* one per process: the handler serves a single connection */
    struct ssh_server_callbacks_struct cb;
    struct sigaction sa = {.sa_handler = conn_on_term};
    ssh_bind bind = NULL;
    struct stat st;
    int rc = 1;

    memset(&c, 0, sizeof c);
    c.p = p;
    c.name = name;
    c.handler_pid = (int)getpid();
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
    /* as sshd does for interactive sessions: a small answer (a prompt, an scp ack) leaves at
     * once instead of waiting for the ACK of the previous segment, which the client delays */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (conn_setup(&c, fd, &bind, &cb) != 0) {
        if (!c.session)
            close(fd);
        goto out;
    }
    serve_loop(&c);
    rc = 0;
out:
    for (size_t i = 0; i < CONN_MAX_CHANNELS; i++)
        if (c.chans[i].channel)
            chan_release(&c.chans[i]);
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
    return rc;
}
