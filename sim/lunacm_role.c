/* lunacm_role.c: logins. Failures are counted in the state: three bad HSM SO logins zeroise
 * the HSM, SM_CO_LOCK_THRESHOLD bad Crypto Officer logins lock the partition. */
#include "lunacm.h"
#include "lab_words.h"
#include "secret_events.h"
#include "state_model.h"
#include "state_store.h"
#include <string.h>
#include <strings.h>

bool lcm_hsm_is_ped(struct lcm *c, const char *hsm)
{
    json_t *root = NULL;
    if (lcm_state_snapshot(c, &root) != 0)
        return false;
    bool ped = strcmp(sm_str(sm_hsm(root, hsm), "auth"), "ped") == 0;
    json_decref(root);
    return ped;
}

unsigned long lcm_get_cred(struct lcm *c, const char *hsm, const char *given,
                           const char *prompt, const char *colour, struct lcm_cred *cred)
{
    memset(cred, 0, sizeof *cred);
    if (lcm_hsm_is_ped(c, hsm)) {
        cred->ped = true;
        unsigned long rc = lcm_ped_key(c, hsm, colour);
        if (rc == LCM_PIN_INCORRECT)
            return LCM_OK; /* a wrong key reaches the HSM and counts as a failed login */
        cred->right_key = rc == LCM_OK;
        return rc;
    }
    if (given) {
        snprintf(cred->password, sizeof cred->password, "%s", given);
        return LCM_OK;
    }
    const char *asked = strcmp(colour, "blue") == 0  ? SE_SO
                        : strcmp(colour, "red") == 0 ? SE_DOMAIN
                        : strcmp(hsm, "backup") == 0 ? SE_PART : SE_CO;
    if (lcm_ask_secret(c, hsm, asked, prompt, cred->password, sizeof cred->password) != 0) {
        lcm_error(c, "No input");
        return LCM_CANCELLED;
    }
    return LCM_OK;
}

static bool cred_ok(json_t *obj, const struct lcm_cred *cred)
{
    if (cred->ped)
        return cred->right_key;
    return sm_password_ok(obj, "co_password_sha256", cred->password);
}

static void zeroise(json_t *hsm)
{
    size_t i;
    json_t *part;
    sm_set_bool(hsm, "zeroized", true);
    sm_set_bool(hsm, "rpv_initialized", false);
    if (strcmp(sm_str(hsm, "kind"), "backup") == 0) {
        json_array_clear(json_object_get(hsm, "partitions"));
        return;
    }
    json_array_foreach(json_object_get(hsm, "partitions"), i, part) {
        json_array_clear(json_object_get(part, "objects"));
    }
}

unsigned long lcm_verify_so(struct lcm *c, const char *hsm_name, const struct lcm_cred *cred)
{
    struct state_handle h;
    char err[512];
    if (state_open(c->p.dir, &h, err, sizeof err) != 0) {
        lcm_error(c, "%s", err);
        return LCM_OPERATION_NOT_ALLOWED;
    }
    json_t *hsm = sm_hsm(h.root, hsm_name);
    unsigned long rc = LCM_OK;
    if (sm_bool(hsm, "zeroized")) {
        lcm_error(c, "The HSM is zeroized");
        state_close(&h);
        return LCM_TOKEN_NOT_PRESENT;
    }
    bool ok = cred->ped ? cred->right_key
                        : sm_password_ok(hsm, "so_password_sha256", cred->password);
    if (ok) {
        sm_set_int(hsm, "so_failures", 0);
    } else {
        long long n = sm_int(hsm, "so_failures") + 1;
        sm_set_int(hsm, "so_failures", n);
        /* so_failures counts towards zeroise and a success resets it; the total does not. */
        sm_set_int(hsm, "so_failed_logins", sm_int(hsm, "so_failed_logins") + 1);
        rc = LCM_PIN_INCORRECT;
        if (n >= SM_SO_ZEROISE_THRESHOLD) {
            zeroise(hsm);
            lcm_error(c, "The SO login failure threshold was reached: the HSM is zeroized");
            rc = LCM_SO_LOGIN_THRESHOLD;
        }
    }
    state_commit(&h);
    return rc;
}

