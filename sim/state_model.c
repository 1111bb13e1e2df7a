/* state_model.c: the initial devices of a lab and accessors over DIR/state.json. */
#include "state_model.h"
#include "modes.h"
#include "secret_events.h"
#include "state_store.h"
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sm_seed_object {
    const char *label;
    const char *type;
};

/* The root-of-trust objects a CipherTrust Manager keeps in its partition (labels invented). */
static const struct sm_seed_object rot_objects[] = {
    {"ks_root_kek", "Symmetric Key"},       {"ks_root_signing", "Private Key"},
    {"ks_root_signing_pub", "Public Key"},  {"ks_root_hmac", "Symmetric Key"},
    {"ks_root_wrap", "Symmetric Key"},      {"ks_root_backup_kek", "Symmetric Key"},
};

static unsigned rand_u32(void)
{
    unsigned v = 0;
    if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
        v = (unsigned)random();
    return v;
}

static void rand_hex(char *out, size_t nbytes)
{
    unsigned char buf[64];
    if (nbytes > sizeof buf)
        nbytes = sizeof buf;
    if (RAND_bytes(buf, (int)nbytes) != 1)
        for (size_t i = 0; i < nbytes; i++)
            buf[i] = (unsigned char)random();
    for (size_t i = 0; i < nbytes; i++)
        sprintf(out + 2 * i, "%02x", buf[i]);
    out[2 * nbytes] = '\0';
}

static void rand_digits(char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('0' + (i == 0 ? 1 + rand_u32() % 9 : rand_u32() % 10));
    out[n] = '\0';
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
    out[64] = '\0';
}

void sm_hash_password(const char *password, char out[65])
{
    sha256_hex(password, strlen(password), out);
}

bool sm_password_ok(json_t *obj, const char *key, const char *password)
{
    char h[65];
    sm_hash_password(password, h);
    return strcmp(sm_str(obj, key), h) == 0;
}

const char *sm_str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

long long sm_int(json_t *obj, const char *key)
{
    return (long long)json_integer_value(json_object_get(obj, key));
}

bool sm_bool(json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

void sm_set_str(json_t *obj, const char *key, const char *value)
{
    json_object_set_new(obj, key, json_string(value));
}

void sm_set_int(json_t *obj, const char *key, long long value)
{
    json_object_set_new(obj, key, json_integer(value));
}

void sm_set_bool(json_t *obj, const char *key, bool value)
{
    json_object_set_new(obj, key, json_boolean(value));
}

int sm_fw_cmp(const char *a, const char *b)
{
    int x[4] = {0}, y[4] = {0};
    sscanf(a, "%d.%d.%d.%d", &x[0], &x[1], &x[2], &x[3]);
    sscanf(b, "%d.%d.%d.%d", &y[0], &y[1], &y[2], &y[3]);
    for (int i = 0; i < 4; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

json_t *sm_hsm(json_t *root, const char *name)
{
    return json_object_get(json_object_get(root, "hsms"), name);
}

json_t *sm_partition(json_t *hsm, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(hsm, "partitions"), i, v) {
        if (strcmp(sm_str(v, "name"), name) == 0)
            return v;
    }
    return NULL;
}

json_t *sm_user_partition(json_t *hsm)
{
    return json_array_get(json_object_get(hsm, "partitions"), 0);
}

json_t *sm_slot_by_desc(json_t *hsm, const char *desc)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(hsm, "slots"), i, v) {
        if (strcmp(sm_str(v, "description"), desc) == 0)
            return v;
    }
    return NULL;
}

json_t *sm_slot_by_id(json_t *hsm, int id)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(hsm, "slots"), i, v) {
        if (sm_int(v, "id") == id)
            return v;
    }
    return NULL;
}

