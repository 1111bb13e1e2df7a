/* lab_params.c: DIR/lab.json through jansson. */
#include "lab_params.h"
#include "knobs.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void copy_str(char *dst, size_t len, json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    snprintf(dst, len, "%s", s ? s : "");
}

int lab_params_load(const char *dir, struct sim_lab_params *p, char *err, size_t errlen)
{
    char path[SIM_TEXT + 32];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/lab.json", dir);
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        snprintf(err, errlen, "%s: %s (is this a lab folder? start one with 'rotwiz-sim lab')",
                 path, jerr.text);
        return -1;
    }
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "%s", dir);
    copy_str(p->auth, sizeof p->auth, root, "auth");
    json_t *faults = json_object_get(root, "faults");
    size_t i;
    json_t *v;
    json_array_foreach(faults, i, v) {
        if (p->fault_count < SIM_MAX_FAULTS && json_is_string(v))
            snprintf(p->faults[p->fault_count++], sizeof p->faults[0], "%s", json_string_value(v));
    }
    p->latency_ms = (int)json_integer_value(json_object_get(root, "latency_ms"));
    copy_str(p->ped_mode, sizeof p->ped_mode, root, "ped_mode");
    p->ped_time_scale = json_number_value(json_object_get(root, "ped_time_scale"));
    if (p->ped_time_scale <= 0)
        p->ped_time_scale = 1.0;
    p->ped_auto_delay_ms = (int)json_integer_value(json_object_get(root, "ped_auto_delay_ms"));
    json_t *ws = json_object_get(root, "workstation");
    copy_str(p->ws_address, sizeof p->ws_address, ws, "address");
    p->rbs_port = (int)json_integer_value(json_object_get(ws, "rbs_port"));
    p->ped_port = (int)json_integer_value(json_object_get(ws, "ped_port"));
    json_array_foreach(json_object_get(root, "appliances"), i, v) {
        if (p->appliance_count >= SIM_MAX_APPLIANCES)
            break;
        struct sim_appliance_params *a = &p->appliances[p->appliance_count++];
        copy_str(a->name, sizeof a->name, v, "name");
        copy_str(a->address, sizeof a->address, v, "address");
        a->port = (int)json_integer_value(json_object_get(v, "port"));
    }
    copy_str(p->sim_path, sizeof p->sim_path, root, "sim_path");
    copy_str(p->domain, sizeof p->domain, root, "domain");
    copy_str(p->backup_partition, sizeof p->backup_partition, root, "backup_partition");
    copy_str(p->dialect, sizeof p->dialect, root, "dialect");
    const char *key;
    json_object_foreach(json_object_get(root, "knobs"), key, v) {
        if (json_is_string(v))
            lab_set_knob(p, key, json_string_value(v));
    }
    json_decref(root);
    return 0;
}

int lab_params_save(const struct sim_lab_params *p, char *err, size_t errlen)
{
    json_t *faults = json_array();
    for (size_t i = 0; i < p->fault_count; i++)
        json_array_append_new(faults, json_string(p->faults[i]));
    json_t *apps = json_array();
    for (size_t i = 0; i < p->appliance_count; i++)
        json_array_append_new(apps, json_pack("{s:s, s:s, s:i}", "name", p->appliances[i].name,
                                              "address", p->appliances[i].address,
                                              "port", p->appliances[i].port));
    json_t *root = json_pack("{s:s, s:o, s:i, s:s, s:f, s:i, s:{s:s, s:i, s:i}, s:o, s:s, s:s,"
                             " s:s}",
                             "auth", p->auth, "faults", faults, "latency_ms", p->latency_ms,
                             "ped_mode", p->ped_mode, "ped_time_scale", p->ped_time_scale,
                             "ped_auto_delay_ms", p->ped_auto_delay_ms,
                             "workstation", "address", p->ws_address, "rbs_port", p->rbs_port,
                             "ped_port", p->ped_port, "appliances", apps, "sim_path", p->sim_path,
                             "domain", p->domain, "backup_partition", p->backup_partition);
    /* Every knob is written, defaults included: lab.json says what the lab does. */
    json_t *knobs = json_object();
    for (const struct sim_knob *k = sim_knobs; k->name; k++)
        json_object_set_new(knobs, k->name, json_string(lab_knob(p, k->name)));
    if (root) {
        json_object_set_new(root, "knobs", knobs);
        json_object_set_new(root, "dialect", json_string(p->dialect));
    } else {
        json_decref(knobs);
    }
    char path[SIM_TEXT + 32], tmp[SIM_TEXT + 48];
    snprintf(path, sizeof path, "%s/lab.json", p->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int rc = root ? json_dump_file(root, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) : -1;
    json_decref(root);
    if (rc != 0 || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

bool lab_has_fault(const struct sim_lab_params *p, const char *name)
{
    for (size_t i = 0; i < p->fault_count; i++)
        if (strcmp(p->faults[i], name) == 0)
            return true;
    return false;
}

const struct sim_appliance_params *lab_appliance(const struct sim_lab_params *p, const char *name)
{
    for (size_t i = 0; i < p->appliance_count; i++)
        if (strcmp(p->appliances[i].name, name) == 0)
            return &p->appliances[i];
    return NULL;
}

const char *lab_knob(const struct sim_lab_params *p, const char *name)
{
    for (size_t i = 0; i < p->knob_count; i++)
        if (strcmp(p->knobs[i].name, name) == 0)
            return p->knobs[i].value;
    return knob_default(name);
}

bool lab_knob_is(const struct sim_lab_params *p, const char *name, const char *value)
{
    return strcmp(lab_knob(p, name), value) == 0;
}

int lab_set_knob(struct sim_lab_params *p, const char *name, const char *value)
{
    size_t i = 0;
    while (i < p->knob_count && strcmp(p->knobs[i].name, name) != 0)
        i++;
    if (i == SIM_MAX_KNOBS)
        return -1;
    if (i == p->knob_count)
        p->knob_count++;
    snprintf(p->knobs[i].name, sizeof p->knobs[i].name, "%s", name);
    snprintf(p->knobs[i].value, sizeof p->knobs[i].value, "%s", value);
    return 0;
}

void lab_latency(const struct sim_lab_params *p)
{
    if (p->latency_ms <= 0)
        return;
    /* a test hook: each charge appends a line to this file (tests count them, not time) */
    const char *log = getenv("ROTWIZ_SIM_LATENCY_LOG");
    FILE *f = log ? fopen(log, "a") : NULL;
    if (f) {
        fputs("charged\n", f);
        fclose(f);
    }
    struct timespec ts = {p->latency_ms / 1000, (long)(p->latency_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}
