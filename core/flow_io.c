/* flow_io.c: set-up, clean-up, session record and reporting for the flow engine. */
#include "flow_io.h"
#include "flow_resume.h"
#include "journal.h"
#include "ledger.h"
#include "mask.h"
#include "secret_store.h"
#include "session.h"
#include "transcript.h"
#include "waitset.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXCERPT_LINES 12

static const char *fill_placeholder(void *ud, const char *name)
{
    return flow_placeholder(ud, name);
}

int flow_fail(struct flow_ctx *fx, int code, const char *fix, const char *cause, ...)
{
    va_list ap;
    va_start(ap, cause);
    vsnprintf(fx->cause, sizeof fx->cause, cause, ap);
    va_end(ap);
    /* a fix names ports and addresses by placeholder ({rbs_port}): filled like instructions */
    char *filled = fix ? flow_fill(fix, fill_placeholder, fx) : NULL;
    snprintf(fx->fix, sizeof fx->fix, "%s", filled ? filled : "");
    free(filled);
    fx->exit_code = code;
    return code;
}

int flow_fail_conv(struct flow_ctx *fx, struct conv *c, enum conv_error e)
{
    const char *msg = conv_error_message(c);
    switch (e) {
    case CONV_E_TIMEOUT:
        return flow_fail(fx, EXIT_TIMEOUT, "Check the device and the PED, then run again.",
                         "%s", msg);
    case CONV_E_CANCELLED:
        return flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator.");
    case CONV_E_NO_SECRET:
        if (secret_store_status(fx->secrets) == SECRET_CANCELLED)
            return flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator.");
        if (*secret_store_error(fx->secrets))
            return flow_fail(fx, EXIT_USAGE, "Add it to the secrets file or run on a terminal.",
                             "%s", secret_store_error(fx->secrets));
        return flow_fail(fx, EXIT_USAGE, "Add it to the secrets file or run on a terminal.",
                         "%s", msg);
    case CONV_E_REPROMPT:
        return flow_fail(fx, EXIT_HSM, "Check the password before running again; rotwiz never "
                         "retries a login.", "%s", msg);
    case CONV_E_UNEXPECTED_PROMPT:
        return flow_fail(fx, EXIT_HSM, "Answer it by hand in the wizard, or tell us the prompt's "
                         "words: rotwiz types a secret only into a prompt that names it.",
                         "%s", msg);
    case CONV_E_REFUSED:
        return flow_fail(fx, EXIT_USAGE, "Check the values in the configuration and secrets "
                         "files for control characters.", "%s", msg);
    default:
        return flow_fail(fx, EXIT_CONNECT, "Check the connection to the device; the step's "
                         "effect is verified again when you run once more.", "%s", msg);
    }
}

/* The lines that only read: lunacm's `help`, `<command> -help`, `slot list`, and `exit`. */
static bool line_reads_only(const char *text)
{
    size_t n = strlen(text);
    /* `exit` leaves lunacm (or the shell): it ends a client session and changes nothing an
     * HSM lists */
    return strcmp(text, "help") == 0 || strcmp(text, "slot list") == 0 ||
           strcmp(text, "exit") == 0 ||
           (n > 6 && strcmp(text + n - 6, " -help") == 0);
}

/* The lane of a transcript host: a k570's role ("source"), its second shell's lane
 * ("source-help", the preflight's), else the workstation's (rbs, pedserver, its lunacm,
 * rotwiz's own lines). */
static int lane_of_host(const char *host)
{
    for (int role = 0; role < MODEL_ROLES; role++) {
        const char *name = model_role_name((enum appliance_role)role);
        size_t n = strlen(name);
        if (strncmp(host, name, n) == 0)
            return host[n] == '\0' ? role : strcmp(host + n, FLOW_ASIDE_HOST_SUFFIX) == 0
                                              ? FLOW_LANE_ASIDE(role) : FLOW_LANE_WORKSTATION;
    }
    return FLOW_LANE_WORKSTATION;
}

/* flow_line for a line of LANE (the step it is tagged with). */
static void line_of_lane(struct flow_ctx *fx, int lane, const char *host, enum tx_direction dir,
                         const char *text)
{
    if (dir == TX_SENT && !line_reads_only(text) && lane <= FLOW_LANE_WORKSTATION)
        fx->changes[lane]++;
    if (fx->transcript) {
        /* lanes run at once (flow_lanes.c): a k570's lines belong to the step of their own
         * lane, whichever lane's wait read them; the others to the step that runs now */
        const char *step = lane != FLOW_LANE_WORKSTATION && fx->lane_step[lane]
                               ? fx->lane_step[lane] : fx->step ? fx->step->id : NULL;
        tx_append_in_step(fx->transcript, fx->sink, host, step ? step : "", dir, text);
    }
}

