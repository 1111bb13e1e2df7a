/* rbs_cert.h: the Remote Backup Server's key pair and self-signed certificate (OpenSSL).
 * The key is EC P-256; on disk it is PKCS#8 PEM encrypted with AES-256 under the RBS password.
 * rbs_cert_sha256_file() is declared in rbs_link.h. */
#ifndef SIM_RBS_CERT_H
#define SIM_RBS_CERT_H
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>

/* Makes a fresh key pair and a self-signed certificate (CN = common_name, 10 years).
 * Returns 0, or -1 with err set. The caller frees both. */
int rbs_cert_make(const char *common_name, EVP_PKEY **key, X509 **cert, char *err,
                  size_t errlen);

/* Writes CERT to cert_path (0644) and KEY, encrypted with PASSWORD, to key_path (0600), each
 * through a temp file and rename. Returns 0, or -1 with err set. */
int rbs_cert_save(X509 *cert, EVP_PKEY *key, const char *cert_path, const char *key_path,
                  const char *password, char *err, size_t errlen);

/* Loads the encrypted key with PASSWORD. Returns the key, or NULL with err set ("incorrect
 * password" when it cannot be decrypted). */
EVP_PKEY *rbs_cert_load_key(const char *key_path, const char *password, char *err,
                            size_t errlen);

/* Loads the first certificate of a PEM file, or NULL with err set. */
X509 *rbs_cert_load_cert(const char *cert_path, char *err, size_t errlen);

/* Lowercase hex SHA-256 of CERT's DER encoding. 0 or -1. */
int rbs_cert_sha256(X509 *cert, char out_hex[65]);

#endif
