/* fake_link.c: a stand-in for the RBS link, linked into rotwiz-sim-fakelink with
 * -Wl,--wrap so the device tests do not depend on the TLS link (tested by its own branch).
 * It keeps the contract of rbs_link.h: the Backup HSM answers only at the lab's workstation
 * address and RBS port, only to the certificate DIR/lunaclient/rbs/server/server.pem, and
 * reports no HSM under backup-hsm-missing. The lab folder comes from ROTWIZ_TEST_LAB_DIR. */
#include "lab_params.h"
#include "rbs_link.h"
#include "state_model.h"
#include "state_store.h"
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __wrap_rbs_cert_sha256_file(const char *pem_path, char out_hex[65]);
int __wrap_rbs_link_query(const char *address, int port, const char *cert_sha256_hex,
                          int timeout_ms, struct rbs_hsm_info *info, char *err, size_t errlen);

int __wrap_rbs_cert_sha256_file(const char *pem_path, char out_hex[65])
{
    FILE *f = fopen(pem_path, "r");
    if (!f)
        return -1;
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!x)
        return -1;
    unsigned char *der = NULL, md[32];
    unsigned int mdlen = 0;
    int len = i2d_X509(x, &der);
    X509_free(x);
    if (len <= 0)
        return -1;
    EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL);
    OPENSSL_free(der);
    for (int i = 0; i < 32; i++)
        sprintf(out_hex + 2 * i, "%02x", md[i]);
    out_hex[64] = '\0';
    return 0;
}

int __wrap_rbs_link_query(const char *address, int port, const char *cert_sha256_hex,
                          int timeout_ms, struct rbs_hsm_info *info, char *err, size_t errlen)
{
    struct sim_lab_params p;
    struct state_handle h;
    char path[600], sha[65];
    const char *dir = getenv("ROTWIZ_TEST_LAB_DIR");
    (void)timeout_ms;
    if (!dir || lab_params_load(dir, &p, err, errlen) != 0)
        return RBS_LINK_UNREACHABLE;
    if (strcmp(address, p.ws_address) != 0 || port != p.rbs_port) {
        snprintf(err, errlen, "connection refused");
        return RBS_LINK_UNREACHABLE;
    }
    snprintf(path, sizeof path, "%s/lunaclient/rbs/server/server.pem", dir);
    if (__wrap_rbs_cert_sha256_file(path, sha) != 0) {
        snprintf(err, errlen, "connection refused");
        return RBS_LINK_UNREACHABLE;
    }
    if (strcmp(sha, cert_sha256_hex) != 0) {
        snprintf(err, errlen, "certificate mismatch");
        return RBS_LINK_BAD_CERT;
    }
    if (lab_has_fault(&p, "backup-hsm-missing")) {
        snprintf(err, errlen, "no Backup HSM");
        return RBS_LINK_NO_HSM;
    }
    if (state_open(dir, &h, err, errlen) != 0)
        return RBS_LINK_UNREACHABLE;
    json_t *b = sm_hsm(h.root, "backup");
    snprintf(info->serial, sizeof info->serial, "%s", sm_str(b, "serial"));
    snprintf(info->model, sizeof info->model, "%s", sm_str(b, "model"));
    snprintf(info->firmware, sizeof info->firmware, "%s", sm_str(b, "firmware"));
    state_close(&h);
    return RBS_LINK_OK;
}
