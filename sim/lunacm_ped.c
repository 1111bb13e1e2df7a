/* lunacm_ped.c: PED keys and the ped commands (Remote PED server, Remote PED Vector). */
#include "lunacm.h"
#include "ped_device.h"
#include "state_model.h"
#include "state_store.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LCM_PED_KEY_TIMEOUT_S 200.0     /* FORMATS.md 6: one PED key prompt */
#define LCM_PED_LINK_LIFETIME_S 1800.0  /* the remote PED link, then `ped connect` again */
#define LCM_PED_PING_MS 3000

static int scaled_ms(struct lcm *c, double seconds)
{
    double ms = seconds * 1000.0 * c->p.ped_time_scale;
    return ms < 1 ? 1 : (int)ms;
}

/* True when HSM's remote PED link is connected and has not outlived its lifetime. */
static bool link_connected(struct lcm *c, json_t *hsm)
{
    json_t *ps = json_object_get(hsm, "ped_server");
    if (!sm_bool(ps, "connected"))
        return false;
    double age = difftime(time(NULL), (time_t)sm_int(ps, "connected_at"));
    return age * 1000.0 <= scaled_ms(c, LCM_PED_LINK_LIFETIME_S);
}

unsigned long lcm_ped_key(struct lcm *c, const char *hsm_name, const char *colour)
{
    json_t *root = NULL;
    char presented[32] = "", ip[64] = "";
    int port = 0, rc;
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_PED_UNPLUGGED;
    json_t *hsm = sm_hsm(root, hsm_name);
    bool remote = link_connected(c, hsm);
    if (remote) {
        json_t *ps = json_object_get(hsm, "ped_server");
        snprintf(ip, sizeof ip, "%s", sm_str(ps, "ip"));
        port = (int)sm_int(ps, "port");
    }
    json_decref(root);
    lcm_say(c, "Please attend to the PED.");
    int timeout = scaled_ms(c, LCM_PED_KEY_TIMEOUT_S);
    const char *where = strcmp(hsm_name, "backup") == 0 ? "workstation" : hsm_name;
    if (remote)
        rc = ped_link_request(ip, port, hsm_name, colour, timeout, presented, sizeof presented);
    else
        rc = ped_device_request(c->p.dir, where, hsm_name, colour, timeout, presented,
                                sizeof presented);
    switch (rc) {
    case PED_OK:
        return strcmp(presented, colour) == 0 ? LCM_OK : LCM_PIN_INCORRECT;
    case PED_TIMEOUT:
        lcm_error(c, "PED operation timed out");
        return LCM_TIMEOUT;
    case PED_UNREACHABLE:
        lcm_error(c, "Cannot reach the PED");
        return remote ? LCM_PED_CLIENT_NOT_RUNNING : LCM_PED_UNPLUGGED;
    default:
        lcm_error(c, "No PED is connected to this HSM");
        return LCM_PED_UNPLUGGED;
    }
}

const char *lcm_ped_hsm(struct lcm *c)
{
    struct lcm_slot slot;
    if (!c->workstation && c->cur_slot >= 0 && lcm_find_slot(c, c->cur_slot, &slot) &&
        slot.kind == LCM_SLOT_NETADMIN)
        return "backup";
    return c->device;
}

/* Opens the state and finds the HSM named NAME; prints nothing. */
static json_t *open_hsm(struct lcm *c, struct state_handle *h, const char *name)
{
    char err[512];
    if (state_open(c->p.dir, h, err, sizeof err) != 0) {
        lcm_error(c, "%s", err);
        return NULL;
    }
    return sm_hsm(h->root, name);
}

static bool parse_port(const char *v, int *port)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1 || n > 65535)
        return false;
    *port = (int)n;
    return true;
}

unsigned long lcm_cmd_ped_set(struct lcm *c, const struct lcm_args *a)
{
    struct state_handle h;
    const char *ip = lcm_arg(a, "ip"), *pv = lcm_arg(a, "port");
    int port = 1503;
    if (!ip) {
        lcm_error(c, "Missing required parameter -ip");
        return LCM_ARGUMENTS_BAD;
    }
    if (pv && !parse_port(pv, &port)) {
        lcm_error(c, "Invalid port '%s'", pv);
        return LCM_ARGUMENTS_BAD;
    }
    json_t *hsm = open_hsm(c, &h, lcm_ped_hsm(c));
    if (!hsm)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *ps = json_object_get(hsm, "ped_server");
    sm_set_str(ps, "ip", ip);
    sm_set_int(ps, "port", port);
    sm_set_bool(ps, "connected", false);
    state_commit(&h);
    return LCM_OK;
}

unsigned long lcm_cmd_ped_get(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    json_t *root = NULL;
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    bool remote = link_connected(c, sm_hsm(root, lcm_ped_hsm(c)));
    json_decref(root);
    lcm_say(c, "HSM slot %d listening to %s PED (PED id=%d).", c->cur_slot,
            remote ? "remote" : "local", remote ? 1 : 0);
    return LCM_OK;
}

unsigned long lcm_cmd_ped_show(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    json_t *root = NULL;
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *hsm = sm_hsm(root, lcm_ped_hsm(c));
    json_t *ps = json_object_get(hsm, "ped_server");
    if (!sm_str(ps, "ip")[0]) {
        lcm_say(c, "No Remote PED Server is configured.");
    } else {
        lcm_say(c, "Configured Remote PED Server information");
        lcm_say(c, "Remote PED Server IP address: %s", sm_str(ps, "ip"));
        lcm_say(c, "Remote PED Server Port: %lld", sm_int(ps, "port"));
        lcm_say(c, "Remote PED Server connection: %s",
                link_connected(c, hsm) ? "connected" : "not connected");
    }
    json_decref(root);
    return LCM_OK;
}

