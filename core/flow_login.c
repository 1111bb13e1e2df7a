/* flow_login.c: the failed-login ledger at a flow's login points (flow_login.h). */
#include "flow_login.h"
#include "flow_io.h"
#include "journal.h"
#include "rec_util.h"
#include <stdio.h>
#include <string.h>

bool flow_login_failure_code(unsigned long code)
{
    return code == 0xa0UL          /* CKR_PIN_INCORRECT */
           || code == 0xa4UL       /* CKR_PIN_LOCKED */
           || code == 0x8000001cUL /* CKR_SO_LOGIN_FAILURE_THRESHOLD */
           || code == 0x80000007UL; /* CKR_USER_LOCKED_OUT */
}

void flow_login_key(const char *device, const char *serial, char *buf, size_t len)
{
    if (serial && *serial)
        snprintf(buf, len, "%s", serial);
    else
        snprintf(buf, len, "unknown:%s", device && *device ? device : "device");
}

static const char *role_words(enum ledger_role role)
{
    return role == LEDGER_SO ? "SO" : "Crypto Officer";
}

/* One journal record about a login of KEY; EXTRA (may be NULL) is added and freed. */
static void journal_login(struct flow_ctx *fx, const char *type, const char *device,
                          const char *key, enum ledger_role role, unsigned failures,
                          json_t *extra)
{
    if (fx->journal) {
        json_t *f = json_object();
        if (fx->step)
            json_object_set_new(f, "step", json_string(fx->step->id));
        json_object_set_new(f, "device", rec_json_string(device ? device : ""));
        json_object_set_new(f, "serial", rec_json_string(key));
        json_object_set_new(f, "role", json_string(ledger_role_name(role)));
        json_object_set_new(f, "failures", json_integer((json_int_t)failures));
        if (extra)
            json_object_update(f, extra);
        journal_append(fx->journal, type, f);
        json_decref(f);
    }
    json_decref(extra);
}

/* What the tries used mean, for the notice before a login and after a failure. */
static void tries_text(char *buf, size_t len, const char *device, const char *key,
                       enum ledger_role role, unsigned failures)
{
    if (role == LEDGER_SO) {
        snprintf(buf, len, "SO login to the %s (serial %s): %u of %d tries used: the %drd "
                 "failure zeroises the %s and destroys every partition and key it holds.%s",
                 device, key, failures, LEDGER_SO_ZEROISE, LEDGER_SO_ZEROISE, device,
                 failures + 1 >= LEDGER_SO_ZEROISE ? " The NEXT failure zeroises it." : "");
    } else {
        snprintf(buf, len, "Crypto Officer login to the %s (serial %s): %u consecutive failed "
                 "login%s recorded; failed Crypto Officer logins lock the partition.",
                 device, key, failures, failures == 1 ? "" : "s");
    }
}

static int ledger_failed(struct flow_ctx *fx, const char *what, const char *err)
{
    char before[600] = "";
    if (fx->exit_code != EXIT_DONE && *fx->cause)
        snprintf(before, sizeof before, " (%.500s)", fx->cause);
    return flow_fail(fx, FLOW_LOGIN_EXIT_RECORD,
                     "Make the state folder writable (or free space), then run again; nothing "
                     "more was sent to any device.",
                     "%s could not be recorded in the failed-login ledger: %s%s", what, err,
                     before);
}

/* Records the acknowledgement of KEY's failed SO login, HOW it was given. */
static int acknowledge(struct flow_ctx *fx, const char *device, const char *key,
                       const struct ledger_entry *so, const char *how)
{
    char err[512];
    if (ledger_acknowledge(fx->ledger, key, LEDGER_SO, how, err, sizeof err) != 0)
        return ledger_failed(fx, "The acknowledgement", err);
    json_t *x = json_object();
    json_object_set_new(x, "how", json_string(how));
    json_object_set_new(x, "last_failure", rec_json_string(so->last_failure));
    json_object_set_new(x, "what", rec_json_string(so->what));
    journal_login(fx, "login-acknowledged", device, key, LEDGER_SO, so->failures, x);
    flow_notice(fx, true, "The failed SO login to the %s (serial %s, %s) is acknowledged (%s). "
                "%u of %d tries are used: rotwiz tries once more and never retries.", device,
                key, so->last_failure, how, so->failures, LEDGER_SO_ZEROISE);
    return 0;
}

