/* export.h: `rotwiz export SESSION --format text|jsonl|cast [-o FILE]`.
 *
 * An export reads a session folder, verifies the journal's chain first, re-masks every line
 * (a safety net) and writes one of:
 *   text   a human-readable ceremony record: a header (flow, operator, witnesses, appliances,
 *          start and end, chain status), the steps, then the journal interleaved with the
 *          transcript ("> " sent, "< " received, "- " info);
 *   jsonl  one JSON object per line with a "kind": an "export" header, a "warning" when the
 *          chain is broken, then "journal" and "transcript" records merged in order;
 *   cast   asciicast v2 (asciinema): the transcript as "o" events with CRLF line ends, sent
 *          lines in bold cyan, and one "m" marker per step.
 * With an output file, FILE.sha256 is written too: `sha256  name` for the export and for the
 * session's journal.jsonl and transcript.jsonl (paths relative to FILE's folder), so that
 * `sha256sum -c FILE.sha256` run in FILE's folder checks all three. */
#ifndef ROTWIZ_EXPORT_H
#define ROTWIZ_EXPORT_H
#include <stdbool.h>
#include <stddef.h>
#include "mask.h"

enum export_format { EXPORT_TEXT = 0, EXPORT_JSONL, EXPORT_CAST };

/* export_session results. */
enum { EXPORT_FAILED = -1, EXPORT_OK = 0, EXPORT_WARNING = 1 /* written; chain broken */ };

/* "text" / "jsonl" / "cast" -> *FMT. Returns 0, or -1 for an unknown name. */
int export_format_parse(const char *name, enum export_format *fmt);

/* The name of a format. */
const char *export_format_name(enum export_format fmt);

/* Exports SESSION_DIR in FMT to OUT_PATH (created 0600, plus OUT_PATH.sha256) or, when
 * OUT_PATH is NULL, to stdout (no manifest). Returns EXPORT_OK; EXPORT_WARNING when the export
 * was written but the journal's chain is broken (ERR says where); EXPORT_FAILED with a
 * message in ERR. */
int export_session(const char *session_dir, enum export_format fmt, const char *out_path,
                   char *err, size_t errlen);

/* Same, re-masking with M's known values as well as the patterns (M may be NULL). */
int export_session_masked(const char *session_dir, enum export_format fmt,
                          const char *out_path, const struct masker *m, char *err,
                          size_t errlen);

/* One recorded session to pick for an export: its folder and a line saying what it was. */
struct export_pick {
    char dir[600];
    char id[128];
    char flow[32];    /* "backup", "restore-ped"... */
    char label[200];  /* "2026-11-30 09:40  backup  done (exit 0)" */
    bool resumable;   /* never ended (the process died): the same task continues it */
};

/* The sessions under STATE_DIR (NULL: the default state folder), NEWEST first, at most MAX
 * into OUT. Returns how many (0 when none or unreadable). */
size_t export_list_sessions(const char *state_dir, struct export_pick *out, size_t max);

/* SESSION as `rotwiz export` takes it: a folder, or a session id under STATE_DIR/sessions
 * (STATE_DIR NULL: the default state folder). Into BUF; 0, or -1 with a message in ERR. */
int export_resolve_session(const char *session, const char *state_dir, char *buf, size_t len,
                           char *err, size_t errlen);

#endif
