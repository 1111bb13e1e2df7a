/* topology_json.c: topology as JSON (jansson) and as plain text. */
#include "topology_json.h"
#include <jansson.h>

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *slot_json(const struct slot *s)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)s->id, "label",
                     s->label, "serial", s->serial, "model", s->model, "firmware", s->firmware,
                     "configuration", s->configuration, "description", s->description);
}

/* Beyond INTERFACE.md's members: the Luna client's version and the Backup HSM over USB. */
static void workstation_extra(const struct topology *t, json_t *ws)
{
    const struct backup_hsm *b = &t->backup;
    json_object_set_new(ws, "client_version", str_or_null(t->workstation.client_version));
    json_object_set_new(ws, "backup_hsm",
                        json_pack("{s:b, s:o, s:o, s:o}", "attached", b->visible, "model",
                                  str_or_null(b->visible ? b->model : ""), "serial",
                                  str_or_null(b->visible ? b->serial : ""), "firmware",
                                  str_or_null(b->visible ? b->firmware : "")));
}

/* The syntax preflight: null when it did not run. */
static json_t *syntax_json(const struct syntax_check *s)
{
    if (!s->run)
        return json_null();
    json_t *missing = json_array(), *unchecked = json_array();
    for (size_t i = 0; i < s->missing_count; i++)
        json_array_append_new(missing, json_string(s->missing[i]));
    for (size_t i = 0; i < s->unchecked_count; i++)
        json_array_append_new(unchecked, json_string(s->unchecked[i]));
    return json_pack("{s:I, s:o, s:o}", "checked", (json_int_t)s->checked, "missing", missing,
                     "unchecked", unchecked);
}

static void syntax_plain(const struct syntax_check *s, FILE *out)
{
    if (!s->run)
        return;
    fprintf(out, "  syntax checked: %zu command%s\n", s->checked, s->checked == 1 ? "" : "s");
    for (size_t i = 0; i < s->missing_count; i++)
        fprintf(out, "  syntax: NOT LISTED: %s\n", s->missing[i]);
    for (size_t i = 0; i < s->unchecked_count; i++)
        fprintf(out, "  syntax: not checked: %s\n", s->unchecked[i]);
}

int topology_write_json(const struct topology *t, FILE *out)
{
    json_t *apps = json_array();
    for (int r = 0; r < MODEL_ROLES; r++) {
        const struct appliance *a = &t->appliances[r];
        if (!a->configured)
            continue;
        json_t *slots = json_array(), *servers = json_array();
        for (size_t i = 0; i < a->slots.count; i++)
            json_array_append_new(slots, slot_json(&a->slots.slots[i]));
        for (size_t i = 0; i < a->vtl.count; i++)
            json_array_append_new(servers,
                                  json_pack("{s:s}", "address", a->vtl.servers[i].address));
        json_array_append_new(
            apps, json_pack("{s:s, s:s, s:i, s:b, s:o, s:o, s:o, s:o}", "role",
                            model_role_name(a->role), "host", a->host, "port", a->port,
                            "reachable", a->reachable, "error",
                            a->reachable ? json_null() : str_or_null(a->error), "lunacm_version",
                            str_or_null(a->lunacm_version), "slots", slots, "vtl_servers",
                            servers));
        json_object_set_new(json_array_get(apps, json_array_size(apps) - 1), "syntax",
                            syntax_json(&a->syntax));
    }
    const struct workstation *w = &t->workstation;
    json_t *root = json_pack("{s:{s:s, s:{s:i, s:b}, s:{s:i, s:b}}, s:o}", "workstation",
                             "address", w->address, "rbs", "port", w->rbs_port, "listening",
                             w->rbs_listening, "pedserver", "port", w->ped_port, "listening",
                             w->ped_listening, "appliances", apps);
    if (!root)
        return -1;
    workstation_extra(t, json_object_get(root, "workstation"));
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc;
}

void topology_write_plain(const struct topology *t, FILE *out)
{
    const struct workstation *w = &t->workstation;
    fprintf(out, "workstation %s\n", w->address);
    fprintf(out, "  rbs port %d %s\n", w->rbs_port, w->rbs_listening ? "listening" : "closed");
    fprintf(out, "  pedserver port %d %s\n", w->ped_port,
            w->ped_listening ? "listening" : "closed");
    fprintf(out, "  luna client %s\n", *w->client_version ? w->client_version : "(unknown)");
    if (t->backup.visible)
        fprintf(out, "  backup hsm (usb) %s | serial %s | firmware %s\n", t->backup.model,
                t->backup.serial, t->backup.firmware);
    else
        fprintf(out, "  backup hsm (usb) not attached\n");
    for (int r = 0; r < MODEL_ROLES; r++) {
        const struct appliance *a = &t->appliances[r];
        if (!a->configured)
            continue;
        fprintf(out, "%s %s:%d %s\n", model_role_name(a->role), a->host, a->port,
                a->reachable ? "reachable" : "UNREACHABLE");
        if (!a->reachable) {
            fprintf(out, "  error: %s\n", a->error);
            continue;
        }
        fprintf(out, "  lunacm %s\n", *a->lunacm_version ? a->lunacm_version : "(unknown)");
        for (size_t i = 0; i < a->slots.count; i++) {
            const struct slot *s = &a->slots.slots[i];
            fprintf(out, "  slot %ld: %s | label '%s' | serial %s | %s | firmware %s\n", s->id,
                    s->description, s->label, s->serial, s->model, s->firmware);
        }
        for (size_t i = 0; i < a->vtl.count; i++)
            fprintf(out, "  vtl server %s\n", a->vtl.servers[i].address);
        syntax_plain(&a->syntax, out);
    }
}
