/* test_ssh.c: the SSH client against a real OpenSSH sshd started by the test on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conv.h"
#include "hostkey.h"
#include "scp_upload.h"
#include "ssh_conn.h"
#include "stream.h"
#include "waitset.h"

#define SSHD "/usr/sbin/sshd"

struct lab {
    bool skip;
    char dir[64];
    char path[8][160];
    int port;
    pid_t sshd;
    char fingerprint[128];   /* of the host key, from ssh-keygen -lf */
};
enum { P_HOSTKEY, P_OTHERKEY, P_CLIENT, P_WRONG, P_KNOWN, P_CONFIG, P_SSHCFG, P_AUTH };

static struct lab lab;

struct ask_sink {
    int policy;              /* ASK_ANSWERED with yes, -1 = answered no, ASK_UNAVAILABLE */
    unsigned slow_s;         /* think this long before answering */
    int asks;
    char fingerprint[128];
    char host[128];
};

static int sink_ask(void *ud, const struct core_ask *q, struct core_answer *a)
{
    struct ask_sink *s = ud;
    s->asks++;
    if (q->type == ASK_HOST_KEY) {
        snprintf(s->fingerprint, sizeof(s->fingerprint), "%s", q->fingerprint);
        snprintf(s->host, sizeof(s->host), "%s", q->host);
    }
    if (s->policy == ASK_UNAVAILABLE)
        return ASK_UNAVAILABLE;
    if (s->slow_s)
        sleep(s->slow_s);
    a->yes = s->policy == ASK_ANSWERED;
    return ASK_ANSWERED;
}

static int run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    close(fd);
    return ntohs(a.sin_port);
}

static bool port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static char *slurp(const char *path, char *buf, size_t len)
{
    FILE *fp = fopen(path, "r");
    size_t n = fp ? fread(buf, 1, len - 1, fp) : 0;
    buf[n] = '\0';
    if (fp)
        fclose(fp);
    return buf;
}

/* "[127.0.0.1]:PORT <type> <key>\n" for the public half (.pub) of the key file KEY. */
static void known_line(char *buf, size_t len, const char *keyfile)
{
    char key[1024], type[64], b64[900], pub[200];
    snprintf(pub, sizeof(pub), "%s.pub", keyfile);
    slurp(pub, key, sizeof(key));
    assert_int_equal(sscanf(key, "%63s %899s", type, b64), 2);
    snprintf(buf, len, "[127.0.0.1]:%d %s %s\n", lab.port, type, b64);
}

