/* conv.c: line assembly, prompts, answers and ends of commands over a stream. */
#include "conv.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "waitset.h"

#define CONV_MASK "********"
#define CONV_MARKER "__RW_DONE_"
#define CONV_KEEP_SECRETS 8
/* Shorter secrets are not scrubbed from received text: masking every "a" would wreck it. */
#define CONV_SCRUB_MIN 4
/* A partial line (a prompt) that stays unterminated this long is shown in the transcript. */
#define CONV_PARTIAL_FLUSH_MS 300
/* A password is typed only after its prompt has been quiet this long: programs print the
 * prompt before they turn the terminal's echo off, and a password typed in between would be
 * echoed in clear (it would still be masked in the transcript, but better not at all). */
#define CONV_SECRET_SETTLE_MS 150
/* A local program's question is checked (stream_waits_for_input) once no byte came for this
 * long (what it wrote just before may still be in the pty's buffers for a moment), then again
 * every CONV_INPUT_RECHECK_MS until prompt_settle_ms. */
#define CONV_INPUT_SETTLE_MS 5
#define CONV_INPUT_RECHECK_MS 5
/* A prompt rotwiz cannot match must stay unanswered this long before the command is abandoned:
 * a line that only paused mid-write must not be taken for a question. */
#define CONV_UNKNOWN_SETTLE_MS 500
/* After an interrupt, how long lunacm has to show its prompt again before the session is
 * given up (closed by the owner, never typed into). */
#define CONV_ABANDON_MS 5000
#define CONV_SECRET_MARK '\001'
/* A background conversation keeps at most this much text before dropping finished lines. */
#define CONV_MAX_IDLE_TEXT (1u << 20)

struct conv {
    struct stream *stream;
    struct waitset *ws;
    int ws_id;
    char host[64];
    struct conv_callbacks cb;
    struct conv_timeouts to;

    char *cap;                /* received text, line ends normalised to '\n', NUL-terminated */
    size_t len, size;
    size_t line_start;        /* start of the current (unterminated) line in cap */
    size_t line_reported;     /* bytes of that line already given to the line callback */
    bool pending_cr;          /* a CR ended the input so far: LF or more CRs may follow it */
    struct timespec last_rx;  /* when the last byte arrived */
    struct timespec partial_since;
    char last_sent[256];      /* last typed line, to recognise its echo */
    char shell_prompt[256];   /* the shell's prompt as it waited when a program was started
                                 or a shell command typed ("" until then) */
    bool closed;
    bool broken;              /* abandoned at a prompt that would not go away: never type again */
    size_t consumed;          /* end of what the last command took from cap */

    bool active;              /* a command is running */
    unsigned ped_lines;       /* lines asking for the PED during the running command */

    char *secrets[CONV_KEEP_SECRETS];   /* typed secrets, to scrub their echo; wiped on free */
    bool secret_echo;         /* a secret was typed at a prompt: the rest of that line is its
                                 echo (one '*' a character), masked to a fixed length */
    size_t secret_next;
    char errmsg[512];
};

static const char *const conv_error_names[] = {
#define CONV_ERROR_NAME(id, text) text,
    CONV_ERRORS(CONV_ERROR_NAME)
#undef CONV_ERROR_NAME
};

const char *conv_error_name(enum conv_error e)
{
    return (unsigned)e < sizeof(conv_error_names) / sizeof(conv_error_names[0])
               ? conv_error_names[e]
               : "?";
}

void conv_timeouts_default(struct conv_timeouts *t, double scale)
{
    t->start_ms = (long)(60000 * scale);
    t->command_ms = (long)(120000 * scale);
    t->ped_prompt_ms = (long)(200000 * scale);
    t->ped_op_ms = (long)(920000 * scale);
    t->quiet_ms = (long)(1500 * scale);
    t->prompt_settle_ms = CONV_SECRET_SETTLE_MS;
}

/* ---- received text ---- */

/* Replaces every remembered secret in the NUL-terminated S (capacity CAP) by the mask. */
static void conv_scrub(const struct conv *c, char *s, size_t cap)
{
    for (size_t i = 0; i < CONV_KEEP_SECRETS; i++) {
        const char *sec = c->secrets[i];
        size_t sl = sec ? strlen(sec) : 0;
        if (sl < CONV_SCRUB_MIN)
            continue;
        char *p;
        while ((p = strstr(s, sec)) != NULL) {
            size_t ml = strlen(CONV_MASK), rest = strlen(p + sl);
            if ((size_t)(p - s) + ml + rest + 1 > cap) {
                memset(p, '*', sl);     /* no room to grow: mask in place */
                continue;
            }
            memmove(p + ml, p + sl, rest + 1);
            memcpy(p, CONV_MASK, ml);
        }
    }
}

/* Every run of '*' in S (capacity CAP) becomes CONV_MASK: lunacm echoes one star per typed
 * character after a secret prompt, which would record the password's length. */
static void conv_mask_stars(char *s, size_t cap)
{
    size_t ml = strlen(CONV_MASK);
    for (char *p = s; (p = strchr(p, '*')) != NULL;) {
        size_t run = strspn(p, "*"), rest = strlen(p + run);
        if ((size_t)(p - s) + ml + rest + 1 > cap)
            break;      /* no room: the caller's buffer has 64 spare bytes, enough for one */
        memmove(p + ml, p + run, rest + 1);
        memcpy(p, CONV_MASK, ml);
        p += ml;
    }
}

