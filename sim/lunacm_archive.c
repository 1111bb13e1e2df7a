/* lunacm_archive.c: partition archive backup/restore/list/contents between a k570 partition
 * and the Backup HSM behind the Net Admin Token Slot (reached through RBS). Behaviour follows
 * FORMATS.md 3 and 6; the printed lines are invented (sim/README.md "Invented output"). */
#include "lunacm.h"
#include "state_model.h"
#include "state_store.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Checks the login and the -slot/-partition options and reads the state. */
static unsigned long arc_prepare(struct lcm *c, const struct lcm_args *a, bool need_partition,
                                 struct arc *x)
{
    struct lcm_slot slot;
    json_t *root = NULL;
    memset(x, 0, sizeof *x);
    if (!lcm_co_logged_in(c)) /* every archive command acts for a logged-in CO */
        return LCM_USER_NOT_LOGGED_IN;
    if (!lcm_slot_arg(c, a, &x->slot))
        return LCM_ARGUMENTS_BAD;
    x->bpart = lcm_arg(a, "partition");
    if (need_partition && (!x->bpart || !x->bpart[0])) {
        lcm_error(c, "Missing required parameter -partition");
        return LCM_ARGUMENTS_BAD;
    }
    if (!lcm_find_slot(c, x->slot, &slot) || slot.kind != LCM_SLOT_NETADMIN) {
        lcm_error(c, "Slot %d is not a Backup HSM slot", x->slot);
        return LCM_SLOT_ID_INVALID;
    }
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *hsm = sm_hsm(root, c->device), *bak = sm_hsm(root, "backup");
    json_t *uslot = sm_slot_by_id(hsm, c->cur_slot);
    json_t *up = sm_partition(hsm, sm_str(uslot, "partition"));
    snprintf(x->upart, sizeof x->upart, "%s", sm_str(up, "name"));
    snprintf(x->ulabel, sizeof x->ulabel, "%s", sm_str(up, "label"));
    snprintf(x->udomain, sizeof x->udomain, "%s", sm_str(up, "domain"));
    snprintf(x->ufw, sizeof x->ufw, "%s", sm_str(hsm, "firmware"));
    snprintf(x->bfw, sizeof x->bfw, "%s", sm_str(bak, "firmware"));
    x->bzeroized = sm_bool(bak, "zeroized");
    json_t *bp = x->bpart ? sm_partition(bak, x->bpart) : NULL;
    x->bexists = bp != NULL;
    snprintf(x->bdomain, sizeof x->bdomain, "%s", sm_str(bp, "domain"));
    x->bcount = json_array_size(json_object_get(bak, "partitions"));
    x->bmax = sm_int(bak, "max_partitions");
    json_decref(root);
    if (x->bzeroized) {
        lcm_error(c, "The Backup HSM is zeroized");
        return LCM_TOKEN_NOT_PRESENT;
    }
    return LCM_OK;
}

/* ssh-drop-during-backup/-restore: fires once per lab (recorded in the state), so a retry
 * after the drop can succeed. */
static bool fault_fires(struct lcm *c, const char *fault)
{
    struct state_handle h;
    char err[256];
    if (!lab_has_fault(&c->p, fault) || state_open(c->p.dir, &h, err, sizeof err) != 0)
        return false;
    json_t *fired = json_object_get(h.root, "faults_fired");
    if (!fired) {
        fired = json_array();
        json_object_set_new(h.root, "faults_fired", fired);
    }
    size_t i;
    json_t *v;
    json_array_foreach(fired, i, v) {
        if (strcmp(json_string_value(v), fault) == 0) {
            state_close(&h);
            return false;
        }
    }
    json_array_append_new(fired, json_string(fault));
    state_commit(&h);
    return true;
}

/* Drops the SSH connection this lunacm runs under, mid-operation. */
static void drop_connection(struct lcm *c)
{
    fflush(c->out);
    const char *pid = getenv("ROTWIZ_SIM_CONN_PID");
    if (pid && atoi(pid) > 1)
        kill((pid_t)atoi(pid), SIGKILL);
    _exit(255);
}

/* Copies one object (index I of FROM_HSM/FROM_PART) into TO_HSM/TO_PART under the lock.
 * Returns the new handle, or -1 when the source object no longer exists. */