void flow_line(struct flow_ctx *fx, const char *host, enum tx_direction dir, const char *text)
{
    line_of_lane(fx, lane_of_host(host), host, dir, text);
}

void flow_notice(struct flow_ctx *fx, bool warning, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (fx->journal)
        journal_note(fx->journal, fx->step ? fx->step->id : NULL, text);
    flow_line(fx, "rotwiz", TX_INFO, text);
    struct core_event ev = {.type = EV_NOTICE};
    ev.u.notice.warning = warning;
    ev.u.notice.text = text;
    core_emit(fx->sink, &ev);
}

void flow_may_change(struct flow_ctx *fx)
{
    for (int l = 0; l < FLOW_LANES; l++)
        fx->changes[l]++;
}

/* A sum of the counters that can change what LANE lists: it only grows, so it is unchanged
 * exactly while none of them grew. A k570 lists what its own commands and the workstation's
 * (RBS, the Backup HSM) change; the workstation's lunacm lists what is on its USB, which no
 * k570 command changes. */
static unsigned long changes_seen_by(const struct flow_ctx *fx, int lane)
{
    return fx->changes[FLOW_LANE_WORKSTATION] +
           (lane == FLOW_LANE_WORKSTATION ? 0 : fx->changes[lane]);
}

void flow_fresh_mark(struct flow_ctx *fx, struct flow_fresh *f, int lane)
{
    f->set = true;
    f->lane = lane;
    f->at = changes_seen_by(fx, lane);
}

bool flow_fresh_take(struct flow_ctx *fx, struct flow_fresh *f)
{
    bool fresh = f->set && f->at == changes_seen_by(fx, f->lane);
    f->set = false;
    return fresh;
}

bool flow_cancelled(const struct flow_ctx *fx)
{
    return fx->ws && waitset_cancelled(fx->ws);
}

static const char *report_lookup(void *ud, const char *name)
{
    return flow_placeholder(ud, name);
}

void flow_report_error(struct flow_ctx *fx)
{
    char excerpt[4096] = "";
    if (fx->transcript) {
        size_t n = tx_count(fx->transcript), from = n > EXCERPT_LINES ? n - EXCERPT_LINES : 0;
        size_t len = 0;
        for (size_t i = from; i < n && len < sizeof excerpt - 1; i++) {
            struct tx_entry e;
            char text[512];
            if (tx_get(fx->transcript, i, &e, text, sizeof text) != 0)
                continue;
            len += (size_t)snprintf(excerpt + len, sizeof excerpt - len, "%s%s %s %s",
                                    len ? "\n" : "", e.host,
                                    e.dir == TX_SENT ? ">" : e.dir == TX_RECEIVED ? "<" : "-",
                                    text);
            if (len >= sizeof excerpt)
                len = sizeof excerpt - 1;
        }
    }
    struct core_event ev = {.type = EV_ERROR};
    /* a fix names ports and addresses by placeholder ({ped_port}): never shown unfilled */
    char *fix = *fx->fix ? flow_fill(fx->fix, report_lookup, fx) : NULL;
    ev.u.error.cause = fx->cause;
    ev.u.error.fix = fix;
    ev.u.error.excerpt = excerpt;
    core_emit(fx->sink, &ev);
    free(fix);
}

/* ---- conversation callbacks ------------------------------------------------------------ */

static void cb_line(void *ud, const char *host, enum tx_direction dir, const char *text)
{
    flow_line(ud, host, dir, text);
}

/* The k570 whose secrets a host's prompt may get: the target's for its shells ("target",
 * "target-help"), else the source's. */
static enum appliance_role role_of_host(const char *host)
{
    int lane = lane_of_host(host);
    return lane == ROLE_TARGET || lane == FLOW_LANE_ASIDE(ROLE_TARGET) ? ROLE_TARGET
                                                                       : ROLE_SOURCE;
}

static bool cb_secret(void *ud, const char *host, const char *key, char *buf, size_t len)
{
    struct flow_ctx *fx = ud;
    /* the cloning domain is configuration, not a secret, but answered the same way */
    if (strcmp(key, "backup_domain") == 0) {
        if (!fx->cfg.backup.domain)
            return false;
        snprintf(buf, len, "%s", fx->cfg.backup.domain);
        return true;
    }
    bool per_appliance = strcmp(key, "co_password") == 0;
    int role = per_appliance ? (int)role_of_host(host) : SECRET_NO_ROLE;
    const char *v = secret_get(fx->secrets, key, role);
    if (!v) {
        /* flow_fail_conv reads why (cancelled, no terminal) from the store */
        return false;
    }
    mask_add_secret(fx->masker, v);
    snprintf(buf, len, "%s", v);
    return true;
}

