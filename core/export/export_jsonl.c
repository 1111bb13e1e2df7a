/* export_jsonl.c: the session as JSON Lines, one object per line with a "kind". */
#include <stdlib.h>
#include <string.h>
#include "export_int.h"

/* Writes O as one line and frees it. */
static int put_line(FILE *f, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s)
        return -1;
    fputs(s, f);
    fputc('\n', f);
    free(s);
    return 0;
}

int export_write_jsonl(FILE *f, const struct export_data *d)
{
    const struct session_summary *s = &d->sum;
    json_t *h = json_object();
    json_object_set_new(h, "kind", json_string("export"));
    json_object_set_new(h, "session", rec_json_string(s->id));
    json_object_set_new(h, "flow", rec_json_string(s->flow));
    json_object_set_new(h, "started", json_string(s->started));
    json_object_set_new(h, "ended", json_boolean(s->ended));
    json_object_set_new(h, "chain_ok", json_boolean(s->chain_ok));
    if (!s->chain_ok) {
        json_object_set_new(h, "chain_bad_line", json_integer((json_int_t)s->bad_line));
        json_object_set_new(h, "chain_reason", rec_json_string(s->chain_reason));
    }
    json_object_set_new(h, "journal_truncated", json_boolean(s->truncated));
    json_object_set_new(h, "transcript_truncated", json_boolean(d->lines_truncated));
    json_object_set_new(h, "journal_records", json_integer((json_int_t)d->journal_count));
    json_object_set_new(h, "transcript_lines", json_integer((json_int_t)d->line_count));
    /* each step's state as the journal leaves it: a hand step batch mode could not check is
     * "unverified" (left for the operator), never "done" */
    static const char *const states[] = {"pending", "started", "done", "failed", "skipped",
                                         "unverified"};
    json_t *steps = json_array();
    for (size_t i = 0; i < s->step_count; i++) {
        json_t *st = json_object();
        unsigned k = (unsigned)s->steps[i].state;
        json_object_set_new(st, "id", rec_json_string(s->steps[i].id));
        json_object_set_new(st, "title", rec_json_string(s->steps[i].title));
        json_object_set_new(st, "state", json_string(k < 6 ? states[k] : "?"));
        if (s->steps[i].satisfied_by[0]) /* not asked again: an earlier session's effect */
            json_object_set_new(st, "satisfied_by", rec_json_string(s->steps[i].satisfied_by));
        json_array_append_new(steps, st);
    }
    json_object_set_new(h, "steps", steps);
    if (put_line(f, h) != 0)
        return -1;
    if (d->warning[0]) {
        json_t *w = json_object();
        json_object_set_new(w, "kind", json_string("warning"));
        json_object_set_new(w, "text", rec_json_string(d->warning));
        if (put_line(f, w) != 0)
            return -1;
    }
    for (size_t i = 0; i < d->count; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(d->items[i].journal ? "journal"
                                                                       : "transcript"));
        const char *key;
        json_t *val;
        json_object_foreach(d->items[i].rec, key, val)
            if (strcmp(key, "kind") != 0)
                json_object_set(o, key, val);
        if (put_line(f, o) != 0)
            return -1;
    }
    return ferror(f) ? -1 : 0;
}
