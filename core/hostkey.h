/* hostkey.h: checking an SSH server's host key against a known_hosts file, and asking the
 * operator about an unknown one.
 *
 * Known key: go on. Unknown key (or no known_hosts file yet): show the SHA256 fingerprint
 * and ask (ASK_HOST_KEY); accepted keys are appended to that file. Without a way to ask
 * (batch mode), refuse and say how to accept the key by hand. A key that differs from the
 * recorded one is ALWAYS refused, naming the file and line to fix. A key marked "@revoked" for
 * that host is ALWAYS refused as revoked, whatever else the file says. */
#ifndef ROTWIZ_HOSTKEY_H
#define ROTWIZ_HOSTKEY_H
#include <stddef.h>
#include <libssh/libssh.h>
#include "core_event.h"

/* Outcome of hostkey_verify(). */
enum hostkey_result {
    HOSTKEY_OK = 0,        /* known, or accepted by the operator (and recorded) */
    HOSTKEY_REFUSED,       /* unknown and refused, or changed: do not connect */
    HOSTKEY_CANCELLED,     /* the operator cancelled the question */
    HOSTKEY_ERROR          /* could not read or write the files, or no key */
};

/* The server key's fingerprint, OpenSSH style ("SHA256:<base64 without padding>"), and its
 * type name ("ssh-ed25519"). Returns 0, or -1 with buf set to an explanation. */
int hostkey_fingerprint(ssh_session s, char *buf, size_t len, char *type, size_t typelen);

/* Line number (1-based) of the first entry for HOST:PORT in the known_hosts file PATH
 * (plain or hashed entries), or 0 when there is none. */
long hostkey_find_line(const char *path, const char *host, int port);

/* Checks the connected session's host key against KNOWN_HOSTS (the file set as the session's
 * SSH_OPTIONS_KNOWNHOSTS) and asks SINK when it is unknown. MSG gets the reason for any result
 * other than HOSTKEY_OK. */
enum hostkey_result hostkey_verify(ssh_session s, const char *host, int port,
                                   const char *known_hosts, const struct core_sink *sink,
                                   char *msg, size_t msglen);

#endif
