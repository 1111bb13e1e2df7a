/* ssh_conn.c: connect, host key, public key authentication, exec, shell, keepalive. */
#include "ssh_conn.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libssh/server.h>   /* ssh_send_keepalive: declared here, works for clients too */

#include "hostkey.h"
#include "stream.h"
#include "waitset.h"

struct ssh_conn {
    ssh_session s;
    struct waitset *ws;
    int timer_id;
    char host[256];
    int port;
    char name[300];          /* "host:port" */
};

static const char *const ssh_conn_names[] = {
#define SSH_CONN_NAME(id, text) text,
    SSH_CONN_ERRORS(SSH_CONN_NAME)
#undef SSH_CONN_NAME
};

const char *ssh_conn_code_name(enum ssh_conn_code code)
{
    return (unsigned)code < sizeof(ssh_conn_names) / sizeof(ssh_conn_names[0])
               ? ssh_conn_names[code]
               : "?";
}

__attribute__((format(printf, 3, 4)))
static void sc_fail(struct ssh_conn_error *err, enum ssh_conn_code code, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

/* PATH with a leading "~/" replaced by $HOME; malloc'd. */
static char *sc_expand(const char *path)
{
    const char *home = getenv("HOME");
    if (path[0] == '~' && path[1] == '/' && home) {
        size_t n = strlen(home) + strlen(path);
        char *p = malloc(n);
        if (p)
            snprintf(p, n, "%s%s", home, path + 1);
        return p;
    }
    return strdup(path);
}

/* ---- non-blocking steps driven by the waitset ---- */

struct sc_step {
    struct ssh_conn *c;
    int (*step)(struct sc_step *st);   /* returns the libssh code of one attempt */
    int again;                         /* the code meaning "not yet" */
    int rc;
    int fd_id;
    ssh_key key;
};

static bool sc_step_pred(void *ud)
{
    struct sc_step *st = ud;
    st->rc = st->step(st);
    if (st->rc != st->again)
        return true;
    /* The socket exists once the first connect attempt made it: let it wake the loop. */
    if (st->fd_id <= 0 && ssh_get_fd(st->c->s) >= 0)
        st->fd_id = waitset_add(st->c->ws, ssh_get_fd(st->c->s), POLLIN, NULL, NULL);
    return false;
}

static int sc_do_connect(struct sc_step *st) { return ssh_connect(st->c->s); }
static int sc_do_key(struct sc_step *st) { return ssh_userauth_publickey(st->c->s, NULL, st->key); }
static int sc_do_auto(struct sc_step *st)
{
    return ssh_userauth_publickey_auto(st->c->s, NULL, NULL);
}

/* Runs STEP until it is no longer AGAIN. Returns its code, or AGAIN on timeout/cancel with
 * *WR set. */
static int sc_run(struct ssh_conn *c, int (*step)(struct sc_step *), int again, ssh_key key,
                  const struct timespec *deadline, enum waitset_result *wr)
{
    struct sc_step st = {.c = c, .step = step, .again = again, .rc = again, .key = key};
    *wr = waitset_run_until(c->ws, sc_step_pred, &st, deadline);
    if (st.fd_id > 0)
        waitset_remove(c->ws, st.fd_id);
    return *wr == WAITSET_DONE ? st.rc : again;
}

static void sc_keepalive_timer(void *ud)
{
    ssh_conn_keepalive(ud);
}

int ssh_conn_keepalive(struct ssh_conn *c)
{
    if (!ssh_is_connected(c->s))
        return -1;
    return ssh_send_keepalive(c->s) == SSH_OK ? 0 : -1;
}

static bool sc_authenticate(struct ssh_conn *c, const struct ssh_conn_params *p,
                            const struct timespec *deadline, struct ssh_conn_error *err)
{
    enum waitset_result wr;
    ssh_key key = NULL;
    char *user = NULL;
    int rc;
    bool ok = false;
    ssh_options_get(c->s, SSH_OPTIONS_USER, &user);
    if (p->identity) {
        char *path = sc_expand(p->identity);
        rc = path ? ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) : SSH_ERROR;
        if (rc != SSH_OK) {
            sc_fail(err, SSHC_E_AUTH,
                    "cannot load the SSH identity %s for %s: %s (a key protected by a "
                    "passphrase must be loaded into ssh-agent, with identity left out of the "
                    "configuration)", path ? path : p->identity, c->name,
                    rc == SSH_EOF ? "no such file or not readable" : "not a usable private key");
            free(path);
            goto out;
        }
        free(path);
        rc = sc_run(c, sc_do_key, SSH_AUTH_AGAIN, key, deadline, &wr);
    } else {
        rc = sc_run(c, sc_do_auto, SSH_AUTH_AGAIN, NULL, deadline, &wr);
    }
    if (rc == SSH_AUTH_AGAIN) {
        sc_fail(err, wr == WAITSET_CANCELLED ? SSHC_E_CANCELLED : SSHC_E_TIMEOUT,
                "%s while authenticating to %s", wr == WAITSET_CANCELLED ? "cancelled"
                : "timed out", c->name);
        goto out;
    }
    if (rc != SSH_AUTH_SUCCESS) {
        if (rc == SSH_AUTH_ERROR)
            sc_fail(err, SSHC_E_AUTH, "logging in to %s as %s failed: %s", c->name,
                    user ? user : "?", ssh_get_error(c->s));
        else
            sc_fail(err, SSHC_E_AUTH,
                    "%s refused the login as %s with %s. Check that the public key is "
                    "authorised for that user on the appliance", c->name, user ? user : "?",
                    p->identity ? p->identity : "the ssh-agent and SSH config keys");
        goto out;
    }
    ok = true;
out:
    ssh_key_free(key);
    ssh_string_free_char(user);
    return ok;
}

