/* rbs_serve.c: `rbs s -port P`, the Remote Backup Server in the foreground. One forked child
 * per TLS connection answers "HELLO" with the enabled Backup HSM (protocol in rbs_link.h).
 * Faults: rbs-down (accepts the password, prints an error, exits 1: the port never opens),
 * rbs-wrong-cert (serves a fresh certificate instead of server.pem). */
#include "rbs_cert.h"
#include "lab_words.h"
#include "rbs_tool.h"
#include "secret_events.h"
#include "state_store.h"
#include "ws_net.h"
#include "ws_util.h"
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RBS_IO_TIMEOUT_MS 5000

static volatile sig_atomic_t rbs_stop;

static void on_stop(int sig)
{
    (void)sig;
    rbs_stop = 1;
}

struct rbs_server {
    const struct sim_lab_params *p;
    SSL_CTX *ctx;
};

/* The answer to HELLO: the enabled Backup HSM, read fresh from state.json. */
static char *hello_answer(const struct sim_lab_params *p)
{
    struct rbs_hsm_info hsm;
    char err[300], enabled[64] = "";
    struct state_handle h;
    json_t *ans = NULL;
    if (state_open(p->dir, &h, err, sizeof err) == 0) {
        const char *s = json_string_value(json_object_get(json_object_get(h.root, "rbs"),
                                                          "device_serial"));
        snprintf(enabled, sizeof enabled, "%s", s ? s : "");
        state_close(&h);
    }
    if (rbs_backup_attached(p, &hsm, err, sizeof err) != 0)
        ans = json_pack("{s:s}", "error", err);
    else if (!*enabled)
        ans = json_pack("{s:s}", "error", "no Backup HSM is enabled (rbs --config)");
    else if (strcmp(enabled, hsm.serial) != 0)
        ans = json_pack("{s:s}", "error", "the enabled Backup HSM is not attached");
    else
        ans = json_pack("{s:s, s:s, s:s}", "serial", hsm.serial, "model", hsm.model,
                        "firmware", hsm.firmware);
    char *text = json_dumps(ans, JSON_COMPACT);
    json_decref(ans);
    return text;
}

/* Reads one "\n"-terminated line through TLS (socket timeouts bound every read). */
static int ssl_read_line(SSL *ssl, char *buf, size_t len)
{
    size_t n = 0;
    while (n + 1 < len) {
        char c;
        if (SSL_read(ssl, &c, 1) != 1)
            return -1;
        if (c == '\n')
            break;
        buf[n++] = c;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return (int)n;
}

static int handle_client(int fd, void *ud)
{
    struct rbs_server *srv = ud;
    char line[128];
    wsnet_set_timeouts(fd, RBS_IO_TIMEOUT_MS);
    SSL *ssl = SSL_new(srv->ctx);
    if (!ssl)
        return 1;
    SSL_set_fd(ssl, fd);
    int status = 1;
    if (SSL_accept(ssl) != 1)
        goto out; /* not a TLS client, or it gave up: nothing to say */
    if (ssl_read_line(ssl, line, sizeof line) < 0)
        goto out;
    lab_latency(srv->p);
    char *ans = strcmp(line, "HELLO") == 0 ? hello_answer(srv->p)
                                           : strdup("{\"error\":\"unknown request\"}");
    if (ans) {
        size_t n = strlen(ans);
        ans[n] = '\n'; /* json_dumps leaves room: overwrite the NUL, write n + 1 bytes */
        status = SSL_write(ssl, ans, (int)n + 1) == (int)n + 1 ? 0 : 1;
        ans[n] = '\0';
        printf("RBS: %s request answered: %s\n", strcmp(line, "HELLO") == 0 ? "HELLO"
                                                                              : "unknown", ans);
        free(ans);
    }
    SSL_shutdown(ssl);
out:
    SSL_free(ssl);
    return status;
}

static SSL_CTX *make_ctx(X509 *cert, EVP_PKEY *key, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(err, errlen, "the server key does not match server.pem");
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static int parse_port(const struct sim_lab_params *p, int argc, char **argv)
{
    int port = p->rbs_port;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-port") == 0 || strcmp(argv[i], "--port") == 0) && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 0 || v > 65535)
                return -1;
            port = (int)v;
        } else {
            return -1;
        }
    }
    return port;
}

