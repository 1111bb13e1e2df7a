/* export_text.c: the human-readable ceremony record. */
#include <stdlib.h>
#include <string.h>
#include "export_int.h"

/* Writes S with control characters made visible (no escape sequence reaches a terminal). */
static void put_safe(FILE *f, const char *s)
{
    size_t n = strlen(s) * 4 + 1;
    char small[1024];
    char *buf = n <= sizeof(small) ? small : malloc(n);
    if (!buf)
        return;
    tx_escape_controls(s, buf, n);
    fputs(buf, f);
    if (buf != small)
        free(buf);
}

static const char *state_word(enum step_state st)
{
    switch (st) {
    case STEP_DONE:
        return "[done]   ";
    case STEP_FAILED:
        return "[FAILED] ";
    case STEP_CURRENT:
        return "[started]";
    case STEP_SKIPPED:
        return "[skipped]";
    case STEP_UNVERIFIED:
        return "[to do]  ";
    default:
        return "[pending]";
    }
}

static void header(FILE *f, const struct export_data *d)
{
    const struct session_summary *s = &d->sum;
    fputs("ROTWIZ CEREMONY RECORD\n======================\n\n", f);
    if (d->warning[0]) {
        fputs("!!! WARNING: ", f);
        put_safe(f, d->warning);
        fputs(".\n!!! Do not rely on this record without checking how it was altered.\n\n", f);
    }
    fputs("Session:     ", f);
    put_safe(f, s->id);
    fputs("\nFlow:        ", f);
    put_safe(f, s->flow[0] ? s->flow : "(unknown)");
    fputs("\nrotwiz:      ", f);
    put_safe(f, s->version[0] ? s->version : "(unknown)");
    fputs("\nOperator:    ", f);
    put_safe(f, s->operator_name[0] ? s->operator_name : "(not recorded)");
    fputs("\nWitnesses:   ", f);
    for (size_t i = 0; i < s->witness_count; i++) {
        if (i)
            fputs(", ", f);
        put_safe(f, s->witnesses[i]);
    }
    if (s->witness_count == 0)
        fputs("(none recorded)", f);
    fputc('\n', f);
    for (size_t i = 0; i < s->appliance_count; i++) {
        const struct session_appliance_info *a = &s->appliances[i];
        const char *names[] = {"serial ", "model ", "firmware ", "client "};
        const char *vals[] = {a->serial, a->model, a->firmware, a->client_version};
        fputs("Appliance:   ", f);
        put_safe(f, a->role);
        fputc(' ', f);
        put_safe(f, a->host);
        for (size_t k = 0; k < 4; k++) {
            if (!vals[k][0])
                continue;
            fprintf(f, ", %s", names[k]);
            put_safe(f, vals[k]);
        }
        fputc('\n', f);
    }
    fprintf(f, "Started:     %s\n", s->started[0] ? s->started : "(unknown)");
    if (s->ended) {
        fprintf(f, "Ended:       %s, exit code %d", s->last_time, s->exit_code);
        if (s->end_message[0]) {
            fputs(" (", f);
            put_safe(f, s->end_message);
            fputc(')', f);
        }
        fputc('\n', f);
    } else {
        fputs("Ended:       NOT ENDED - the run was interrupted", f);
        if (s->last_step[0]) {
            fputs(" (last step started: ", f);
            put_safe(f, s->last_step);
            fputc(')', f);
        }
        fputc('\n', f);
    }
    if (s->resumes)
        fprintf(f, "Resumed:     %zu time(s)\n", s->resumes);
    fprintf(f, "Journal:     %zu records, hash chain %s%s\n", s->records,
            s->chain_ok ? "verified" : "BROKEN",
            s->truncated ? "; an incomplete last record (crash) was ignored" : "");
    fprintf(f, "Transcript:  %zu lines%s\n\n", d->line_count,
            d->lines_truncated ? "; an incomplete last line was ignored" : "");
    fputs("Steps\n-----\n", f);
    for (size_t i = 0; i < s->step_count; i++) {
        fprintf(f, "  %s  ", state_word(s->steps[i].state));
        put_safe(f, s->steps[i].id);
        if (s->steps[i].title[0]) {
            fputs(": ", f);
            put_safe(f, s->steps[i].title);
        }
        if (s->steps[i].satisfied_by[0]) {
            fputs(" (not asked again: satisfied by session ", f);
            put_safe(f, s->steps[i].satisfied_by);
            fputc(')', f);
        }
        if (s->steps[i].state == STEP_UNVERIFIED)
            fputs(" (unverified hand step: rotwiz could not check it; left for the operator)",
                  f);
        fputc('\n', f);
    }
    if (s->step_count == 0)
        fputs("  (none)\n", f);
    fputs("\nRecord\n------\n", f);
}

