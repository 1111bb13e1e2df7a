/* session.h: a recorded session folder, written while a flow runs and read back afterwards.
 *
 *   <state_dir>/sessions/<YYYYmmdd-HHMMSSZ>-<flow>-<6 random hex>/     (mode 0700)
 *       journal.jsonl      the tamper-evident ceremony record (journal.h)
 *       transcript.jsonl   every masked line sent and received (transcript.h)
 *
 * Write side: session_create (or session_reopen to continue an interrupted run) gives a
 * journal and a transcript tied together; the session_step_* helpers write the journal record
 * and mark the step boundary in the transcript (which syncs it). Read side: session_load
 * tolerates a crash (incomplete last line) and says what happened and how far the run got. */
#ifndef ROTWIZ_SESSION_H
#define ROTWIZ_SESSION_H
#include <stdbool.h>
#include <stddef.h>
#include "core_event.h"
#include "journal.h"
#include "mask.h"
#include "rec_util.h"
#include "transcript.h"

#define SESSION_JOURNAL "journal.jsonl"
#define SESSION_TRANSCRIPT "transcript.jsonl"
#define SESSION_PATH_MAX 4096
#define SESSION_TEXT 128

/* Writes the default state folder into BUF: $XDG_STATE_HOME/rotwiz when XDG_STATE_HOME is an
 * absolute path, else ~/.local/state/rotwiz. Creates nothing. Returns 0, -1 when no home. */
int session_default_state_dir(char *buf, size_t len);

/* Checks the state folder DIR (NULL: the default one) before anything is recorded or any
 * device is touched: not empty, no control characters, not the root folder itself (also
 * through a relative path or links), and writable (it is created, 0700, when absent, and a
 * probe file is written, synced and removed). Returns 0, or -1 with "<the cause>; <the fix>"
 * in ERR. The caller exits 2. */
int session_check_state_dir(const char *dir, char *err, size_t errlen);

struct session;

/* Creates the state folder (with parents, 0700), a new session folder for FLOW ("backup",
 * "restore", "prepare-target"...) and its two files, and writes the session-start record.
 * M is borrowed and must outlive the session. TX_CAPACITY: lines kept in memory (0: default).
 * Returns NULL with a message in ERR. */
struct session *session_create(const char *state_dir, const char *flow, struct masker *m,
                               size_t tx_capacity, char *err, size_t errlen);

/* Continues recording into an existing session folder DIR (an interrupted run being resumed):
 * cuts an incomplete last record, writes a session-resume record. Fails when another process
 * is recording it. Returns NULL with a message in ERR. */
struct session *session_reopen(const char *dir, struct masker *m, size_t tx_capacity,
                               char *err, size_t errlen);

/* Syncs and closes both files, frees S. Does not write session-end (use journal_session_end
 * or session_end first). NULL is ignored. */
void session_close(struct session *s);

/* The session folder's path, and its name (the session id). */
const char *session_path(const struct session *s);
const char *session_id(const struct session *s);

/* The session's journal and transcript (owned by the session). */
struct journal *session_journal(struct session *s);
struct transcript *session_transcript(struct session *s);

/* Step boundaries: journal record plus transcript step mark (and sync). Return 0 or -1. */
int session_step_start(struct session *s, const char *step, const char *title);
int session_step_done(struct session *s, const char *step, const char *detail);
int session_step_failed(struct session *s, const char *step, const char *cause, int exit_code);
/* Writes session-end and syncs the transcript. */
int session_end(struct session *s, int exit_code, const char *message);

/* ---- read-back ---- */

struct session_step_info {
    char id[TX_STEP_MAX];
    char title[SESSION_TEXT];
    enum step_state state;         /* STEP_CURRENT: started and neither done nor failed;
                                    * STEP_SKIPPED: step-skipped; STEP_UNVERIFIED:
                                    * hand-step-unverified (batch: left for the operator) */
    char cause[256];               /* of the last failure */
    char satisfied_by[64];         /* satisfied-earlier: the earlier session whose verified
                                    * effect was still in place ("" otherwise) */
};

struct session_object {
    char label[SESSION_TEXT];
    char type[64];
    char handle[32];
    char uid[SESSION_TEXT];        /* "" when the record has none */
};

struct session_object_list {
    char step[TX_STEP_MAX];
    char where[64];
    char time[REC_TIME_LEN];
    size_t count;
    struct session_object *objects;
};

struct session_appliance_info {
    char role[32];
    char host[SESSION_TEXT];
    char serial[64];
    char model[64];
    char firmware[32];
    char client_version[32];
};

#define SESSION_MAX_WITNESSES 8
#define SESSION_MAX_APPLIANCES 8

/* What a session folder says. Free with session_summary_free. */
struct session_summary {
    char path[SESSION_PATH_MAX];
    char id[SESSION_TEXT];                    /* folder name */
    char flow[32];
    char version[32];
    char started[REC_TIME_LEN];
    char last_time[REC_TIME_LEN];             /* of the last readable record */
    char operator_name[SESSION_TEXT];
    char witnesses[SESSION_MAX_WITNESSES][SESSION_TEXT];
    size_t witness_count;
    struct session_appliance_info appliances[SESSION_MAX_APPLIANCES];
    size_t appliance_count;
    struct session_step_info *steps;          /* in the order first seen */
    size_t step_count;
    char last_step[TX_STEP_MAX];              /* the step started last ("" if none) */
    bool ended;                               /* session-end is the last word (no resume after) */
    int exit_code;                            /* of session-end */
    char end_message[256];
    struct session_object_list *object_lists; /* in journal order */
    size_t object_list_count;
    size_t resumes;                           /* session-resume records */
    size_t records;                           /* readable journal records */
    bool truncated;                           /* the journal ends in an incomplete line */
    bool chain_ok;                            /* journal_verify result */
    size_t bad_line;                          /* first broken line when !chain_ok */
    char chain_reason[160];
};

/* Reads DIR's journal (tolerating an incomplete last line and skipping unreadable records)
 * and verifies its chain. Returns 0, or -1 with a message in ERR when the journal cannot be
 * read at all. */
int session_load(const char *dir, struct session_summary *sum, char *err, size_t errlen);

/* Frees what session_load allocated. */
void session_summary_free(struct session_summary *sum);

/* State of STEP in the summary (STEP_PENDING when never started). */
enum step_state session_step_state(const struct session_summary *sum, const char *step);

/* Where to resume: the first of the flow's STEP_IDS (in order) that is not STEP_DONE or
 * STEP_SKIPPED, as an index; COUNT when every step is done. */
size_t session_resume_index(const struct session_summary *sum, const char *const *step_ids,
                            size_t count);

/* One session of a state folder, as session_list gives it. */
struct session_entry {
    char path[SESSION_PATH_MAX];
    char id[SESSION_TEXT];
    char flow[32];
    char started[REC_TIME_LEN];
    char last_step[TX_STEP_MAX];
    bool ended;
    int exit_code;
    bool chain_ok;
};

/* The sessions under STATE_DIR/sessions, oldest first (by folder name). *OUT is malloc'd
 * (free it); an absent folder gives 0 entries. Returns 0, or -1 with a message in ERR. */
int session_list(const char *state_dir, struct session_entry **out, size_t *count, char *err,
                 size_t errlen);

#endif
