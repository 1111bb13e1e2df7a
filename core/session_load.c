/* session_load.c: reading a session folder back (after a crash too), resume points, listing
 * the sessions of a state folder. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session.h"

static void copy(char *dst, size_t len, const json_t *rec, const char *key)
{
    const char *v = json_string_value(json_object_get(rec, key));
    if (v)
        snprintf(dst, len, "%s", v);
}
#define COPY(dst, rec, key) copy((dst), sizeof(dst), (rec), (key))

static struct session_step_info *find_step(struct session_summary *sum, const char *id)
{
    for (size_t i = 0; i < sum->step_count; i++)
        if (!strcmp(sum->steps[i].id, id))
            return &sum->steps[i];
    struct session_step_info *n = realloc(sum->steps, (sum->step_count + 1) * sizeof(*n));
    if (!n)
        return NULL;
    sum->steps = n;
    struct session_step_info *st = &sum->steps[sum->step_count++];
    memset(st, 0, sizeof(*st));
    snprintf(st->id, sizeof(st->id), "%s", id);
    return st;
}

static void add_objects(struct session_summary *sum, const json_t *rec)
{
    struct session_object_list *n =
        realloc(sum->object_lists, (sum->object_list_count + 1) * sizeof(*n));
    if (!n)
        return;
    sum->object_lists = n;
    struct session_object_list *l = &n[sum->object_list_count];
    memset(l, 0, sizeof(*l));
    COPY(l->step, rec, "step");
    COPY(l->where, rec, "where");
    COPY(l->time, rec, "time");
    const json_t *objs = json_object_get(rec, "objects");
    size_t count = json_array_size(objs);
    l->objects = count ? calloc(count, sizeof(*l->objects)) : NULL;
    if (count && !l->objects)
        return;
    for (size_t i = 0; i < count; i++) {
        const json_t *o = json_array_get(objs, i);
        COPY(l->objects[i].label, o, "label");
        COPY(l->objects[i].type, o, "type");
        COPY(l->objects[i].handle, o, "handle");
        COPY(l->objects[i].uid, o, "uid");
    }
    l->count = count;
    sum->object_list_count++;
}

static void add_appliance(struct session_summary *sum, const json_t *rec)
{
    struct session_appliance_info a = {0};
    COPY(a.role, rec, "role");
    COPY(a.host, rec, "host");
    COPY(a.serial, rec, "serial");
    COPY(a.model, rec, "model");
    COPY(a.firmware, rec, "firmware");
    COPY(a.client_version, rec, "client_version");
    /* The same device seen again (a resumed run) replaces its older record. */
    for (size_t i = 0; i < sum->appliance_count; i++) {
        if (!strcmp(sum->appliances[i].role, a.role) && !strcmp(sum->appliances[i].host, a.host)) {
            sum->appliances[i] = a;
            return;
        }
    }
    if (sum->appliance_count < SESSION_MAX_APPLIANCES)
        sum->appliances[sum->appliance_count++] = a;
}

static void apply_record(struct session_summary *sum, const json_t *rec)
{
    const char *type = json_string_value(json_object_get(rec, "type"));
    const char *step = json_string_value(json_object_get(rec, "step"));
    if (!type)
        return;
    sum->records++;
    COPY(sum->last_time, rec, "time");
    if (!strcmp(type, "session-start")) {
        COPY(sum->flow, rec, "flow");
        COPY(sum->version, rec, "version");
        COPY(sum->started, rec, "time");
    } else if (!strcmp(type, "session-resume")) {
        sum->resumes++;
        sum->ended = false;
    } else if (!strcmp(type, "operator")) {
        COPY(sum->operator_name, rec, "name");
    } else if (!strcmp(type, "witness")) {
        const char *name = json_string_value(json_object_get(rec, "name"));
        for (size_t i = 0; name && i < sum->witness_count; i++)
            if (!strcmp(sum->witnesses[i], name))
                name = NULL;
        if (name && sum->witness_count < SESSION_MAX_WITNESSES)
            snprintf(sum->witnesses[sum->witness_count++], SESSION_TEXT, "%s", name);
    } else if (!strcmp(type, "appliance")) {
        add_appliance(sum, rec);
    } else if (!strcmp(type, "objects")) {
        add_objects(sum, rec);
    } else if (!strcmp(type, "session-end")) {
        sum->ended = true;
        sum->exit_code = (int)json_integer_value(json_object_get(rec, "exit_code"));
        COPY(sum->end_message, rec, "message");
    } else if (step && (!strcmp(type, "step-skipped") ||
                        !strcmp(type, "hand-step-unverified"))) {
        /* the operator skipped it (wizard); a hand step batch mode could not check: never
         * done, left for the operator */
        struct session_step_info *st = find_step(sum, step);
        if (st)
            st->state = !strcmp(type, "step-skipped") ? STEP_SKIPPED : STEP_UNVERIFIED;
    } else if (step && !strcmp(type, "satisfied-earlier")) {
        /* done by the effect an earlier session verified, checked again (flow_carry.h); the
         * operator and witnesses kept are no step of the flow */
        for (size_t i = 0; i < sum->step_count; i++)
            if (!strcmp(sum->steps[i].id, step))
                COPY(sum->steps[i].satisfied_by, rec, "session");
    } else if (step && (!strcmp(type, "step-start") || !strcmp(type, "step-done") ||
                        !strcmp(type, "step-failed"))) {
        struct session_step_info *st = find_step(sum, step);
        if (!st)
            return;
        if (!strcmp(type, "step-start")) {
            st->state = STEP_CURRENT;
            COPY(st->title, rec, "title");
            snprintf(sum->last_step, sizeof(sum->last_step), "%s", step);
        } else if (!strcmp(type, "step-done")) {
            st->state = STEP_DONE;
        } else {
            st->state = STEP_FAILED;
            COPY(st->cause, rec, "cause");
        }
    }
}