unsigned long lcm_verify_co(struct lcm *c, const char *hsm_name, const char *partition,
                            const struct lcm_cred *cred)
{
    struct state_handle h;
    char err[512];
    if (state_open(c->p.dir, &h, err, sizeof err) != 0) {
        lcm_error(c, "%s", err);
        return LCM_OPERATION_NOT_ALLOWED;
    }
    json_t *hsm = sm_hsm(h.root, hsm_name);
    json_t *part = sm_partition(hsm, partition);
    unsigned long rc = LCM_OK;
    bool zeroized = sm_bool(hsm, "zeroized");
    if (zeroized || !part) {
        lcm_error(c, zeroized ? "The HSM is zeroized" : "No such partition");
        state_close(&h);
        return zeroized ? LCM_TOKEN_NOT_PRESENT : LCM_CONTAINER_INVALID;
    }
    if (sm_bool(part, "locked")) {
        state_close(&h);
        return LCM_PIN_LOCKED;
    }
    if (cred_ok(part, cred)) {
        sm_set_int(part, "co_failures", 0);
    } else {
        long long n = sm_int(part, "co_failures") + 1;
        sm_set_int(part, "co_failures", n);
        sm_set_int(part, "co_failed_logins", sm_int(part, "co_failed_logins") + 1);
        rc = LCM_PIN_INCORRECT;
        if (n >= SM_CO_LOCK_THRESHOLD) {
            sm_set_bool(part, "locked", true);
            rc = LCM_PIN_LOCKED;
        }
    }
    state_commit(&h);
    return rc;
}

bool lcm_co_logged_in(struct lcm *c)
{
    return c->login_slot >= 0 && c->login_slot == c->cur_slot &&
           strcmp(c->login_role, "co") == 0;
}

/* The partition behind the current slot of a k570, or "" (copied into out). */
static void current_partition(struct lcm *c, char *out, size_t len)
{
    json_t *root = NULL;
    out[0] = '\0';
    if (lcm_state_snapshot(c, &root) != 0)
        return;
    json_t *slot = sm_slot_by_id(sm_hsm(root, c->device), c->cur_slot);
    snprintf(out, len, "%s", sm_str(slot, "partition"));
    json_decref(root);
}

unsigned long lcm_cmd_role_login(struct lcm *c, const struct lcm_args *a)
{
    struct lcm_slot slot;
    struct lcm_cred cred;
    const char *name = lcm_arg(a, "name");
    if (!name) {
        lcm_error(c, "Missing required parameter -name");
        return LCM_ARGUMENTS_BAD;
    }
    bool co = strcasecmp(name, "co") == 0 || strcasecmp(name, "Crypto Officer") == 0;
    bool so = strcasecmp(name, "so") == 0 || strcasecmp(name, "Partition SO") == 0;
    if (!co && !so) {
        lcm_error(c, "Invalid role '%s'", name);
        return LCM_USER_TYPE_INVALID;
    }
    if (c->cur_slot < 0 || !lcm_find_slot(c, c->cur_slot, &slot)) {
        lcm_error(c, "No current slot");
        return LCM_SLOT_ID_INVALID;
    }
    /* Knob relogin: "already" answers 0x100; "again" checks the credential once more. */
    if (c->login_slot == c->cur_slot && !lab_knob_is(&c->p, "relogin", "again"))
        return LCM_USER_ALREADY_LOGGED_IN;
    char part[64] = "";
    if (co && slot.kind == LCM_SLOT_USER)
        current_partition(c, part, sizeof part);
    if ((co && !part[0]) || slot.kind == LCM_SLOT_NETADMIN) {
        lcm_error(c, "This role does not exist on slot %d", slot.id);
        return LCM_USER_TYPE_INVALID;
    }
    const char *hsm = c->device;
    char prompt[128];
    lcm_check_option(c, a, "password", hsm, co ? SE_CO : SE_SO);
    lab_prompt_words(&c->p, LP_LOGIN, NULL, prompt, sizeof prompt);
    unsigned long rc = lcm_get_cred(c, hsm, lcm_arg(a, "password"), prompt,
                                    co ? "black" : "blue", &cred);
    if (rc == LCM_OK)
        rc = co ? lcm_verify_co(c, hsm, part, &cred) : lcm_verify_so(c, hsm, &cred);
    memset(&cred, 0, sizeof cred);
    if (rc == LCM_OK) {
        c->login_slot = c->cur_slot;
        snprintf(c->login_role, sizeof c->login_role, "%s", co ? "co" : "so");
    }
    return rc;
}

unsigned long lcm_cmd_role_logout(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    if (c->login_slot < 0 || c->login_slot != c->cur_slot)
        return LCM_USER_NOT_LOGGED_IN;
    c->login_slot = -1;
    c->login_role[0] = '\0';
    return LCM_OK;
}

unsigned long lcm_cmd_role_show(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    struct lcm_slot slot;
    if (c->cur_slot < 0 || !lcm_find_slot(c, c->cur_slot, &slot)) {
        lcm_error(c, "No current slot");
        return LCM_SLOT_ID_INVALID;
    }
    bool here = c->login_slot == c->cur_slot;
    if (slot.kind == LCM_SLOT_USER)
        lcm_say(c, "Crypto Officer: %s", here && strcmp(c->login_role, "co") == 0
                                             ? "logged in" : "not logged in");
    lcm_say(c, "Security Officer: %s", here && strcmp(c->login_role, "so") == 0
                                           ? "logged in" : "not logged in");
    return LCM_OK;
}