static void conv_report(struct conv *c, enum tx_direction dir, const char *s, size_t n)
{
    if (!c->cb.line)
        return;
    size_t cap = n + 64;
    char *buf = malloc(cap);
    if (!buf)
        return;
    memcpy(buf, s, n);
    buf[n] = '\0';
    conv_scrub(c, buf, cap);
    if (dir == TX_RECEIVED && c->secret_echo)
        conv_mask_stars(buf, cap);
    c->cb.line(c->cb.ud, c->host, dir, buf);
    explicit_bzero(buf, cap);
    free(buf);
}

/* Text trimmed of spaces at both ends equals the last typed line (its echo)? The echo of a
 * command that carried a secret option is compared with its secrets masked. */
static bool conv_is_echo(const struct conv *c, const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return false;
    size_t cap = n + 64 + sizeof(c->last_sent);
    char *copy = malloc(cap);
    if (!copy)
        return false;
    memcpy(copy, s, n);
    copy[n] = '\0';
    conv_scrub(c, copy, cap);
    bool same = strcmp(copy, c->last_sent) == 0;
    explicit_bzero(copy, cap);
    free(copy);
    return same;
}

/* Shows the unterminated current line (a prompt) in the transcript. */
static void conv_flush_partial(struct conv *c)
{
    size_t from = c->line_start + c->line_reported;
    if (c->len > from) {
        conv_report(c, TX_RECEIVED, c->cap + from, c->len - from);
        c->line_reported = c->len - c->line_start;
    }
}

static bool conv_reserve(struct conv *c, size_t more)
{
    if (c->len + more + 1 <= c->size)
        return true;
    size_t size = c->size ? c->size : 4096;
    while (size < c->len + more + 1)
        size *= 2;
    char *p = realloc(c->cap, size);
    if (!p)
        return false;
    c->cap = p;
    c->size = size;
    return true;
}

static void conv_end_line(struct conv *c)
{
    if (!conv_reserve(c, 1))
        return;
    const char *line = c->cap + c->line_start;
    size_t n = c->len - c->line_start;
    if (c->line_reported == 0)
        conv_report(c, TX_RECEIVED, line, n);
    else if (n > c->line_reported && !conv_is_echo(c, line + c->line_reported,
                                                     n - c->line_reported))
        conv_report(c, TX_RECEIVED, line + c->line_reported, n - c->line_reported);
    if (c->active) {
        char save = c->cap[c->len];
        c->cap[c->len] = '\0';
        if (luna_wants_ped(line))
            c->ped_lines++;
        c->cap[c->len] = save;
    }
    c->cap[c->len++] = '\n';
    c->cap[c->len] = '\0';
    c->line_start = c->len;
    c->line_reported = 0;
    c->secret_echo = false;
}

static void conv_feed(struct conv *c, const char *buf, size_t n)
{
    if (!conv_reserve(c, n + 2))
        return;
    clock_gettime(CLOCK_MONOTONIC, &c->last_rx);
    for (size_t i = 0; i < n; i++) {
        char b = buf[i];
        if (b == '\0')
            continue;
        /* CRLF, CR CR LF (a "\r\n" written through a pty with ONLCR), LF and a lone CR
         * each end one line. */
        if (b == '\r') {
            c->pending_cr = true;
            continue;
        }
        if (c->pending_cr || b == '\n') {
            c->pending_cr = false;
            conv_end_line(c);
            if (b == '\n')
                continue;
        }
        if (c->len == c->line_start + c->line_reported)
            c->partial_since = c->last_rx;
        c->cap[c->len++] = b;
    }
    c->cap[c->len] = '\0';
    /* A conversation nobody reads (a background helper) must not grow without bound. */
    if (!c->active && c->len > CONV_MAX_IDLE_TEXT) {
        memmove(c->cap, c->cap + c->line_start, c->len - c->line_start + 1);
        c->len -= c->line_start;
        c->consumed = c->consumed > c->line_start ? c->consumed - c->line_start : 0;
        c->line_start = 0;
    }
}

static void conv_on_fd(void *ud, int fd, short revents)
{
    struct conv *c = ud;
    char buf[4096];
    (void)fd;
    (void)revents;
    if (c->closed)
        return;
    for (int i = 0; i < 64; i++) {
        ssize_t n = stream_read(c->stream, buf, sizeof(buf));
        if (n == 0)
            break;
        if (n < 0) {
            c->closed = true;
            conv_flush_partial(c);
            /* A hung-up pty polls readable forever: stop watching it. */
            waitset_remove(c->ws, c->ws_id);
            c->ws_id = -1;
            break;
        }
        conv_feed(c, buf, (size_t)n);
    }
    if (c->pending_cr && (c->closed || waitset_ms_until(&c->last_rx) < -CONV_PARTIAL_FLUSH_MS)) {
        c->pending_cr = false;
        conv_end_line(c);
    }
    if (!c->closed && c->len > c->line_start + c->line_reported) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - c->partial_since.tv_sec) * 1000L +
                  (now.tv_nsec - c->partial_since.tv_nsec) / 1000000L;
        if (ms >= CONV_PARTIAL_FLUSH_MS)
            conv_flush_partial(c);
    }
}