static long long copy_object(struct lcm *c, const char *from_hsm, const char *from_part,
                             size_t i, const char *to_hsm, const char *to_part,
                             long long *old_handle, bool skip_same_uid, bool *skipped)
{
    struct state_handle h;
    char err[256];
    *skipped = false;
    if (state_open(c->p.dir, &h, err, sizeof err) != 0)
        return -1;
    json_t *src = json_array_get(
        json_object_get(sm_partition(sm_hsm(h.root, from_hsm), from_part), "objects"), i);
    json_t *dst = sm_partition(sm_hsm(h.root, to_hsm), to_part);
    if (!src || !dst) {
        state_close(&h);
        return -1;
    }
    *old_handle = sm_int(src, "handle");
    json_t *objs = json_object_get(dst, "objects");
    if (skip_same_uid) {
        size_t j;
        json_t *o;
        json_array_foreach(objs, j, o) {
            if (strcmp(sm_str(o, "uid"), sm_str(src, "uid")) == 0) {
                *skipped = true;
                state_close(&h);
                return sm_int(o, "handle");
            }
        }
    }
    long long nh = sm_take_handle(dst);
    json_array_append_new(objs, sm_object_clone(src, nh));
    state_commit(&h);
    return nh;
}

static size_t object_count(struct lcm *c, const char *hsm, const char *part)
{
    json_t *root = NULL;
    if (lcm_state_snapshot(c, &root) != 0)
        return 0;
    size_t n = json_array_size(json_object_get(sm_partition(sm_hsm(root, hsm), part),
                                               "objects"));
    json_decref(root);
    return n;
}

/* Clones every object of FROM into TO, one at a time, stopping at the first object that
 * fails on firmware 7.7.0+ (older firmware reports each failure and goes on). */
static unsigned long clone_all(struct lcm *c, const char *from_hsm, const char *from_part,
                               const char *to_hsm, const char *to_part, const char *to_label,
                               bool domains_match, const char *fw, bool append,
                               const char *drop_fault, size_t *copied)
{
    size_t n = object_count(c, from_hsm, from_part);
    bool stop_first = sm_fw_cmp(fw, "7.7.0") >= 0, failed = false;
    bool drop = false;
    *copied = 0;
    for (size_t i = 0; i < n; i++) {
        long long old = 0, nh;
        bool skipped = false;
        if (!domains_match) {
            json_t *root = NULL;
            if (lcm_state_snapshot(c, &root) == 0) {
                json_t *o = json_array_get(json_object_get(
                    sm_partition(sm_hsm(root, from_hsm), from_part), "objects"), i);
                old = sm_int(o, "handle");
                json_decref(root);
            }
            lcm_say(c, "Failed to clone object %lld to partition %s (CKR_CERTIFICATE_INVALID).",
                    old, to_label);
            failed = true;
            if (stop_first)
                break;
            continue;
        }
        nh = copy_object(c, from_hsm, from_part, i, to_hsm, to_part, &old, append, &skipped);
        if (nh < 0) {
            lcm_error(c, "The partition changed during the operation");
            return LCM_OPERATION_NOT_ALLOWED;
        }
        if (skipped) {
            lcm_say(c, "Object %lld already exists in partition %s (handle %lld), skipped.",
                    old, to_label, nh);
            continue;
        }
        lcm_say(c, "Cloned object %lld to partition %s (new handle %lld).", old, to_label, nh);
        (*copied)++;
        if (*copied == (n + 1) / 2 && n > 1 && !drop)
            drop = fault_fires(c, drop_fault);
        if (drop)
            drop_connection(c);
    }
    if (failed) {
        lcm_error(c, "CKR_CERTIFICATE_INVALID. The cloning domains of the two partitions "
                     "do not match");
        return LCM_CERTIFICATE_INVALID;
    }
    return LCM_OK;
}

/* Asks twice for a new secret (password or domain) unless GIVEN. */
static unsigned long new_secret(struct lcm *c, const char *given, const char *what, char *out,
                                size_t len)
{
    char again[128], prompt[96];
    if (given) {
        snprintf(out, len, "%s", given);
        return LCM_OK;
    }
    snprintf(prompt, sizeof prompt, "Enter %s for the new partition: ", what);
    if (lcm_read_secret(c, prompt, out, len) != 0)
        return LCM_CANCELLED;
    snprintf(prompt, sizeof prompt, "Re-enter %s to confirm: ", what);
    if (lcm_read_secret(c, prompt, again, sizeof again) != 0)
        return LCM_CANCELLED;
    bool same = strcmp(out, again) == 0;
    memset(again, 0, sizeof again);
    if (!same || !out[0]) {
        lcm_error(c, !out[0] ? "The %s may not be empty" : "The two entries of the %s differ",
                  what);
        return LCM_ARGUMENTS_BAD;
    }
    return LCM_OK;
}