static int group_setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    if (access(SSHD, X_OK) != 0) {
        lab.skip = true;
        return 0;
    }
    snprintf(lab.dir, sizeof(lab.dir), "/tmp/rw-ssh-XXXXXX");
    assert_non_null(mkdtemp(lab.dir));
    const char *names[] = {"host_ed25519", "other_ed25519", "client", "wrong", "known_hosts",
                           "sshd_config", "ssh_config", "authorized_keys"};
    for (int i = 0; i < 8; i++)
        snprintf(lab.path[i], sizeof(lab.path[i]), "%s/%s", lab.dir, names[i]);
    char cmd[1024];
    for (int i = P_HOSTKEY; i <= P_WRONG; i++) {
        snprintf(cmd, sizeof(cmd), "ssh-keygen -q -t ed25519 -N '' -C rw-test -f %s",
                 lab.path[i]);
        assert_int_equal(run(cmd), 0);
    }
    snprintf(cmd, sizeof(cmd), "cp %s.pub %s", lab.path[P_CLIENT], lab.path[P_AUTH]);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof(cmd), "ssh-keygen -lf %s.pub -E sha256 > %s/fp", lab.path[P_HOSTKEY],
             lab.dir);
    assert_int_equal(run(cmd), 0);
    char fpbuf[512], fpfile[128];
    snprintf(fpfile, sizeof(fpfile), "%s/fp", lab.dir);
    assert_int_equal(sscanf(slurp(fpfile, fpbuf, sizeof(fpbuf)), "%*d %127s", lab.fingerprint),
                     1);
    lab.port = free_port();
    assert_true(lab.port > 0);
    char conf[2048];
    snprintf(conf, sizeof(conf),
             "ListenAddress 127.0.0.1\nPort %d\nHostKey %s\nAuthorizedKeysFile %s\n"
             "StrictModes no\nUsePAM no\nPidFile %s/sshd.pid\nPasswordAuthentication no\n"
             "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\nPermitRootLogin yes\n"
             "PrintMotd no\nLogLevel INFO\nLoginGraceTime 2\n",
             lab.port, lab.path[P_HOSTKEY], lab.path[P_AUTH], lab.dir);
    write_text(lab.path[P_CONFIG], conf);
    /* sshd refuses to start without its privilege separation directory. */
    mkdir("/run/sshd", 0755);
    lab.sshd = fork();
    if (lab.sshd == 0) {
        execl(SSHD, SSHD, "-D", "-e", "-f", lab.path[P_CONFIG], (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500 && !port_open(lab.port); i++)
        usleep(20000);
    assert_true(port_open(lab.port));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (lab.skip)
        return 0;
    if (lab.sshd > 0) {
        kill(lab.sshd, SIGTERM);
        waitpid(lab.sshd, NULL, 0);
    }
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", lab.dir);
    return run(cmd);
}

static int test_setup(void **state)
{
    (void)state;
    if (lab.skip)
        skip();   /* cmocka: prints the test as skipped */
    unlink(lab.path[P_KNOWN]);
    return 0;
}

static void write_known(void)
{
    char line[1200];
    known_line(line, sizeof(line), lab.path[P_HOSTKEY]);
    write_text(lab.path[P_KNOWN], line);
}

static struct ssh_conn_params params(void)
{
    return (struct ssh_conn_params){.host = "127.0.0.1", .port = lab.port, .user = "root",
                                    .identity = lab.path[P_CLIENT],
                                    .known_hosts = lab.path[P_KNOWN], .ssh_config = "",
                                    .connect_timeout_s = 20};
}

static struct ssh_conn *open_ok(struct waitset *ws, struct ask_sink *as)
{
    struct ssh_conn_params p = params();
    struct core_sink sink = {NULL, sink_ask, as};
    struct ssh_conn_error err;
    struct ssh_conn *c = ssh_conn_open(&p, &sink, ws, &err);
    if (!c)
        fail_msg("connect failed: %s", err.message);
    return c;
}

static void test_known_host_connects_and_exec(void **state)
{
    (void)state;
    write_known();
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = -1};
    struct ssh_conn *c = open_ok(ws, &as);
    assert_int_equal(as.asks, 0);
    /* small request/answer exchanges: no Nagle wait for the peer's delayed ACK (~40 ms each) */
    int nodelay = 0;
    socklen_t nl = sizeof nodelay;
    assert_int_equal(getsockopt(ssh_get_fd(ssh_conn_session(c)), IPPROTO_TCP, TCP_NODELAY,
                                &nodelay, &nl), 0);
    assert_int_not_equal(nodelay, 0);
    char out[256];
    int status = 0;
    struct ssh_conn_error err;
    assert_int_equal(ssh_conn_exec(c, "echo hello; echo oops >&2; exit 3", out, sizeof(out),
                                   &status, 0, &err), 0);
    assert_non_null(strstr(out, "hello\n"));
    assert_non_null(strstr(out, "oops\n"));
    assert_int_equal(status, 3);
    assert_int_equal(ssh_conn_keepalive(c), 0);
    assert_int_equal(ssh_conn_exec(c, "test -d /", out, sizeof(out), &status, 0, &err), 0);
    assert_int_equal(status, 0);
    ssh_conn_close(c);
    waitset_free(ws);
}

static void test_unknown_host_refused_by_operator(void **state)
{
    (void)state;
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = -1};
    struct ssh_conn_params p = params();
    struct core_sink sink = {NULL, sink_ask, &as};
    struct ssh_conn_error err;
    assert_null(ssh_conn_open(&p, &sink, ws, &err));
    assert_int_equal(err.code, SSHC_E_HOSTKEY);
    assert_int_equal(as.asks, 1);
    assert_string_equal(as.fingerprint, lab.fingerprint);
    char hp[64];
    snprintf(hp, sizeof(hp), "127.0.0.1:%d", lab.port);
    assert_string_equal(as.host, hp);
    assert_int_equal(access(lab.path[P_KNOWN], F_OK), -1);   /* nothing recorded */
    waitset_free(ws);
}