/* ---- life cycle ---- */

struct conv *conv_new(struct stream *stream, struct waitset *ws, const char *host,
                      const struct conv_callbacks *cb)
{
    struct conv *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->stream = stream;
    c->ws = ws;
    snprintf(c->host, sizeof(c->host), "%s", host ? host : "?");
    if (cb)
        c->cb = *cb;
    conv_timeouts_default(&c->to, 1.0);
    if (!conv_reserve(c, 0)) {
        free(c);
        return NULL;
    }
    c->cap[0] = '\0';
    c->ws_id = waitset_add(ws, stream_fd(stream), POLLIN, conv_on_fd, c);
    if (c->ws_id < 0) {
        free(c->cap);
        free(c);
        return NULL;
    }
    return c;
}

void conv_free(struct conv *c)
{
    if (!c)
        return;
    if (c->ws_id > 0)
        waitset_remove(c->ws, c->ws_id);
    for (size_t i = 0; i < CONV_KEEP_SECRETS; i++) {
        if (c->secrets[i]) {
            explicit_bzero(c->secrets[i], strlen(c->secrets[i]));
            free(c->secrets[i]);
        }
    }
    if (c->cap) {
        explicit_bzero(c->cap, c->size);
        free(c->cap);
    }
    free(c);
}

void conv_set_timeouts(struct conv *c, const struct conv_timeouts *t) { c->to = *t; }

const char *conv_error_message(const struct conv *c) { return c->errmsg; }

bool conv_closed(const struct conv *c) { return c->closed || c->broken; }

bool conv_at_luna_prompt(const struct conv *c)
{
    return !c->closed && !c->broken && c->cap && c->len > c->line_start &&
           luna_ends_with_prompt(c->cap + c->line_start);
}

const char *conv_host(const struct conv *c) { return c->host; }

void conv_result_free(struct conv_result *r)
{
    if (!r)
        return;
    free(r->output);
    memset(r, 0, sizeof(*r));
    r->shell_status = -1;
}

/* ---- typing ---- */

/* Types TEXT and CR. SHOWN is what the transcript gets (the mask for a secret). */
static enum conv_error conv_type(struct conv *c, const char *text, const char *shown)
{
    size_t n = strlen(text);
    /* The second line of defence behind the validation of every value (a newline inside a
     * value would type a second command into lunacm). */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
            snprintf(c->errmsg, sizeof(c->errmsg), "refused to type a line holding a control "
                     "character into the session on %s: nothing was typed", c->host);
            return CONV_E_REFUSED;
        }
    if (c->broken) {
        snprintf(c->errmsg, sizeof(c->errmsg), "the session on %s was left at a prompt rotwiz "
                 "could not answer; nothing more is typed into it", c->host);
        return CONV_E_CLOSED;
    }
    char *buf = malloc(n + 2);
    if (!buf)
        return CONV_E_IO;
    memcpy(buf, text, n);
    buf[n] = '\r';
    buf[n + 1] = '\0';
    int rc = stream_write(c->stream, buf, n + 1, NULL);
    explicit_bzero(buf, n + 2);
    free(buf);
    snprintf(c->last_sent, sizeof(c->last_sent), "%s", shown);
    conv_report(c, TX_SENT, shown, strlen(shown));
    if (rc != 0) {
        snprintf(c->errmsg, sizeof(c->errmsg), "could not type into the session on %s%s",
                 c->host, c->closed || stream_closed(c->stream) ? ": it is closed" : "");
        return CONV_E_IO;
    }
    return CONV_OK;
}

enum conv_error conv_send_line(struct conv *c, const char *text)
{
    c->errmsg[0] = '\0';
    return conv_type(c, text, text);
}

enum conv_error conv_send_interrupt(struct conv *c)
{
    c->errmsg[0] = '\0';
    if (c->broken)
        return CONV_E_CLOSED;
    snprintf(c->last_sent, sizeof(c->last_sent), "^C");
    conv_report(c, TX_SENT, "^C", 2);
    if (stream_write(c->stream, "\x03", 1, NULL) != 0) {
        snprintf(c->errmsg, sizeof(c->errmsg), "could not type into the session on %s",
                 c->host);
        return CONV_E_IO;
    }
    return CONV_OK;
}

static void conv_remember_secret(struct conv *c, const char *secret)
{
    char **slot = &c->secrets[c->secret_next];
    if (*slot) {
        explicit_bzero(*slot, strlen(*slot));
        free(*slot);
    }
    *slot = strdup(secret);
    c->secret_next = (c->secret_next + 1) % CONV_KEEP_SECRETS;
}

/* ---- waiting for the end of a command ---- */

struct conv_wait {
    struct conv *c;
    const struct conv_opts *o;
    struct conv_result *r;
    const char *cmd;
    bool need_newline;        /* a command was typed: its own line must end first */
    size_t answered_len;      /* text length when we last answered a question */
    size_t start_len;         /* text length when the wait began (after typing) */
    unsigned ped_handled;
    bool in_ped;
    struct timespec deadline;
    size_t scan;              /* marker search position */
    size_t end_at;            /* where the output ends (prompt or marker line) */
    size_t taken;             /* where the next command's text starts */
    bool marker_seen;
    bool done;
    enum conv_error err;
    char what[160];
    bool answered[LUNA_SK_COUNT];   /* kinds typed in this command (each once) */
    bool confirmed[LUNA_SK_COUNT];  /* ...and their confirmations */
    enum luna_secret_kind last_kind;
    const char *last_key;
};