/* A prompt no secret of this step matches by its words: the wizard shows it verbatim and the
 * operator may answer it by hand; batch mode never does (nothing is typed). */
static bool cb_ask_prompt(void *ud, const char *host, const char *prompt, const char *expected,
                          char *buf, size_t len)
{
    struct flow_ctx *fx = ud;
    if (fx->req->batch)
        return false;
    char text[768];
    snprintf(text, sizeof text, "lunacm on %s asks:\n\n    %s\n\nrotwiz does not type a secret "
             "into a prompt whose words it cannot match (this step gives %s). If you know what "
             "it asks for, type it here by hand; Cancel abandons the command (nothing is "
             "typed).", host, prompt, expected);
    struct core_ask q = {.type = ASK_SECRET, .title = "A prompt rotwiz cannot answer",
                         .prompt = text, .key = NULL};
    struct core_answer a = {0};
    bool ok = core_ask(fx->sink, &q, &a) == ASK_ANSWERED && a.text[0];
    if (ok) {
        mask_add_secret(fx->masker, a.text);
        snprintf(buf, len, "%s", a.text);
        flow_journal_decision(fx, "a prompt rotwiz could not classify", "answered by hand");
    } else {
        flow_journal_decision(fx, "a prompt rotwiz could not classify", "not answered");
    }
    explicit_bzero(a.text, sizeof a.text);
    return ok;
}

/* "the Backup HSM (serial 7001234)" / "the source k570 (serial 1234)". */
static void ped_hsm_text(struct flow_ctx *fx, enum ped_hsm h, char *buf, size_t len)
{
    enum appliance_role role = h == PED_HSM_SOURCE ? ROLE_SOURCE : fx->role;
    const char *serial = "";
    if (h == PED_HSM_BACKUP) {
        serial = fx->topo.backup.serial;
        snprintf(buf, len, "the Backup HSM%s%s%s", *serial ? " (serial " : "", serial,
                 *serial ? ")" : "");
        return;
    }
    const struct slot *u = model_find_slot(&fx->topo.appliances[role].slots, SLOT_USER);
    serial = u ? u->serial : "";
    snprintf(buf, len, "the %s k570%s%s%s", model_role_name(role), *serial ? " (serial " : "",
             serial, *serial ? ")" : "");
}

static void cb_ped(void *ud, const char *host, int timeout_s, const struct timespec *deadline)
{
    struct flow_ctx *fx = ud;
    struct core_event ev = {.type = EV_PED_PROMPT};
    /* the step that waits for it is on the lane of the host that printed it, whichever
     * lane's wait read the line */
    int lane = lane_of_host(host);
    struct flow_ped_wait *w = &fx->ped_wait[lane];
    size_t n = w->count;
    char key_for[PED_MAX_KEYS][160];
    for (size_t i = 0; i < n; i++) {
        ev.u.ped.keys[i] = w->expect[i];
        ped_hsm_text(fx, w->hsm[i], key_for[i], sizeof key_for[i]);
        ev.u.ped.key_for[i] = key_for[i];
    }
    ev.u.ped.key_count = n;
    ev.u.ped.current = n ? (w->prompts < n ? w->prompts : n - 1) : 0;
    w->prompts++;
    char device[160];
    if (n)
        snprintf(device, sizeof device, "%s", key_for[ev.u.ped.current]);
    else
        snprintf(device, sizeof device, "%s%s", host,
                 strcmp(host, "workstation") == 0 ? " (Backup HSM)" : " k570");
    ev.u.ped.device = device;
    const char *where = fx->topo.ped == PED_AT_SOURCE ? "on the source k570's USB port"
                        : fx->topo.ped == PED_AT_TARGET ? "on the target k570's USB port"
                                                        : "at the workstation (PEDServer)";
    ev.u.ped.where = where;
    ev.u.ped.timeout_s = timeout_s;
    ev.u.ped.deadline = *deadline;
    char text[400];
    if (n && ev.u.ped.keys[ev.u.ped.current] != PED_KEY_ANY)
        snprintf(text, sizeof text, "PED %s: present the %s key (%s) of %s", where,
                 ped_key_name(ev.u.ped.keys[ev.u.ped.current]),
                 ped_key_role(ev.u.ped.keys[ev.u.ped.current]), device);
    else
        snprintf(text, sizeof text, "PED %s: present %s (lunacm on %s is waiting for it)",
                 where, ped_key_name(PED_KEY_ANY), host);
    line_of_lane(fx, lane, "rotwiz", TX_INFO, text);
    core_emit(fx->sink, &ev);
}

