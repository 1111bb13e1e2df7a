/* export_int.h: what export.c hands the format writers (export_text.c, export_jsonl.c,
 * export_cast.c). Internal to the export. */
#ifndef ROTWIZ_EXPORT_INT_H
#define ROTWIZ_EXPORT_INT_H
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>
#include "export.h"
#include "session.h"

/* One journal record or transcript line, already re-masked. */
struct export_item {
    bool journal;                /* else a transcript line */
    json_t *rec;                 /* the record's members as read (strings masked) */
    struct timespec when;        /* parsed "time" (0 when unreadable) */
    unsigned long major;         /* merge key: journal seq, or the jseq a line follows */
    size_t index;                /* position in its file */
};

struct export_data {
    struct session_summary sum;  /* includes the chain status */
    struct export_item *items;   /* merged, in order */
    size_t count;
    size_t journal_count;
    size_t line_count;
    bool lines_truncated;        /* transcript.jsonl ended in an incomplete line */
    struct timespec start;       /* session start (or first item) */
    char warning[320];           /* non-empty when the chain is broken */
};

/* Writers: return 0, or -1 when writing F failed. */
int export_write_text(FILE *f, const struct export_data *d);
int export_write_jsonl(FILE *f, const struct export_data *d);
int export_write_cast(FILE *f, const struct export_data *d);

/* A string member of REC or "" (never NULL). */
const char *export_str(const json_t *rec, const char *key);

#endif
