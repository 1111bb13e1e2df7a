/* export_cast.c: the transcript as an asciicast v2 recording (playable with asciinema): a
 * header line, then [seconds, "o", text] output events and one [seconds, "m", title] marker
 * per step. Lines are escaped (no raw control sequence from a host is replayed) and end in
 * CRLF; sent lines are bold cyan, info lines dim, step banners bold. */
#include <stdlib.h>
#include <string.h>
#include "export_int.h"

#define CAST_WIDTH 120
#define CAST_HEIGHT 40

/* Seconds of T after START, never earlier than *LAST (events must not go back in time). */
static double offset(const struct timespec *t, const struct timespec *start, double *last)
{
    double s = 0;
    if (t->tv_sec != 0)
        s = (double)(t->tv_sec - start->tv_sec) + (double)(t->tv_nsec - start->tv_nsec) / 1e9;
    if (s < *last)
        s = *last;
    *last = s;
    return s;
}

static int event(FILE *f, double t, const char *code, const char *text)
{
    json_t *s = rec_json_string(text);
    char *enc = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    json_decref(s);
    if (!enc)
        return -1;
    fprintf(f, "[%.3f, \"%s\", %s]\n", t, code, enc);
    free(enc);
    return 0;
}

/* An "o" event: PREFIX, TEXT made safe, SUFFIX, CRLF. */
static int out_line(FILE *f, double t, const char *prefix, const char *text, const char *suffix)
{
    size_t n = strlen(text) * 4 + 1;
    char *esc = malloc(n);
    char *buf = malloc(n + strlen(prefix) + strlen(suffix) + 4);
    int rc = -1;
    if (esc && buf) {
        tx_escape_controls(text, esc, n);
        sprintf(buf, "%s%s%s\r\n", prefix, esc, suffix);
        rc = event(f, t, "o", buf);
    }
    free(esc);
    free(buf);
    return rc;
}

static int header(FILE *f, const struct export_data *d)
{
    char title[512];
    snprintf(title, sizeof(title), "rotwiz %s %s%s%s%s", d->sum.flow, d->sum.id,
             d->sum.operator_name[0] ? " (operator " : "", d->sum.operator_name,
             d->sum.operator_name[0] ? ")" : "");
    if (d->warning[0])
        snprintf(title + strlen(title), sizeof(title) - strlen(title),
                 " - WARNING: JOURNAL CHAIN BROKEN");
    json_t *h = json_object(), *env = json_object();
    json_object_set_new(h, "version", json_integer(2));
    json_object_set_new(h, "width", json_integer(CAST_WIDTH));
    json_object_set_new(h, "height", json_integer(CAST_HEIGHT));
    json_object_set_new(h, "timestamp", json_integer((json_int_t)d->start.tv_sec));
    json_object_set_new(h, "title", rec_json_string(title));
    json_object_set_new(env, "TERM", json_string("xterm-256color"));
    json_object_set_new(env, "SHELL", json_string("/bin/sh"));
    json_object_set_new(h, "env", env);
    char *s = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(h);
    if (!s)
        return -1;
    fprintf(f, "%s\n", s);
    free(s);
    return 0;
}

int export_write_cast(FILE *f, const struct export_data *d)
{
    double last = 0;
    if (header(f, d) != 0)
        return -1;
    if (d->warning[0] && out_line(f, 0, "\x1b[1;31m!!! WARNING: ", d->warning, "\x1b[0m") != 0)
        return -1;
    for (size_t i = 0; i < d->count; i++) {
        const struct export_item *it = &d->items[i];
        double t = offset(&it->when, &d->start, &last);
        int rc = 0;
        if (it->journal) {
            const char *type = export_str(it->rec, "type");
            const char *title = export_str(it->rec, "title");
            if (!strcmp(type, "step-start")) {
                rc = event(f, t, "m", title[0] ? title : export_str(it->rec, "step"));
                if (rc == 0)
                    rc = out_line(f, t, "\x1b[1m=== ", title[0] ? title
                                                              : export_str(it->rec, "step"),
                                  " ===\x1b[0m");
            } else if (!strcmp(type, "hand-step-unverified")) {
                rc = out_line(f, t, "\x1b[1;33m=== NOT VERIFIED, left for you to do: ",
                              title[0] ? title : export_str(it->rec, "step"), "\x1b[0m");
            } else if (!strcmp(type, "satisfied-earlier")) {
                rc = out_line(f, t, "\x1b[2m=== not asked again, satisfied by session ",
                              export_str(it->rec, "session"), "\x1b[0m");
            } else if (!strcmp(type, "step-skipped")) {
                rc = out_line(f, t, "\x1b[2m=== skipped: ", export_str(it->rec, "step"),
                              "\x1b[0m");
            } else if (!strcmp(type, "login-failed")) {
                rc = out_line(f, t, "\x1b[1;31m=== LOGIN FAILED: ", export_str(it->rec, "what"),
                              "\x1b[0m");
            } else if (!strcmp(type, "step-failed")) {
                rc = out_line(f, t, "\x1b[1;31m=== FAILED: ", export_str(it->rec, "cause"),
                              "\x1b[0m");
            }
        } else {
            const char *dir = export_str(it->rec, "dir");
            const char *text = export_str(it->rec, "text");
            if (!strcmp(dir, "sent"))
                rc = out_line(f, t, "\x1b[1;36m> ", text, "\x1b[0m");
            else if (!strcmp(dir, "received"))
                rc = out_line(f, t, "", text, "");
            else
                rc = out_line(f, t, "\x1b[2m# ", text, "\x1b[0m");
        }
        if (rc != 0)
            return -1;
    }
    return ferror(f) ? -1 : 0;
}