static bool listed(const struct flow_request *req, const char *key)
{
    for (size_t i = 0; i < req->ack_count && i < FLOW_MAX_ACKS; i++)
        if (req->ack_serials[i] && !strcmp(req->ack_serials[i], key))
            return true;
    return false;
}

int flow_login_guard(struct flow_ctx *fx, const char *device, const char *serial,
                     enum ledger_role role)
{
    char key[96], text[768];
    device = device && *device ? device : "HSM";
    flow_login_key(device, serial, key, sizeof key);
    if (!fx->ledger)
        return flow_fail(fx, EXIT_PRECONDITION, "This is a bug of rotwiz: report it.",
                         "The failed-login ledger is not open: rotwiz does not log in to the %s "
                         "without it.", device);
    struct ledger_entry mine, so;
    ledger_get(fx->ledger, key, role, &mine);
    ledger_get(fx->ledger, key, LEDGER_SO, &so);
    bool blocked = so.failures > 0 && !so.acknowledged;
    tries_text(text, sizeof text, device, key, role, mine.failures);
    flow_notice(fx, mine.failures > 0, "%s rotwiz tries once and never retries.", text);
    json_t *x = json_object();
    json_object_set_new(x, "refused", json_boolean(blocked));
    journal_login(fx, "login-guard", device, key, role, mine.failures, x);
    if (!blocked) {
        fx->not_retryable++; /* a login is about to be sent: never offered again */
        return 0;
    }
    if (fx->req->batch && listed(fx->req, key))
        return acknowledge(fx, device, key, &so, "--acknowledge-failed-login");
    if (!fx->req->batch) {
        char prompt[1024];
        snprintf(prompt, sizeof prompt,
                 "The last SO login to the %s (serial %s) failed at %s (%s). %u of %d tries are "
                 "used: the %drd failure zeroises the %s and destroys every key it holds.\n"
                 "Find out why it failed (the SO password, or the blue PED key) before trying "
                 "again. Type the serial %s to acknowledge the failure and try once more.",
                 device, key, so.last_failure, so.what, so.failures, LEDGER_SO_ZEROISE,
                 LEDGER_SO_ZEROISE, device, key);
        struct core_ask q = {.type = ASK_TYPED_CONFIRM, .title = "Acknowledge a failed SO login",
                             .prompt = prompt, .expected = key};
        struct core_answer a = {0};
        int st = core_ask(fx->sink, &q, &a);
        if (st == ASK_ANSWERED && !strcmp(a.text, key))
            return acknowledge(fx, device, key, &so, "typed serial");
    }
    char fix[512];
    snprintf(fix, sizeof fix,
             "Find out why it failed first (the SO password or the blue PED key): %u of %d tries "
             "are used and the %drd failure zeroises it. Then run again with "
             "--acknowledge-failed-login %s (the wizard asks you to type the serial).",
             so.failures, LEDGER_SO_ZEROISE, LEDGER_SO_ZEROISE, key);
    return flow_fail(fx, EXIT_PRECONDITION, fix,
                     "The last SO login to the %s (serial %s) failed (%s, %s) and is not "
                     "acknowledged: rotwiz attempts no other SO login of it until it is.",
                     device, key, so.last_failure, so.what);
}

