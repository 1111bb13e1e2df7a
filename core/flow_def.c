/* flow_def.c: loads flows and their steps from the embedded libconfig files. */
#include "flow_def.h"
#include "assets.h"
#include <libconfig.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEPS_ASSET "flows/steps.conf"
#define LANE_ASIDE_UNRESOLVED (-2) /* lane = "aside", until the step's k570 is known */

const char *flow_def_id(enum flow_kind kind, bool ped)
{
    switch (kind) {
    case FLOW_BACKUP: return ped ? "backup-ped" : "backup-password";
    case FLOW_RESTORE: return ped ? "restore-ped" : "restore-password";
    case FLOW_PREPARE_TARGET: return ped ? "prepare-target-ped" : "prepare-target-password";
    case FLOW_MIGRATE: return ped ? "migrate-ped" : "migrate-password";
    default: return "topology";
    }
}

static char *dup_or_null(const config_setting_t *s, const char *name)
{
    const char *v = NULL;
    if (config_setting_lookup_string(s, name, &v) != CONFIG_TRUE)
        return NULL;
    return strdup(v);
}

static bool flag(const config_setting_t *s, const char *name)
{
    int v = 0;
    return config_setting_lookup_bool(s, name, &v) == CONFIG_TRUE && v;
}

/* "backup:orange", "appliance:black", "source:black" or "any". */
static int parse_ped_key(const char *name, enum ped_key *out, enum ped_hsm *hsm)
{
    static const char *const hsms[] = {[PED_HSM_APPLIANCE] = "appliance",
                                       [PED_HSM_BACKUP] = "backup",
                                       [PED_HSM_SOURCE] = "source"};
    *hsm = PED_HSM_APPLIANCE;
    if (strcmp(name, "any") == 0) {
        *out = PED_KEY_ANY;
        return 0;
    }
    const char *colon = strchr(name, ':');
    if (!colon)
        return -1;
    int h = 0;
    for (; h < 3; h++)
        if (strlen(hsms[h]) == (size_t)(colon - name) &&
            strncmp(name, hsms[h], (size_t)(colon - name)) == 0)
            break;
    if (h == 3)
        return -1;
    *hsm = (enum ped_hsm)h;
    for (int k = PED_KEY_BLUE; k <= PED_KEY_ORANGE; k++)
        if (strcmp(colon + 1, ped_key_name((enum ped_key)k)) == 0) {
            *out = (enum ped_key)k;
            return 0;
        }
    return -1;
}

/* VENDOR: a list of quoted vendor commands or sentences (a single string is a list of one). */
static int load_vendor(const config_setting_t *s, struct flow_step_def *st)
{
    const config_setting_t *v = config_setting_get_member(s, "vendor");
    if (!v)
        return 0;
    if (config_setting_type(v) == CONFIG_TYPE_STRING) {
        st->vendor = calloc(1, sizeof *st->vendor);
        if (!st->vendor)
            return -1;
        st->vendor[0] = strdup(config_setting_get_string(v));
        st->vendor_count = 1;
        return 0;
    }
    int n = config_setting_length(v);
    st->vendor = calloc((size_t)n + 1, sizeof *st->vendor);
    if (!st->vendor)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *t = config_setting_get_string_elem(v, i);
        if (!t)
            return -1;
        st->vendor[st->vendor_count++] = strdup(t);
    }
    return 0;
}

static int read_asset(config_t *cfg, const char *name, char *err, size_t errlen)
{
    const char *text = assets_get(name, NULL);
    config_init(cfg);
    if (!text) {
        snprintf(err, errlen, "%s: not embedded in this build", name);
        config_destroy(cfg);
        return -1;
    }
    if (config_read_string(cfg, text) != CONFIG_TRUE) {
        snprintf(err, errlen, "assets/%s:%d: %s", name, config_error_line(cfg),
                 config_error_text(cfg));
        config_destroy(cfg);
        return -1;
    }
    return 0; /* the caller destroys CFG */
}

