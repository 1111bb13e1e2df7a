/* lunacm_slot.c: which slots a lunacm sees (the Net Admin Token Slot only through a working
 * RBS link), `slot list` and `slot set`. */
#include "lunacm.h"
#include "rbs_link.h"
#include "state_model.h"
#include "state_store.h"
#include <stdlib.h>
#include <string.h>

#define LCM_RBS_TIMEOUT_MS 3000

int lcm_state_snapshot(struct lcm *c, json_t **root)
{
    struct state_handle h;
    char err[512];
    if (state_open(c->p.dir, &h, err, sizeof err) != 0) {
        fprintf(stderr, "lunacm: %s\n", err);
        return -1;
    }
    *root = json_deep_copy(h.root);
    state_close(&h);
    return *root ? 0 : -1;
}

static const char *auth_tag(json_t *hsm)
{
    return strcmp(sm_str(hsm, "auth"), "ped") == 0 ? "PED" : "PW";
}

/* The Backup HSM as the k570 sees it through RBS: the first registered vtl server that answers
 * with the certificate registered for it. */
static bool netadmin_visible(struct lcm *c, json_t *hsm, struct rbs_hsm_info *info)
{
    size_t i;
    json_t *srv;
    json_array_foreach(json_object_get(hsm, "vtl_servers"), i, srv) {
        char err[256];
        if (rbs_link_query(sm_str(srv, "address"), c->p.rbs_port, sm_str(srv, "cert_sha256"),
                           LCM_RBS_TIMEOUT_MS, info, err, sizeof err) == RBS_LINK_OK)
            return true;
    }
    return false;
}

static void fill_backup_slot(struct lcm_slot *s, json_t *backup, const char *tag)
{
    snprintf(s->label, sizeof s->label, "%s",
             sm_bool(backup, "zeroized") ? "" : sm_str(backup, "label"));
    snprintf(s->configuration, sizeof s->configuration,
             "Luna Backup HSM Admin Partition (%s)", tag);
}

static int k570_slots(struct lcm *c, json_t *root, struct lcm_slot *slots, int max)
{
    json_t *hsm = sm_hsm(root, c->device);
    json_t *slot;
    size_t i;
    int n = 0;
    json_array_foreach(json_object_get(hsm, "slots"), i, slot) {
        if (n >= max)
            break;
        struct lcm_slot *s = &slots[n];
        memset(s, 0, sizeof *s);
        s->id = (int)sm_int(slot, "id");
        const char *desc = sm_str(slot, "description");
        snprintf(s->description, sizeof s->description, "%s", desc);
        snprintf(s->model, sizeof s->model, "%s", sm_str(hsm, "model"));
        snprintf(s->firmware, sizeof s->firmware, "%s", sm_str(hsm, "firmware"));
        if (strcmp(desc, "User Token Slot") == 0) {
            json_t *part = sm_partition(hsm, sm_str(slot, "partition"));
            s->kind = LCM_SLOT_USER;
            if (!sm_bool(hsm, "zeroized"))
                snprintf(s->label, sizeof s->label, "%s", sm_str(part, "label"));
            snprintf(s->serial, sizeof s->serial, "%s", sm_str(part, "serial"));
            snprintf(s->configuration, sizeof s->configuration, "%s",
                     sm_str(part, "configuration"));
        } else if (strcmp(desc, "Admin Token Slot") == 0) {
            s->kind = LCM_SLOT_ADMIN;
            if (!sm_bool(hsm, "zeroized"))
                snprintf(s->label, sizeof s->label, "%s", sm_str(hsm, "label"));
            snprintf(s->serial, sizeof s->serial, "%s", sm_str(hsm, "serial"));
            snprintf(s->configuration, sizeof s->configuration,
                     "Luna HSM Admin Partition (%s) Signing With Cloning Mode", auth_tag(hsm));
        } else {
            struct rbs_hsm_info info;
            memset(&info, 0, sizeof info);
            if (!netadmin_visible(c, hsm, &info))
                continue;
            json_t *backup = sm_hsm(root, "backup");
            s->kind = LCM_SLOT_NETADMIN;
            snprintf(s->serial, sizeof s->serial, "%s", info.serial);
            snprintf(s->model, sizeof s->model, "%s", info.model);
            snprintf(s->firmware, sizeof s->firmware, "%s", info.firmware);
            fill_backup_slot(s, backup, auth_tag(backup));
        }
        n++;
    }
    return n;
}

