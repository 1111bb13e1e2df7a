/* flow_words.c: failures said in words, not only codes: what a result code means for the
 * ceremony (the cloning domains differ), and the last line a helper printed before it exited. */
#include "flow_words.h"
#include "flow_io.h"
#include "transcript.h"
#include <stdio.h>
#include <string.h>

bool flow_last_line(struct flow_ctx *fx, const char *host, char *buf, size_t len)
{
    *buf = '\0';
    if (!fx->transcript)
        return false;
    for (size_t i = tx_count(fx->transcript); i-- > 0;) {
        struct tx_entry e;
        char text[512];
        if (tx_get(fx->transcript, i, &e, text, sizeof text) != 0 || e.dir != TX_RECEIVED ||
            strcmp(e.host, host) != 0)
            continue;
        size_t n = strspn(text, " \t");
        if (!text[n])
            continue;
        snprintf(buf, len, "%s", text + n);
        return true;
    }
    return false;
}

int flow_archive_failed(struct flow_ctx *fx, const struct conv_result *r, const char *verb,
                        int rc)
{
    if (rc != EXIT_HSM || !r->luna.found || r->luna.code != LUNA_CKR_CERTIFICATE_INVALID)
        return rc;
    const char *name = fx->cfg.backup.partition;
    if (strcmp(verb, "backup") == 0)
        return flow_fail(fx, EXIT_HSM, fx->ped ? "Use the red (domain) key of the source's "
                         "partition, or another backup.partition." : "Set backup.domain to "
                         "the source partition's cloning domain, or use another "
                         "backup.partition.", "The archive backup failed: the cloning domain of "
                         "the source partition and that of the backup partition '%s' on the "
                         "Backup HSM differ, so no object can be cloned (Command Result "
                         "0x8000000b, CKR_CERTIFICATE_INVALID). Nothing was copied.", name);
    return flow_fail(fx, EXIT_HSM, fx->ped ? "Check the target partition was initialised with "
                     "the same red (domain) key as the source." : "Check backup.domain in the "
                     "configuration: the target partition must be in the source's cloning "
                     "domain (re-initialise it in that domain, then run again).", "The "
                     "archive restore failed: the cloning domain of the Backup HSM partition "
                     "'%s' (the source's) and that of the target partition differ, so no "
                     "object can be cloned (Command Result 0x8000000b, "
                     "CKR_CERTIFICATE_INVALID). The target was not changed.", name);
}