/* Ends the wait with error E and a message; FMT gets its arguments (host last, usually). */
__attribute__((format(printf, 3, 4)))
static bool conv_wait_fail(struct conv_wait *w, enum conv_error e, const char *fmt, ...)
{
    va_list ap;
    w->err = e;
    va_start(ap, fmt);
    vsnprintf(w->c->errmsg, sizeof(w->c->errmsg), fmt, ap);
    va_end(ap);
    return true;
}

/* What the command's options allow for kind K: its secrets-file key, or NULL. */
static const char *conv_rule_key(const struct conv_opts *o, enum luna_secret_kind k)
{
    for (size_t i = 0; i < CONV_MAX_ANSWERS; i++)
        if (o->answers[i].key && o->answers[i].kind == k)
            return o->answers[i].key;
    return NULL;
}

/* "an SO password or a partition password": what this command may be asked for. */
static void conv_expected(const struct conv_opts *o, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < CONV_MAX_ANSWERS && n < len; i++)
        if (o->answers[i].key)
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " or " : "",
                                  luna_secret_kind_name(o->answers[i].kind));
    if (!buf[0])
        snprintf(buf, len, "no secret at a prompt");
}

/* Types SECRET (masked in every record) as the answer to a prompt. */
static bool conv_type_secret(struct conv_wait *w, char *secret)
{
    struct conv *c = w->c;
    conv_remember_secret(c, secret);
    c->secret_echo = true;
    enum conv_error e = conv_type(c, secret, CONV_MASK);
    explicit_bzero(secret, strlen(secret));
    w->r->secrets_typed++;
    w->answered_len = c->len;
    if (e != CONV_OK) {
        w->err = e;
        return true;
    }
    return false;
}

/* The prompt cannot be matched to a secret this command gives: the operator may answer it by
 * hand (wizard), else nothing is typed and the command ends (then it is abandoned). */
static bool conv_unmatched(struct conv_wait *w, const char *prompt, enum conv_error e,
                           const char *why)
{
    struct conv *c = w->c;
    char expected[160], buf[CORE_ANSWER_MAX];
    conv_expected(w->o, expected, sizeof expected);
    snprintf(w->r->prompt, sizeof w->r->prompt, "%s", prompt);
    if (e == CONV_E_UNEXPECTED_PROMPT && c->cb.ask_prompt &&
        c->cb.ask_prompt(c->cb.ud, c->host, prompt, expected, buf, sizeof buf)) {
        buf[sizeof buf - 1] = '\0';
        w->r->hand_answered = true;
        w->last_kind = LUNA_SK_UNKNOWN;
        w->last_key = NULL;
        return conv_type_secret(w, buf);
    }
    explicit_bzero(buf, sizeof buf);
    return conv_wait_fail(w, e, "%s on %s asked \"%s\" (%s); this step may only give %s, so "
                          "nothing was typed", w->what, c->host, prompt, why, expected);
}

/* A prompt waits for input (its line is PROMPT): answer it by what its words ask for. */
static bool conv_answer_prompt(struct conv_wait *w, const char *prompt)
{
    struct conv *c = w->c;
    const struct conv_opts *o = w->o;
    struct luna_prompt p;
    luna_classify_prompt(prompt, &p);
    enum luna_secret_kind kind = p.kind;
    if (kind == LUNA_SK_PASSWORD && o->generic != LUNA_SK_NONE)
        kind = o->generic;
    const char *key = NULL;
    bool settled = waitset_ms_until(&c->last_rx) <= -CONV_UNKNOWN_SETTLE_MS;
    if (p.confirm) {
        /* A confirmation repeats a secret once: the one it names (typed at a prompt or given
         * as an option), or, naming none, the one typed at the prompt just before. */
        bool named = kind != LUNA_SK_NONE && kind != LUNA_SK_PASSWORD && kind != LUNA_SK_UNKNOWN;
        enum luna_secret_kind k = named ? kind : w->last_kind;
        const char *k_key = named ? conv_rule_key(o, k) : w->last_key;
        if (k_key && w->answered[k] && !w->confirmed[k]) {
            w->confirmed[k] = true;
            key = k_key;
            kind = k;
        }
    } else if (kind != LUNA_SK_UNKNOWN && kind != LUNA_SK_NONE) {
        key = conv_rule_key(o, kind);
        if (key && w->answered[kind]) {
            conv_flush_partial(c);
            snprintf(w->r->prompt, sizeof w->r->prompt, "%s", prompt);
            return conv_wait_fail(w, CONV_E_REPROMPT,
                                  "%s asked for %s again on %s (\"%s\"); it is not typed a "
                                  "second time (no automatic retry: check the secret, then run "
                                  "the step again)", w->what, luna_secret_kind_name(kind),
                                  c->host, prompt);
        }
    }
    if (!key) {
        if (!settled)
            return false;       /* wait: it may still be a line being written */
        conv_flush_partial(c);
        return conv_unmatched(w, prompt, CONV_E_UNEXPECTED_PROMPT,
                              p.confirm ? "a confirmation of nothing this step typed"
                                        : luna_secret_kind_name(p.kind));
    }
    conv_flush_partial(c);
    char buf[CORE_ANSWER_MAX];
    if (!c->cb.secret || !c->cb.secret(c->cb.ud, c->host, key, buf, sizeof buf)) {
        explicit_bzero(buf, sizeof buf);
        snprintf(w->r->prompt, sizeof w->r->prompt, "%s", prompt);
        return conv_wait_fail(w, CONV_E_NO_SECRET, "no value was given for the secret %s asked "
                              "for on %s; nothing was typed", key, c->host);
    }
    buf[sizeof buf - 1] = '\0';
    w->answered[kind] = true;
    w->last_kind = kind;
    w->last_key = key;
    return conv_type_secret(w, buf);
}