/* Creates the backup partition (replacing an existing one when asked). */
static unsigned long create_backup_partition(struct lcm *c, struct arc *x, const char *password,
                                             const char *domain, bool replace)
{
    struct state_handle h;
    char err[256];
    if (state_open(c->p.dir, &h, err, sizeof err) != 0) {
        lcm_error(c, "%s", err);
        return LCM_OPERATION_NOT_ALLOWED;
    }
    json_t *bak = sm_hsm(h.root, "backup");
    json_t *parts = json_object_get(bak, "partitions");
    size_t i;
    json_t *v;
    json_array_foreach(parts, i, v) {
        if (strcmp(sm_str(v, "name"), x->bpart) == 0) {
            if (!replace) {
                state_close(&h);
                lcm_error(c, "Partition %s already exists on slot %d", x->bpart, x->slot);
                return LCM_OBJECT_EXISTS;
            }
            json_array_remove(parts, i);
            break;
        }
    }
    char conf[96];
    snprintf(conf, sizeof conf, "Luna Backup Partition (%s) With Cloning Mode",
             strcmp(sm_str(bak, "auth"), "ped") == 0 ? "PED" : "PW");
    json_array_append_new(parts, sm_partition_new(x->bpart, domain, password, conf));
    state_commit(&h);
    snprintf(x->bdomain, sizeof x->bdomain, "%s", domain);
    return LCM_OK;
}

/* The credentials of a new backup partition: password (or black key) and domain (or red key). */
static unsigned long new_partition_secrets(struct lcm *c, const struct lcm_args *a,
                                           char *password, size_t plen, char *domain,
                                           size_t dlen)
{
    struct lcm_cred cred;
    if (lcm_hsm_is_ped(c, "backup")) {
        /* PED: the black key becomes the partition's secret, the red key its domain. */
        unsigned long rc = lcm_get_cred(c, "backup", NULL, NULL, "red", &cred);
        if (rc == LCM_OK && !cred.right_key)
            rc = LCM_PIN_INCORRECT;
        if (rc != LCM_OK)
            return rc;
        snprintf(domain, dlen, "%s", c->p.domain);
        rc = lcm_get_cred(c, "backup", NULL, NULL, "black", &cred);
        if (rc == LCM_OK && !cred.right_key)
            rc = LCM_PIN_INCORRECT;
        snprintf(password, plen, "black-key");
        return rc;
    }
    unsigned long rc = new_secret(c, lcm_arg(a, "password"), "password", password, plen);
    if (rc == LCM_OK)
        rc = new_secret(c, lcm_arg(a, "domain"), "cloning domain", domain, dlen);
    return rc;
}

/* Logs in to the existing backup partition X->bpart: -password or its prompt (PED: black). */
static unsigned long login_backup_partition(struct lcm *c, const struct lcm_args *a,
                                            const struct arc *x)
{
    struct lcm_cred cred;
    lcm_say(c, "Logging in to partition %s on slot %d.", x->bpart, x->slot);
    unsigned long rc = lcm_get_cred(c, "backup", lcm_arg(a, "password"),
                                    "Enter password for the backup partition: ", "black", &cred);
    if (rc == LCM_OK)
        rc = lcm_verify_co(c, "backup", x->bpart, &cred);
    memset(&cred, 0, sizeof cred);
    return rc;
}

/* The partition -partition names must exist on the Backup HSM; then logs in to it. */
static unsigned long open_existing_backup(struct lcm *c, const struct lcm_args *a,
                                          const struct arc *x)
{
    if (!x->bexists) {
        lcm_error(c, "Partition %s was not found on slot %d", x->bpart, x->slot);
        return LCM_CONTAINER_INVALID;
    }
    return login_backup_partition(c, a, x);
}

