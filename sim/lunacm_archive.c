/* lunacm_archive.c: partition archive backup/restore/list/contents between a k570 partition
 * and the Backup HSM behind the Net Admin Token Slot (reached through RBS). Behaviour follows
 * FORMATS.md 3 and 6; the printed lines are invented (sim/README.md "Invented output"). */
#include "lunacm_arc.h"
#include "secret_events.h"
#include "state_model.h"
#include "state_store.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Checks the login and the -slot/-partition options and reads the state. */
unsigned long arc_prepare(struct lcm *c, const struct lcm_args *a, bool need_partition,
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
        lab_latency(&c->p); /* --latency: every object takes its time (an interruption lands
                             * in the middle of the copy) */
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


/* The secrets of the backup partition: a new one's password and domain, or the login of the
 * existing one that -append adds to. */
static unsigned long backup_partition_secrets(struct lcm *c, const struct lcm_args *a,
                                              const struct arc *x, bool need_new,
                                              char *password, char *domain, size_t len,
                                              struct lcm_cred *cred)
{
    if (need_new) {
        lcm_blank(c);
        lcm_say(c, "Creating partition %s on slot %d.", x->bpart, x->slot);
        return lcm_arc_new_secrets(c, a, x->bpart, password, len, domain, len);
    }
    lcm_blank(c);
    return lcm_arc_part_cred(c, a, x->bpart, x->slot, cred);
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
    lcm_arc_option_events(c, a);
    if (append && replace) {
        lcm_error(c, "-append and -replace cannot be used together");
        return LCM_ARGUMENTS_BAD;
    }
    if (sm_fw_cmp(x.ufw, "7.7.0") >= 0 && sm_fw_cmp(x.bfw, "7.7.1") < 0) {
        lcm_error(c, "The Backup HSM firmware %s cannot hold a partition from firmware %s; "
                     "firmware 7.7.1 or newer is required", x.bfw, x.ufw);
        return LCM_OPERATION_NOT_ALLOWED;
    }
    bool need_new = !x.bexists || replace;
    bool usable = need_new || append; /* an existing partition needs -append or -replace */
    /* Knob prompt-order: the partition's secrets before the SO's, or after. */
    bool part_first = lab_knob_is(&c->p, "prompt-order", "partition-first");
    memset(&cred, 0, sizeof cred);
    if (part_first && usable)
        rc = backup_partition_secrets(c, a, &x, need_new, password, domain, sizeof password,
                                      &cred);
    if (rc == LCM_OK)
        rc = lcm_arc_so_login(c, a, x.slot);
    if (rc == LCM_OK && (lab_has_fault(&c->p, "backup-hsm-full") ||
                         (need_new && !x.bexists && x.bmax > 0 &&
                          (long long)x.bcount >= x.bmax))) {
        lcm_error(c, "There is not enough free space on the Backup HSM");
        rc = LCM_HSM_STORAGE_FULL;
    }
    if (rc == LCM_OK && !usable) {
        lcm_error(c, "Partition %s already exists on slot %d (use -append or -replace)",
                  x.bpart, x.slot);
        rc = LCM_OBJECT_EXISTS;
    }
    if (rc == LCM_OK && !part_first)
        rc = backup_partition_secrets(c, a, &x, need_new, password, domain, sizeof password,
                                      &cred);
    if (rc == LCM_OK)
        rc = need_new ? create_backup_partition(c, &x, password, domain, replace)
                      : lcm_verify_co(c, "backup", x.bpart, &cred);
    memset(password, 0, sizeof password);
    memset(domain, 0, sizeof domain);
    memset(&cred, 0, sizeof cred);
    if (rc != LCM_OK)
        return rc;
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

/* The partition's password (or black key) and, when the restore takes them, its domain. */
static unsigned long restore_partition_secrets(struct lcm *c, const struct lcm_args *a,
                                               const struct arc *x, bool vendor,
                                               struct lcm_cred *cred, char *domain,
                                               size_t len)
{
    unsigned long rc = lcm_arc_part_cred(c, a, x->bpart, x->slot, cred);
    if (rc == LCM_OK && vendor)
        rc = lcm_arc_domain(c, a, domain, len);
    return rc;
}

/* Knob restore-secrets=partition-only: the restore knows no -sopassword and no -domain. */
static bool restore_options_ok(struct lcm *c, const struct lcm_args *a)
{
    if (!lab_knob_is(&c->p, "restore-secrets", "partition-only"))
        return true;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->name[i], "sopassword") == 0 || strcmp(a->name[i], "domain") == 0) {
            lcm_error(c, "Invalid parameter '%s'", a->typed[i]);
            return false;
        }
    return true;
}

unsigned long lcm_cmd_archive_restore(struct lcm *c, const struct lcm_args *a)
{
    struct arc x;
    struct lcm_cred cred;
    char domain[128] = "";
    if (!restore_options_ok(c, a))
        return LCM_ARGUMENTS_BAD;
    unsigned long rc = arc_prepare(c, a, true, &x);
    if (rc != LCM_OK)
        return rc;
    lcm_arc_option_events(c, a);
    if (!x.bexists) {
        lcm_error(c, "Partition %s was not found on slot %d", x.bpart, x.slot);
        return LCM_CONTAINER_INVALID;
    }
    /* The vendor's password restore takes the Backup HSM SO password and the cloning domain
     * too; its PED restore only the black key (through the remote PED link when connected). */
    bool vendor = lab_knob_is(&c->p, "restore-secrets", "so-domain-partition") &&
                  !lcm_hsm_is_ped(c, "backup");
    bool part_first = lab_knob_is(&c->p, "prompt-order", "partition-first");
    memset(&cred, 0, sizeof cred);
    lcm_blank(c);
    if (part_first)
        rc = restore_partition_secrets(c, a, &x, vendor, &cred, domain, sizeof domain);
    if (rc == LCM_OK && vendor)
        rc = lcm_arc_so_login(c, a, x.slot);
    if (rc == LCM_OK && !part_first)
        rc = restore_partition_secrets(c, a, &x, vendor, &cred, domain, sizeof domain);
    if (rc == LCM_OK)
        rc = lcm_verify_co(c, "backup", x.bpart, &cred);
    memset(&cred, 0, sizeof cred);
    if (rc == LCM_OK && vendor && strcmp(domain, x.bdomain) != 0) {
        lcm_error(c, "CKR_CERTIFICATE_INVALID. The cloning domain given is not the domain of "
                     "partition %s", x.bpart);
        rc = LCM_CERTIFICATE_INVALID;
    }
    memset(domain, 0, sizeof domain);
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
