/* conv.h: the conversation engine: types commands into a stream (an SSH shell or a local
 * pty), assembles what comes back into lines for the transcript, answers the proceed/quit
 * question and password prompts the way the flow allowed, notices the PED, and knows when a
 * command is over.
 *
 * Each conversation registers its stream in the flow's waitset, so its lines reach the
 * transcript during every wait of the flow, not only during its own commands. Waits end on a
 * structure (the lunacm prompt, our own shell marker followed by the shell's prompt, the
 * shell's prompt coming back, a quiet period (tests only), the stream closing),
 * never on Luna wording beyond what luna_parse.h recognises.
 *
 * Secrets go where the vendor puts them: as options of the command typed into the
 * interactive session (CONV_SECRET(key) in the command text, expanded from the secret
 * callback, reported as "********"). A prompt that waits for input is answered only when its
 * own words name a kind of secret the command's options allow (struct conv_opts.answers),
 * never by its position; each kind is typed once and never re-sent (a second prompt for it
 * ends the command: no automatic retry). A prompt rotwiz cannot match gets nothing typed:
 * the operator may answer it by hand (ask_prompt callback), else the command is abandoned
 * with an interrupt, and a session left at an unknown prompt is never typed into again.
 * Secrets never reach the line callback; their echo in received text is masked too. */
#ifndef ROTWIZ_CONV_H
#define ROTWIZ_CONV_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "core_event.h"
#include "luna_parse.h"

struct stream;
struct waitset;
struct conv;

/* Error codes of a conversation, with their meaning for logs. */
#define CONV_ERRORS(X)                                                                         \
    X(CONV_OK, "ok")                                                                           \
    X(CONV_E_TIMEOUT, "timed out")                                                             \
    X(CONV_E_CANCELLED, "cancelled")                                                           \
    X(CONV_E_CLOSED, "connection closed")                                                      \
    X(CONV_E_NO_SECRET, "password prompt without a secret to give")                            \
    X(CONV_E_REPROMPT, "asked for a password again (not retried)")                             \
    X(CONV_E_UNEXPECTED_PROMPT, "a prompt rotwiz may not answer")                              \
    X(CONV_E_REFUSED, "refused to type a control character")                                   \
    X(CONV_E_IO, "write failed")

enum conv_error {
#define CONV_ERROR_ENUM(id, text) id,
    CONV_ERRORS(CONV_ERROR_ENUM)
#undef CONV_ERROR_ENUM
};

/* Short text for an error code ("timed out"...). */
const char *conv_error_name(enum conv_error e);

/* Where the owner hears from the conversation. Every callback may be NULL. */
struct conv_callbacks {
    /* One transcript line: received (complete, or a prompt waiting without newline) or sent.
     * Never contains a secret typed by the engine. */
    void (*line)(void *ud, const char *host, enum tx_direction dir, const char *text);
    /* Fills BUF (LEN bytes) with the secret named KEY (a secrets-file key) for HOST. Returns
     * true when a secret was given. The engine wipes its copies after use. */
    bool (*secret)(void *ud, const char *host, const char *key, char *buf, size_t len);
    /* `Please attend to the PED.` was printed: the PED wants keys now. TIMEOUT_S is the PED
     * key prompt timeout and DEADLINE (CLOCK_MONOTONIC) when it expires. */
    void (*ped)(void *ud, const char *host, int timeout_s, const struct timespec *deadline);
    /* A prompt rotwiz cannot answer by its words (PROMPT, verbatim) waits on HOST; EXPECTED
     * says what the command may be asked for. Fills BUF with what the operator typed by hand
     * and returns true, or returns false (batch, or declined): then nothing is typed. */
    bool (*ask_prompt)(void *ud, const char *host, const char *prompt, const char *expected,
                       char *buf, size_t len);
    void *ud;
};

/* Timeouts in milliseconds (tests scale them down). */
struct conv_timeouts {
    long start_ms;        /* a program's start-up until its prompt (default 60 s) */
    long command_ms;      /* a command until its end (default 120 s) */
    long ped_prompt_ms;   /* a PED key prompt (FORMATS.md 6: 200 s) */
    long ped_op_ms;       /* a whole PED operation (FORMATS.md 6: 920 s) */
    long quiet_ms;        /* CONV_END_QUIET: silence that ends a command (default 1.5 s) */
    long prompt_settle_ms; /* how long an unterminated line must stay to be taken as a prompt
                              when no event says so: CONV_END_SHELL_PROMPT before the shell's
                              prompt was ever seen, CONV_END_INPUT_PROMPT when the program's
                              wait for input cannot be seen (150 ms, not scaled) */
};

/* Fills T with the defaults above, every value but prompt_settle_ms multiplied by SCALE
 * (1.0 = real). */
void conv_timeouts_default(struct conv_timeouts *t, double scale);

/* What ends a command. */
enum conv_end {
    CONV_END_LUNA_PROMPT = 0, /* the lunacm prompt after the output (lunacm commands) */
    CONV_END_SHELL_MARKER,    /* shell command: the engine appends `; echo __RW_DONE_$?__`
                                 and waits for that marker with the exit status, then for the
                                 shell's next prompt (an unterminated line) or the close */
    CONV_END_QUIET,           /* no output for quiet_ms (after at least one byte) */
    CONV_END_CLOSED,          /* the stream closes (the program exited) */
    CONV_END_SECRETS_TYPED,   /* end_after_typed prompts have been answered */
    CONV_END_INPUT_PROMPT,    /* a prompt waits for input (a menu): the caller answers it.
                                 A line of a prompt's shape, and a local program seen blocked
                                 reading its terminal with all it wrote read
                                 (stream_waits_for_input); else the line stayed
                                 prompt_settle_ms */
    CONV_END_SHELL_PROMPT     /* a program exited to its shell: the shell's prompt as this
                                 session showed it when the program was started (or a shell
                                 command typed) is back; before any was seen, an unterminated
                                 line that is not lunacm's prompt and stayed prompt_settle_ms
                                 (or the stream closed) */
};