static void test_unknown_host_accepted_is_recorded(void **state)
{
    (void)state;
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = ASK_ANSWERED};
    struct ssh_conn *c = open_ok(ws, &as);
    assert_int_equal(as.asks, 1);
    assert_string_equal(as.fingerprint, lab.fingerprint);
    ssh_conn_close(c);
    assert_int_equal(hostkey_find_line(lab.path[P_KNOWN], "127.0.0.1", lab.port), 1);
    /* Known now: no second question. */
    struct ask_sink again = {.policy = -1};
    c = open_ok(ws, &again);
    assert_int_equal(again.asks, 0);
    ssh_conn_close(c);
    waitset_free(ws);
}

/* The server drops a login that waits longer than LoginGraceTime (2 s here) while the
 * operator compares fingerprints: the connection is made again once the key is accepted. */
static void test_slow_host_key_answer_reconnects(void **state)
{
    (void)state;
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = ASK_ANSWERED, .slow_s = 4};
    struct ssh_conn *c = open_ok(ws, &as);
    assert_int_equal(as.asks, 1);
    char out[64];
    int status;
    struct ssh_conn_error err;
    assert_int_equal(ssh_conn_exec(c, "echo still-here", out, sizeof(out), &status, 0, &err), 0);
    assert_string_equal(out, "still-here\n");
    ssh_conn_close(c);
    waitset_free(ws);
}

static void test_unknown_host_in_batch_says_how(void **state)
{
    (void)state;
    struct waitset *ws = waitset_new(-1);
    struct ssh_conn_params p = params();
    struct core_sink sink = {NULL, NULL, NULL};   /* no way to ask */
    struct ssh_conn_error err;
    assert_null(ssh_conn_open(&p, &sink, ws, &err));
    assert_int_equal(err.code, SSHC_E_HOSTKEY);
    char how[400];
    snprintf(how, sizeof(how), "ssh-keyscan -p %d 127.0.0.1 >> %s", lab.port,
             lab.path[P_KNOWN]);
    assert_non_null(strstr(err.message, how));
    assert_non_null(strstr(err.message, lab.fingerprint));
    waitset_free(ws);
}

static void test_changed_host_key_always_refused(void **state)
{
    (void)state;
    char line[1200], text[1400];
    known_line(line, sizeof(line), lab.path[P_OTHERKEY]);
    snprintf(text, sizeof(text), "# the lab appliance\n%s", line);
    write_text(lab.path[P_KNOWN], text);
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = ASK_ANSWERED};     /* would accept anything */
    struct ssh_conn_params p = params();
    struct core_sink sink = {NULL, sink_ask, &as};
    struct ssh_conn_error err;
    assert_null(ssh_conn_open(&p, &sink, ws, &err));
    assert_int_equal(err.code, SSHC_E_HOSTKEY);
    assert_int_equal(as.asks, 0);
    char where[300];
    snprintf(where, sizeof(where), "%s line 2", lab.path[P_KNOWN]);
    assert_non_null(strstr(err.message, where));
    char after[1400];
    assert_string_equal(slurp(lab.path[P_KNOWN], after, sizeof(after)), text);  /* untouched */
    waitset_free(ws);
}

/* A known_hosts "@revoked" line for the server's key: refused as revoked, never asked, even
 * with the same key listed again as a plain entry; the message names the file and line and
 * never advises fetching the key again. */
