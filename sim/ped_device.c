/* ped_device.c: the simulated PED itself (see ped_device.h). Its record lives in state.json
 * "ped": location, mode, pending (the request being served) and inserted (the key the operator
 * presented with `rotwiz-sim ped insert`). The state lock is held only for each short read or
 * write, never across a wait. */
#include "lab_params.h"
#include "ped_device.h"
#include "ped_tool.h"
#include "state_store.h"
#include "ws_net.h"
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PED_POLL_MS 50

static const char *const ped_colours[] = {"blue", "red", "black", "orange"};

bool ped_colour_valid(const char *colour)
{
    for (size_t i = 0; i < 4; i++)
        if (colour && strcmp(colour, ped_colours[i]) == 0)
            return true;
    return false;
}

/* Under ped-wrong-key the PED presents the next colour of the list instead. */
static const char *other_colour(const char *colour)
{
    for (size_t i = 0; i < 4; i++)
        if (strcmp(colour, ped_colours[i]) == 0)
            return ped_colours[(i + 1) % 4];
    return "blue";
}

json_t *ped_state_get(json_t *root, const struct sim_lab_params *p)
{
    json_t *ped = json_object_get(root, "ped");
    if (!json_is_object(ped)) {
        ped = json_object();
        json_object_set_new(root, "ped", ped);
    }
    if (!json_string_value(json_object_get(ped, "location")))
        json_object_set_new(ped, "location", json_string("workstation"));
    if (!json_string_value(json_object_get(ped, "mode")))
        json_object_set_new(ped, "mode", json_string(p && strcmp(p->ped_mode, "manual") == 0
                                                     ? "manual" : "auto"));
    if (!json_object_get(ped, "pending"))
        json_object_set_new(ped, "pending", json_null());
    if (!json_object_get(ped, "inserted"))
        json_object_set_new(ped, "inserted", json_null());
    return ped;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A request id unique among concurrent requests (several processes may ask at once). */
static json_int_t request_id(void)
{
    static unsigned counter;
    return (json_int_t)getpid() * 10000 + (json_int_t)(counter++ % 10000);
}

static bool pending_is(json_t *ped, json_int_t id)
{
    json_t *pend = json_object_get(ped, "pending");
    return json_is_object(pend) && json_integer_value(json_object_get(pend, "id")) == id;
}

/* Clears our pending request (if still ours). With TAKE, also returns and clears "inserted". */
static void finish_request(const char *dir, json_int_t id, bool take, char *got, size_t len)
{
    struct state_handle h;
    char err[300];
    if (state_open(dir, &h, err, sizeof err) != 0)
        return;
    json_t *ped = ped_state_get(h.root, NULL);
    if (pending_is(ped, id)) {
        const char *ins = json_string_value(json_object_get(ped, "inserted"));
        if (take && ins && got)
            snprintf(got, len, "%s", ins);
        json_object_set_new(ped, "pending", json_null());
        json_object_set_new(ped, "inserted", json_null());
    }
    state_commit(&h);
}

enum claim { CLAIM_OK, CLAIM_BUSY, CLAIM_NOT_HERE, CLAIM_ERROR };

/* Records our request as pending. Auto mode first moves the PED to WHERE. */
static enum claim claim(const char *dir, const struct sim_lab_params *p, const char *where,
                        const char *device, const char *colour, json_int_t id, bool *manual)
{
    struct state_handle h;
    char err[300];
    if (state_open(dir, &h, err, sizeof err) != 0)
        return CLAIM_ERROR;
    json_t *ped = ped_state_get(h.root, p);
    *manual = strcmp(json_string_value(json_object_get(ped, "mode")), "manual") == 0;
    const char *loc = json_string_value(json_object_get(ped, "location"));
    if (*manual && strcmp(loc, where) != 0) {
        state_close(&h);
        return CLAIM_NOT_HERE;
    }
    json_t *pend = json_object_get(ped, "pending");
    if (json_is_object(pend)) {
        /* The PED serves one prompt at a time, but a request whose process died (a lunacm
         * killed with its SSH connection) must not block it forever. */
        pid_t owner = (pid_t)json_integer_value(json_object_get(pend, "pid"));
        if (owner <= 0 || (kill(owner, 0) == 0 || errno != ESRCH)) {
            state_close(&h);
            return CLAIM_BUSY;
        }
    }
    if (!*manual)
        json_object_set_new(ped, "location", json_string(where));
    json_object_set_new(ped, "pending",
                        json_pack("{s:s, s:s, s:s, s:I, s:I}", "key", colour, "for", device,
                                  "where", where, "id", id, "pid", (json_int_t)getpid()));
    json_object_set_new(ped, "inserted", json_null());
    return state_commit(&h) == 0 ? CLAIM_OK : CLAIM_ERROR;
}

/* Manual mode: the key the operator inserted for request ID, if any yet. */
static bool poll_inserted(const char *dir, json_int_t id, char *got, size_t len)
{
    struct state_handle h;
    char err[300];
    bool found = false;
    if (state_open(dir, &h, err, sizeof err) != 0)
        return false;
    json_t *ped = ped_state_get(h.root, NULL);
    if (pending_is(ped, id) && json_string_value(json_object_get(ped, "inserted"))) {
        snprintf(got, len, "%s", json_string_value(json_object_get(ped, "inserted")));
        found = true;
    }
    state_close(&h);
    return found;
}

int ped_device_request(const char *dir, const char *where, const char *device, const char *colour,
                       int timeout_ms, char *presented, size_t len)
{
    struct sim_lab_params p;
    char err[300];
    bool manual = false;
    long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    json_int_t id = request_id();
    if (len)
        presented[0] = '\0';
    if (lab_params_load(dir, &p, err, sizeof err) != 0)
        return PED_UNREACHABLE;
    for (;;) {
        enum claim c = claim(dir, &p, where, device, colour, id, &manual);
        if (c == CLAIM_OK)
            break;
        if (c == CLAIM_NOT_HERE)
            return PED_NOT_HERE;
        if (c == CLAIM_ERROR)
            return PED_UNREACHABLE;
        if (now_ms() >= deadline)
            return PED_TIMEOUT;
        wsnet_sleep_ms(PED_POLL_MS);
    }
    if (!manual) {
        long delay = (long)(p.ped_auto_delay_ms * p.ped_time_scale);
        if (lab_has_fault(&p, "ped-timeout") || now_ms() + delay > deadline) {
            wsnet_sleep_ms(deadline - now_ms());
            finish_request(dir, id, false, NULL, 0);
            return PED_TIMEOUT;
        }
        wsnet_sleep_ms(delay);
        finish_request(dir, id, false, NULL, 0);
        snprintf(presented, len, "%s",
                 lab_has_fault(&p, "ped-wrong-key") ? other_colour(colour) : colour);
        return PED_OK;
    }
    for (;;) {
        if (poll_inserted(dir, id, presented, len))
            break;
        long left = deadline - now_ms();
        if (left <= 0) {
            /* Last look under the lock: an insert may have landed just now. */
            presented[0] = '\0';
            finish_request(dir, id, true, presented, len);
            return presented[0] ? PED_OK : PED_TIMEOUT;
        }
        wsnet_sleep_ms(left < PED_POLL_MS ? left : PED_POLL_MS);
    }
    finish_request(dir, id, false, NULL, 0);
    return PED_OK;
}
