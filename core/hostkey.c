/* hostkey.c: known_hosts check, fingerprint, question, recording. */
#include "hostkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hostkey_fingerprint(ssh_session s, char *buf, size_t len, char *type, size_t typelen)
{
    ssh_key key = NULL;
    unsigned char *hash = NULL;
    size_t hlen = 0;
    char *fp = NULL;
    int rc = -1;
    if (ssh_get_server_publickey(s, &key) != SSH_OK) {
        snprintf(buf, len, "the server sent no host key");
        goto out;
    }
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != SSH_OK) {
        snprintf(buf, len, "cannot hash the server's host key");
        goto out;
    }
    fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
    if (!fp) {
        snprintf(buf, len, "cannot format the host key fingerprint");
        goto out;
    }
    snprintf(buf, len, "%s", fp);
    if (type)
        snprintf(type, typelen, "%s", ssh_key_type_to_char(ssh_key_type(key)));
    rc = 0;
out:
    ssh_string_free_char(fp);
    ssh_clean_pubkey_hash(&hash);
    ssh_key_free(key);
    return rc;
}

/* "host" for port 22, "[host]:port" otherwise: how known_hosts names a server. */
static void hostkey_name(char *buf, size_t len, const char *host, int port)
{
    if (port == 22 || port <= 0)
        snprintf(buf, len, "%s", host);
    else
        snprintf(buf, len, "[%s]:%d", host, port);
}

/* Walks the entries of the known_hosts file PATH (blank lines and comments skipped): the
 * 1-based line of the first one MATCH accepts, or 0. */
static long known_hosts_scan(const char *path, bool (*match)(const char *entry, void *ud),
                             void *ud)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    long no = 0, found = 0;
    while (!found && getline(&line, &cap, fp) >= 0) {
        no++;
        line[strcspn(line, "\r\n")] = '\0';
        const char *p = line + strspn(line, " \t");
        if (*p != '\0' && *p != '#' && match(p, ud))
            found = no;
    }
    free(line);
    fclose(fp);
    return found;
}

struct entry_match {
    const char *name;       /* "host" or "[host]:port" */
    ssh_key key;            /* revoked_line: the server's key */
};

/* libssh parses the entry and matches plain, pattern and hashed host names. */
static bool names_host(const char *entry, void *ud)
{
    const struct entry_match *m = ud;
    struct ssh_knownhosts_entry *e = NULL;
    bool yes = ssh_known_hosts_parse_line(m->name, entry, &e) == SSH_OK;
    ssh_knownhosts_entry_free(e);
    return yes;
}

long hostkey_find_line(const char *path, const char *host, int port)
{
    char name[300];
    hostkey_name(name, sizeof(name), host, port);
    struct entry_match m = {name, NULL};
    return known_hosts_scan(path, names_host, &m);
}

/* A "@revoked" entry naming the host and holding the server's key. */
static bool revokes_key(const char *entry, void *ud)
{
    const struct entry_match *m = ud;
    if (strncmp(entry, "@revoked", 8) != 0 || (entry[8] != ' ' && entry[8] != '\t'))
        return false;
    entry += 8 + strspn(entry + 8, " \t");
    struct ssh_knownhosts_entry *e = NULL;
    bool yes = ssh_known_hosts_parse_line(m->name, entry, &e) == SSH_OK && e->publickey &&
               ssh_key_cmp(e->publickey, m->key, SSH_KEY_CMP_PUBLIC) == 0;
    ssh_knownhosts_entry_free(e);
    return yes;
}

/* Line (1-based) of a "@revoked" entry of PATH that names HOST:PORT (as NAME) and holds KEY,
 * or 0. libssh skips marker lines, so without this a revoked key would look merely unknown
 * (and could be accepted) or, listed again below, known. */
static long revoked_line(const char *path, const char *name, const ssh_key key)
{
    struct entry_match m = {name, key};
    return known_hosts_scan(path, revokes_key, &m);
}