/* Finds our marker line "...__RW_DONE_<digits>__" among the finished lines. */
static bool conv_find_marker(struct conv_wait *w)
{
    struct conv *c = w->c;
    while (w->scan < c->line_start) {
        char *p = strstr(c->cap + w->scan, CONV_MARKER);
        if (!p || (size_t)(p - c->cap) >= c->line_start) {
            /* Keep the tail that could hold the start of a marker split by a read. */
            w->scan = c->line_start;
            return false;
        }
        char *d = p + strlen(CONV_MARKER), *q = d;
        while (*q >= '0' && *q <= '9')
            q++;
        w->scan = (size_t)(p - c->cap) + 1;
        if (q > d && q[0] == '_' && q[1] == '_') {
            w->r->shell_status = atoi(d);
            size_t ls = (size_t)(p - c->cap);
            while (ls > 0 && c->cap[ls - 1] != '\n')
                ls--;
            w->end_at = ls;
            const char *nl = strchr(p, '\n');
            w->taken = nl ? (size_t)(nl - c->cap) + 1 : c->len;
            return true;
        }
    }
    return false;
}

/* SECRETS_TYPED: enough prompts answered? Sets the end of the output when so. */
static bool conv_all_typed(struct conv_wait *w)
{
    if (w->r->secrets_typed < (w->o->end_after_typed ? w->o->end_after_typed : 1))
        return false;
    w->end_at = w->c->len;
    return true;
}

/* TEXT (the unterminated line) is the shell prompt this session showed before? */
static bool conv_is_shell_prompt(const struct conv *c, const char *text)
{
    return c->shell_prompt[0] && strcmp(text, c->shell_prompt) == 0;
}

/* About to type into a shell: remembers the prompt it waits at (the unterminated line), so
 * the end of a program started from it is recognised by that prompt coming back. */
static void conv_learn_shell_prompt(struct conv *c)
{
    const char *line = c->cap + c->line_start;
    if (c->len > c->line_start && c->len - c->line_start < sizeof c->shell_prompt &&
        !luna_ends_with_prompt(line))
        snprintf(c->shell_prompt, sizeof c->shell_prompt, "%s", line);
}

/* A line of a prompt's shape is pending: is the program waiting for the answer? Seen directly
 * for a local program (blocked reading its terminal, all it wrote read; re-checked every few
 * ms), else once the line stayed prompt_settle_ms (a menu's completeness has no event). */
static bool conv_input_asked(struct conv *c)
{
    long since = -waitset_ms_until(&c->last_rx);
    if (since >= c->to.prompt_settle_ms)
        return true;
    if (since < CONV_INPUT_SETTLE_MS)
        return false;       /* woken at that moment by conv_wake_at_settle */
    if (stream_waits_for_input(c->stream))
        return true;
    struct timespec t = waitset_deadline_in(CONV_INPUT_RECHECK_MS);
    waitset_wake_at(c->ws, &t);
    return false;
}

/* An unterminated line is pending: the settles below are decided on the time since the last
 * byte, so the wait wakes exactly when one of them is over (not at the next periodic turn). */
static void conv_wake_at_settle(struct conv *c)
{
    const long settles[] = {CONV_INPUT_SETTLE_MS, CONV_SECRET_SETTLE_MS, c->to.prompt_settle_ms,
                            CONV_UNKNOWN_SETTLE_MS};
    long since = -waitset_ms_until(&c->last_rx), next = -1;
    for (size_t i = 0; i < sizeof settles / sizeof settles[0]; i++)
        if (since < settles[i] && (next < 0 || settles[i] < next))
            next = settles[i];
    if (next >= 0) {
        struct timespec t = waitset_deadline_in(next - since);
        waitset_wake_at(c->ws, &t);
    }
}