static void test_revoked_host_key_refused(void **state)
{
    (void)state;
    char line[1200], text[2600];
    known_line(line, sizeof(line), lab.path[P_HOSTKEY]);
    snprintf(text, sizeof(text), "# withdrawn after the incident\n@revoked %s%s", line, line);
    write_text(lab.path[P_KNOWN], text);
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = ASK_ANSWERED};     /* would accept anything */
    struct ssh_conn_params p = params();
    struct core_sink sink = {NULL, sink_ask, &as};
    struct ssh_conn_error err;
    assert_null(ssh_conn_open(&p, &sink, ws, &err));
    assert_int_equal(err.code, SSHC_E_HOSTKEY);
    assert_int_equal(as.asks, 0);
    char where[300];
    snprintf(where, sizeof(where), "%s line 2 marks it @revoked", lab.path[P_KNOWN]);
    assert_non_null(strstr(err.message, where));
    assert_non_null(strstr(err.message, "REVOKED"));
    assert_non_null(strstr(err.message, "administrator"));
    assert_non_null(strstr(err.message, lab.fingerprint));
    assert_null(strstr(err.message, "ssh-keyscan"));
    /* in batch mode too */
    struct core_sink none = {NULL, NULL, NULL};
    assert_null(ssh_conn_open(&p, &none, ws, &err));
    assert_non_null(strstr(err.message, "REVOKED"));
    char after[2600];
    assert_string_equal(slurp(lab.path[P_KNOWN], after, sizeof(after)), text);  /* untouched */

    /* another key revoked: this one is only unknown, and asked about */
    known_line(line, sizeof(line), lab.path[P_OTHERKEY]);
    snprintf(text, sizeof(text), "@revoked %s", line);
    write_text(lab.path[P_KNOWN], text);
    struct ask_sink no = {.policy = -1};
    struct core_sink ask_no = {NULL, sink_ask, &no};
    assert_null(ssh_conn_open(&p, &ask_no, ws, &err));
    assert_int_equal(no.asks, 1);
    assert_null(strstr(err.message, "REVOKED"));
    waitset_free(ws);
}

static void test_wrong_identity_is_auth_error(void **state)
{
    (void)state;
    write_known();
    struct waitset *ws = waitset_new(-1);
    struct ssh_conn_params p = params();
    p.identity = lab.path[P_WRONG];
    struct ssh_conn_error err;
    assert_null(ssh_conn_open(&p, NULL, ws, &err));
    assert_int_equal(err.code, SSHC_E_AUTH);
    assert_non_null(strstr(err.message, "root"));
    p.identity = "/nonexistent/key";
    assert_null(ssh_conn_open(&p, NULL, ws, &err));
    assert_int_equal(err.code, SSHC_E_AUTH);
    assert_non_null(strstr(err.message, "/nonexistent/key"));
    waitset_free(ws);
}

static void test_connect_refused_is_connect_error(void **state)
{
    (void)state;
    struct waitset *ws = waitset_new(-1);
    struct ssh_conn_params p = params();
    p.port = free_port();
    struct ssh_conn_error err;
    assert_null(ssh_conn_open(&p, NULL, ws, &err));
    assert_int_equal(err.code, SSHC_E_CONNECT);
    waitset_free(ws);
}

static void test_ssh_config_honoured(void **state)
{
    (void)state;
    write_known();
    char cfg[600];
    snprintf(cfg, sizeof(cfg), "Host labhost\n  HostName 127.0.0.1\n  Port %d\n  User root\n"
             "  IdentityFile %s\n", lab.port, lab.path[P_CLIENT]);
    write_text(lab.path[P_SSHCFG], cfg);
    struct ssh_conn_params p = {.host = "labhost", .known_hosts = lab.path[P_KNOWN],
                                .ssh_config = lab.path[P_SSHCFG]};
    struct waitset *ws = waitset_new(-1);
    struct ssh_conn_error err;
    struct ssh_conn *c = ssh_conn_open(&p, NULL, ws, &err);
    if (!c)
        fail_msg("connect failed: %s", err.message);
    char out[64];
    int status;
    assert_int_equal(ssh_conn_exec(c, "id -un", out, sizeof(out), &status, 0, &err), 0);
    assert_string_equal(out, "root\n");
    ssh_conn_close(c);
    waitset_free(ws);
}

static void test_pty_shell_stream(void **state)
{
    (void)state;
    write_known();
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = -1};
    struct ssh_conn *c = open_ok(ws, &as);
    struct ssh_conn_error err;
    struct stream *s = ssh_conn_open_shell(c, 40, 160, &err);
    if (!s)
        fail_msg("%s", err.message);
    struct conv *cv = conv_new(s, ws, "source", NULL);
    struct conv_timeouts t;
    conv_timeouts_default(&t, 0.25);
    conv_set_timeouts(cv, &t);
    assert_int_equal(conv_shell_sync(cv, 0), CONV_OK);
    struct conv_opts o = {.end = CONV_END_SHELL_MARKER};
    struct conv_result r;
    assert_int_equal(conv_command(cv, "echo pty-$((6*7)); tty", &o, &r), CONV_OK);
    assert_int_equal(r.shell_status, 0);
    assert_non_null(strstr(r.output, "pty-42\n"));
    assert_non_null(strstr(r.output, "/dev/pts/"));
    conv_result_free(&r);
    struct conv_opts x = {.end = CONV_END_CLOSED};
    assert_int_equal(conv_command(cv, "exit", &x, &r), CONV_OK);
    conv_result_free(&r);
    conv_free(cv);
    stream_free(s);
    ssh_conn_close(c);
    waitset_free(ws);
}