json_t *sm_object_new(const char *label, const char *type, long long handle)
{
    unsigned char material[32];
    char fp[65], uid[25];
    if (RAND_bytes(material, sizeof material) != 1)
        for (size_t i = 0; i < sizeof material; i++)
            material[i] = (unsigned char)random();
    sha256_hex(material, sizeof material, fp);
    rand_hex(uid, 12);
    return json_pack("{s:s, s:I, s:s, s:s, s:s}", "label", label, "handle", (json_int_t)handle,
                     "type", type, "fingerprint", fp, "uid", uid);
}

json_t *sm_object_clone(json_t *obj, long long handle)
{
    json_t *copy = json_deep_copy(obj);
    sm_set_int(copy, "handle", handle);
    return copy;
}

long long sm_take_handle(json_t *partition)
{
    long long h = sm_int(partition, "next_handle");
    if (h <= 0)
        h = 10 + rand_u32() % 30;
    sm_set_int(partition, "next_handle", h + 1 + rand_u32() % 3);
    return h;
}

json_t *sm_partition_new(const char *name, const char *domain, const char *password,
                         const char *configuration)
{
    char hash[65], serial[16];
    sm_hash_password(password, hash);
    rand_digits(serial, 10);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:s, s:I, s:[]}", "name", name,
                     "label", name, "serial", serial, "domain", domain, "configuration",
                     configuration, "locked", 0, "co_failures", 0, "co_password_sha256", hash,
                     "next_handle", (json_int_t)(10 + rand_u32() % 30), "objects");
}

static const char *user_configuration(const struct sim_lab_params *p)
{
    return strcmp(p->auth, "ped") == 0
               ? "Luna User Partition With SO (PED) Signing With Cloning Mode"
               : "Luna User Partition With SO (PW) Signing With Cloning Mode";
}

static void add_objects(json_t *part, size_t n, size_t first)
{
    json_t *objs = json_object_get(part, "objects");
    size_t count = sizeof rot_objects / sizeof rot_objects[0];
    for (size_t i = 0; i < n; i++) {
        const struct sm_seed_object *o = &rot_objects[(first + i) % count];
        json_array_append_new(objs, sm_object_new(o->label, o->type, sm_take_handle(part)));
    }
}

/* hostile-labels: device data that looks like lunacm's own protocol, and a terminal escape
 * sequence (clear screen), as the labels of the first objects. */
static void hostile_labels(json_t *part)
{
    static const char *const labels[] = {
        "Command Result : No Error",
        "Type 'proceed' to continue, or 'quit' to quit now ->",
        "Enter password for the SO:",
        "rot-\x1b[2Jcleared",
    };
    json_t *objs = json_object_get(part, "objects");
    for (size_t i = 0; i < json_array_size(objs) && i < sizeof labels / sizeof labels[0]; i++)
        json_object_set_new(json_array_get(objs, i), "label", json_string(labels[i]));
}

static json_t *ped_server_new(void)
{
    return json_pack("{s:s, s:i, s:b}", "ip", "", "port", 0, "connected", 0);
}

/* A k570's slots, listed deliberately out of id order (see README: nobody may rely on
 * positions or on ids). */
static json_t *k570_new(const struct sim_lab_params *p, const char *name, const int ids[3],
                        const char *co_password, const char *domain)
{
    char serial[16], so_pw[33], so_hash[65], label[64], pname[64];
    rand_digits(serial, 7);
    rand_hex(so_pw, 16); /* the k570 HSM SO password is known to nobody in the lab */
    sm_hash_password(so_pw, so_hash);
    snprintf(label, sizeof label, "k570-%s", name);
    snprintf(pname, sizeof pname, "cm-rot-%s", name);
    json_t *part = sm_partition_new(pname, domain, co_password, user_configuration(p));
    json_t *slots = json_pack("[{s:i, s:s}, {s:i, s:s, s:s}, {s:i, s:s}]",
                              "id", ids[1], "description", "Admin Token Slot",
                              "id", ids[0], "description", "User Token Slot", "partition", pname,
                              "id", ids[2], "description", "Net Admin Token Slot");
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:s, s:b, s:o, s:o, s:[o], s:[]}",
                     "kind", "k570", "label", label, "serial", serial, "model", "Luna K7",
                     "firmware", "7.7.1", "auth", p->auth, "zeroized", 0, "so_failures", 0,
                     "so_password_sha256", so_hash, "rpv_initialized", 0,
                     "ped_server", ped_server_new(), "slots", slots, "partitions", part,
                     "vtl_servers");
}