int session_load(const char *dir, struct session_summary *sum, char *err, size_t errlen)
{
    char jp[SESSION_PATH_MAX + 32];
    size_t len = 0;
    memset(sum, 0, sizeof(*sum));
    snprintf(sum->path, sizeof(sum->path), "%s", dir);
    size_t n = strlen(sum->path);
    while (n > 1 && sum->path[n - 1] == '/')
        sum->path[--n] = '\0';
    const char *slash = strrchr(sum->path, '/');
    snprintf(sum->id, sizeof(sum->id), "%.*s", (int)sizeof(sum->id) - 1,
             slash ? slash + 1 : sum->path);
    snprintf(jp, sizeof(jp), "%s/%s", sum->path, SESSION_JOURNAL);
    char *buf = rec_read_file(jp, &len);
    if (!buf) {
        snprintf(err, errlen, "%s: %s", jp, strerror(errno));
        return -1;
    }
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl) {
            sum->truncated = true;    /* a crash in the middle of a record: ignore it */
            break;
        }
        size_t llen = (size_t)(nl - (buf + pos));
        json_t *rec = json_loadb(buf + pos, llen, 0, NULL);
        if (json_is_object(rec))
            apply_record(sum, rec);
        json_decref(rec);
        pos += llen + 1;
    }
    free(buf);
    struct journal_report rep;
    sum->chain_ok = journal_verify(jp, &rep) == 0;
    sum->bad_line = rep.bad_line;
    snprintf(sum->chain_reason, sizeof(sum->chain_reason), "%s", rep.reason);
    return 0;
}

void session_summary_free(struct session_summary *sum)
{
    for (size_t i = 0; i < sum->object_list_count; i++)
        free(sum->object_lists[i].objects);
    free(sum->object_lists);
    free(sum->steps);
    sum->object_lists = NULL;
    sum->steps = NULL;
    sum->object_list_count = sum->step_count = 0;
}

enum step_state session_step_state(const struct session_summary *sum, const char *step)
{
    for (size_t i = 0; i < sum->step_count; i++)
        if (!strcmp(sum->steps[i].id, step))
            return sum->steps[i].state;
    return STEP_PENDING;
}

size_t session_resume_index(const struct session_summary *sum, const char *const *step_ids,
                            size_t count)
{
    for (size_t i = 0; i < count; i++) {
        enum step_state st = session_step_state(sum, step_ids[i]);
        if (st != STEP_DONE && st != STEP_SKIPPED)
            return i;
    }
    return count;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct session_entry *)a)->id, ((const struct session_entry *)b)->id);
}

int session_list(const char *state_dir, struct session_entry **out, size_t *count, char *err,
                 size_t errlen)
{
    char base[SESSION_PATH_MAX];
    *out = NULL;
    *count = 0;
    snprintf(base, sizeof(base), "%s/sessions", state_dir);
    DIR *d = opendir(base);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", base, strerror(errno));
        return -1;
    }
    struct dirent *de;
    size_t cap = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char dir[SESSION_PATH_MAX + 256];
        struct session_summary sum;
        char lerr[256];
        snprintf(dir, sizeof(dir), "%s/%s", base, de->d_name);
        if (session_load(dir, &sum, lerr, sizeof(lerr)) != 0)
            continue;    /* not a session folder */
        if (*count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct session_entry *n = realloc(*out, ncap * sizeof(*n));
            if (!n) {
                session_summary_free(&sum);
                break;
            }
            *out = n;
            cap = ncap;
        }
        struct session_entry *e = &(*out)[(*count)++];
        memset(e, 0, sizeof(*e));
        snprintf(e->path, sizeof(e->path), "%s", sum.path);
        snprintf(e->id, sizeof(e->id), "%s", sum.id);
        snprintf(e->flow, sizeof(e->flow), "%s", sum.flow);
        snprintf(e->started, sizeof(e->started), "%s", sum.started);
        snprintf(e->last_step, sizeof(e->last_step), "%s", sum.last_step);
        e->ended = sum.ended;
        e->exit_code = sum.exit_code;
        e->chain_ok = sum.chain_ok;
        session_summary_free(&sum);
    }
    closedir(d);
    if (*count > 1)
        qsort(*out, *count, sizeof(**out), entry_cmp);
    return 0;
}