unsigned long lcm_cmd_archive_backup(struct lcm *c, const struct lcm_args *a)
{
    struct arc x;
    struct lcm_cred cred;
    char password[128] = "", domain[128] = "";
    bool append = lcm_arg(a, "append") != NULL, replace = lcm_arg(a, "replace") != NULL;
    unsigned long rc = arc_prepare(c, a, true, &x);
    if (rc != LCM_OK)
        return rc;
    if (append && replace) {
        lcm_error(c, "-append and -replace cannot be used together");
        return LCM_ARGUMENTS_BAD;
    }
    if (sm_fw_cmp(x.ufw, "7.7.0") >= 0 && sm_fw_cmp(x.bfw, "7.7.1") < 0) {
        lcm_error(c, "The Backup HSM firmware %s cannot hold a partition from firmware %s; "
                     "firmware 7.7.1 or newer is required", x.bfw, x.ufw);
        return LCM_OPERATION_NOT_ALLOWED;
    }
    lcm_say(c, "Logging in as the SO on slot %d.", x.slot);
    rc = lcm_get_cred(c, "backup", lcm_arg(a, "sopassword"), "Enter password for the SO: ",
                      "blue", &cred);
    if (rc == LCM_OK)
        rc = lcm_verify_so(c, "backup", &cred);
    memset(&cred, 0, sizeof cred);
    if (rc != LCM_OK)
        return rc;
    bool need_new = !x.bexists || replace;
    if (lab_has_fault(&c->p, "backup-hsm-full") ||
        (need_new && !x.bexists && x.bmax > 0 && (long long)x.bcount >= x.bmax)) {
        lcm_error(c, "There is not enough free space on the Backup HSM");
        return LCM_HSM_STORAGE_FULL;
    }
    if (x.bexists && !append && !replace) {
        lcm_error(c, "Partition %s already exists on slot %d (use -append or -replace)",
                  x.bpart, x.slot);
        return LCM_OBJECT_EXISTS;
    }
    if (need_new) {
        lcm_blank(c);
        lcm_say(c, "Creating partition %s on slot %d.", x.bpart, x.slot);
        rc = new_partition_secrets(c, a, password, sizeof password, domain, sizeof domain);
        if (rc == LCM_OK)
            rc = create_backup_partition(c, &x, password, domain, replace);
        memset(password, 0, sizeof password);
        memset(domain, 0, sizeof domain);
        if (rc != LCM_OK)
            return rc;
    } else {
        lcm_blank(c);
        rc = login_backup_partition(c, a, &x);
        if (rc != LCM_OK)
            return rc;
    }
    size_t n = object_count(c, c->device, x.upart), copied = 0;
    lcm_blank(c);
    lcm_say(c, "Verifying that all objects can be backed up...");
    lcm_say(c, "%zu objects will be backed up.", n);
    lcm_blank(c);
    lcm_say(c, "Backing up objects...");
    rc = clone_all(c, c->device, x.upart, "backup", x.bpart, x.bpart,
                   strcmp(x.udomain, x.bdomain) == 0, x.ufw, append, "ssh-drop-during-backup",
                   &copied);
    if (rc != LCM_OK)
        return rc;
    lcm_blank(c);
    lcm_say(c, "Backup Complete.");
    lcm_blank(c);
    lcm_say(c, "%zu objects have been backed up to partition %s", copied, x.bpart);
    lcm_say(c, "on slot %d.", x.slot);
    return LCM_OK;
}

unsigned long lcm_cmd_archive_restore(struct lcm *c, const struct lcm_args *a)
{
    struct arc x;
    unsigned long rc = arc_prepare(c, a, true, &x);
    if (rc != LCM_OK)
        return rc;
    rc = open_existing_backup(c, a, &x);
    if (rc != LCM_OK)
        return rc;
    size_t n = object_count(c, "backup", x.bpart), copied = 0;
    lcm_blank(c);
    lcm_say(c, "Verifying that all objects can be restored...");
    lcm_say(c, "%zu objects will be restored.", n);
    lcm_blank(c);
    lcm_say(c, "Restoring objects...");
    /* A restore adds to whatever the partition holds: restoring onto a partition that
     * already has root-of-trust keys is what leaves CipherTrust Manager broken. */
    rc = clone_all(c, "backup", x.bpart, c->device, x.upart, x.ulabel,
                   strcmp(x.udomain, x.bdomain) == 0, x.ufw, false, "ssh-drop-during-restore",
                   &copied);
    if (rc != LCM_OK)
        return rc;
    lcm_blank(c);
    lcm_say(c, "Restore Complete.");
    lcm_blank(c);
    lcm_say(c, "%zu objects have been restored to partition %s", copied, x.ulabel);
    lcm_say(c, "on slot %d.", c->cur_slot);
    return LCM_OK;
}

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
    rc = open_existing_backup(c, a, &x);
    if (rc != LCM_OK)
        return rc;
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    lcm_blank(c);
    lcm_print_objects(c, json_object_get(sm_partition(sm_hsm(root, "backup"), x.bpart),
                                         "objects"), false);
    json_decref(root);
    return LCM_OK;
}