static int load_step(const config_setting_t *s, struct flow_step_def *st, const char *asset,
                     char *err, size_t errlen)
{
    st->id = strdup(config_setting_name(s));
    st->title = dup_or_null(s, "title");
    st->instructions = dup_or_null(s, "instructions");
    st->action = dup_or_null(s, "action");
    st->verifies = dup_or_null(s, "verifies");
    st->failure = dup_or_null(s, "failure");
    st->fix = dup_or_null(s, "fix");
    st->hand = flag(s, "hand");
    st->destructive = flag(s, "destructive");
    st->optional = flag(s, "optional");
    st->back = flag(s, "back");
    st->command = dup_or_null(s, "command");
    st->when = dup_or_null(s, "when");
    st->extra = dup_or_null(s, "extra");
    if (load_vendor(s, st) != 0) {
        snprintf(err, errlen, "assets/%s:%d: step %s: vendor must be a string or a list of "
                 "strings", asset, config_setting_source_line(s), st->id);
        return -1;
    }
    if (!st->title || !st->instructions || !st->action) {
        snprintf(err, errlen, "assets/%s:%d: step %s needs title, instructions and action", asset,
                 config_setting_source_line(s), st->id);
        return -1;
    }
    const char *lane = NULL;
    st->lane = -1; /* resolved by resolve_lanes() */
    if (config_setting_lookup_string(s, "lane", &lane) == CONFIG_TRUE) {
        if (strcmp(lane, "workstation") != 0 && strcmp(lane, "aside") != 0) {
            snprintf(err, errlen, "assets/%s:%d: step %s: lane must be \"workstation\" or "
                     "\"aside\" (a k570's step runs on its k570's lane)", asset,
                     config_setting_source_line(s), st->id);
            return -1;
        }
        st->lane = strcmp(lane, "aside") == 0 ? LANE_ASIDE_UNRESOLVED : FLOW_LANE_WORKSTATION;
    }
    const config_setting_t *needs = config_setting_get_member(s, "needs");
    if (needs) {
        int n = config_setting_length(needs);
        st->ahead = true;
        st->need_ids = calloc((size_t)n + 1, sizeof *st->need_ids);
        for (int i = 0; i < n; i++) {
            const char *t = config_setting_get_string_elem(needs, i);
            if (!t || !st->need_ids) {
                snprintf(err, errlen, "assets/%s:%d: step %s: needs must be a list of step ids",
                         asset, config_setting_source_line(needs), st->id);
                return -1;
            }
            st->need_ids[st->need_id_count++] = strdup(t);
        }
    }
    const config_setting_t *ped = config_setting_get_member(s, "ped");
    for (int i = 0; ped && i < config_setting_length(ped) && i < PED_MAX_KEYS; i++) {
        const char *k = config_setting_get_string_elem(ped, i);
        if (!k || parse_ped_key(k, &st->ped[st->ped_count], &st->ped_hsm[st->ped_count]) != 0) {
            snprintf(err, errlen, "assets/%s:%d: step %s: unknown PED key (HSM:colour or any)",
                     asset,
                     config_setting_source_line(ped), st->id);
            return -1;
        }
        st->ped_count++;
    }
    return 0;
}

/* A flow's step entry: "ssh_connect" (the flow's appliance) or "target:ssh_connect" (a flow
 * that works on both k570s names each step's). Returns the step id, *role the role or -1;
 * NULL for an unknown role. */
static const char *step_role(const char *entry, int *role)
{
    *role = -1;
    if (!entry)
        return NULL;
    if (strncmp(entry, "source:", 7) == 0) {
        *role = ROLE_SOURCE;
        return entry + 7;
    }
    if (strncmp(entry, "target:", 7) == 0) {
        *role = ROLE_TARGET;
        return entry + 7;
    }
    return strchr(entry, ':') ? NULL : entry;
}

/* Each step's lane, and the indices of what it needs: the nearest earlier step of that id on
 * the step's own k570, else on the workstation. A need the flow does not have (a
 * prepare-target has no RBS) is no constraint; one the flow has only after the step is an
 * error (the table would not say what runs first). A step that uses the PED or waits for the
 * operator never runs ahead: one PED and one operator serve every lane in turn. Returns 0, or
 * -1 with the message in ERR. */
/* The k570 step S works on: the one its flow entry names, else the flow's (FLOW_ROLE). */
static int step_k570(const struct flow_step_def *s, int flow_role)
{
    return s->role >= 0 ? s->role : flow_role;
}

static int resolve_lanes(struct flow_def *def, const char *asset, char *err, size_t errlen)
{
    int flow_role = strcmp(def->appliance, "target") == 0 ? ROLE_TARGET : ROLE_SOURCE;
    for (size_t i = 0; i < def->count; i++) {
        struct flow_step_def *s = &def->steps[i];
        int role = step_k570(s, flow_role);
        if (s->lane == LANE_ASIDE_UNRESOLVED)
            s->lane = FLOW_LANE_ASIDE(role);
        else if (s->lane < 0)
            s->lane = role;
    }
    for (size_t i = 0; i < def->count; i++) {
        struct flow_step_def *s = &def->steps[i];
        int role = step_k570(s, flow_role);
        if (s->hand || (s->ped_count > 0 && strcmp(def->auth, "password") != 0))
            s->ahead = false;
        s->needs = calloc(s->need_id_count + 1, sizeof *s->needs);
        for (size_t k = 0; s->ahead && s->needs && k < s->need_id_count; k++) {
            size_t found = SIZE_MAX;
            for (size_t j = 0; j < def->count; j++) {
                const struct flow_step_def *d = &def->steps[j];
                bool same_k570 = step_k570(d, flow_role) == role;
                if (strcmp(d->id, s->need_ids[k]) == 0 && j != i &&
                    (same_k570 || d->lane == FLOW_LANE_WORKSTATION) &&
                    (found == SIZE_MAX || j < i))
                    found = j;
            }
            if (found != SIZE_MAX && found > i) {
                snprintf(err, errlen, "assets/%s: step %s needs %s, which comes after it",
                         asset, s->id, s->need_ids[k]);
                return -1;
            }
            if (found != SIZE_MAX)
                s->needs[s->needs_count++] = found;
        }
    }
    return 0;
}