static bool conv_wait_pred(void *ud)
{
    struct conv_wait *w = ud;
    struct conv *c = w->c;
    const struct conv_opts *o = w->o;

    while (c->ped_lines > w->ped_handled) {
        w->ped_handled++;
        w->r->ped_seen = true;
        if (!w->in_ped) {
            struct timespec op = waitset_deadline_in(c->to.ped_op_ms);
            if (waitset_ms_until(&op) > waitset_ms_until(&w->deadline))
                w->deadline = op;
            w->in_ped = true;
        }
        if (c->cb.ped) {
            struct timespec pd = waitset_deadline_in(c->to.ped_prompt_ms);
            c->cb.ped(c->cb.ud, c->host, (int)(c->to.ped_prompt_ms / 1000), &pd);
        }
    }
    bool fresh_line = !w->need_newline || c->line_start > 0;
    bool partial = c->len > c->line_start;
    bool new_text = c->len > w->answered_len;
    if (partial && new_text)
        conv_wake_at_settle(c);

    switch (o->end) {
    case CONV_END_LUNA_PROMPT:
        if (fresh_line && partial && luna_ends_with_prompt(c->cap + c->line_start)) {
            w->end_at = c->line_start;
            conv_flush_partial(c);
            return w->done = true;
        }
        break;
    case CONV_END_SHELL_MARKER:
        /* After the marker, wait for the shell's next prompt (an unterminated line: its
         * arrival is the event) so the next command is not typed ahead of the prompt. */
        if (w->marker_seen || conv_find_marker(w)) {
            w->marker_seen = true;
            if (partial || c->closed) {
                conv_flush_partial(c);
                return w->done = true;
            }
        }
        break;
    case CONV_END_QUIET:
        if (c->len > w->start_len && waitset_ms_until(&c->last_rx) <= -c->to.quiet_ms) {
            w->end_at = c->len;
            conv_flush_partial(c);
            return w->done = true;
        }
        break;
    case CONV_END_CLOSED:
        if (c->closed) {
            w->end_at = c->len;
            return w->done = true;
        }
        break;
    case CONV_END_SECRETS_TYPED:
        if (conv_all_typed(w))
            return w->done = true;
        break;
    case CONV_END_SHELL_PROMPT:
        /* the shell's own prompt as this session showed it before is back: that is the
         * event; any other unterminated line only once it settled (it may be mid-write) */
        if (c->closed || (fresh_line && partial && new_text &&
                          !luna_ends_with_prompt(c->cap + c->line_start) &&
                          (conv_is_shell_prompt(c, c->cap + c->line_start) ||
                           waitset_ms_until(&c->last_rx) <= -c->to.prompt_settle_ms))) {
            w->end_at = c->line_start;
            conv_flush_partial(c);
            return w->done = true;
        }
        break;
    case CONV_END_INPUT_PROMPT:
        if (fresh_line && partial && new_text && luna_is_input_prompt(c->cap + c->line_start) &&
            conv_input_asked(c)) {
            w->end_at = c->line_start;
            conv_flush_partial(c);
            return w->done = true;
        }
        break;
    }
    if (fresh_line && partial && new_text) {
        const char *text = c->cap + c->line_start;
        if (luna_ends_with_confirm(text)) {
            w->r->confirm_seen = true;
            w->r->proceeded = o->confirmed;
            conv_flush_partial(c);
            w->answered_len = c->len;
            enum conv_error e = conv_type(c, o->confirmed ? "proceed" : "quit",
                                          o->confirmed ? "proceed" : "quit");
            if (e != CONV_OK) {
                w->err = e;
                return true;
            }
        } else if (o->end != CONV_END_INPUT_PROMPT && o->end != CONV_END_SHELL_MARKER &&
                   o->end != CONV_END_QUIET && o->end != CONV_END_SHELL_PROMPT &&
                   luna_is_input_prompt(text) &&
                   (waitset_ms_until(&c->last_rx) <= -CONV_SECRET_SETTLE_MS ||
                    stream_echo_off(c->stream))) {
            /* a local helper that turned its echo off waits for the answer: no settle */
            if (conv_answer_prompt(w, text))
                return true;
            /* Done right after typing: what follows belongs to the next wait. */
            if (o->end == CONV_END_SECRETS_TYPED && conv_all_typed(w))
                return w->done = true;
        }
    }
    if (c->closed)
        return conv_wait_fail(w, CONV_E_CLOSED, "the session closed while waiting for %s on %s",
                              w->what, c->host);
    return false;
}

/* Last non-empty line of the received text, for error messages. */
static void conv_last_line(const struct conv *c, char *buf, size_t len)
{
    size_t e = c->len;
    while (e > 0 && (c->cap[e - 1] == '\n' || c->cap[e - 1] == ' '))
        e--;
    size_t s = e;
    while (s > 0 && c->cap[s - 1] != '\n')
        s--;
    snprintf(buf, len, "%.*s", (int)(e - s > 100 ? 100 : e - s), c->cap + s);
    conv_scrub(c, buf, len);
}

static void conv_describe(struct conv_wait *w)
{
    static const char *const ends[] = {"the lunacm prompt", "the end of the shell command",
                                       "the output to settle", "the program to exit",
                                       "the password prompt", "a prompt", "the shell's prompt"};
    if (w->o->what)
        snprintf(w->what, sizeof(w->what), "%s", w->o->what);
    else if (w->cmd)
        snprintf(w->what, sizeof(w->what), "%s after `%.80s`", ends[w->o->end], w->cmd);
    else
        snprintf(w->what, sizeof(w->what), "%s", ends[w->o->end]);
}

