/* faults.c: the table of faults a lab can simulate (see faults.h). */
#include "faults.h"
#include <string.h>

const struct sim_fault sim_faults[] = {
    {"rbs-down", "rbs s fails to start on the workstation; its port never opens"},
    {"rbs-wrong-cert", "rbs s serves a fresh certificate, not server.pem (vtl check fails)"},
    {"backup-hsm-missing", "no Backup HSM is attached to the workstation"},
    {"backup-partition-exists", "the Backup HSM already holds a rot-backup partition (3 objects)"},
    {"backup-hsm-full", "the Backup HSM has no room for another partition"},
    {"domain-mismatch", "the target partition has another cloning domain (a restore fails at "
                        "the first object; the target stays as it was)"},
    {"old-backup-firmware", "the Backup HSM runs firmware 7.3.0, too old for the k570"},
    {"target-not-empty", "the target's root-of-trust partition already holds 2 objects"},
    {"ssh-drop-during-backup", "the SSH connection to the source drops half-way (once)"},
    {"ssh-drop-during-restore", "the SSH connection to the target drops half-way (once)"},
    {"ped-timeout", "the PED never presents the requested key"},
    {"ped-wrong-key", "the PED presents a key of another colour than requested"},
    {"hostile-labels", "the source's objects are labelled like lunacm's protocol: a Command "
                       "Result line, the proceed question, an SO password prompt, an ESC "
                       "sequence"},
    {"pedserver-down", "pedserver -mode start says it started, but nothing listens"},
    {NULL, NULL},
};

bool faults_is_valid(const char *name)
{
    for (const struct sim_fault *f = sim_faults; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return true;
    return false;
}

void faults_print(FILE *out)
{
    for (const struct sim_fault *f = sim_faults; f->name; f++)
        fprintf(out, "  %-26s %s\n", f->name, f->description);
}
