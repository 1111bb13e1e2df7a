/* faults.c: the table of faults a lab can simulate (see faults.h). */
#include "faults.h"
#include <string.h>

const struct sim_fault sim_faults[] = {
    {"rbs-down", "the Remote Backup Server on the workstation refuses connections"},
    {"rbs-wrong-cert", "rbs serves a certificate other than the one registered with vtl"},
    {"backup-hsm-missing", "no Backup HSM is attached to the workstation"},
    {"backup-partition-exists", "the Backup HSM already holds a partition of that name"},
    {"backup-hsm-full", "the Backup HSM has no room for another partition"},
    {"domain-mismatch", "the target partition belongs to another cloning domain"},
    {"old-backup-firmware", "the Backup HSM firmware is too old for the k570"},
    {"target-not-empty", "the target's root-of-trust partition already holds objects"},
    {"ssh-drop-during-backup", "the SSH connection to the source drops during the backup"},
    {"ssh-drop-during-restore", "the SSH connection to the target drops during the restore"},
    {"ped-timeout", "the PED never presents the requested key"},
    {"ped-wrong-key", "the PED presents a key of another colour than requested"},
    {"pedserver-down", "the PEDServer on the workstation refuses connections"},
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