/* Expands the CONV_SECRET(key) marks of CMD: *TYPED gets the secrets (to type), *SHOWN the
 * mask (to report; NULL when CMD has no secret). The secrets are remembered for masking
 * their echo. Nothing is typed when a secret is missing. */
static enum conv_error conv_expand(struct conv *c, const char *cmd, char **typed, char **shown)
{
    *typed = *shown = NULL;
    if (!strchr(cmd, CONV_SECRET_MARK)) {
        *typed = strdup(cmd);
        return *typed ? CONV_OK : CONV_E_IO;
    }
    size_t cap = strlen(cmd) + 1, tl = 0, sl = 0;
    char *t = malloc(cap + CORE_ANSWER_MAX * CONV_MAX_ANSWERS), *m = malloc(cap + 64);
    enum conv_error e = t && m ? CONV_OK : CONV_E_IO;
    size_t tcap = cap + CORE_ANSWER_MAX * CONV_MAX_ANSWERS;
    for (const char *p = cmd; e == CONV_OK && *p;) {
        if (*p != CONV_SECRET_MARK) {
            t[tl++] = m[sl++] = *p++;
            continue;
        }
        const char *end = strchr(p + 1, CONV_SECRET_MARK);
        char key[64], buf[CORE_ANSWER_MAX];
        size_t kl = end ? (size_t)(end - p - 1) : 0;
        if (!end || kl == 0 || kl >= sizeof key) {
            e = CONV_E_IO;
            break;
        }
        memcpy(key, p + 1, kl);
        key[kl] = '\0';
        if (!c->cb.secret || !c->cb.secret(c->cb.ud, c->host, key, buf, sizeof buf)) {
            snprintf(c->errmsg, sizeof c->errmsg, "no value was given for the secret %s needed "
                     "on %s; nothing was typed", key, c->host);
            e = CONV_E_NO_SECRET;
        } else if (tl + strlen(buf) + strlen(p) >= tcap) {
            e = CONV_E_IO;
        } else {
            buf[sizeof buf - 1] = '\0';
            conv_remember_secret(c, buf);
            memcpy(t + tl, buf, strlen(buf));
            tl += strlen(buf);
            memcpy(m + sl, CONV_MASK, strlen(CONV_MASK));
            sl += strlen(CONV_MASK);
        }
        explicit_bzero(buf, sizeof buf);
        p = end + 1;
    }
    if (e != CONV_OK) {
        if (t)
            explicit_bzero(t, tcap);
        free(t);
        free(m);
        return e;
    }
    t[tl] = m[sl] = '\0';
    *typed = t;
    *shown = m;
    return CONV_OK;
}

/* A secret given as an option counts as answered: a prompt asking for it again is a second
 * try, never typed (no automatic retry); a prompt naming it may confirm it once. */
static void conv_mark_given(struct conv_wait *w, const char *cmd)
{
    for (size_t i = 0; i < CONV_MAX_ANSWERS; i++) {
        const char *key = w->o->answers[i].key;
        if (!key)
            continue;
        for (const char *p = strchr(cmd, CONV_SECRET_MARK); p;
             p = strchr(p + 1, CONV_SECRET_MARK)) {
            size_t kl = strlen(key);
            if (strncmp(p + 1, key, kl) == 0 && p[1 + kl] == CONV_SECRET_MARK) {
                w->answered[w->o->answers[i].kind] = true;
                break;
            }
        }
    }
}

static bool conv_back_at_prompt(void *ud)
{
    struct conv *c = ud;
    return c->closed || (c->len > c->line_start && luna_ends_with_prompt(c->cap + c->line_start));
}

/* Leaves a pending prompt without typing into it: an interrupt, then lunacm's prompt must come
 * back. When it does not, the session is marked broken (never typed into again; the owner
 * closes it). Returns true (the command was abandoned). */
static bool conv_abandon(struct conv *c)
{
    char saved[400];
    snprintf(saved, sizeof saved, "%.399s", c->errmsg);
    if (!c->closed && conv_send_interrupt(c) == CONV_OK) {
        struct timespec deadline = waitset_deadline_in(CONV_ABANDON_MS);
        waitset_run_until(c->ws, conv_back_at_prompt, c, &deadline);
    }
    if (!conv_back_at_prompt(c) || c->closed)
        c->broken = true;
    snprintf(c->errmsg, sizeof c->errmsg, "%s; the command was interrupted%s", saved,
             c->broken ? " and the session is closed" : "");
    return true;
}

enum conv_error conv_command(struct conv *c, const char *cmd, const struct conv_opts *opts,
                             struct conv_result *r)
{
    static const struct conv_opts dflt;
    struct conv_wait w = {.c = c, .o = opts ? opts : &dflt, .r = r, .cmd = cmd};
    memset(r, 0, sizeof(*r));
    r->shell_status = -1;
    c->errmsg[0] = '\0';
    conv_describe(&w);

    /* Typing a command: keep only the unterminated line (usually the prompt). Only waiting:
     * keep everything the previous command did not take. Offsets start afresh. */
    size_t keep = cmd || c->consumed > c->line_start ? c->line_start : c->consumed;
    size_t fresh = cmd ? 0 : c->consumed - keep;   /* first byte not taken yet */
    memmove(c->cap, c->cap + keep, c->len - keep + 1);
    c->len -= keep;
    c->line_start -= keep;
    c->consumed = 0;
    c->ped_lines = 0;
    c->active = true;
    w.answered_len = fresh;   /* text before it was answered by the previous command */
    w.need_newline = cmd != NULL;
    long timeout = w.o->timeout_ms > 0 ? w.o->timeout_ms : c->to.command_ms;
    w.deadline = waitset_deadline_in(timeout);

