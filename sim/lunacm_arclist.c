/* lunacm_arclist.c: `partition archive list` and `partition archive contents` (what the Backup
 * HSM holds). The login of `contents` (knob contents-login) and its layout (archive-listing,
 * empty-wording) are the lab's inventions. */
#include "lunacm_arc.h"
#include "secret_events.h"
#include "state_model.h"
#include <string.h>

unsigned long lcm_cmd_archive_list(struct lcm *c, const struct lcm_args *a)
{
    struct arc x;
    json_t *root = NULL;
    unsigned long rc = arc_prepare(c, a, false, &x);
    if (rc != LCM_OK)
        return rc;
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *parts = json_object_get(sm_hsm(root, "backup"), "partitions");
    size_t i;
    json_t *v;
    if (json_array_size(parts) == 0)
        lcm_say(c, "No partitions found on slot %d.", x.slot);
    json_array_foreach(parts, i, v) {
        char count[16];
        snprintf(count, sizeof count, "%zu", json_array_size(json_object_get(v, "objects")));
        lcm_arrow(c, "Partition Name", sm_str(v, "name"));
        lcm_arrow(c, "Serial Number", sm_str(v, "serial"));
        lcm_arrow(c, "Objects", count);
        lcm_blank(c);
    }
    json_decref(root);
    return LCM_OK;
}

/* The table layout of archive-listing=table: columns separated by two spaces. */
static void print_table(struct lcm *c, json_t *objs)
{
    size_t i;
    json_t *o;
    lcm_say(c, "Handle  Label  Type  UID");
    json_array_foreach(objs, i, o) {
        lcm_say(c, "%lld  %s  %s  %s", sm_int(o, "handle"), sm_str(o, "label"),
                sm_str(o, "type"), sm_str(o, "uid"));
    }
    if (json_array_size(objs) == 0)
        lcm_print_empty(c, true);
    else
        lcm_say(c, "Number of objects: %zu", json_array_size(objs));
}

/* Knob contents-login: into the backup partition (default), as the Backup HSM SO, or none. */
static unsigned long contents_login(struct lcm *c, const struct lcm_args *a, const struct arc *x)
{
    struct lcm_cred cred;
    if (lab_knob_is(&c->p, "contents-login", "none"))
        return LCM_OK;
    if (lab_knob_is(&c->p, "contents-login", "so"))
        return lcm_arc_so_login(c, a, x->slot);
    unsigned long rc = lcm_arc_part_cred(c, a, x->bpart, x->slot, &cred);
    if (rc == LCM_OK)
        rc = lcm_verify_co(c, "backup", x->bpart, &cred);
    memset(&cred, 0, sizeof cred);
    return rc;
}

unsigned long lcm_cmd_archive_contents(struct lcm *c, const struct lcm_args *a)
{
    struct arc x;
    json_t *root = NULL;
    unsigned long rc = arc_prepare(c, a, false, &x);
    if (rc != LCM_OK)
        return rc;
    if (!x.bpart || !x.bpart[0]) {
        lcm_error(c, "Missing required parameter -partition");
        return LCM_ARGUMENTS_BAD;
    }
    lcm_check_option(c, a, "password", "backup", SE_PART);
    lcm_check_option(c, a, "sopassword", "backup", SE_SO);
    if (!x.bexists) {
        lcm_error(c, "Partition %s was not found on slot %d", x.bpart, x.slot);
        return LCM_CONTAINER_INVALID;
    }
    rc = contents_login(c, a, &x);
    if (rc != LCM_OK)
        return rc;
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *objs = json_object_get(sm_partition(sm_hsm(root, "backup"), x.bpart), "objects");
    lcm_blank(c);
    if (lab_knob_is(&c->p, "archive-listing", "table"))
        print_table(c, objs);
    else
        lcm_print_objects(c, objs, false);
    json_decref(root);
    return LCM_OK;
}
