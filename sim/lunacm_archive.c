/* lunacm_archive.c: partition archive backup/restore/list/contents (placeholder). */
#include "lunacm.h"

unsigned long lcm_cmd_archive_backup(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    if (!lcm_co_logged_in(c))
        return LCM_USER_NOT_LOGGED_IN;
    return LCM_OPERATION_NOT_ALLOWED;
}

unsigned long lcm_cmd_archive_restore(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    if (!lcm_co_logged_in(c))
        return LCM_USER_NOT_LOGGED_IN;
    return LCM_OPERATION_NOT_ALLOWED;
}

unsigned long lcm_cmd_archive_list(struct lcm *c, const struct lcm_args *a)
{
    (void)c;
    (void)a;
    return LCM_OPERATION_NOT_ALLOWED;
}

unsigned long lcm_cmd_archive_contents(struct lcm *c, const struct lcm_args *a)
{
    (void)c;
    (void)a;
    return LCM_OPERATION_NOT_ALLOWED;
}