    if (cmd) {
        char *line = NULL, *shown = NULL;
        if (w.o->end == CONV_END_SHELL_MARKER ||
            (w.o->end == CONV_END_LUNA_PROMPT && !conv_at_luna_prompt(c)))
            conv_learn_shell_prompt(c);   /* a shell command, or lunacm started from it */
        if (w.o->end == CONV_END_SHELL_MARKER) {
            size_t n = strlen(cmd) + sizeof("; echo " CONV_MARKER "$?__");
            line = malloc(n);
            if (line)
                snprintf(line, n, "%s; echo " CONV_MARKER "$?__", cmd);
            w.err = line ? CONV_OK : CONV_E_IO;
        } else {
            w.err = conv_expand(c, cmd, &line, &shown);
            conv_mark_given(&w, cmd);
        }
        if (w.err == CONV_OK)
            w.err = conv_type(c, line, shown ? shown : line);
        if (line)
            explicit_bzero(line, strlen(line));
        free(line);
        free(shown);
        w.answered_len = c->len;
        if (w.err != CONV_OK)
            goto out;
    }
    /* QUIET needs a byte the previous command did not take (typed: one after typing). */
    w.start_len = cmd ? c->len : fresh;
    switch (waitset_run_until(c->ws, conv_wait_pred, &w, &w.deadline)) {
    case WAITSET_DONE:
        break;
    case WAITSET_TIMEOUT: {
        char last[128];
        conv_last_line(c, last, sizeof(last));
        w.err = CONV_E_TIMEOUT;
        snprintf(c->errmsg, sizeof(c->errmsg),
                 "timed out after %ld s waiting for %s on %s%s (last output: \"%s\")",
                 (w.in_ped ? c->to.ped_op_ms : timeout) / 1000,
                 w.in_ped ? "the PED operation" : w.what, c->host,
                 w.in_ped ? " (keys were asked for on the PED)" : "", last);
        break;
    }
    case WAITSET_CANCELLED:
        w.err = CONV_E_CANCELLED;
        snprintf(c->errmsg, sizeof(c->errmsg), "cancelled while waiting for %s on %s", w.what,
                 c->host);
        break;
    case WAITSET_ERROR:
        w.err = CONV_E_IO;
        snprintf(c->errmsg, sizeof(c->errmsg), "internal error (poll) while waiting for %s",
                 w.what);
        break;
    }
    /* Left waiting at a prompt nothing was typed into: interrupt it, never type into it. */
    if (w.err == CONV_E_UNEXPECTED_PROMPT || w.err == CONV_E_REPROMPT ||
        w.err == CONV_E_NO_SECRET)
        r->abandoned = conv_abandon(c);
out:
    c->active = false;
    if (!w.done)
        c->consumed = c->len;
    else if (w.o->end == CONV_END_LUNA_PROMPT)
        c->consumed = c->line_start;
    else if (w.o->end == CONV_END_SHELL_MARKER)
        c->consumed = w.taken;
    else
        c->consumed = w.end_at;
    {
        size_t start = cmd ? 0 : fresh, end = w.done ? w.end_at : c->len;
        if (cmd) {
            /* Skip the line holding the prompt and the echo of the command. In marker mode
             * that is the line with our literal marker template (robust to a shell that
             * prints its prompt after echoing type-ahead). */
            const char *echo = w.o->end == CONV_END_SHELL_MARKER
                                   ? strstr(c->cap, CONV_MARKER "$?__") : NULL;
            const char *nl = memchr(echo ? echo : c->cap, '\n',
                                    c->len - (size_t)((echo ? echo : c->cap) - c->cap));
            start = nl ? (size_t)(nl - c->cap) + 1 : c->len;
        }
        if (end < start)
            end = start;
        size_t cap = end - start + 64;
        r->output = malloc(cap);
        if (r->output) {
            memcpy(r->output, c->cap + start, end - start);
            r->output[end - start] = '\0';
            conv_scrub(c, r->output, cap);
            luna_parse_result(r->output, &r->luna);
        }
    }
    return w.err;
}

enum conv_error conv_shell_sync(struct conv *c, long timeout_ms)
{
    struct conv_opts o = {.end = CONV_END_SHELL_MARKER,
                          .timeout_ms = timeout_ms > 0 ? timeout_ms : c->to.start_ms,
                          .what = "the shell to answer"};
    struct conv_result r;
    enum conv_error e = conv_command(c, "true", &o, &r);
    conv_result_free(&r);
    return e;
}

enum conv_error conv_start_program(struct conv *c, const char *cmdline, long timeout_ms,
                                   struct conv_result *r)
{
    struct conv_opts o = {.end = CONV_END_LUNA_PROMPT,
                          .timeout_ms = timeout_ms > 0 ? timeout_ms : c->to.start_ms,
                          .what = "the lunacm prompt after start-up"};
    return conv_command(c, cmdline, &o, r);
}
