/* lunacm_partition.c: `partition contents` (FORMATS.md 3) and `partition clear`. */
#include "lunacm.h"
#include "state_model.h"
#include "state_store.h"
#include <string.h>

void lcm_print_objects(struct lcm *c, json_t *objs, bool public_only)
{
    size_t i, shown = 0;
    json_t *o;
    json_array_foreach(objs, i, o) {
        if (public_only && strcmp(sm_str(o, "type"), "Public Key") != 0)
            continue;
        if (shown == 0) {
            lcm_say(c, "Object list:");
        }
        fprintf(c->out, "\t%-15s%s\n", "Label:", sm_str(o, "label"));
        fprintf(c->out, "\t%-15s%lld\n", "Handle:", sm_int(o, "handle"));
        fprintf(c->out, "\t%-15s%s\n", "Object Type:", sm_str(o, "type"));
        fprintf(c->out, "\t%-15s%s\n", "Object UID:", sm_str(o, "uid"));
        lcm_blank(c);
        shown++;
    }
    if (shown == 0)
        lcm_print_empty(c, false);
    else
        lcm_say(c, "Number of objects: %zu", shown);
    fflush(c->out);
}

void lcm_print_empty(struct lcm *c, bool header_shown)
{
    /* Knob empty-wording: nobody has seen an empty partition listed. */
    if (lab_knob_is(&c->p, "empty-wording", "silent")) {
        if (!header_shown)
            lcm_say(c, "Object list:");
        return;
    }
    if (lab_knob_is(&c->p, "empty-wording", "none-found"))
        lcm_say(c, "No objects found in the partition.");
    lcm_say(c, "Number of objects: 0");
}

/* Copies the partition behind the current slot (NULL when the slot has none). */
static json_t *current_partition(struct lcm *c, json_t *root)
{
    json_t *hsm = sm_hsm(root, c->device);
    json_t *slot = sm_slot_by_id(hsm, c->cur_slot);
    if (!slot || strcmp(sm_str(slot, "description"), "User Token Slot") != 0)
        return NULL;
    return sm_partition(hsm, sm_str(slot, "partition"));
}

unsigned long lcm_cmd_partition_contents(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    json_t *root = NULL;
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *part = current_partition(c, root);
    unsigned long rc = LCM_OK;
    if (!part) {
        lcm_error(c, "The current slot holds no user partition");
        rc = LCM_OPERATION_NOT_ALLOWED;
    } else if (sm_bool(sm_hsm(root, c->device), "zeroized")) {
        lcm_error(c, "The HSM is zeroized");
        rc = LCM_TOKEN_NOT_PRESENT;
    } else if (lcm_co_logged_in(c)) {
        lcm_say(c, "The Crypto Officer is currently logged in.  Looking for objects in the");
        lcm_say(c, "Crypto Officer's partition.");
        lcm_blank(c);
        lcm_print_objects(c, json_object_get(part, "objects"), false);
    } else {
        /* Like the real tool: without a login only public objects are visible. */
        lcm_say(c, "No user is currently logged in.  Looking for public objects in the");
        lcm_say(c, "partition.");
        lcm_blank(c);
        lcm_print_objects(c, json_object_get(part, "objects"), true);
    }
    json_decref(root);
    return rc;
}

unsigned long lcm_cmd_partition_clear(struct lcm *c, const struct lcm_args *a)
{
    struct state_handle h;
    char err[512];
    if (!lcm_co_logged_in(c))
        return LCM_USER_NOT_LOGGED_IN;
    lcm_say(c, "You are about to delete all objects in the partition.");
    if (!lcm_arg(a, "force") && !lcm_confirm(c))
        return LCM_CANCELLED;
    if (state_open(c->p.dir, &h, err, sizeof err) != 0) {
        lcm_error(c, "%s", err);
        return LCM_OPERATION_NOT_ALLOWED;
    }
    json_t *part = current_partition(c, h.root);
    if (!part) {
        state_close(&h);
        return LCM_OPERATION_NOT_ALLOWED;
    }
    json_t *objs = json_object_get(part, "objects");
    size_t n = json_array_size(objs);
    json_array_clear(objs);
    state_commit(&h);
    lcm_blank(c);
    lcm_say(c, "%zu objects deleted from the partition.", n);
    return LCM_OK;
}

unsigned long lcm_cmd_partition_show(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    json_t *root = NULL;
    char count[16];
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *part = current_partition(c, root);
    if (!part) {
        json_decref(root);
        lcm_error(c, "The current slot holds no user partition");
        return LCM_OPERATION_NOT_ALLOWED;
    }
    bool zeroized = sm_bool(sm_hsm(root, c->device), "zeroized");
    snprintf(count, sizeof count, "%zu", json_array_size(json_object_get(part, "objects")));
    lcm_arrow_w(c, 32, "Partition Label", zeroized ? "" : sm_str(part, "label"));
    lcm_arrow_w(c, 32, "Partition Serial Number", sm_str(part, "serial"));
    lcm_arrow_w(c, 32, "Partition Configuration", sm_str(part, "configuration"));
    lcm_arrow_w(c, 32, "Crypto Officer Status", sm_bool(part, "locked") ? "Locked Out" : "OK");
    lcm_arrow_w(c, 32, "Partition Object Count", zeroized ? "0" : count);
    json_decref(root);
    return LCM_OK;
}