/* HOSTKEY_REFUSED with MSG when the server's key is revoked in KNOWN_HOSTS, else HOSTKEY_OK. */
static enum hostkey_result check_revoked(ssh_session s, const char *host, int port,
                                         const char *name, const char *known_hosts, char *msg,
                                         size_t msglen)
{
    ssh_key key = NULL;
    if (known_hosts == NULL || ssh_get_server_publickey(s, &key) != SSH_OK)
        return HOSTKEY_OK;   /* no key: hostkey_verify's own checks say so */
    long line = revoked_line(known_hosts, name, key);
    ssh_key_free(key);
    if (line == 0)
        return HOSTKEY_OK;
    char fp[128], type[64];
    if (hostkey_fingerprint(s, fp, sizeof fp, type, sizeof type) != 0)
        snprintf(type, sizeof type, "?");
    /* Never advise fetching the key again: a revoked key is withdrawn on purpose. */
    snprintf(msg, msglen,
             "the SSH host key of %s:%d (%s %s) is REVOKED: %s line %ld marks it @revoked, "
             "so it must never be trusted again (it may have been compromised). Refused. "
             "Contact the appliance's administrator; connect only once the appliance has a new "
             "host key they confirm", host, port, type, fp, known_hosts, line);
    return HOSTKEY_REFUSED;
}

static enum hostkey_result hostkey_ask(ssh_session s, const char *host, int port,
                                       const char *known_hosts, const struct core_sink *sink,
                                       char *msg, size_t msglen)
{
    char fp[128], type[64], hp[300], prompt[1024];
    if (hostkey_fingerprint(s, fp, sizeof(fp), type, sizeof(type)) != 0) {
        snprintf(msg, msglen, "%s:%d: %s", host, port, fp);
        return HOSTKEY_ERROR;
    }
    snprintf(hp, sizeof(hp), "%s:%d", host, port);
    snprintf(prompt, sizeof(prompt),
             "The SSH host key of %s is not known yet (not in %s).\n"
             "Key type %s, fingerprint %s\n"
             "Compare this fingerprint with the one the appliance's administrator reads on the "
             "appliance. Accept it only if they match; it is then added to %s.",
             hp, known_hosts, type, fp, known_hosts);
    struct core_ask q = {.type = ASK_HOST_KEY, .title = "Unknown SSH host key", .prompt = prompt,
                         .host = hp, .fingerprint = fp};
    struct core_answer a = {0};
    switch (core_ask(sink, &q, &a)) {
    case ASK_ANSWERED:
        break;
    case ASK_CANCELLED:
        snprintf(msg, msglen, "the host key question for %s was cancelled", hp);
        return HOSTKEY_CANCELLED;
    default:
        snprintf(msg, msglen,
                 "the SSH host key of %s is unknown (%s %s) and cannot be confirmed in batch "
                 "mode. Check the fingerprint with the appliance's administrator, then add it "
                 "with `ssh-keyscan -p %d %s >> %s` (and compare `ssh-keygen -lf %s`), or run "
                 "the wizard once to accept it",
                 hp, type, fp, port, host, known_hosts, known_hosts);
        return HOSTKEY_REFUSED;
    }
    if (!a.yes) {
        snprintf(msg, msglen, "the SSH host key of %s (%s) was refused by the operator", hp, fp);
        return HOSTKEY_REFUSED;
    }
    if (ssh_session_update_known_hosts(s) != SSH_OK) {
        snprintf(msg, msglen, "cannot add the host key of %s to %s: %s", hp, known_hosts,
                 ssh_get_error(s));
        return HOSTKEY_ERROR;
    }
    return HOSTKEY_OK;
}

enum hostkey_result hostkey_verify(ssh_session s, const char *host, int port,
                                   const char *known_hosts, const struct core_sink *sink,
                                   char *msg, size_t msglen)
{
    char fp[128], type[64], name[300];
    long line;
    hostkey_name(name, sizeof(name), host, port);
    if (check_revoked(s, host, port, name, known_hosts, msg, msglen) != HOSTKEY_OK)
        return HOSTKEY_REFUSED;
    switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
        return HOSTKEY_OK;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        return hostkey_ask(s, host, port, known_hosts, sink, msg, msglen);
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        if (hostkey_fingerprint(s, fp, sizeof(fp), type, sizeof(type)) != 0)
            snprintf(type, sizeof(type), "?");
        line = hostkey_find_line(known_hosts, host, port);
        snprintf(msg, msglen,
                 "the SSH host key of %s:%d does NOT match the one recorded in %s line %ld "
                 "(the server now shows %s %s). Someone may be intercepting the connection, or "
                 "the appliance was re-installed. Refused. If the change is expected and "
                 "confirmed by the appliance's administrator, remove line %ld of %s "
                 "(`ssh-keygen -R '%s' -f %s`) and connect again to check the new key",
                 host, port, known_hosts, line, type, fp, line, known_hosts, name, known_hosts);
        return HOSTKEY_REFUSED;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
        snprintf(msg, msglen, "cannot check the host key of %s:%d against %s: %s", host, port,
                 known_hosts, ssh_get_error(s));
        return HOSTKEY_ERROR;
    }
}
