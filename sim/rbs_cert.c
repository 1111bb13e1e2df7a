/* rbs_cert.c: key pair, self-signed certificate, encrypted key file, fingerprints (OpenSSL 3). */
#include "rbs_cert.h"
#include "rbs_link.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rbs_cert_make(const char *common_name, EVP_PKEY **key, X509 **cert, char *err,
                  size_t errlen)
{
    *key = EVP_EC_gen("P-256");
    *cert = X509_new();
    unsigned char serial[8];
    BIGNUM *bn = NULL;
    if (!*key || !*cert || RAND_bytes(serial, sizeof serial) != 1)
        goto fail;
    serial[0] &= 0x7f; /* a positive serial number */
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(*cert)))
        goto fail;
    X509_set_version(*cert, 2);
    X509_gmtime_adj(X509_getm_notBefore(*cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(*cert), 10L * 365 * 24 * 3600);
    X509_NAME *name = X509_get_subject_name(*cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"rotwiz-sim",
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)common_name,
                               -1, -1, 0);
    X509_set_issuer_name(*cert, name);
    if (X509_set_pubkey(*cert, *key) != 1 || X509_sign(*cert, *key, EVP_sha256()) <= 0)
        goto fail;
    BN_free(bn);
    return 0;
fail:
    snprintf(err, errlen, "cannot make the RBS certificate: %s",
             ERR_reason_error_string(ERR_get_error()));
    BN_free(bn);
    EVP_PKEY_free(*key);
    X509_free(*cert);
    *key = NULL;
    *cert = NULL;
    return -1;
}

/* Opens PATH.tmp with MODE for writing (mode is applied even if the file existed). */
static FILE *open_tmp(const char *path, char *tmp, size_t tmplen, mode_t mode)
{
    snprintf(tmp, tmplen, "%s.tmp", path);
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return NULL;
    fchmod(fd, mode);
    FILE *f = fdopen(fd, "w");
    if (!f)
        close(fd);
    return f;
}

static int finish_tmp(FILE *f, int ok, const char *tmp, const char *path)
{
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        ok = 0;
    if (fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) == 0)
        return 0;
    unlink(tmp);
    return -1;
}

int rbs_cert_save(X509 *cert, EVP_PKEY *key, const char *cert_path, const char *key_path,
                  const char *password, char *err, size_t errlen)
{
    char tmp[1100];
    FILE *f = open_tmp(key_path, tmp, sizeof tmp, 0600);
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", key_path, strerror(errno));
        return -1;
    }
    int ok = PEM_write_PKCS8PrivateKey(f, key, EVP_aes_256_cbc(), password,
                                       (int)strlen(password), NULL, NULL) == 1;
    if (finish_tmp(f, ok, tmp, key_path) != 0) {
        snprintf(err, errlen, "cannot write %s", key_path);
        return -1;
    }
    f = open_tmp(cert_path, tmp, sizeof tmp, 0644);
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", cert_path, strerror(errno));
        return -1;
    }
    ok = PEM_write_X509(f, cert) == 1;
    if (finish_tmp(f, ok, tmp, cert_path) != 0) {
        snprintf(err, errlen, "cannot write %s", cert_path);
        return -1;
    }
    return 0;
}

/* Hands OpenSSL the password; never prompts. */
static int password_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *pw = u;
    int n = (int)strlen(pw);
    if (n > size)
        return -1;
    memcpy(buf, pw, (size_t)n);
    return n;
}

EVP_PKEY *rbs_cert_load_key(const char *key_path, const char *password, char *err,
                            size_t errlen)
{
    FILE *f = fopen(key_path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", key_path, strerror(errno));
        return NULL;
    }
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, password_cb, (void *)password);
    fclose(f);
    if (!key)
        snprintf(err, errlen, "incorrect RBS password (cannot decrypt %s)", key_path);
    ERR_clear_error();
    return key;
}

X509 *rbs_cert_load_cert(const char *cert_path, char *err, size_t errlen)
{
    FILE *f = fopen(cert_path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", cert_path, strerror(errno));
        return NULL;
    }
    X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!cert)
        snprintf(err, errlen, "%s holds no PEM certificate", cert_path);
    ERR_clear_error();
    return cert;
}

int rbs_cert_sha256(X509 *cert, char out_hex[65])
{
    unsigned char *der = NULL;
    unsigned char md[32];
    unsigned int mdlen = 0;
    int len = i2d_X509(cert, &der);
    if (len <= 0)
        return -1;
    int ok = EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32;
    OPENSSL_free(der);
    if (!ok)
        return -1;
    for (unsigned i = 0; i < 32; i++)
        snprintf(out_hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

int rbs_cert_sha256_file(const char *pem_path, char out_hex[65])
{
    char err[256];
    out_hex[0] = '\0';
    X509 *cert = rbs_cert_load_cert(pem_path, err, sizeof err);
    if (!cert)
        return -1;
    int rc = rbs_cert_sha256(cert, out_hex);
    X509_free(cert);
    return rc;
}