void flow_ped_expect(struct flow_ctx *fx, const enum ped_key *keys, const enum ped_hsm *hsms,
                     size_t count)
{
    struct flow_ped_wait *w = flow_ped_wait_of_step(fx);
    w->count = count < PED_MAX_KEYS ? count : PED_MAX_KEYS;
    for (size_t i = 0; i < w->count; i++) {
        w->expect[i] = keys[i];
        w->hsm[i] = hsms ? hsms[i] : PED_HSM_APPLIANCE;
    }
    w->prompts = 0;
}

struct flow_ped_wait *flow_ped_wait_of_step(struct flow_ctx *fx)
{
    return &fx->ped_wait[fx->step ? fx->step->lane : FLOW_LANE_WORKSTATION];
}

void flow_ped_expect_one(struct flow_ctx *fx, enum ped_key key, enum ped_hsm hsm)
{
    flow_ped_expect(fx, &key, &hsm, 1);
}

struct conv_callbacks flow_conv_callbacks(struct flow_ctx *fx)
{
    struct conv_callbacks cb = {.line = cb_line, .secret = cb_secret, .ped = cb_ped,
                                .ask_prompt = cb_ask_prompt, .ud = fx};
    return cb;
}

static const char *command_value(void *ud, const char *name)
{
    struct flow_ctx *fx = ud;
    static __thread char buf[32];
    const struct flow_appliance *a = &fx->app[fx->role];
    long v = strcmp(name, "user_slot") == 0    ? a->user_slot
             : strcmp(name, "admin_slot") == 0 ? a->admin_slot
             : strcmp(name, "net_slot") == 0   ? a->net_slot
                                               : -2;
    if (strcmp(name, "co_password") == 0)
        return CONV_SECRET("co_password");
    if (v == -2)
        return NULL;
    snprintf(buf, sizeof buf, "%ld", v);
    return buf;
}

char *flow_step_command(struct flow_ctx *fx, const struct flow_step_def *step)
{
    return step->command ? flow_fill(step->command, command_value, fx) : NULL;
}

int flow_confirm_typed(struct flow_ctx *fx, const char *title, const char *prompt,
                       const char *expected, bool allowed, const char *batch_fix)
{
    fx->not_retryable++;
    if (fx->req->batch) {
        if (!allowed)
            return flow_fail(fx, EXIT_PRECONDITION, batch_fix, "%s: batch mode does not do this "
                             "without the option that names %s.", title, expected);
        flow_journal_confirmation(fx, fx->step ? fx->step->id : "", title, expected);
        return flow_record_ok(fx);
    }
    struct core_ask q = {.type = ASK_TYPED_CONFIRM, .title = title, .prompt = prompt,
                         .expected = expected};
    struct core_answer a = {0};
    if (core_ask(fx->sink, &q, &a) != ASK_ANSWERED || strcmp(a.text, expected) != 0)
        return flow_fail(fx, EXIT_CANCELLED, NULL, "%s: not confirmed (the confirmation did not "
                         "name %s); nothing was done.", title, expected);
    flow_journal_confirmation(fx, fx->step ? fx->step->id : "", title, a.text);
    /* the confirmation must be on disk before the irreversible command is sent */
    return flow_record_ok(fx);
}

/* ---- helpers used by actions ------------------------------------------------------------ */

void flow_topology_changed(struct flow_ctx *fx, int slots_role)
{
    struct core_event ev = {.type = EV_TOPOLOGY_CHANGED};
    ev.u.topology.topology = &fx->topo;
    core_emit(fx->sink, &ev);
    if (slots_role >= 0) {
        struct core_event s = {.type = EV_SLOTS_CHANGED};
        s.u.slots.role = (enum appliance_role)slots_role;
        s.u.slots.slots = &fx->topo.appliances[slots_role].slots;
        core_emit(fx->sink, &s);
    }
}

int flow_record_ok(struct flow_ctx *fx)
{
    char why[512];
    if (!fx->journal || journal_ok(fx->journal, why, sizeof why))
        return 0;
    return flow_fail(fx, EXIT_RECORD, "Free space in the state folder (or choose another with "
                     "--state-dir), then run again: the run resumes where it stopped.",
                     "The session record could not be written, so nothing more is sent to any "
                     "device: %s", why);
}

