/* lab_keys.c: generation of the lab's SSH keys with libssh's pki API (see lab_keys.h). */
#include "lab_keys.h"
#include <errno.h>
#include <libssh/libssh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int write_private(ssh_key key, const char *path, char *err, size_t errlen)
{
    unlink(path); /* libssh refuses nothing, but a stale 0644 file would keep its mode */
    if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path) != SSH_OK ||
        chmod(path, 0600) != 0) {
        snprintf(err, errlen, "cannot write the key %s", path);
        return -1;
    }
    return 0;
}

int lab_keys_generate(const char *dir, char *err, size_t errlen)
{
    char sshdir[SIM_TEXT + 8], path[SIM_TEXT + 64];
    ssh_key host = NULL, client = NULL;
    int rc = -1;

    snprintf(sshdir, sizeof sshdir, "%s/ssh", dir);
    if (mkdir(sshdir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", sshdir, strerror(errno));
        return -1;
    }
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &host) != SSH_OK ||
        ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &client) != SSH_OK) {
        snprintf(err, errlen, "cannot generate an ed25519 key");
        goto out;
    }
    snprintf(path, sizeof path, "%s/host_ed25519", sshdir);
    if (write_private(host, path, err, errlen) != 0)
        goto out;
    snprintf(path, sizeof path, "%s/client_ed25519", sshdir);
    if (write_private(client, path, err, errlen) != 0)
        goto out;
    snprintf(path, sizeof path, "%s/client_ed25519.pub", sshdir);
    unlink(path);
    if (ssh_pki_export_pubkey_file(client, path) != SSH_OK || chmod(path, 0600) != 0) {
        snprintf(err, errlen, "cannot write the key %s", path);
        goto out;
    }
    rc = 0;
out:
    ssh_key_free(host);
    ssh_key_free(client);
    return rc;
}

int lab_keys_known_hosts_line(const char *address, int port, const char *keytype,
                              const char *b64, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "[%s]:%d %s %s", address, port, keytype, b64);
    return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

int lab_keys_write_known_hosts(const struct sim_lab_params *p, char *err, size_t errlen)
{
    char path[SIM_TEXT + 64], line[1024];
    ssh_key priv = NULL;
    char *b64 = NULL;
    FILE *f = NULL;
    int rc = -1;

    snprintf(path, sizeof path, "%s/ssh/host_ed25519", p->dir);
    if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &priv) != SSH_OK ||
        ssh_pki_export_pubkey_base64(priv, &b64) != SSH_OK) {
        snprintf(err, errlen, "cannot read the host key %s", path);
        goto out;
    }
    snprintf(path, sizeof path, "%s/ssh/known_hosts", p->dir);
    f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    for (size_t i = 0; i < p->appliance_count; i++) {
        const struct sim_appliance_params *a = &p->appliances[i];
        if (lab_keys_known_hosts_line(a->address, a->port, ssh_key_type_to_char(
                                          ssh_key_type(priv)), b64, line, sizeof line) != 0)
            goto out;
        fprintf(f, "%s\n", line);
    }
    if (fclose(f) != 0) {
        f = NULL;
        snprintf(err, errlen, "cannot write %s", path);
        goto out;
    }
    f = NULL;
    rc = 0;
out:
    if (f)
        fclose(f);
    ssh_string_free_char(b64);
    ssh_key_free(priv);
    return rc;
}
