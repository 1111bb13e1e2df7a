/* rbs_link.c: the k570 side of the RBS link (protocol in rbs_link.h). The server certificate is
 * pinned by its SHA-256 instead of verified against a CA, like a certificate registered with
 * `vtl addServer`. */
#include "rbs_cert.h"
#include "rbs_link.h"
#include "ws_net.h"
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static void copy_field(char *dst, size_t len, json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    snprintf(dst, len, "%s", s ? s : "");
}

/* Sends HELLO and parses the one-line JSON answer. */
static int hello(SSL *ssl, struct rbs_hsm_info *info, char *err, size_t errlen)
{
    char line[1024];
    size_t n = 0;
    if (SSL_write(ssl, "HELLO\n", 6) != 6) {
        snprintf(err, errlen, "the Remote Backup Server closed the connection");
        return RBS_LINK_UNREACHABLE;
    }
    while (n + 1 < sizeof line) {
        char c;
        if (SSL_read(ssl, &c, 1) != 1) {
            snprintf(err, errlen, "no answer from the Remote Backup Server");
            return RBS_LINK_UNREACHABLE;
        }
        if (c == '\n')
            break;
        line[n++] = c;
    }
    line[n] = '\0';
    json_error_t jerr;
    json_t *ans = json_loads(line, 0, &jerr);
    if (!json_is_object(ans)) {
        snprintf(err, errlen, "unreadable answer from the Remote Backup Server");
        json_decref(ans);
        return RBS_LINK_UNREACHABLE;
    }
    int rc = RBS_LINK_OK;
    const char *e = json_string_value(json_object_get(ans, "error"));
    if (e || !json_string_value(json_object_get(ans, "serial"))) {
        snprintf(err, errlen, "%s", e ? e : "no Backup HSM");
        rc = RBS_LINK_NO_HSM;
    } else {
        copy_field(info->serial, sizeof info->serial, ans, "serial");
        copy_field(info->model, sizeof info->model, ans, "model");
        copy_field(info->firmware, sizeof info->firmware, ans, "firmware");
    }
    json_decref(ans);
    return rc;
}

int rbs_link_query(const char *address, int port, const char *cert_sha256_hex, int timeout_ms,
                   struct rbs_hsm_info *info, char *err, size_t errlen)
{
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    X509 *peer = NULL;
    char got[65];
    int rc = RBS_LINK_UNREACHABLE;
    memset(info, 0, sizeof *info);
    int fd = wsnet_connect(address, port, timeout_ms, err, errlen);
    if (fd < 0)
        return RBS_LINK_UNREACHABLE;
    wsnet_set_timeouts(fd, timeout_ms);
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || !(ssl = SSL_new(ctx))) {
        snprintf(err, errlen, "cannot start TLS");
        goto out;
    }
    /* No CA: the pinned fingerprint below is the whole trust decision. */
    SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        snprintf(err, errlen, "TLS handshake with %s:%d failed", address, port);
        goto out;
    }
    peer = SSL_get1_peer_certificate(ssl);
    if (!peer || rbs_cert_sha256(peer, got) != 0) {
        snprintf(err, errlen, "the Remote Backup Server presented no certificate");
        rc = RBS_LINK_BAD_CERT;
        goto out;
    }
    if (!cert_sha256_hex || strcasecmp(got, cert_sha256_hex) != 0) {
        snprintf(err, errlen, "the Remote Backup Server at %s:%d presented a certificate that "
                              "is not registered (sha256 %.16s...)", address, port, got);
        rc = RBS_LINK_BAD_CERT;
        goto out;
    }
    rc = hello(ssl, info, err, errlen);
    if (rc == RBS_LINK_OK)
        SSL_shutdown(ssl);
out:
    ERR_clear_error();
    X509_free(peer);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return rc;
}
