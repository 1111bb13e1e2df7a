/* lab_keys.h: the SSH keys of a simulated lab (DIR/ssh/): one ed25519 host key shared by every
 * appliance, the one client key ksadmin accepts, and the known_hosts that pins the host key. */
#ifndef SIM_LAB_KEYS_H
#define SIM_LAB_KEYS_H
#include "lab_params.h"
#include <stddef.h>

/* Generates DIR/ssh/host_ed25519 and DIR/ssh/client_ed25519 (+ .pub), OpenSSH format, mode
 * 0600, creating DIR/ssh (0700). Returns 0, or -1 with a message in err. */
int lab_keys_generate(const char *dir, char *err, size_t errlen);

/* Writes DIR/ssh/known_hosts with one "[ADDRESS]:PORT ssh-ed25519 BASE64" line per appliance of
 * P, from the public half of DIR/ssh/host_ed25519. Returns 0, or -1 with a message in err. */
int lab_keys_write_known_hosts(const struct sim_lab_params *p, char *err, size_t errlen);

/* Formats one known_hosts line (no newline) for ADDRESS:PORT into out. Pure; 0 or -1 if short. */
int lab_keys_known_hosts_line(const char *address, int port, const char *keytype,
                              const char *b64, char *out, size_t outlen);

#endif