unsigned long lcm_cmd_ped_connect(struct lcm *c, const struct lcm_args *a)
{
    struct state_handle h;
    char ip[64], presented[32] = "";
    int port = 0;
    const char *name = lcm_ped_hsm(c);
    json_t *hsm = open_hsm(c, &h, name);
    if (!hsm)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *ps = json_object_get(hsm, "ped_server");
    snprintf(ip, sizeof ip, "%s", lcm_arg(a, "ip") ? lcm_arg(a, "ip") : sm_str(ps, "ip"));
    port = (int)sm_int(ps, "port");
    bool ped = strcmp(sm_str(hsm, "auth"), "ped") == 0;
    bool rpv = sm_bool(hsm, "rpv_initialized");
    state_close(&h);
    if (lcm_arg(a, "port") && !parse_port(lcm_arg(a, "port"), &port)) {
        lcm_error(c, "Invalid port '%s'", lcm_arg(a, "port"));
        return LCM_ARGUMENTS_BAD;
    }
    if (!ped) {
        lcm_error(c, "This HSM is password authenticated and uses no PED");
        return LCM_OPERATION_NOT_ALLOWED;
    }
    if (!ip[0] || port <= 0) {
        lcm_error(c, "No Remote PED Server is configured (use ped set)");
        return LCM_ARGUMENTS_BAD;
    }
    if (!rpv) {
        lcm_error(c, "The Remote PED Vector is not initialized (use ped vector init)");
        return LCM_OPERATION_NOT_ALLOWED;
    }
    if (ped_link_ping(ip, port, LCM_PED_PING_MS) != 1) {
        lcm_error(c, "Unable to connect to the Remote PED Server at %s:%d", ip, port);
        return LCM_UNABLE_TO_CONNECT;
    }
    /* The remote PED authenticates the link with the orange key. */
    lcm_say(c, "Please attend to the PED.");
    int rc = ped_link_request(ip, port, name, "orange", scaled_ms(c, LCM_PED_KEY_TIMEOUT_S),
                              presented, sizeof presented);
    if (rc == PED_TIMEOUT) {
        lcm_error(c, "PED operation timed out");
        return LCM_TIMEOUT;
    }
    if (rc != PED_OK) {
        lcm_error(c, "Unable to connect to the Remote PED Server at %s:%d", ip, port);
        return LCM_PED_CLIENT_NOT_RUNNING;
    }
    if (strcmp(presented, "orange") != 0)
        return LCM_PIN_INCORRECT;
    if (!(hsm = open_hsm(c, &h, name)))
        return LCM_OPERATION_NOT_ALLOWED;
    ps = json_object_get(hsm, "ped_server");
    sm_set_str(ps, "ip", ip);
    sm_set_int(ps, "port", port);
    sm_set_bool(ps, "connected", true);
    sm_set_int(ps, "connected_at", (long long)time(NULL));
    state_commit(&h);
    return LCM_OK;
}

unsigned long lcm_cmd_ped_disconnect(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    struct state_handle h;
    json_t *hsm = open_hsm(c, &h, lcm_ped_hsm(c));
    if (!hsm)
        return LCM_OPERATION_NOT_ALLOWED;
    sm_set_bool(json_object_get(hsm, "ped_server"), "connected", false);
    state_commit(&h);
    return LCM_OK;
}

unsigned long lcm_cmd_ped_vector_init(struct lcm *c, const struct lcm_args *a)
{
    struct state_handle h;
    const char *name = lcm_ped_hsm(c);
    if (!lcm_hsm_is_ped(c, name)) {
        lcm_error(c, "This HSM is password authenticated and uses no PED");
        return LCM_OPERATION_NOT_ALLOWED;
    }
    lcm_say(c, "You are about to initialize the Remote PED Vector");
    if (!lcm_arg(a, "force") && !lcm_confirm(c))
        return LCM_CANCELLED;
    /* The RPV is written by a PED plugged into this HSM's own host, never over the link. */
    const char *where = strcmp(name, "backup") == 0 ? "workstation" : name;
    char presented[32] = "";
    lcm_say(c, "Please attend to the PED.");
    int rc = ped_device_request(c->p.dir, where, name, "orange",
                                scaled_ms(c, LCM_PED_KEY_TIMEOUT_S), presented,
                                sizeof presented);
    if (rc == PED_TIMEOUT) {
        lcm_error(c, "PED operation timed out");
        return LCM_TIMEOUT;
    }
    if (rc != PED_OK) {
        lcm_error(c, "No PED is connected to this HSM");
        return LCM_PED_UNPLUGGED;
    }
    if (strcmp(presented, "orange") != 0) {
        lcm_error(c, "The PED presented a %s key instead of the orange key", presented);
        return LCM_PIN_INCORRECT;
    }
    json_t *hsm = open_hsm(c, &h, name);
    if (!hsm)
        return LCM_OPERATION_NOT_ALLOWED;
    sm_set_bool(hsm, "rpv_initialized", true);
    state_commit(&h);
    lcm_say(c, "RPV was successfully initialized.");
    return LCM_OK;
}

unsigned long lcm_cmd_ped_vector(struct lcm *c, const struct lcm_args *a)
{
    if (!lcm_arg(a, "init")) {
        lcm_error(c, "Missing required parameter -init");
        return LCM_ARGUMENTS_BAD;
    }
    return lcm_cmd_ped_vector_init(c, a);
}