static bool sc_set_options(struct ssh_conn *c, const struct ssh_conn_params *p,
                           char **known_hosts, struct ssh_conn_error *err)
{
    bool ok = false;
    char *cfg = NULL;
    ssh_options_set(c->s, SSH_OPTIONS_HOST, p->host);
    if (p->ssh_config && !p->ssh_config[0]) {
        bool no = false;
        ssh_options_set(c->s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    } else {
        cfg = p->ssh_config ? sc_expand(p->ssh_config) : NULL;
        /* Parsed first: the explicit settings below override what it says. */
        if (ssh_options_parse_config(c->s, cfg) != SSH_OK) {
            sc_fail(err, SSHC_E_SETTINGS, "cannot read the SSH configuration %s",
                    cfg ? cfg : "~/.ssh/config");
            goto out;
        }
    }
    if (p->port > 0)
        ssh_options_set(c->s, SSH_OPTIONS_PORT, &p->port);
    if (p->user)
        ssh_options_set(c->s, SSH_OPTIONS_USER, p->user);
    *known_hosts = sc_expand(p->known_hosts ? p->known_hosts : "~/.ssh/known_hosts");
    if (!*known_hosts) {
        sc_fail(err, SSHC_E_SETTINGS, "out of memory");
        goto out;
    }
    ssh_options_set(c->s, SSH_OPTIONS_KNOWNHOSTS, *known_hosts);
    long timeout = p->connect_timeout_s > 0 ? p->connect_timeout_s : 15;
    ssh_options_set(c->s, SSH_OPTIONS_TIMEOUT, &timeout);
    /* Every exchange here is small request/answer (typed lines, scp acks): without TCP_NODELAY
     * a small write waits for the ACK of the previous one, which the peer delays ~40 ms. */
    int nodelay = 1;
    ssh_options_set(c->s, SSH_OPTIONS_NODELAY, &nodelay);

    char *h = NULL;
    unsigned int port = 22;
    ssh_options_get(c->s, SSH_OPTIONS_HOST, &h);
    ssh_options_get_port(c->s, &port);
    snprintf(c->host, sizeof(c->host), "%s", h ? h : p->host);
    ssh_string_free_char(h);
    c->port = (int)port;
    snprintf(c->name, sizeof(c->name), "%s:%d", c->host, c->port);
    ok = true;
out:
    free(cfg);
    return ok;
}

/* Forwards questions to the real sink and counts them. */
struct sc_ask_count {
    const struct core_sink *sink;
    int asks;
};

static int sc_count_ask(void *ud, const struct core_ask *q, struct core_answer *a)
{
    struct sc_ask_count *ac = ud;
    ac->asks++;
    return core_ask(ac->sink, q, a);
}

static struct ssh_conn *sc_open_once(const struct ssh_conn_params *p,
                                     const struct core_sink *sink, struct waitset *ws,
                                     struct ssh_conn_error *err)
{
    struct ssh_conn *c = calloc(1, sizeof(*c));
    char *known_hosts = NULL;
    char msg[sizeof(err->message)];
    enum waitset_result wr;
    if (err)
        *err = (struct ssh_conn_error){.code = SSHC_OK};
    if (!c || !p->host || !p->host[0]) {
        sc_fail(err, SSHC_E_SETTINGS, c ? "no host given" : "out of memory");
        goto fail;
    }
    c->ws = ws;
    c->s = ssh_new();
    if (!c->s) {
        sc_fail(err, SSHC_E_SETTINGS, "out of memory");
        goto fail;
    }
    if (!sc_set_options(c, p, &known_hosts, err))
        goto fail;
    long timeout_ms = (p->connect_timeout_s > 0 ? p->connect_timeout_s : 15) * 1000L;
    struct timespec deadline = waitset_deadline_in(timeout_ms);

    ssh_set_blocking(c->s, 0);
    int rc = sc_run(c, sc_do_connect, SSH_AGAIN, NULL, &deadline, &wr);
    if (rc != SSH_OK) {
        if (rc == SSH_AGAIN)
            sc_fail(err, wr == WAITSET_CANCELLED ? SSHC_E_CANCELLED : SSHC_E_TIMEOUT,
                    "%s connecting to %s after %ld s",
                    wr == WAITSET_CANCELLED ? "cancelled" : "timed out", c->name,
                    timeout_ms / 1000);
        else
            sc_fail(err, SSHC_E_CONNECT, "cannot connect to %s: %s", c->name,
                    ssh_get_error(c->s));
        goto fail;
    }
    switch (hostkey_verify(c->s, c->host, c->port, known_hosts, sink, msg, sizeof(msg))) {
    case HOSTKEY_OK:
        break;
    case HOSTKEY_CANCELLED:
        sc_fail(err, SSHC_E_CANCELLED, "%s", msg);
        goto fail;
    case HOSTKEY_REFUSED:
        sc_fail(err, SSHC_E_HOSTKEY, "%s", msg);
        goto fail;
    case HOSTKEY_ERROR:
        sc_fail(err, SSHC_E_CONNECT, "%s", msg);
        goto fail;
    }
    /* The operator may have taken a while over the fingerprint: a fresh budget for login. */
    deadline = waitset_deadline_in(timeout_ms);
    if (!sc_authenticate(c, p, &deadline, err))
        goto fail;
    /* Channel set-up calls are short and bounded by SSH_OPTIONS_TIMEOUT; reads stay
     * non-blocking (ssh_channel_read_nonblocking). */
    ssh_set_blocking(c->s, 1);
    if (p->keepalive_s >= 0)
        c->timer_id = waitset_add_timer(ws, (p->keepalive_s ? p->keepalive_s : 30) * 1000,
                                        sc_keepalive_timer, c);
    free(known_hosts);
    return c;
fail:
    free(known_hosts);
    ssh_conn_close(c);
    return NULL;
}

struct ssh_conn *ssh_conn_open(const struct ssh_conn_params *p, const struct core_sink *sink,
                               struct waitset *ws, struct ssh_conn_error *err)
{
    struct sc_ask_count ac = {.sink = sink};
    struct core_sink counting = {NULL, sc_count_ask, &ac};
    struct ssh_conn_error local;
    if (!err)
        err = &local;
    struct ssh_conn *c = sc_open_once(p, &counting, ws, err);
    /* The host key was just accepted, but the server may have given up on the login while
     * the operator compared fingerprints (sshd's LoginGraceTime): connect once more; the key
     * is known now. This repeats an SSH public key login, never an HSM login. */
    if (!c && ac.asks > 0 &&
        (err->code == SSHC_E_AUTH || err->code == SSHC_E_CONNECT || err->code == SSHC_E_TIMEOUT))
        c = sc_open_once(p, sink, ws, err);
    return c;
}

void ssh_conn_close(struct ssh_conn *c)
{
    if (!c)
        return;
    if (c->timer_id > 0)
        waitset_remove(c->ws, c->timer_id);
    if (c->s) {
        if (ssh_is_connected(c->s))
            ssh_disconnect(c->s);
        ssh_free(c->s);
    }
    free(c);
}

ssh_session ssh_conn_session(struct ssh_conn *c) { return c->s; }
struct waitset *ssh_conn_waitset(struct ssh_conn *c) { return c->ws; }
const char *ssh_conn_name(const struct ssh_conn *c) { return c->name; }

struct stream *ssh_conn_open_shell(struct ssh_conn *c, int rows, int cols,
                                   struct ssh_conn_error *err)
{
    ssh_channel ch = ssh_channel_new(c->s);
    const char *what = "open a session channel";
    if (!ch)
        goto fail;
    if (ssh_channel_open_session(ch) != SSH_OK)
        goto fail;
    what = "get a terminal (PTY)";
    if (ssh_channel_request_pty_size(ch, "dumb", cols > 0 ? cols : 200, rows > 0 ? rows : 50)
        != SSH_OK)
        goto fail;
    what = "start a shell";
    if (ssh_channel_request_shell(ch) != SSH_OK)
        goto fail;
    struct stream *s = stream_new_channel(ch);
    if (!s)
        goto fail;
    return s;
fail:
    sc_fail(err, SSHC_E_CHANNEL, "cannot %s on %s: %s", what, c->name, ssh_get_error(c->s));
    if (ch)
        ssh_channel_free(ch);
    return NULL;
}

struct sc_exec {
    ssh_channel ch;
    char *out;
    size_t outlen, used;
    bool failed;
};

static bool sc_exec_pred(void *ud)
{
    struct sc_exec *x = ud;
    char scratch[4096];
    for (int is_stderr = 0; is_stderr < 2; is_stderr++) {
        for (;;) {
            size_t room = x->outlen > x->used + 1 ? x->outlen - x->used - 1 : 0;
            char *dst = room ? x->out + x->used : scratch;
            uint32_t n = room ? (uint32_t)(room < sizeof(scratch) ? room : sizeof(scratch))
                              : (uint32_t)sizeof(scratch);
            int r = ssh_channel_read_nonblocking(x->ch, dst, n, is_stderr);
            if (r == SSH_ERROR) {
                x->failed = true;
                return true;
            }
            if (r <= 0)
                break;
            if (room)
                x->used += (size_t)r;
        }
    }
    if (x->outlen)
        x->out[x->used] = '\0';
    return ssh_channel_is_eof(x->ch) || ssh_channel_is_closed(x->ch);
}

int ssh_conn_exec(struct ssh_conn *c, const char *cmd, char *out, size_t outlen, int *status,
                  long timeout_ms, struct ssh_conn_error *err)
{
    struct sc_exec x = {.out = out, .outlen = outlen};
    int rc = -1, fd_id = -1;
    if (outlen)
        out[0] = '\0';
    if (status)
        *status = -1;
    x.ch = ssh_channel_new(c->s);
    if (!x.ch || ssh_channel_open_session(x.ch) != SSH_OK ||
        ssh_channel_request_exec(x.ch, cmd) != SSH_OK) {
        sc_fail(err, SSHC_E_CHANNEL, "cannot run `%.100s` on %s: %s", cmd, c->name,
                ssh_get_error(c->s));
        goto out;
    }
    fd_id = waitset_add(c->ws, ssh_get_fd(c->s), POLLIN, NULL, NULL);
    struct timespec deadline = waitset_deadline_in(timeout_ms > 0 ? timeout_ms : 30000);
    switch (waitset_run_until(c->ws, sc_exec_pred, &x, &deadline)) {
    case WAITSET_DONE:
        break;
    case WAITSET_CANCELLED:
        sc_fail(err, SSHC_E_CANCELLED, "cancelled while `%.100s` ran on %s", cmd, c->name);
        goto out;
    default:
        sc_fail(err, SSHC_E_TIMEOUT, "timed out after %ld s waiting for `%.100s` on %s",
                (timeout_ms > 0 ? timeout_ms : 30000) / 1000, cmd, c->name);
        goto out;
    }
    if (x.failed) {
        sc_fail(err, SSHC_E_CHANNEL, "the connection to %s failed while `%.100s` ran: %s",
                c->name, cmd, ssh_get_error(c->s));
        goto out;
    }
    if (status)
        *status = ssh_channel_get_exit_status(x.ch);
    rc = 0;
out:
    if (fd_id > 0)
        waitset_remove(c->ws, fd_id);
    if (x.ch) {
        if (ssh_channel_is_open(x.ch))
            ssh_channel_close(x.ch);
        ssh_channel_free(x.ch);
    }
    return rc;
}
