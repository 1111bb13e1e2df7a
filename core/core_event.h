/* core_event.h: the one way the core speaks to a user interface (the wizard, batch mode, tests).
 *
 * The core calls sink->on_event() for news and sink->ask() when it needs an answer from the
 * operator. A flow runs sequentially in its own thread (see core/runner.h), so ask() may block
 * that thread; the UI thread never blocks. Every string in an event is owned by the core and
 * valid only during the call: copy what you keep. Secrets never appear in events. */
#ifndef ROTWIZ_CORE_EVENT_H
#define ROTWIZ_CORE_EVENT_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "model.h"

/* X-macro: every event type, with a name for logs and tests. */
#define CORE_EVENTS(X)                                                                        \
    X(EV_TRANSCRIPT_LINE, "transcript-line") /* one line sent to or received from a host */   \
    X(EV_SLOTS_CHANGED, "slots-changed")     /* an appliance's slot list was (re)read */      \
    X(EV_TOPOLOGY_CHANGED, "topology-changed") /* anything in struct topology changed */      \
    X(EV_PED_PROMPT, "ped-prompt")           /* the PED wants keys now (list + current) */    \
    X(EV_PED_DONE, "ped-done")               /* the PED operation ended */                    \
    X(EV_FLOW_STARTED, "flow-started")       /* a flow began: its steps */                    \
    X(EV_STEP_CHANGED, "step-changed")       /* a step changed state */                       \
    X(EV_FLOW_FINISHED, "flow-finished")     /* a flow ended, with its exit code */           \
    X(EV_NOTICE, "notice")                   /* a remark for the operator (warning or info) */ \
    X(EV_ERROR, "error")                     /* a failure: cause, fix, transcript excerpt */

enum core_event_type {
#define CORE_EVENT_ENUM(id, name) id,
    CORE_EVENTS(CORE_EVENT_ENUM)
#undef CORE_EVENT_ENUM
    EV_COUNT
};

/* Name of an event type ("transcript-line"...). */
const char *core_event_name(enum core_event_type type);

enum tx_direction { TX_SENT = 0, TX_RECEIVED, TX_INFO };

/* STEP_UNVERIFIED: a hand step batch mode cannot check (nothing to verify by effect); it is
 * never done, but left for the operator to do (journal: hand-step-unverified). */
enum step_state { STEP_PENDING = 0, STEP_CURRENT, STEP_DONE, STEP_FAILED, STEP_SKIPPED,
                  STEP_UNVERIFIED };

/* PED key colours, in the PED's meaning. */
enum ped_key { PED_KEY_BLUE = 0, PED_KEY_RED, PED_KEY_BLACK, PED_KEY_ORANGE,
               PED_KEY_ANY /* the step cannot know: the key the PED screen asks for */ };
/* Whose key it is: the Backup HSM, the k570 the flow works on, or the source k570 (whose black
 * key also guards the backup partition at a restore). */
enum ped_hsm { PED_HSM_APPLIANCE = 0, PED_HSM_BACKUP, PED_HSM_SOURCE };
#define PED_MAX_KEYS 8

/* One step as the UI shows it. */
struct step_view {
    const char *id;
    const char *title;
    const char *instructions;   /* what the operator reads now; may be multi-line */
    const char *enter_action;   /* what Enter does now, e.g. "Run: slot list" */
    bool hand_step;             /* only hands can do it; the wizard waits for confirmation */
    bool destructive;
    bool can_go_back;
    bool optional;              /* a hand step the operator may skip when it does not apply */
    enum step_state state;
};

struct core_event {
    enum core_event_type type;
    struct timespec when;
    union {
        struct {
            const char *host;       /* "source", "target", "workstation", "rbs", "pedserver"... */
            enum tx_direction dir;
            const char *text;       /* one line, secrets already masked, no newline */
        } line;
        struct {
            enum appliance_role role;
            const struct slot_list *slots;
        } slots;
        struct {
            const struct topology *topology;
        } topology;
        struct {
            enum ped_key keys[PED_MAX_KEYS];   /* keys this operation needs, in order */
            size_t key_count;
            size_t current;                    /* index of the key wanted now */
            const char *device;                /* which HSM asks ("source k570", "Backup HSM") */
            const char *key_for[PED_MAX_KEYS]; /* per key: whose it is ("the Backup HSM
                                                  (serial 7001234)") */
            const char *where;                 /* where the PED must be ("at the workstation") */
            int timeout_s;                     /* PED key prompt timeout */
            struct timespec deadline;          /* CLOCK_MONOTONIC time the prompt times out */
        } ped;
        struct {
            const char *flow_id;
            const char *title;
            const struct step_view *steps;
            size_t step_count;
        } flow;
        struct {
            size_t index;
            const struct step_view *step;
        } step;
        struct {
            int exit_code;                     /* INTERFACE.md exit codes */
            const char *message;
        } finished;
        struct {
            bool warning;
            const char *text;
        } notice;
        struct {
            const char *cause;                 /* what went wrong, in the operator's words */
            const char *fix;                   /* what to do about it */
            const char *excerpt;               /* transcript lines that show it (may be NULL) */
        } error;
    } u;
};

/* What the core asks the operator. */
enum core_ask_type {
    ASK_SECRET = 0,     /* a password; echo off. answer.text */
    ASK_HAND_STEP,      /* confirm that a hand step was done. answer.yes (false = cancel flow) */
    ASK_TYPED_CONFIRM,  /* destructive step: operator must type `expected`. answer.text */
    ASK_HOST_KEY,       /* unknown SSH host key: accept? answer.yes */
    ASK_CHOICE,         /* choose one of `choices`. answer.choice */
    ASK_TEXT            /* free text (operator / witness names). answer.text */
};

struct core_ask {
    enum core_ask_type type;
    const char *title;
    const char *prompt;
    const char *key;              /* ASK_SECRET: the secrets-file key, e.g. "backup_so_password" */
    const char *expected;         /* ASK_TYPED_CONFIRM: what must be typed (the target's name) */
    const char *host;             /* ASK_HOST_KEY: "host:port" */
    const char *fingerprint;      /* ASK_HOST_KEY: "SHA256:..." */
    const char *const *choices;   /* ASK_CHOICE */
    size_t choice_count;
};

#define CORE_ANSWER_MAX 512
struct core_answer {
    bool yes;
    size_t choice;
    char text[CORE_ANSWER_MAX];   /* wiped by the core after use when it held a secret */
};

/* ask() results */
enum {
    ASK_ANSWERED = 0,
    ASK_CANCELLED = 1,
    ASK_UNAVAILABLE = 2 /* no way to ask (batch, no tty) */
};

struct core_sink {
    void (*on_event)(void *ud, const struct core_event *ev);
    int (*ask)(void *ud, const struct core_ask *q, struct core_answer *a);
    void *ud;
};

/* Fills ev->when and calls the sink; a NULL sink or callback is ignored. */
void core_emit(const struct core_sink *sink, struct core_event *ev);

/* Calls sink->ask; returns ASK_UNAVAILABLE when the sink cannot ask. */
int core_ask(const struct core_sink *sink, const struct core_ask *q, struct core_answer *a);

/* "blue" / "red" / "black" / "orange" / "the key the PED screen asks for". */
const char *ped_key_name(enum ped_key key);
/* What the key is for: "HSM Security Officer", "cloning domain", "Crypto Officer",
 * "Remote PED Vector". */
const char *ped_key_role(enum ped_key key);

#endif