int flow_lunacm_ok(struct flow_ctx *fx, struct conv *c, const char *cmd,
                   const struct conv_opts *opts, struct conv_result *r, const char *what)
{
    memset(r, 0, sizeof *r);
    int rc = flow_record_ok(fx);
    if (rc)
        return rc;
    enum conv_error e = conv_command(c, cmd, opts, r);
    if (e != CONV_OK)
        return flow_fail_conv(fx, c, e);
    return flow_lunacm_check(fx, c, r, what);
}

int flow_lunacm_check(struct flow_ctx *fx, struct conv *c, const struct conv_result *r,
                      const char *what)
{
    if (!r->luna.found)
        return flow_fail(fx, EXIT_HSM, "Read the transcript for what the tool printed.",
                         "%s: lunacm printed no Command Result line.", what);
    if (!r->luna.ok) {
        const char *name = luna_result_name(r->luna.code);
        /* an HSM that gave up waiting (for the PED) is a timeout, not a refusal */
        int code = r->luna.code == LUNA_CKR_TIMEOUT ? EXIT_TIMEOUT : EXIT_HSM;
        /* the code's name once: lunacm's parenthesis usually repeats it */
        const char *text = r->luna.text;
        if (name && !strcasecmp(text, name))
            text = "";
        return flow_fail(fx, code, fx->step && fx->step->fix ? fx->step->fix : NULL,
                         "%s failed on %s: Command Result 0x%lx%s%s%s%s%s", what, conv_host(c),
                         r->luna.code, name ? " " : "", name ? name : "",
                         *text ? " (" : "", text, *text ? ")" : "");
    }
    return 0;
}

struct flow_appliance *flow_appliance(struct flow_ctx *fx, enum appliance_role role)
{
    return fx->app[role].cfg ? &fx->app[role] : NULL;
}

bool flow_port_open(const char *host, int port, long timeout_ms)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    if (getaddrinfo(host, service, &hints, &res) != 0)
        return false;
    bool open_ = false;
    for (struct addrinfo *ai = res; ai && !open_; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            open_ = true;
        } else if (errno == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int err = 0;
            socklen_t elen = sizeof err;
            if (poll(&p, 1, (int)timeout_ms) == 1 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0)
                open_ = true;
        }
        close(fd);
    }
    freeaddrinfo(res);
    return open_;
}

bool flow_ws_tool(const struct flow_ctx *fx, const char *name, char *buf, size_t len)
{
    static const char *const subdirs[] = {"bin", "rbs/bin"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(buf, len, "%s/%s/%s", fx->cfg.workstation.luna_client_dir, subdirs[i], name);
        if (access(buf, X_OK) == 0)
            return true;
    }
    snprintf(buf, len, "%s/bin/%s", fx->cfg.workstation.luna_client_dir, name);
    return false;
}

/* ---- placeholders ------------------------------------------------------------------------ */

const char *flow_placeholder(struct flow_ctx *fx, const char *name)
{
    static __thread char buf[512];
    const struct config_appliance *a = &fx->cfg.appliance[fx->role];
    const struct config_workstation *w = &fx->cfg.workstation;
    if (strcmp(name, "appliance") == 0)
        return model_role_name(fx->role);
    if (strcmp(name, "appliance_host") == 0)
        return a->host ? a->host : "?";
    if (strcmp(name, "appliance_user") == 0)
        return a->user ? a->user : "ksadmin";
    if (strcmp(name, "appliance_known_hosts") == 0)
        return a->known_hosts ? a->known_hosts : "~/.ssh/known_hosts";
    if (strcmp(name, "appliance_port") == 0) {
        snprintf(buf, sizeof buf, "%d", a->port);
        return buf;
    }
    if (strcmp(name, "ws_address") == 0)
        return w->address;
    if (strcmp(name, "rbs_port") == 0 || strcmp(name, "ped_port") == 0) {
        snprintf(buf, sizeof buf, "%d", name[0] == 'r' ? w->rbs_port : w->ped_port);
        return buf;
    }
    if (strcmp(name, "rbs_pem") == 0) {
        snprintf(buf, sizeof buf, "%s/rbs/server/server.pem", w->luna_client_dir);
        return buf;
    }
    if (strcmp(name, "backup_partition") == 0)
        return fx->cfg.backup.partition ? fx->cfg.backup.partition : "?";
    if (strcmp(name, "backup_domain") == 0)
        return fx->cfg.backup.domain ? fx->cfg.backup.domain : "(red PED key)";
    if (strcmp(name, "target_user_label") == 0)
        return *fx->app[ROLE_TARGET].user_label ? fx->app[ROLE_TARGET].user_label
                                                : "(the User Token Slot's label)";
    return NULL;
}

