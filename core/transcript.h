/* transcript.h: every line sent to or received from a host, masked before it is stored.
 *
 * The transcript keeps the last N lines in memory (a ring; the oldest are dropped) and, once a
 * file is attached, appends each line durably to the session's transcript.jsonl, one object per
 * line: {"time":"<RFC 3339 ms>","host":"source","dir":"sent|received|info","step":"<id>",
 *        "text":"<masked line>","jseq":N}
 * jseq is the seq of the last journal record written before the line (when a journal is
 * attached), which lets an export interleave the two files exactly. Each line is written with
 * one write(2) (nothing waits in a buffer); the file is fsync'ed at step boundaries.
 *
 * Partial lines are assembled upstream. All functions are thread-safe. */
#ifndef ROTWIZ_TRANSCRIPT_H
#define ROTWIZ_TRANSCRIPT_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "core_event.h"
#include "journal.h"
#include "mask.h"

#define TX_DEFAULT_CAPACITY 10000
#define TX_HOST_MAX 32
#define TX_STEP_MAX 64

/* One stored line as tx_get copies it out. */
struct tx_entry {
    struct timespec when;            /* CLOCK_REALTIME */
    char host[TX_HOST_MAX];
    enum tx_direction dir;
    char step[TX_STEP_MAX];          /* step id current when the line came; may be empty */
    unsigned long number;            /* 1 for the first line ever appended */
};

struct transcript;

/* A transcript keeping the last CAPACITY lines (0: TX_DEFAULT_CAPACITY). M is borrowed (it
 * must outlive the transcript); NULL masks option and prompt patterns only. */
struct transcript *tx_new(struct masker *m, size_t capacity);

/* Closes the file (after fsync) and frees everything. NULL is ignored. */
void tx_free(struct transcript *tx);

/* Appends every further line to PATH (created 0600; an existing file is continued, and an
 * incomplete last line left by a crash is cut off). Returns 0 or -1 with a message in ERR. */
int tx_open_file(struct transcript *tx, const char *path, char *err, size_t errlen);

/* Lines record journal_last_seq(J) from now on (J borrowed; NULL detaches). */
void tx_set_journal(struct transcript *tx, const struct journal *j);

/* The step id later lines belong to (NULL or "" for none). Syncs the file: a step boundary. */
void tx_set_step(struct transcript *tx, const char *step);

/* fsync of the attached file. Returns 0 (also when no file is attached) or -1. */
int tx_sync(struct transcript *tx);

/* Stores ONE line (a '\n' inside is kept as a character and escaped when drawn), masked first.
 * When MASKED is not NULL it receives the stored text (MASKEDLEN bytes, NUL-terminated): put
 * that, never the input, into an EV_TRANSCRIPT_LINE event. Returns 0, or -1 when writing the
 * file failed (the line is in memory anyway). */
int tx_append_line(struct transcript *tx, const char *host, enum tx_direction dir,
                   const char *line, char *masked, size_t maskedlen);

/* Splits TEXT at '\n' (dropping a '\r' before each; a final '\n' does not make an empty line),
 * stores every line and, when SINK is not NULL, emits one EV_TRANSCRIPT_LINE per line with the
 * masked text. Returns the number of lines stored, or -1 when writing the file failed. */
int tx_append(struct transcript *tx, const struct core_sink *sink, const char *host,
              enum tx_direction dir, const char *text);
/* tx_append with the lines tagged with STEP instead of the step set last (lanes of a flow run
 * steps at once: each line is its own lane's step's). */
int tx_append_in_step(struct transcript *tx, const struct core_sink *sink, const char *host,
                      const char *step, enum tx_direction dir, const char *text);

/* Records that a secret was typed to HOST without handing the value over: stores (and emits,
 * when SINK is not NULL) a sent line MASK_STARS. Returns like tx_append. */
int tx_append_secret(struct transcript *tx, const struct core_sink *sink, const char *host);

/* Lines held now (at most the capacity). */
size_t tx_count(struct transcript *tx);

/* Lines ever appended (dropped ones included). */
unsigned long tx_total(struct transcript *tx);

/* Copies line I (0 = oldest held) into *E and its masked text into TEXT (TEXTLEN bytes,
 * NUL-terminated, cut if needed). Returns 0, or -1 when I is out of range. */
int tx_get(struct transcript *tx, size_t i, struct tx_entry *e, char *text, size_t textlen);

/* Makes a line safe to draw: ESC becomes "^[", a TAB spaces to the next multiple of 8 columns,
 * every other control character (C0, DEL, C1) and every byte that is not valid UTF-8 becomes
 * "\xNN"; valid UTF-8 is kept. OUT gets at most OUTLEN bytes, NUL-terminated, never cut inside
 * an escape or a character. Returns the bytes written (without the NUL). */
size_t tx_escape_controls(const char *in, char *out, size_t outlen);

/* "sent" / "received" / "info". */
const char *tx_dir_name(enum tx_direction dir);

/* The inverse of tx_dir_name; unknown names give TX_INFO. */
enum tx_direction tx_dir_parse(const char *name);

#endif
