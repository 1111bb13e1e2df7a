/* flow_resume.c: what a run learns from the state folder's earlier sessions: whether a backup
 * partition holds what a recorded backup put there (Object UIDs), and whether an interrupted
 * session was run against the same appliances (serials) before it is continued. */
#include "flow_resume.h"
#include "flow_io.h"
#include "journal.h"
#include "rec_util.h"
#include "session.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls FN with every record of the journal at PATH, one JSON object per complete line (a
 * line that is no object, such as a half-written last one, is passed over). False when the
 * journal cannot be read. */
static bool each_record(const char *path, void (*fn)(json_t *rec, void *ud), void *ud)
{
    size_t len = 0;
    char *buf = rec_read_file(path, &len);
    if (!buf)
        return false;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl)
            break;
        size_t llen = (size_t)(nl - (buf + pos));
        json_t *rec = json_loadb(buf + pos, llen, 0, NULL);
        pos += llen + 1;
        if (json_is_object(rec))
            fn(rec, ud);
        json_decref(rec);
    }
    free(buf);
    return true;
}

/* ---- the backup partition's provenance ----------------------------------------------------- */

/* The state folder of this run. */
static const char *state_dir(const struct flow_ctx *fx, char *buf, size_t len)
{
    if (fx->req->state_dir)
        return fx->req->state_dir;
    return session_default_state_dir(buf, len) == 0 ? buf : NULL;
}

/* Walks one backup session's journal: a verified backup record (decision FLOW_BACKUP_VERIFIED
 * naming PARTITION, after a "backup" object list, on the Backup HSM SERIAL) replaces *UIDS. */
struct backup_scan {
    const char *serial, *partition;
    char bserial[128];           /* the Backup HSM of the session so far */
    json_t *pending;             /* the last "backup" object list */
    json_t **uids;
};

static void scan_record(json_t *rec, void *ud)
{
    struct backup_scan *b = ud;
    const char *type = json_string_value(json_object_get(rec, "type"));
    const char *role = json_string_value(json_object_get(rec, "role"));
    const char *where = json_string_value(json_object_get(rec, "where"));
    const char *q = json_string_value(json_object_get(rec, "question"));
    const char *ans = json_string_value(json_object_get(rec, "answer"));
    const char *ser = json_string_value(json_object_get(rec, "serial"));
    if (type && !strcmp(type, "appliance") && role && !strcmp(role, "backup-hsm") && ser)
        snprintf(b->bserial, sizeof b->bserial, "%s", ser);
    else if (type && !strcmp(type, "objects") && where && !strcmp(where, "backup")) {
        json_decref(b->pending);
        b->pending = json_incref(json_object_get(rec, "objects"));
    } else if (type && !strcmp(type, "decision") && q && !strcmp(q, FLOW_BACKUP_VERIFIED) &&
               ans && !strcmp(ans, b->partition) && !strcmp(b->bserial, b->serial) &&
               b->pending) {
        json_decref(*b->uids);
        *b->uids = json_incref(b->pending);
    }
}