/* In a command's text, the secret of secrets-file key KEY typed as an option value: expanded
 * from the secret callback when typed, "********" in every record. */
#define CONV_SECRET(key) "\001" key "\001"

#define CONV_MAX_ANSWERS 4
/* A kind of secret a command may be asked for at a prompt, and the secrets-file key of it. */
struct conv_answer_rule {
    enum luna_secret_kind kind;
    const char *key;
};

/* How to run one command. Zero-initialised = a lunacm command, no confirmation, no secret. */
struct conv_opts {
    enum conv_end end;
    bool confirmed;           /* answer `proceed` to the proceed/quit question; else `quit` */
    /* Prompts this command may be answered at, by what their words ask for. A confirmation
     * prompt ("re-enter", "confirm") gets the secret typed just before, once. */
    struct conv_answer_rule answers[CONV_MAX_ANSWERS];
    /* What a prompt naming only "a password" means for this program (LUNA_SK_NONE: nothing;
     * set only for a program that has a single kind of password, like rbs). */
    enum luna_secret_kind generic;
    size_t end_after_typed;   /* CONV_END_SECRETS_TYPED: prompts to answer before the end */
    long timeout_ms;          /* 0 = timeouts.command_ms */
    const char *what;         /* for messages, e.g. "the Backup HSM login"; NULL = command */
};

/* What a command produced. Free with conv_result_free. */
struct conv_result {
    char *output;             /* text after the command's line up to (excluding) the end
                                 marker or prompt; secrets replaced; never NULL after a call */
    struct luna_result luna;  /* Command Result parsed from output (luna.found false if none) */
    int shell_status;         /* CONV_END_SHELL_MARKER: the command's exit status, else -1 */
    bool confirm_seen;        /* the proceed/quit question was asked */
    bool proceeded;           /* ...and answered `proceed` */
    bool ped_seen;            /* `Please attend to the PED.` appeared */
    size_t secrets_typed;     /* how many prompts were answered */
    bool hand_answered;       /* the operator answered a prompt by hand */
    char prompt[256];         /* CONV_E_UNEXPECTED_PROMPT/REPROMPT: the prompt, verbatim */
    bool abandoned;           /* the command was interrupted at a prompt (nothing typed) */
};

/* A conversation over STREAM (not owned) registered in WS under the transcript tag HOST
 * ("source", "rbs"...). Returns NULL when out of memory. */
struct conv *conv_new(struct stream *stream, struct waitset *ws, const char *host,
                      const struct conv_callbacks *cb);
/* Unregisters and frees (the stream stays open). NULL is ignored. */
void conv_free(struct conv *c);
/* Replaces the timeouts (default: conv_timeouts_default(t, 1.0)). */
void conv_set_timeouts(struct conv *c, const struct conv_timeouts *t);

/* Types CMD (NULL: types nothing, only waits) and waits for its end as OPTS (NULL = lunacm
 * command) say. Returns CONV_OK or an error; conv_error_message() then says what was waited
 * for, on which host, for how long. R is filled in both cases. */
enum conv_error conv_command(struct conv *c, const char *cmd, const struct conv_opts *opts,
                             struct conv_result *r);
/* Types CMDLINE into a shell (e.g. "cd /usr/safenet/lunaclient/bin && ./lunacm"; NULL when
 * the program already runs) and waits up to TIMEOUT_MS (0 = start_ms) for the lunacm prompt;
 * R->output is the banner and start-up text. */
enum conv_error conv_start_program(struct conv *c, const char *cmdline, long timeout_ms,
                                   struct conv_result *r);
/* For a fresh shell: runs `true` in marker mode and waits (TIMEOUT_MS, 0 = start_ms) until
 * it answered, which consumes the login banner and leaves the shell idle at its prompt, so
 * the next command's output is not mixed with type-ahead. */
enum conv_error conv_shell_sync(struct conv *c, long timeout_ms);
/* Types one line as is (e.g. a menu choice) and reports it. Not for secrets. A line with a
 * control character (a newline would start a second command) is refused: CONV_E_REFUSED. */
enum conv_error conv_send_line(struct conv *c, const char *text);
/* Types Ctrl-C (e.g. to leave a prompt the flow will not answer); reported as "^C". */
enum conv_error conv_send_interrupt(struct conv *c);
/* The message of the last error ("timed out after 120 s waiting for the lunacm prompt after
 * `slot list` on source"). Empty after success. */
const char *conv_error_message(const struct conv *c);
/* True once the stream closed, or the session was abandoned at a prompt it could not leave
 * (nothing may be typed into it any more: close it). */
bool conv_closed(const struct conv *c);
/* True when the session waits at lunacm's prompt (safe to type the next command, or `exit`). */
bool conv_at_luna_prompt(const struct conv *c);
/* The transcript tag. */
const char *conv_host(const struct conv *c);
/* Frees R's output and clears R. */
void conv_result_free(struct conv_result *r);

#endif