static bool give_secret(void *ud, const char *host, const char *key, char *buf, size_t len)
{
    (void)ud;
    (void)host;
    if (strcmp(key, "co_password") != 0)
        return false;
    snprintf(buf, len, "Remote-S3cret");
    return true;
}

struct seen {
    bool secret_shown;
    int received;
};

static void watch_line(void *ud, const char *host, enum tx_direction dir, const char *text)
{
    struct seen *s = ud;
    (void)host;
    if (strstr(text, "Remote-S3cret"))
        s->secret_shown = true;
    if (dir == TX_RECEIVED)
        s->received++;
    if (getenv("CONV_DUMP"))
        printf("%c |%s|\n", "><-"[dir], text);
}

/* The whole shape of an appliance session: shell, start lunacm (the fake), commands with a
 * confirmation and a password, leave lunacm, back at the shell. */
static void test_lunacm_session_over_ssh(void **state)
{
    (void)state;
    write_known();
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = -1};
    struct ssh_conn *c = open_ok(ws, &as);
    struct ssh_conn_error err;
    struct stream *s = ssh_conn_open_shell(c, 40, 160, &err);
    if (!s)
        fail_msg("%s", err.message);
    struct seen seen = {0};
    struct conv_callbacks cb = {.line = watch_line, .secret = give_secret, .ud = &seen};
    struct conv *cv = conv_new(s, ws, "source", &cb);
    struct conv_timeouts t;
    conv_timeouts_default(&t, 0.25);
    conv_set_timeouts(cv, &t);
    assert_int_equal(conv_shell_sync(cv, 0), CONV_OK);
    struct conv_result r;
    char pwfile[200], start[600];
    snprintf(pwfile, sizeof(pwfile), "%s/fake_password", lab.dir);
    write_text(pwfile, "Remote-S3cret\n");
    snprintf(start, sizeof(start), "cd %s && FAKE_PASSWORD_FILE=%s /usr/bin/python3 "
             "fake_lunacm.py", FIXTURE_DIR, pwfile);
    assert_int_equal(conv_start_program(cv, start, 0, &r), CONV_OK);
    assert_non_null(strstr(r.output, "lunacm (64-bit) v10.4.0-275."));
    conv_result_free(&r);
    assert_int_equal(conv_command(cv, "slot list", NULL, &r), CONV_OK);
    assert_true(r.luna.ok);
    assert_non_null(strstr(r.output, "\tLabel ->                rotpart\n"));
    conv_result_free(&r);
    struct conv_opts o = {.confirmed = false};
    assert_int_equal(conv_command(cv, "partition clear", &o, &r), CONV_OK);
    assert_true(r.confirm_seen);
    assert_int_equal(r.luna.code, 0xb);
    conv_result_free(&r);
    struct conv_opts login = {.answers = {{LUNA_SK_CO, "co_password"}}, .generic = LUNA_SK_CO};
    assert_int_equal(conv_command(cv, "role login -name co", &login, &r), CONV_OK);
    assert_true(r.luna.ok);
    conv_result_free(&r);
    assert_int_equal(conv_send_line(cv, "exit"), CONV_OK);           /* lunacm exits... */
    assert_int_equal(conv_shell_sync(cv, 0), CONV_OK);               /* ...the shell answers */
    struct conv_opts sh = {.end = CONV_END_SHELL_MARKER};
    assert_int_equal(conv_command(cv, "pwd", &sh, &r), CONV_OK);
    assert_int_equal(r.shell_status, 0);
    assert_string_equal(r.output, FIXTURE_DIR "\n");
    conv_result_free(&r);
    assert_false(seen.secret_shown);
    assert_true(seen.received > 10);
    conv_free(cv);
    stream_free(s);
    ssh_conn_close(c);
    waitset_free(ws);
}