static int ws_slots(struct lcm *c, json_t *root, struct lcm_slot *slots, int max)
{
    json_t *backup = sm_hsm(root, "backup");
    if (max < 1 || !backup || lab_has_fault(&c->p, "backup-hsm-missing"))
        return 0;
    struct lcm_slot *s = &slots[0];
    memset(s, 0, sizeof *s);
    s->id = (int)sm_int(backup, "slot_id");
    s->kind = LCM_SLOT_BACKUP;
    snprintf(s->serial, sizeof s->serial, "%s", sm_str(backup, "serial"));
    snprintf(s->model, sizeof s->model, "%s", sm_str(backup, "model"));
    snprintf(s->firmware, sizeof s->firmware, "%s", sm_str(backup, "firmware"));
    snprintf(s->description, sizeof s->description, "Luna Backup HSM Slot");
    fill_backup_slot(s, backup, auth_tag(backup));
    return 1;
}

int lcm_slots(struct lcm *c, struct lcm_slot *slots, int max)
{
    json_t *root = NULL;
    if (lcm_state_snapshot(c, &root) != 0)
        return 0;
    int n = c->workstation ? ws_slots(c, root, slots, max) : k570_slots(c, root, slots, max);
    json_decref(root);
    return n;
}

bool lcm_find_slot(struct lcm *c, int id, struct lcm_slot *out)
{
    struct lcm_slot slots[LCM_MAX_SLOTS];
    int n = lcm_slots(c, slots, LCM_MAX_SLOTS);
    for (int i = 0; i < n; i++)
        if (slots[i].id == id) {
            *out = slots[i];
            return true;
        }
    return false;
}

void lcm_print_slots(struct lcm *c, const struct lcm_slot *slots, int n)
{
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", slots[i].id);
        lcm_arrow(c, "Slot Id", id);
        lcm_arrow(c, "Label", slots[i].label);
        lcm_arrow(c, "Serial Number", slots[i].serial);
        lcm_arrow(c, "Model", slots[i].model);
        lcm_arrow(c, "Firmware Version", slots[i].firmware);
        lcm_arrow(c, "Configuration", slots[i].configuration);
        lcm_arrow(c, "Slot Description", slots[i].description);
        lcm_blank(c);
    }
    fflush(c->out);
}

unsigned long lcm_cmd_slot_list(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    struct lcm_slot slots[LCM_MAX_SLOTS];
    int n = lcm_slots(c, slots, LCM_MAX_SLOTS);
    lcm_print_slots(c, slots, n);
    return LCM_OK;
}

/* Parses a slot id option; false (with a message) when absent or not a number. */
bool lcm_slot_arg(struct lcm *c, const struct lcm_args *a, int *id)
{
    const char *v = lcm_arg(a, "slot");
    char *end = NULL;
    if (!v) {
        lcm_error(c, "Missing required parameter -slot");
        return false;
    }
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 0 || n > 9999) {
        lcm_error(c, "Invalid slot id '%s'", v);
        return false;
    }
    *id = (int)n;
    return true;
}

unsigned long lcm_cmd_slot_set(struct lcm *c, const struct lcm_args *a)
{
    struct lcm_slot s;
    int id;
    if (!lcm_slot_arg(c, a, &id))
        return LCM_ARGUMENTS_BAD;
    if (!lcm_find_slot(c, id, &s)) {
        lcm_error(c, "Slot %d is not available", id);
        return LCM_SLOT_ID_INVALID;
    }
    c->cur_slot = id;
    if (s.kind == LCM_SLOT_USER) {
        const char *tag = strstr(s.configuration, "(PED)") ? "PED" : "PW";
        lcm_say(c, "Current Slot Id: %d (Luna User Slot %s (%s) Signing With Cloning Mode)", id,
                s.firmware, tag);
    } else {
        lcm_say(c, "Current Slot Id: %d (%s)", id, s.configuration);
    }
    return LCM_OK;
}
