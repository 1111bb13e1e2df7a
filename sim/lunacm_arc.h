/* lunacm_arc.h: what the archive commands (lunacm_archive.c, lunacm_arclist.c) share. */
#ifndef SIM_LUNACM_ARC_H
#define SIM_LUNACM_ARC_H
#include "lunacm.h"

/* What an archive command works with, read once before it starts. */
struct arc {
    int slot;                   /* the Net Admin Token Slot */
    const char *bpart;          /* the partition on the Backup HSM */
    char upart[64];             /* the k570 partition behind the current slot */
    char ulabel[64];
    char udomain[64];
    char ufw[32];
    char bfw[32];
    char bdomain[64];
    bool bzeroized;
    bool bexists;
    size_t bcount;              /* partitions on the Backup HSM */
    long long bmax;
};

/* Checks the Crypto Officer login and the -slot/-partition options and reads the state. */
unsigned long arc_prepare(struct lcm *c, const struct lcm_args *a, bool need_partition,
                          struct arc *x);

#endif