int rbs_serve_main(const struct sim_lab_params *p, int argc, char **argv)
{
    char cert_path[600], key_path[600], pw[256], err[400], serial[64] = "";
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    SSL_CTX *ctx = NULL;
    int lfd = -1, status = 1;
    int port = parse_port(p, argc, argv);
    if (port < 0) {
        fprintf(stderr, "usage: rbs s [-port P]\n");
        return 2;
    }
    rbs_paths(p->dir, cert_path, sizeof cert_path, key_path, sizeof key_path);
    if (access(key_path, F_OK) != 0 || access(cert_path, F_OK) != 0) {
        fprintf(stderr, "Error: no server key in %s/lunaclient/rbs/server; run 'rbs --genkey' "
                        "first.\n", p->dir);
        return 1;
    }
    char prompt[128];
    lab_prompt_words(p, LP_RBS, NULL, prompt, sizeof prompt);
    if (ws_prompt_secret(prompt, pw, sizeof pw) != 0) {
        fprintf(stderr, "Error: no password given.\n");
        return 1;
    }
    rbs_check_secret(p, prompt, pw);
    key = rbs_cert_load_key(key_path, pw, err, sizeof err);
    OPENSSL_cleanse(pw, sizeof pw);
    if (!key) {
        fprintf(stderr, "Error: %s\n", err);
        return 1;
    }
    struct state_handle h;
    bool configured = false;
    if (state_open(p->dir, &h, err, sizeof err) == 0) {
        json_t *rbs = json_object_get(h.root, "rbs");
        configured = json_is_true(json_object_get(rbs, "configured"));
        const char *s = json_string_value(json_object_get(rbs, "device_serial"));
        snprintf(serial, sizeof serial, "%s", s ? s : "");
        state_close(&h);
    }
    if (!configured) {
        fprintf(stderr, "Error: the server is not configured; run 'rbs --config' first.\n");
        goto out;
    }
    lab_latency(p);
    printf("RBS: starting the Remote Backup Server on port %d\n", port);
    if (lab_has_fault(p, "rbs-down")) {
        /* The injected symptom: the service dies during start-up; the port never opens. */
        fprintf(stderr, "Error: RBS service failed to start (internal error 0x00000003).\n");
        goto out;
    }
    if (lab_has_fault(p, "rbs-wrong-cert")) {
        /* A certificate nobody registered: k570s holding server.pem refuse the server. */
        EVP_PKEY_free(key);
        if (rbs_cert_make("Remote Backup Server", &key, &cert, err, sizeof err) != 0)
            goto fail_err;
    } else if (!(cert = rbs_cert_load_cert(cert_path, err, sizeof err))) {
        goto fail_err;
    }
    if (!(ctx = make_ctx(cert, key, err, sizeof err)))
        goto fail_err;
    int bound = 0;
    const char *addr = p->ws_address[0] ? p->ws_address : "127.0.0.1";
    lfd = wsnet_listen(addr, port, &bound, err, sizeof err);
    if (lfd < 0)
        goto fail_err;
    rbs_stop = 0;
    wsnet_on_stop_signals(on_stop);
    ws_pid_write(p->dir, "rbs");
    json_t *pid = json_integer(getpid());
    ws_state_set(p->dir, "rbs", "serving_pid", pid);
    json_decref(pid);
    printf("RBS: %s\n", *serial ? "1 Backup HSM enabled" : "no Backup HSM enabled");
    printf("RBS: listening on %s:%d\n", addr, bound);
    printf("RBS is running. Press Ctrl-C to stop.\n");
    fflush(stdout);
    struct rbs_server srv = {p, ctx};
    wsnet_serve(lfd, handle_client, &srv, &rbs_stop);
    char path[600];
    ws_pid_path(p->dir, "rbs", path, sizeof path);
    unlink(path);
    pid = json_integer(0);
    ws_state_set(p->dir, "rbs", "serving_pid", pid);
    json_decref(pid);
    printf("RBS: stopped.\n");
    status = 0;
    goto out;
fail_err:
    fprintf(stderr, "Error: %s\n", err);
out:
    if (lfd >= 0)
        close(lfd);
    SSL_CTX_free(ctx);
    X509_free(cert);
    EVP_PKEY_free(key);
    return status;
}
