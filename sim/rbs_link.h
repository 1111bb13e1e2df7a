/* rbs_link.h: the link between a k570 and the Remote Backup Server on the workstation.
 *
 * Wire protocol (the lab's own; real RBS speaks something nobody has published):
 * TLS over TCP, the server presenting DIR/lunaclient/rbs/server/server.pem. The client checks
 * that the SHA-256 of the server certificate (DER) equals the one registered with
 * `vtl addServer`; a k570 holding another certificate cannot see the Backup HSM. Then the client
 * sends "HELLO\n" and the server answers one JSON line: {"serial":..,"model":..,"firmware":..}
 * for the attached Backup HSM, or {"error":"..."} when none is attached/configured.
 * Archive operations then act on DIR/state.json directly (under its lock). */
#ifndef SIM_RBS_LINK_H
#define SIM_RBS_LINK_H
#include <stddef.h>

struct rbs_hsm_info {
    char serial[64];
    char model[64];
    char firmware[32];
};

enum { RBS_LINK_OK = 0, RBS_LINK_UNREACHABLE = -1, RBS_LINK_BAD_CERT = -2, RBS_LINK_NO_HSM = -3 };

/* Client side (k570 lunacm). Returns an RBS_LINK_* code; err says why on failure. */
int rbs_link_query(const char *address, int port, const char *cert_sha256_hex, int timeout_ms,
                   struct rbs_hsm_info *info, char *err, size_t errlen);

/* SHA-256 (lowercase hex of the DER) of the first certificate in a PEM file. 0 or -1. */
int rbs_cert_sha256_file(const char *pem_path, char out_hex[65]);

#endif