/* ---- journal ----------------------------------------------------------------------------- */

void flow_journal_step_start(struct flow_ctx *fx, const char *step, const char *title)
{
    if (fx->session)
        session_step_start(fx->session, step, title);
}

void flow_journal_step_done(struct flow_ctx *fx, const char *step)
{
    /* a flow on both k570s runs the same step on each, at once: say whose ended */
    const char *whose = fx->step && fx->step->role >= 0 && strcmp(fx->step->id, step) == 0
                            ? fx->step->role == ROLE_TARGET ? "on the target k570"
                                                            : "on the source k570"
                            : NULL;
    if (fx->session)
        session_step_done(fx->session, step, whose);
}

void flow_journal_step_failed(struct flow_ctx *fx, const char *step)
{
    if (fx->session)
        session_step_failed(fx->session, step, fx->cause, fx->exit_code);
}

void flow_journal_step_skipped(struct flow_ctx *fx, const char *step, const char *reason)
{
    if (!fx->journal)
        return;
    json_t *f = json_object();
    json_object_set_new(f, "step", json_string(step));
    json_object_set_new(f, "reason", json_string(reason));
    journal_append(fx->journal, "step-skipped", f);
    json_decref(f);
}

void flow_journal_hand_step(struct flow_ctx *fx, const char *type, const char *step,
                            const char *title, const char *todo, const char *verifies)
{
    if (!fx->journal)
        return;
    json_t *f = json_object();
    json_object_set_new(f, "step", json_string(step));
    if (title)
        json_object_set_new(f, "title", json_string(title));
    if (todo)
        json_object_set_new(f, "todo", json_string(todo));
    if (verifies)
        json_object_set_new(f, "verifies", json_string(verifies));
    journal_append(fx->journal, type, f);
    json_decref(f);
}

void flow_journal_confirmation(struct flow_ctx *fx, const char *step, const char *what,
                               const char *typed)
{
    if (fx->journal)
        journal_confirmation(fx->journal, step, what, typed);
}

void flow_journal_decision(struct flow_ctx *fx, const char *question, const char *answer)
{
    if (fx->journal)
        journal_decision(fx->journal, fx->step ? fx->step->id : NULL, question, answer);
}

void flow_journal_objects(struct flow_ctx *fx, const char *where, const struct luna_objects *o)
{
    if (!fx->journal)
        return;
    struct journal_object objs[LUNA_MAX_OBJECTS];
    for (size_t i = 0; i < o->count; i++) {
        objs[i].label = o->objects[i].label;
        objs[i].type = o->objects[i].type;
        objs[i].handle = o->objects[i].handle;
        objs[i].uid = o->objects[i].uid;
    }
    journal_objects(fx->journal, fx->step ? fx->step->id : NULL, where, objs, o->count);
}

void flow_journal_appliance(struct flow_ctx *fx, const char *role, const char *host,
                            const char *serial, const char *model, const char *firmware,
                            const char *client_version)
{
    if (!fx->journal)
        return;
    flow_resume_appliance(fx, role, serial); /* another appliance: a new session */
    struct journal_appliance a = {.role = role, .host = host, .serial = serial, .model = model,
                                  .firmware = firmware, .client_version = client_version};
    journal_appliance(fx->journal, &a);
}

void flow_journal_end(struct flow_ctx *fx, int exit_code, const char *message)
{
    if (fx->session)
        session_end(fx->session, exit_code, message);
}

/* ---- set-up ------------------------------------------------------------------------------ */

