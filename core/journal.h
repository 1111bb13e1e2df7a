/* journal.h: the session journal, a tamper-evident record of the ceremony (journal.jsonl).
 *
 * One JSON object per line, written with write(2) and fsync(2) per record, keys in this order:
 *   {"seq":N,"time":"2026-11-27T09:31:36.123Z","type":"step-start", ...type fields...,
 *    "prev":"<hex SHA-256 of the previous record's full line>","hash":"<hex SHA-256>"}
 * seq starts at 1; the first record's prev is 64 zeros. The line holds no newline but its end;
 * "hash" is the SHA-256 of the line with its final `,"hash":"..."` member removed (that is, of
 * the record's compact serialization without "hash"), so anyone can check it with a few lines
 * of code. Changing any byte breaks the record's hash or the next record's prev.
 *
 * Types: session-start, session-resume, operator, witness, appliance, step-start, step-done,
 * step-failed, decision, confirmation, objects, note, session-end. Every string value goes
 * through the masker before it is written (a safety net: records never hold secrets).
 * A journal may be used from any thread (calls are serialised). */
#ifndef ROTWIZ_JOURNAL_H
#define ROTWIZ_JOURNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>
#include "mask.h"

/* How every record line ends: JOURNAL_HASH_MEMBER, 64 hex digits, `"}`. */
#define JOURNAL_HASH_MEMBER ",\"hash\":\""
#define JOURNAL_HASH_TAIL_LEN 75

/* prev of the first record. */
#define JOURNAL_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct journal;

/* Opens PATH for appending records, creating it (mode 0600) when absent. An existing journal
 * is continued: seq and prev follow its last complete record, and an incomplete last line (a
 * crash during a write) is cut off; journal_discarded_bytes() says how much. The file is
 * locked (flock) so a second writer fails. M (may be NULL) is borrowed and must outlive the
 * journal. Returns NULL with a message in ERR. */
struct journal *journal_open(const char *path, const struct masker *m, char *err, size_t errlen);

/* Closes the file (after fsync) and frees J. NULL is ignored. */
void journal_close(struct journal *j);

/* Bytes of an incomplete last line that journal_open cut off (0 normally). */
size_t journal_discarded_bytes(const struct journal *j);

/* seq of the last record written or found (0 for an empty journal). */
unsigned long journal_last_seq(const struct journal *j);

/* Appends one record of TYPE with the members of FIELDS (a JSON object, copied, may be NULL;
 * members named seq/time/type/prev/hash are ignored). Durable when it returns 0; -1 with errno
 * set when the write or fsync failed. */
int journal_append(struct journal *j, const char *type, const json_t *fields);

/* True while every record of J was written and synced. After the first failed write or
 * fsync (a full disk, an I/O error) it stays false for the rest of the session, and WHY (may
 * be NULL) says which record failed, why, and the fix. The flow checks it before every device
 * command and stops with EXIT_RECORD (flow.h): nothing is sent that the record cannot hold.
 * J NULL: false. */
bool journal_ok(const struct journal *j, char *why, size_t len);

/* errno of the first failed write or fsync of J (0 while none failed; EBADF for NULL). */
int journal_failed(const struct journal *j);

/* Tests only: replaces write(2) and fsync(2) for every journal of the process (NULL restores
 * the real ones), to simulate a state folder that fills up mid-run. */
void journal_set_io(ssize_t (*write_fn)(int, const void *, size_t), int (*fsync_fn)(int));

/* A device taking part: NULL members are left out. */
struct journal_appliance {
    const char *role;             /* "source", "target", "backup-hsm", "workstation" */
    const char *host;
    const char *serial;
    const char *model;
    const char *firmware;
    const char *client_version;   /* lunacm / Luna client version */
};

/* One HSM object as `partition contents` lists it. */
struct journal_object {
    const char *label;
    const char *type;
    const char *handle;
    const char *uid;              /* Object UID; NULL or "" when the listing shows none */
};

/* Typed records; each returns like journal_append. STEP may be NULL where it says so. */
int journal_session_start(struct journal *j, const char *flow, const char *session_id,
                          const char *version);
int journal_session_resume(struct journal *j, size_t discarded_bytes);
int journal_operator(struct journal *j, const char *name);
int journal_witness(struct journal *j, const char *name);
int journal_appliance(struct journal *j, const struct journal_appliance *a);
int journal_step_start(struct journal *j, const char *step, const char *title);
int journal_step_done(struct journal *j, const char *step, const char *detail /* NULL ok */);
int journal_step_failed(struct journal *j, const char *step, const char *cause, int exit_code);
/* The operator chose ANSWER to QUESTION (STEP may be NULL). */
int journal_decision(struct journal *j, const char *step, const char *question,
                     const char *answer);
/* A hand step or destructive action was confirmed; TYPED is what was typed (may be NULL). */
int journal_confirmation(struct journal *j, const char *step, const char *what,
                         const char *typed);
/* An object list read at STEP from WHERE ("source", "backup", "target"...). */
int journal_objects(struct journal *j, const char *step, const char *where,
                    const struct journal_object *objs, size_t count);
int journal_note(struct journal *j, const char *step, const char *text);
int journal_session_end(struct journal *j, int exit_code, const char *message);

/* What journal_verify found. */
struct journal_report {
    size_t records;           /* complete, readable records */
    bool ok;                  /* every record's hash and link hold */
    bool truncated;           /* the file ends in an incomplete line (crash); not a break */
    size_t bad_line;          /* 1-based line of the first broken record; 0 when ok */
    long bad_seq;             /* its seq when readable, else -1 */
    char reason[160];         /* why it is broken */
};

/* Re-reads the journal at PATH and checks every record's hash, seq and link. Returns 0 when
 * the chain holds, 1 when it is broken (REPORT names the first broken record), -1 when the
 * file cannot be read (REPORT->reason says why). */
int journal_verify(const char *path, struct journal_report *report);

/* Checks one line (no newline) against the expected seq and prev; fills REASON on failure.
 * On success *HASH_OUT gets the SHA-256 of the full line (the next record's prev). Used by
 * journal_verify and readers that walk a journal themselves. Returns 0 or -1. */
int journal_check_line(const char *line, size_t len, unsigned long expect_seq,
                       const char *expect_prev, char line_hash[65], char *reason,
                       size_t reasonlen);

#endif