static void scan_journal(const char *path, const char *serial, const char *partition,
                         json_t **uids)
{
    struct backup_scan b = {.serial = serial, .partition = partition, .uids = uids};
    each_record(path, scan_record, &b);
    json_decref(b.pending);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The objects of the newest verified backup of PARTITION on the Backup HSM SERIAL recorded in
 * the state folder, or NULL. */
static json_t *recorded_backup(const char *dir, const char *serial, const char *partition)
{
    char base[SESSION_PATH_MAX];
    snprintf(base, sizeof base, "%s/sessions", dir);
    DIR *d = opendir(base);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        /* the sessions that make backups: backup and migrate runs */
        if (de->d_name[0] == '.' ||
            (!strstr(de->d_name, "-backup-") && !strstr(de->d_name, "-migrate-")))
            continue;
        char **m = realloc(names, (n + 1) * sizeof *names);
        if (!m)
            break;
        names = m;
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, name_cmp); /* the folder names begin with the time */
    json_t *uids = NULL;
    for (size_t i = 0; i < n; i++) {
        char path[SESSION_PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s/%s", base, names[i], SESSION_JOURNAL);
        scan_journal(path, serial, partition, &uids);
        free(names[i]);
    }
    free(names);
    return uids;
}

/* True when the listing OBJS and the recorded list REC hold the same objects: every one with
 * an Object UID, matched one to one by UID, label and type. */
static bool same_by_uid(const struct luna_objects *objs, const json_t *rec)
{
    size_t n = json_array_size(rec);
    if (n != objs->count)
        return false;
    bool used[LUNA_MAX_OBJECTS] = {false};
    for (size_t i = 0; i < objs->count; i++) {
        const struct luna_object *o = &objs->objects[i];
        if (!*o->uid)
            return false;
        size_t j = 0;
        for (; j < n; j++) {
            const json_t *r = json_array_get(rec, j);
            const char *uid = json_string_value(json_object_get(r, "uid"));
            const char *label = json_string_value(json_object_get(r, "label"));
            const char *type = json_string_value(json_object_get(r, "type"));
            if (!used[j] && uid && label && type && !strcmp(uid, o->uid) &&
                !strcmp(label, o->label) && !strcmp(type, o->type))
                break;
        }
        if (j == n)
            return false;
        used[j] = true;
    }
    return true;
}

int flow_backup_provenance(struct flow_ctx *fx, const struct luna_objects *backup)
{
    char buf[512];
    const char *dir = state_dir(fx, buf, sizeof buf);
    const char *name = fx->cfg.backup.partition;
    json_t *rec = dir ? recorded_backup(dir, fx->topo.backup.serial, name) : NULL;
    if (rec) {
        bool same = same_by_uid(backup, rec);
        json_decref(rec);
        if (same) {
            flow_journal_decision(fx, "backup partition provenance",
                                  "the objects of the recorded backup (Object UIDs)");
            return 0;
        }
        return flow_fail(fx, EXIT_PRECONDITION, "Check backup.partition in the configuration; "
                         "back up the source again if this backup was changed.", "The backup "
                         "partition '%s' on the Backup HSM %s does not hold the objects its "
                         "recorded backup put there (Object UIDs differ); rotwiz will not "
                         "restore from it.", name, fx->topo.backup.serial);
    }
    /* no record: rotwiz cannot tell where these objects come from */
    if (fx->req->batch)
        return flow_fail(fx, EXIT_PRECONDITION, "Restore from the wizard (it asks you to type "
                         "the partition name), or use the state folder (--state-dir) of the run "
                         "that made the backup.", "No verified backup of partition '%s' on the "
                         "Backup HSM %s is recorded in this state folder: rotwiz cannot tell "
                         "whose keys it holds; batch mode does not restore it.", name,
                         fx->topo.backup.serial);
    char prompt[512];
    snprintf(prompt, sizeof prompt, "No backup of '%s' on the Backup HSM %s is recorded in this "
             "state folder, so rotwiz cannot tell whose keys it holds (%zu objects). Type the "
             "partition name to restore it anyway.", name, fx->topo.backup.serial,
             backup->count);
    struct core_ask q = {.type = ASK_TYPED_CONFIRM, .title = "Restore an unrecorded backup?",
                         .prompt = prompt, .expected = name};
    struct core_answer a = {0};
    if (core_ask(fx->sink, &q, &a) != ASK_ANSWERED || strcmp(a.text, name) != 0)
        return flow_fail(fx, EXIT_CANCELLED, NULL, "The unrecorded backup '%s' was not "
                         "restored.", name);
    flow_journal_confirmation(fx, fx->step ? fx->step->id : NULL,
                              "restore from an unrecorded backup partition", a.text);
    return flow_record_ok(fx);
}

/* ---- continuing an interrupted session only with the same appliances --------------------- */

void flow_resume_remember(struct flow_ctx *fx, const char *session_dir)
{
    struct session_summary sum;
    char err[256];
    fx->prior_app_count = 0;
    if (session_load(session_dir, &sum, err, sizeof err) != 0)
        return;
    for (size_t i = 0; i < sum.appliance_count && fx->prior_app_count < FLOW_PRIOR_APPS; i++) {
        if (!*sum.appliances[i].serial)
            continue;
        struct flow_prior_app *p = &fx->prior_apps[fx->prior_app_count++];
        snprintf(p->role, sizeof p->role, "%s", sum.appliances[i].role);
        snprintf(p->serial, sizeof p->serial, "%s", sum.appliances[i].serial);
    }
    session_summary_free(&sum);
}

/* This run's operator, witnesses and appliances: the records after the last session-resume. */
static void keep_people(json_t *rec, void *ud)
{
    json_t *people = ud;
    const char *type = json_string_value(json_object_get(rec, "type"));
    if (type && !strcmp(type, "session-resume"))
        json_array_clear(people);
    else if (type && (!strcmp(type, "operator") || !strcmp(type, "witness") ||
                      !strcmp(type, "appliance")))
        json_array_append(people, rec);
}

static void copy_people(const char *old_dir, struct journal *to)
{
    char path[SESSION_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", old_dir, SESSION_JOURNAL);
    json_t *people = json_array();
    if (!each_record(path, keep_people, people)) {
        json_decref(people);
        return;
    }
    size_t i;
    json_t *rec;
    json_array_foreach(people, i, rec) {
        const char *type = json_string_value(json_object_get(rec, "type"));
        const char *name = json_string_value(json_object_get(rec, "name"));
#define GET(k) json_string_value(json_object_get(rec, k))
        if (!strcmp(type, "appliance")) {
            struct journal_appliance a = {GET("role"), GET("host"), GET("serial"), GET("model"),
                                          GET("firmware"), GET("client_version")};
            journal_appliance(to, &a);
        } else if (name && !strcmp(type, "operator"))
            journal_operator(to, name);
        else if (name)
            journal_witness(to, name);
#undef GET
    }
    json_decref(people);
}

int flow_resume_appliance(struct flow_ctx *fx, const char *role, const char *serial)
{
    if (!fx->prior_app_count || !role || !serial || !*serial)
        return 0;
    const char *was = NULL;
    for (size_t i = 0; i < fx->prior_app_count; i++)
        if (!strcmp(fx->prior_apps[i].role, role) && strcmp(fx->prior_apps[i].serial, serial))
            was = fx->prior_apps[i].serial;
    if (!was)
        return 0;
    char wasbuf[64], statebuf[512], err[512];
    snprintf(wasbuf, sizeof wasbuf, "%s", was);
    fx->prior_app_count = 0; /* decided once */
    const char *dir = state_dir(fx, statebuf, sizeof statebuf);
    struct session *s = dir ? session_create(dir, fx->def.id, fx->masker, 0, err, sizeof err)
                            : NULL;
    if (!s) {
        flow_notice(fx, true, "This run is against another %s (serial %s, the interrupted run's "
                    "was %s), but no new session could be created (%s); the record goes on "
                    "here.", role, serial, wasbuf, dir ? err : "no state folder");
        return 0;
    }
    char old_dir[sizeof fx->session_dir], old_id[SESSION_TEXT];
    snprintf(old_dir, sizeof old_dir, "%s", fx->session_dir);
    snprintf(old_id, sizeof old_id, "%s", session_id(fx->session));
    char text[1024];
    snprintf(text, sizeof text, "This run is against another %s (serial %s; the interrupted run "
             "was against %s): it is not continued here; it is recorded in session %s.", role,
             serial, wasbuf, session_id(s));
    journal_note(fx->journal, fx->step ? fx->step->id : NULL, text);
    session_close(fx->session);
    fx->session = s;
    fx->journal = session_journal(s);
    fx->transcript = session_transcript(s);
    snprintf(fx->session_dir, sizeof fx->session_dir, "%s", session_path(s));
    copy_people(old_dir, fx->journal);
    *fx->resumed_from = '\0';
    flow_notice(fx, true, "The interrupted session %s was run against another %s (serial %s, "
                "now %s): it is not continued; this run is recorded in a new session %s (its "
                "first steps are in %s).", old_id, role, wasbuf, serial, session_id(s), old_id);
    if (fx->step)
        flow_journal_step_start(fx, fx->step->id, fx->views ? fx->views[fx->current].title
                                                            : fx->step->id);
    return 1;
}