/* Writes the members of REC other than the envelope, as `key=value`. */
static void extra_members(FILE *f, const json_t *rec, const char *const *skip)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)rec, key, val) {
        bool skipped = false;
        for (const char *const *s = skip; *s; s++)
            skipped = skipped || !strcmp(*s, key);
        if (skipped)
            continue;
        char *v = json_is_string(val) ? strdup(json_string_value(val))
                                      : json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!v)
            continue;
        fprintf(f, " %s=", key);
        put_safe(f, v);
        free(v);
    }
}

static void journal_item(FILE *f, const json_t *rec)
{
    static const char *const envelope[] = {"seq", "time", "type", "prev", "hash", "step",
                                           "title", "objects", NULL};
    const char *type = export_str(rec, "type");
    const char *step = export_str(rec, "step");
    fprintf(f, "%s  ", export_str(rec, "time"));
    if (!strcmp(type, "step-start")) {
        fputs("=== STEP ", f);
        put_safe(f, step);
        fputs(": ", f);
        put_safe(f, export_str(rec, "title"));
        fputs(" ===", f);
    } else if (!strcmp(type, "hand-step-unverified")) {
        fputs("=== UNVERIFIED ", f);
        put_safe(f, step);
        fputs(": ", f);
        put_safe(f, export_str(rec, "title"));
        fputs(" (hand step rotwiz cannot check: left for the operator to do, not done)", f);
        extra_members(f, rec, envelope);
    } else if (!strcmp(type, "satisfied-earlier")) {
        fputs("=== NOT ASKED AGAIN ", f);
        put_safe(f, step);
        fputs(": satisfied by the earlier session ", f);
        put_safe(f, export_str(rec, "session"));
        fputs(", still in place: ", f);
        put_safe(f, export_str(rec, "verified"));
    } else if (!strcmp(type, "step-skipped")) {
        fputs("=== SKIPPED ", f);
        put_safe(f, step);
        extra_members(f, rec, envelope);
    } else if (!strcmp(type, "step-done") || !strcmp(type, "step-failed")) {
        fputs(!strcmp(type, "step-done") ? "=== DONE " : "=== FAILED ", f);
        put_safe(f, step);
        extra_members(f, rec, envelope);
    } else {
        fputs("--- ", f);
        put_safe(f, type);
        if (step[0]) {
            fputs(" [", f);
            put_safe(f, step);
            fputc(']', f);
        }
        extra_members(f, rec, envelope);
        const json_t *objs = json_object_get(rec, "objects");
        for (size_t i = 0; i < json_array_size(objs); i++) {
            const json_t *o = json_array_get(objs, i);
            fputs("\n                            object: label=", f);
            put_safe(f, export_str(o, "label"));
            fputs(" type=", f);
            put_safe(f, export_str(o, "type"));
            fputs(" handle=", f);
            put_safe(f, export_str(o, "handle"));
        }
    }
    fputc('\n', f);
}

static void line_item(FILE *f, const json_t *rec)
{
    const char *dir = export_str(rec, "dir");
    const char *mark = !strcmp(dir, "sent") ? ">" : !strcmp(dir, "received") ? "<" : "-";
    fprintf(f, "%s  [", export_str(rec, "time"));
    put_safe(f, export_str(rec, "host"));
    fprintf(f, "] %s ", mark);
    put_safe(f, export_str(rec, "text"));
    fputc('\n', f);
}

int export_write_text(FILE *f, const struct export_data *d)
{
    header(f, d);
    for (size_t i = 0; i < d->count; i++) {
        if (d->items[i].journal)
            journal_item(f, d->items[i].rec);
        else
            line_item(f, d->items[i].rec);
    }
    if (d->warning[0]) {
        fputs("\n!!! WARNING: ", f);
        put_safe(f, d->warning);
        fputs(".\n", f);
    }
    return ferror(f) ? -1 : 0;
}