static void test_exec_timeout_and_cancel(void **state)
{
    (void)state;
    write_known();
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct waitset *ws = waitset_new(p[0]);
    struct ask_sink as = {.policy = -1};
    struct ssh_conn *c = open_ok(ws, &as);
    char out[64];
    int status;
    struct ssh_conn_error err;
    assert_int_equal(ssh_conn_exec(c, "sleep 20", out, sizeof(out), &status, 300, &err), -1);
    assert_int_equal(err.code, SSHC_E_TIMEOUT);
    assert_non_null(strstr(err.message, "sleep 20"));
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_int_equal(ssh_conn_exec(c, "sleep 20", out, sizeof(out), &status, 0, &err), -1);
    assert_int_equal(err.code, SSHC_E_CANCELLED);
    ssh_conn_close(c);
    struct ssh_conn_params prm = params();
    assert_null(ssh_conn_open(&prm, NULL, ws, &err));
    assert_int_equal(err.code, SSHC_E_CANCELLED);
    waitset_free(ws);
    close(p[0]);
    close(p[1]);
}

static void test_upload_file(void **state)
{
    (void)state;
    write_known();
    struct waitset *ws = waitset_new(-1);
    struct ask_sink as = {.policy = -1};
    struct ssh_conn *c = open_ok(ws, &as);
    char local[200], remote_dir[200], want[256], path[256], buf[256];
    snprintf(local, sizeof(local), "%s/server.pem", lab.dir);
    snprintf(remote_dir, sizeof(remote_dir), "%s/remote", lab.dir);
    mkdir(remote_dir, 0755);
    const char *content = "-----BEGIN CERTIFICATE-----\nMIIB fake\n-----END CERTIFICATE-----\n";
    write_text(local, content);
    struct ssh_conn_error err;
    if (scp_upload(c, local, remote_dir, path, sizeof(path), 0, &err) != 0)
        fail_msg("%s", err.message);
    snprintf(want, sizeof(want), "%s/server.pem", remote_dir);
    assert_string_equal(path, want);
    assert_string_equal(slurp(want, buf, sizeof(buf)), content);

    snprintf(remote_dir, sizeof(remote_dir), "%s/missing-dir", lab.dir);
    assert_int_equal(scp_upload(c, local, remote_dir, path, sizeof(path), 0, &err), -1);
    assert_int_equal(err.code, SSHC_E_TRANSFER);

    /* the copy is accepted but no server.pem is there afterwards (the name leads to
     * /dev/null): the read-back fails, in words that say so (rotwiz checks nothing else) */
    snprintf(remote_dir, sizeof(remote_dir), "%s/swallowed", lab.dir);
    mkdir(remote_dir, 0755);
    snprintf(want, sizeof(want), "%s/server.pem", remote_dir);
    assert_int_equal(symlink("/dev/null", want), 0);
    assert_int_equal(scp_upload(c, local, remote_dir, path, sizeof(path), 0, &err), -1);
    assert_int_equal(err.code, SSHC_E_TRANSFER);
    assert_non_null(strstr(err.message, "cannot be read back"));
    ssh_conn_close(c);
    waitset_free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_known_host_connects_and_exec, test_setup),
        cmocka_unit_test_setup(test_unknown_host_refused_by_operator, test_setup),
        cmocka_unit_test_setup(test_unknown_host_accepted_is_recorded, test_setup),
        cmocka_unit_test_setup(test_slow_host_key_answer_reconnects, test_setup),
        cmocka_unit_test_setup(test_unknown_host_in_batch_says_how, test_setup),
        cmocka_unit_test_setup(test_changed_host_key_always_refused, test_setup),
        cmocka_unit_test_setup(test_revoked_host_key_refused, test_setup),
        cmocka_unit_test_setup(test_wrong_identity_is_auth_error, test_setup),
        cmocka_unit_test_setup(test_connect_refused_is_connect_error, test_setup),
        cmocka_unit_test_setup(test_ssh_config_honoured, test_setup),
        cmocka_unit_test_setup(test_pty_shell_stream, test_setup),
        cmocka_unit_test_setup(test_lunacm_session_over_ssh, test_setup),
        cmocka_unit_test_setup(test_exec_timeout_and_cancel, test_setup),
        cmocka_unit_test_setup(test_upload_file, test_setup),
    };
    if (access(SSHD, X_OK) != 0)
        printf("sshd not found at " SSHD ": SSH tests skipped\n");
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