static int load_config(struct flow_ctx *fx)
{
    char err[1024];
    const struct flow_request *req = fx->req;
    if (!req->config_path)
        return flow_fail(fx, EXIT_USAGE, "Give --config FILE (see INTERFACE.md for its keys).",
                         "No configuration file was given.");
    if (!config_load(req->config_path, &fx->cfg, err, sizeof err))
        return flow_fail(fx, EXIT_USAGE, "Correct the file and run again.", "%s", err);
    bool migrate = req->kind == FLOW_MIGRATE;
    bool needs_source = req->kind == FLOW_BACKUP || migrate;
    bool needs_target = req->kind == FLOW_RESTORE || req->kind == FLOW_PREPARE_TARGET || migrate;
    if (!config_require(&fx->cfg, needs_source, needs_target, err, sizeof err) ||
        ((req->kind == FLOW_BACKUP || req->kind == FLOW_RESTORE || migrate) &&
         !config_require_backup(&fx->cfg, err, sizeof err)))
        return flow_fail(fx, EXIT_USAGE, "Add the missing settings and run again.", "%s", err);
    fx->ped = fx->cfg.auth == CONFIG_AUTH_PED;
    if (req->auth_override)
        fx->ped = strcmp(req->auth_override, "ped") == 0;
    fx->role = needs_source ? ROLE_SOURCE : ROLE_TARGET;
    for (int r = 0; r < MODEL_ROLES; r++) {
        const struct config_appliance *a = &fx->cfg.appliance[r];
        struct appliance *t = &fx->topo.appliances[r];
        t->role = (enum appliance_role)r;
        t->selected_slot = -1;
        if (!a->present)
            continue;
        fx->app[r].cfg = a;
        t->configured = true;
        snprintf(t->host, sizeof t->host, "%s", a->host);
        t->port = a->port;
    }
    struct workstation *w = &fx->topo.workstation;
    snprintf(w->address, sizeof w->address, "%s", fx->cfg.workstation.address);
    w->rbs_port = fx->cfg.workstation.rbs_port;
    w->ped_port = fx->cfg.workstation.ped_port;
    fx->topo.ped_used = fx->ped;
    fx->topo.ped = fx->ped ? PED_AT_WORKSTATION : PED_UNKNOWN;
    return 0;
}

/* Finds the newest session of the same flow that never ended (a crash, a killed terminal, a
 * dropped connection the process did not survive) and continues recording in it. */
static struct session *reopen_interrupted(struct flow_ctx *fx, const char *state_dir)
{
    struct session_entry *list = NULL;
    size_t n = 0;
    char err[256];
    struct session *s = NULL;
    if (session_list(state_dir, &list, &n, err, sizeof err) != 0)
        return NULL;
    for (size_t i = n; i-- > 0;) {
        if (strcmp(list[i].flow, fx->def.id) != 0)
            continue;
        if (!list[i].ended && list[i].chain_ok) {
            s = session_reopen(list[i].path, fx->masker, 0, err, sizeof err);
            if (s) {
                snprintf(fx->resumed_from, sizeof fx->resumed_from, "%s", list[i].last_step);
                flow_resume_remember(fx, list[i].path); /* continued only with its appliances */
            }
        }
        break; /* only the newest session of this flow */
    }
    free(list);
    return s;
}

static int open_record(struct flow_ctx *fx)
{
    char err[512], state_dir[512];
    const char *dir = fx->req->state_dir;
    if (fx->req->kind == FLOW_TOPOLOGY) {
        /* the read-only view records nothing: a transcript in memory for the screen only */
        fx->transcript = tx_new(fx->masker, 0);
        return fx->transcript ? 0 : flow_fail(fx, EXIT_USAGE, NULL, "Out of memory.");
    }
    if (!dir) {
        if (session_default_state_dir(state_dir, sizeof state_dir) != 0)
            return flow_fail(fx, EXIT_USAGE, "Set HOME or give --state-dir DIR.",
                             "No state folder to record the session in.");
        dir = state_dir;
    }
    fx->session = reopen_interrupted(fx, dir);
    if (!fx->session)
        fx->session = session_create(dir, fx->def.id, fx->masker, 0, err, sizeof err);
    if (!fx->session)
        return flow_fail(fx, EXIT_USAGE, "Choose a writable --state-dir.",
                         "Cannot record the session: %s", err);
    snprintf(fx->session_dir, sizeof fx->session_dir, "%s", session_path(fx->session));
    if (fx->req->kind != FLOW_TOPOLOGY) { /* the read-only view never logs in */
        fx->ledger = ledger_open(dir, err, sizeof err);
        if (!fx->ledger)
            return flow_fail(fx, EXIT_PRECONDITION,
                             "Restore the file from a copy, or move it aside if you know every "
                             "device's count of failed logins (then every count starts at 0).",
                             "%s", err);
    }
    fx->journal = session_journal(fx->session);
    fx->transcript = session_transcript(fx->session);
    if (*fx->resumed_from)
        flow_notice(fx, true, "The previous %s run (session %s) was interrupted at step '%s'. "
                    "rotwiz continues its record and runs every step again: each one checks "
                    "its effect first, so nothing done is done twice.", fx->def.id,
                    session_id(fx->session), fx->resumed_from);
    return 0;
}

