/* ledger.h: the failed-login ledger, a durable record in the state folder of every failed
 * login per device serial and role (issue 7), so that no run forgets how many tries of an HSM
 * are used: three consecutive failed SO logins zeroise an HSM, failed Crypto Officer logins
 * lock the partition (FORMATS.md 6).
 *
 *   <state_dir>/ledger.json   (mode 0600)
 *   {"format":"rotwiz-login-ledger","version":1,"entries":[
 *     {"serial":"...","role":"so","device":"Backup HSM","failures":1,
 *      "last_failure":"2026-11-30T11:02:03.123Z","what":"archive_backup: 0xa0 CKR_PIN_INCORRECT",
 *      "acknowledged":false,"acknowledged_time":"...","acknowledged_how":"..."}]}
 *
 * Every change is written atomically (a temporary file, fsync, rename, fsync of the folder)
 * under an exclusive lock of <state_dir>/ledger.lock, after reading the file again, so two runs
 * sharing a state folder never lose each other's records. A file that cannot be read as a
 * ledger is an error and is never reset or overwritten: the counts it held would be lost.
 * This module knows nothing of flows (core/flow_login.c joins it to them). */
#ifndef ROTWIZ_LEDGER_H
#define ROTWIZ_LEDGER_H
#include <stdbool.h>
#include <stddef.h>

#define LEDGER_FILE "ledger.json"
#define LEDGER_FORMAT "rotwiz-login-ledger"
/* Consecutive failed SO logins that zeroise an HSM. */
#define LEDGER_SO_ZEROISE 3

enum ledger_role { LEDGER_SO, LEDGER_CO };

/* One device serial and role as the ledger holds it. */
struct ledger_entry {
    char serial[96];
    enum ledger_role role;
    char device[64];              /* "Backup HSM", "source k570"... (of the latest record) */
    unsigned failures;            /* consecutive failed logins (0 after a success) */
    char last_failure[32];        /* time of the latest failure ("" when none) */
    char what[192];               /* what failed: step and result code words, never a secret */
    bool acknowledged;            /* the latest failure was acknowledged by the operator */
    char acknowledged_time[32];
    char acknowledged_how[64];    /* "typed serial" / "--acknowledge-failed-login" */
};

struct ledger;

/* "so" / "co". */
const char *ledger_role_name(enum ledger_role role);

/* Opens the ledger of STATE_DIR (the file need not exist yet; the folder is created, mode 0700,
 * when the first record is written). Reads it now, so a damaged file is reported before any
 * login: returns NULL with a message in ERR naming the file and why. */
struct ledger *ledger_open(const char *state_dir, char *err, size_t errlen);

/* Frees L. NULL is ignored. */
void ledger_close(struct ledger *l);

/* The file's path. */
const char *ledger_path(const struct ledger *l);

/* What the ledger holds for SERIAL and ROLE (as last read or written by this process). Returns
 * true when there is an entry; false fills OUT with 0 failures, acknowledged. */
bool ledger_get(const struct ledger *l, const char *serial, enum ledger_role role,
                struct ledger_entry *out);

/* Records a failed login of SERIAL as ROLE on DEVICE: the consecutive count goes up by one and
 * the failure is unacknowledged. WHAT says what failed (no secret). Durable when it returns 0
 * (*OUT, may be NULL, gets the new entry); -1 with a message in ERR when it could not be
 * written (nothing changed on disk). */
int ledger_record_failure(struct ledger *l, const char *serial, enum ledger_role role,
                          const char *device, const char *what, struct ledger_entry *out,
                          char *err, size_t errlen);

/* Records a successful login: the count goes back to 0. Durable when it returns 0. */
int ledger_record_success(struct ledger *l, const char *serial, enum ledger_role role,
                          const char *device, char *err, size_t errlen);

/* Records that the operator acknowledged the latest failure of SERIAL as ROLE (HOW says how:
 * typed serial, command-line flag). The count is kept. Durable when it returns 0. */
int ledger_acknowledge(struct ledger *l, const char *serial, enum ledger_role role,
                       const char *how, char *err, size_t errlen);

#endif