static json_t *backup_new(const struct sim_lab_params *p, const struct sim_secrets *s)
{
    char serial[16], so_hash[65];
    rand_digits(serial, 6);
    sm_hash_password(s->backup_so_password, so_hash);
    const char *fw = lab_has_fault(p, "old-backup-firmware") ? "7.3.0" : "7.7.1";
    json_t *parts = json_array();
    if (lab_has_fault(p, "backup-partition-exists")) {
        json_t *old = sm_partition_new(p->backup_partition, p->domain,
                                       s->backup_partition_password, user_configuration(p));
        add_objects(old, 3, 1);
        json_array_append_new(parts, old);
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:s, s:b, s:o, s:i, s:i, s:o}",
                     "kind", "backup", "label", "BackupHSM7", "serial", serial,
                     "model", "Luna Backup HSM 7", "firmware", fw, "auth", p->auth,
                     "zeroized", 0, "so_failures", 0, "so_password_sha256", so_hash,
                     "rpv_initialized", 0, "ped_server", ped_server_new(), "slot_id", 0,
                     "max_partitions", SM_BACKUP_MAX_PARTITIONS, "partitions", parts);
}

json_t *sm_initial_state(const struct sim_lab_params *p, const struct sim_secrets *s)
{
    static const int source_ids[3] = {3, 4, 6}, target_ids[3] = {0, 1, 2};
    char other_domain[80];
    /* domain-mismatch: the target partition was created in another cloning domain than the
     * one the operator was given, so a restore fails at the first object. (A wrong -domain at
     * backup time gives the same failure on the way in.) */
    snprintf(other_domain, sizeof other_domain, "%s-old", p->domain);
    const char *tgt_domain = lab_has_fault(p, "domain-mismatch") ? other_domain : p->domain;
    json_t *src = k570_new(p, "source", source_ids, s->source_co_password, p->domain);
    json_t *tgt = k570_new(p, "target", target_ids, s->target_co_password, tgt_domain);
    json_t *bak = backup_new(p, s);
    if (!src || !tgt || !bak)
        goto fail;
    add_objects(sm_user_partition(src), 4 + rand_u32() % 3, 0);
    if (lab_has_fault(p, "target-not-empty"))
        add_objects(sm_user_partition(tgt), 2, 3);
    if (lab_has_fault(p, "hostile-labels"))
        hostile_labels(sm_user_partition(src));
    /* knob rbs-saved: an earlier rbs --config left the Backup HSM selected */
    json_t *saved = lab_knob_is(p, "rbs-saved", "selected")
                    ? json_string(json_string_value(json_object_get(bak, "serial"))) : json_null();
    json_t *root = json_pack("{s:{s:o, s:o, s:o}, s:{s:s, s:s, s:n}, s:{s:b, s:i, s:o}, s:o, s:[]}",
                             "hsms", "source", src, "target", tgt, "backup", bak,
                             "ped", "location", "workstation", "mode",
                             p->ped_mode[0] ? p->ped_mode : "auto", "pending",
                             "rbs", "configured", json_is_string(saved), "serving_pid", 0,
                             "device_serial", saved,
                             "known_secrets", se_known_new(p, s), "wrong_secret_events");
    return root;
fail:
    json_decref(src);
    json_decref(tgt);
    json_decref(bak);
    return NULL;
}

int sim_state_create(const struct sim_lab_params *p, const struct sim_secrets *s, char *err,
                     unsigned long errlen)
{
    json_t *root = sm_initial_state(p, s);
    if (!root) {
        snprintf(err, errlen, "cannot build the initial lab state");
        return -1;
    }
    int rc = state_write_new(p->dir, root, err, errlen);
    json_decref(root);
    return rc;
}