/* Operator and witnesses: given on the command line, else asked (the wizard), else the
 * login name (batch). */
static int record_people(struct flow_ctx *fx)
{
    const struct flow_request *req = fx->req;
    bool ceremony = req->kind != FLOW_TOPOLOGY; /* the read-only view asks nobody's name */
    if (!ceremony)
        return 0; /* and records nothing */
    int kept = flow_carry_people(fx); /* those of the backup just done, kept (wizard) */
    if (kept != 0)
        return kept == 1 ? 0 : kept;
    if (req->operator_name) {
        journal_operator(fx->journal, req->operator_name);
        flow_carry_note_person(fx, true, req->operator_name);
    } else {
        struct core_ask q = {.type = ASK_TEXT, .title = "Operator",
                             .prompt = "Name of the operator running this ceremony"};
        struct core_answer a = {0};
        int st = core_ask(fx->sink, &q, &a);
        if (st == ASK_CANCELLED)
            return flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator.");
        const char *name = st == ASK_ANSWERED && *a.text ? a.text : getenv("USER");
        journal_operator(fx->journal, name ? name : "unknown");
        flow_carry_note_person(fx, true, name ? name : "unknown");
    }
    for (size_t i = 0; i < req->witness_count; i++) {
        journal_witness(fx->journal, req->witnesses[i]);
        flow_carry_note_person(fx, false, req->witnesses[i]);
    }
    /* witnesses one after another, until an empty answer */
    for (size_t n = 0; !req->batch && ceremony && req->witness_count == 0 &&
                       n < FLOW_MAX_WITNESSES; n++) {
        char prompt[128];
        snprintf(prompt, sizeof prompt, n == 0 ? "Name of a witness (leave empty when none)"
                 : "Name of witness %zu (leave empty when there is no other)", n + 1);
        struct core_ask q = {.type = ASK_TEXT, .title = "Witness", .prompt = prompt};
        struct core_answer a = {0};
        int st = core_ask(fx->sink, &q, &a);
        if (st == ASK_CANCELLED)
            return flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator.");
        if (st != ASK_ANSWERED || !*a.text)
            break;
        journal_witness(fx->journal, a.text);
        flow_carry_note_person(fx, false, a.text);
    }
    return 0;
}

static void mask_value(void *ud, const char *value)
{
    mask_add_secret(ud, value);
}

int flow_setup(struct flow_ctx *fx, int cancel_fd)
{
    char err[512];
    fx->masker = mask_new();
    fx->ws = waitset_new(cancel_fd);
    const char *scale = getenv("ROTWIZ_TIMEOUT_SCALE"); /* rehearsals and tests */
    conv_timeouts_default(&fx->timeouts, scale ? atof(scale) > 0 ? atof(scale) : 1.0 : 1.0);
    int rc = load_config(fx);
    if (rc)
        return rc;
    if (flow_def_load(flow_def_id(fx->req->kind, fx->ped), &fx->def, err, sizeof err) != 0)
        return flow_fail(fx, EXIT_USAGE, "This build is broken; reinstall rotwiz.", "%s", err);
    for (size_t i = 0; i < fx->def.count; i++)
        if (!flow_action_find(fx->def.steps[i].action))
            return flow_fail(fx, EXIT_USAGE, "This build is broken; reinstall rotwiz.",
                             "Step %s names an unknown action %s.", fx->def.steps[i].id,
                             fx->def.steps[i].action);
    fx->secrets = secret_store_new(fx->sink);
    if (fx->req->secrets_path &&
        !secret_store_load_file(fx->secrets, fx->req->secrets_path, err, sizeof err))
        return flow_fail(fx, EXIT_USAGE, "Correct the secrets file and run again.", "%s", err);
    secret_store_values(fx->secrets, mask_value, fx->masker);
    if ((rc = open_record(fx)) != 0)
        return rc;
    flow_carry_take(fx); /* what a backup just done in this wizard left */
    return record_people(fx);
}

void flow_cleanup(struct flow_ctx *fx)
{
    ledger_close(fx->ledger);
    fx->ledger = NULL;
    if (!fx->session)
        tx_free(fx->transcript); /* the topology view's, in memory */
    session_close(fx->session); /* the journal and transcript with it */
    fx->journal = NULL;
    fx->transcript = NULL;
    secret_store_free(fx->secrets);
    mask_free(fx->masker);
    waitset_free(fx->ws);
    flow_def_free(&fx->def);
    config_free(&fx->cfg);
}