int flow_login_result(struct flow_ctx *fx, const char *device, const char *serial,
                      enum ledger_role role, const struct luna_result *r)
{
    char key[96], err[512], text[768];
    device = device && *device ? device : "HSM";
    flow_login_key(device, serial, key, sizeof key);
    if (!r || !r->found || (!r->ok && !flow_login_failure_code(r->code)))
        return 0; /* not a login outcome: the counter stays */
    if (!fx->ledger)
        return ledger_failed(fx, "The login's outcome", "the ledger is not open");
    struct ledger_entry before, after;
    ledger_get(fx->ledger, key, role, &before);
    if (r->ok) {
        if (ledger_record_success(fx->ledger, key, role, device, err, sizeof err) != 0)
            return ledger_failed(fx, "The successful login", err);
        json_t *x = json_object();
        json_object_set_new(x, "previous_failures", json_integer((json_int_t)before.failures));
        journal_login(fx, "login-ok", device, key, role, 0, x);
        if (before.failures > 0)
            flow_notice(fx, false, "The %s login to the %s (serial %s) succeeded: its count of "
                        "%u consecutive failure%s is reset.", role_words(role), device, key,
                        before.failures, before.failures == 1 ? "" : "s");
        return 0;
    }
    const char *name = luna_result_name(r->code);
    char what[192];
    snprintf(what, sizeof what, "%s: 0x%lx%s%s", fx->step ? fx->step->id : "login", r->code,
             name ? " " : "", name ? name : "");
    if (ledger_record_failure(fx->ledger, key, role, device, what, &after, err, sizeof err) != 0)
        return ledger_failed(fx, "The failed login", err);
    json_t *x = json_object();
    json_object_set_new(x, "code", json_integer((json_int_t)r->code));
    json_object_set_new(x, "code_name", json_string(name ? name : ""));
    json_object_set_new(x, "what", json_string(what));
    journal_login(fx, "login-failed", device, key, role, after.failures, x);
    tries_text(text, sizeof text, device, key, role, after.failures);
    if (role == LEDGER_SO)
        flow_notice(fx, true, "The SO login FAILED (%s). %s No run attempts another SO login of "
                    "the %s until you acknowledge this failure (the wizard asks you to type the "
                    "serial; batch: --acknowledge-failed-login %s).", what, text, device, key);
    else
        flow_notice(fx, true, "The Crypto Officer login FAILED (%s). %s", what, text);
    return 0;
}

int flow_login_command(struct flow_ctx *fx, struct conv *c, const char *cmd,
                       const struct conv_opts *opts, struct conv_result *r, const char *what,
                       const struct flow_login_target *t)
{
    memset(r, 0, sizeof *r);
    int rc = flow_login_guard(fx, t->device, t->serial, t->role);
    if (rc || (rc = flow_record_ok(fx)) != 0)
        return rc;
    enum conv_error e = conv_command(c, cmd, opts, r);
    if (e != CONV_OK)
        return flow_fail_conv(fx, c, e);
    if ((rc = flow_login_result(fx, t->device, t->serial, t->role, &r->luna)) != 0)
        return rc;
    if (t->already_ok && r->luna.found && !r->luna.ok &&
        r->luna.code == LUNA_CKR_USER_ALREADY_LOGGED_IN) {
        flow_notice(fx, false, "%s: already logged in.", what);
        return 0;
    }
    rc = flow_lunacm_check(fx, c, r, what);
    if (rc && r->luna.found && !r->luna.ok && flow_login_failure_code(r->luna.code))
        flow_login_tries_left(fx, t->device, t->serial, t->role);
    return rc;
}

/* Luna's usual Crypto Officer lockout (the partition policy may set fewer): the lab's too. */
#define FLOW_CO_LOCK_USUAL 10

void flow_login_tries_left(struct flow_ctx *fx, const char *device, const char *serial,
                           enum ledger_role role)
{
    char key[96];
    struct ledger_entry e;
    device = device && *device ? device : "HSM";
    flow_login_key(device, serial, key, sizeof key);
    if (!fx->ledger)
        return;
    ledger_get(fx->ledger, key, role, &e);
    size_t n = strlen(fx->cause);
    if (n > 0 && fx->cause[n - 1] != '.' && n + 1 < sizeof fx->cause) {
        fx->cause[n++] = '.';
        fx->cause[n] = '\0';
    }
    if (role == LEDGER_SO) {
        int left = LEDGER_SO_ZEROISE - (int)e.failures;
        snprintf(fx->cause + n, sizeof fx->cause - n, " %u of %d SO tries used: %s", e.failures,
                 LEDGER_SO_ZEROISE, left <= 0 ? "the HSM may already be zeroised."
                 : left == 1 ? "1 try left before the HSM ZEROISES (every partition and key "
                               "destroyed)."
                             : "");
        if (left > 1) {
            n = strlen(fx->cause);
            snprintf(fx->cause + n, sizeof fx->cause - n, "%d tries left before the HSM "
                     "zeroises (every partition and key destroyed).", left);
        }
    } else {
        int left = FLOW_CO_LOCK_USUAL - (int)e.failures;
        snprintf(fx->cause + n, sizeof fx->cause - n, " %u consecutive failed Crypto Officer "
                 "login%s recorded: at most %d tr%s left before the partition locks (Luna's "
                 "usual %d; its policy may set fewer).", e.failures, e.failures == 1 ? "" : "s",
                 left > 0 ? left : 0, left == 1 ? "y" : "ies", FLOW_CO_LOCK_USUAL);
    }
}