int flow_def_load(const char *id, struct flow_def *out, char *err, size_t errlen)
{
    char asset[128];
    config_t flows, steps;
    int rc = -1;
    memset(out, 0, sizeof *out);
    snprintf(asset, sizeof asset, "flows/%s.conf", id);
    int frc = read_asset(&flows, asset, err, errlen);
    int src = frc == 0 ? read_asset(&steps, STEPS_ASSET, err, errlen) : -1;
    if (frc != 0 || src != 0)
        goto out;
    const config_setting_t *f = config_lookup(&flows, "flow");
    const config_setting_t *list = f ? config_setting_get_member(f, "steps") : NULL;
    const config_setting_t *lib = config_lookup(&steps, "steps");
    if (!list || !lib) {
        snprintf(err, errlen, "assets/%s: needs flow.steps and %s needs steps", asset, STEPS_ASSET);
        goto out;
    }
    out->id = dup_or_null(f, "id");
    out->title = dup_or_null(f, "title");
    out->kind = dup_or_null(f, "kind");
    out->auth = dup_or_null(f, "auth");
    out->appliance = dup_or_null(f, "appliance");
    if (!out->id || !out->title || !out->kind || !out->auth || !out->appliance) {
        snprintf(err, errlen, "assets/%s:%d: flow needs id, title, kind, auth and appliance",
                 asset, config_setting_source_line(f));
        goto out;
    }
    int n = config_setting_length(list);
    out->steps = calloc((size_t)n, sizeof *out->steps);
    for (int i = 0; i < n; i++) {
        int role = -1;
        const char *sid = step_role(config_setting_get_string_elem(list, i), &role);
        const config_setting_t *s = sid ? config_setting_get_member(lib, sid) : NULL;
        if (!s) {
            snprintf(err, errlen, "assets/%s:%d: step '%s' is not defined in assets/%s", asset,
                     config_setting_source_line(list), sid ? sid : "?", STEPS_ASSET);
            goto out;
        }
        out->count++;
        out->steps[i].role = role;
        if (load_step(s, &out->steps[i], STEPS_ASSET, err, errlen) != 0)
            goto out;
    }
    if (resolve_lanes(out, asset, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    if (frc == 0)
        config_destroy(&flows);
    if (src == 0)
        config_destroy(&steps);
    if (rc != 0)
        flow_def_free(out);
    return rc;
}

void flow_def_free(struct flow_def *def)
{
    for (size_t i = 0; i < def->count; i++) {
        struct flow_step_def *s = &def->steps[i];
        free(s->id);
        free(s->title);
        free(s->instructions);
        free(s->action);
        free(s->verifies);
        free(s->failure);
        free(s->fix);
        free(s->command);
        free(s->when);
        free(s->extra);
        for (size_t v = 0; v < s->vendor_count; v++)
            free(s->vendor[v]);
        free(s->vendor);
        for (size_t k = 0; k < s->need_id_count; k++)
            free(s->need_ids[k]);
        free(s->need_ids);
        free(s->needs);
    }
    free(def->steps);
    free(def->id);
    free(def->title);
    free(def->kind);
    free(def->auth);
    free(def->appliance);
    memset(def, 0, sizeof *def);
}

char *flow_fill(const char *text, const char *(*lookup)(void *ud, const char *name), void *ud)
{
    size_t cap = strlen(text) + 64, len = 0;
    char *out = malloc(cap);
    for (const char *p = text; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *val = NULL;
        size_t take = 1;
        if (close && (size_t)(close - p) < 64) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
            val = lookup(ud, name);
            if (val)
                take = (size_t)(close - p) + 1;
        }
        const char *piece = val ? val : p;
        size_t plen = val ? strlen(val) : 1;
        if (len + plen + 1 > cap) {
            cap = (len + plen + 1) * 2;
            out = realloc(out, cap);
        }
        memcpy(out + len, piece, plen);
        len += plen;
        p += take;
    }
    out[len] = '\0';
    return out;
}
