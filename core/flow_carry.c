/* flow_carry.c: what a wizard backup that ended 0 leaves for the restore (or prepare-target)
 * that follows it in the same process, each part checked again by its effect before it counts
 * (see flow_carry.h). */
#include "flow_carry.h"
#include "flow_act.h"
#include "job.h"
#include "journal.h"
#include "secret_store.h"
#include "session.h"
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The process's carry: written at the end of one flow's thread, read at the start of the
 * next (flows run one after another, each in its own thread). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    bool valid;
    char session[64], rbs_session[64], serial[MODEL_TEXT];
    char operator_name[FLOW_CARRY_NAME];
    char witnesses[FLOW_MAX_WITNESSES][FLOW_CARRY_NAME];
    size_t witness_count;
    struct job *rbs;                  /* NULL while a run holds it */
    struct secret_store *secrets;     /* the Backup HSM's and RBS's, accepted by the backup */
} kept;

/* The secrets a restore needs again that the backup's success proved: the Backup HSM's SO and
 * partition passwords (the archive backup took them) and the RBS password (RBS started). Never
 * an appliance's Crypto Officer password: the target has its own. In memory only. */
static const char *const carried_keys[] = {"backup_so_password", "backup_partition_password",
                                           "rbs_password"};
#define CARRIED_KEYS (sizeof carried_keys / sizeof carried_keys[0])

static void end_at_exit(void)
{
    flow_carry_end();
}

void flow_carry_end(void)
{
    pthread_mutex_lock(&lock);
    struct job *j = kept.rbs;
    struct secret_store *sec = kept.secrets;
    memset(&kept, 0, sizeof kept);
    pthread_mutex_unlock(&lock);
    secret_store_free(sec); /* wiped */
    job_free(j);
}

void flow_carry_take(struct flow_ctx *fx)
{
    const struct flow_request *req = fx->req;
    if (req->batch || req->kind == FLOW_TOPOLOGY)
        return;
    if (req->kind != FLOW_RESTORE && req->kind != FLOW_PREPARE_TARGET) {
        flow_carry_end(); /* a backup or migrate starts its own RBS */
        return;
    }
    struct flow_carry_facts *c = &fx->carry;
    pthread_mutex_lock(&lock);
    if (!kept.valid) {
        pthread_mutex_unlock(&lock);
        return;
    }
    c->taken = true;
    snprintf(c->session, sizeof c->session, "%s", kept.session);
    snprintf(c->rbs_session, sizeof c->rbs_session, "%s", kept.rbs_session);
    snprintf(c->serial, sizeof c->serial, "%s", kept.serial);
    struct job *j = kept.rbs;
    kept.rbs = NULL;
    size_t adopted = 0;
    for (size_t k = 0; kept.secrets && fx->secrets && k < CARRIED_KEYS; k++)
        adopted += secret_store_adopt(fx->secrets, kept.secrets, carried_keys[k],
                                      SECRET_NO_ROLE);
    pthread_mutex_unlock(&lock);
    if (j && job_exited(j, NULL)) {
        job_free(j);
        j = NULL;
    }
    if (j) { /* the same RBS a migrate run keeps between its backup and restore */
        struct conv_callbacks cb = flow_conv_callbacks(fx);
        fx->wsn.rbs = c->rbs = j;
        fx->wsn.rbs_conv = conv_new(job_stream(j), fx->ws, "rbs", &cb);
        conv_set_timeouts(fx->wsn.rbs_conv, &fx->timeouts);
    }
    flow_notice(fx, false, "This run follows the backup of session %s in this wizard: what that "
                "session verified and is still in place is checked again, not asked again%s.",
                c->session, adopted ? "; the Backup HSM and RBS secrets it was given are kept "
                "in memory (never written), not asked again" : "");
}

void flow_carry_keep(struct flow_ctx *fx, int rc)
{
    if (fx->req->batch)
        return;
    bool fresh = fx->req->kind == FLOW_BACKUP && rc == EXIT_DONE && fx->session;
    if (!fresh && !fx->carry.taken)
        return;
    struct job *j = fx->wsn.rbs;
    if (j && job_exited(j, NULL))
        j = NULL; /* the run's teardown frees it */
    static bool registered;
    struct secret_store *drop = NULL;
    struct job *stale = NULL; /* none: a backup's start ended any earlier carry */
    pthread_mutex_lock(&lock);
    if (fresh) {
        const struct flow_carry_facts *c = &fx->carry;
        drop = kept.secrets;
        stale = kept.rbs;
        memset(&kept, 0, sizeof kept);
        kept.valid = true;
        snprintf(kept.session, sizeof kept.session, "%s", session_id(fx->session));
        snprintf(kept.serial, sizeof kept.serial, "%s", fx->topo.backup.serial);
        snprintf(kept.operator_name, sizeof kept.operator_name, "%s", c->operator_name);
        kept.secrets = fx->secrets ? secret_store_new(NULL) : NULL;
        for (size_t k = 0; kept.secrets && k < CARRIED_KEYS; k++)
            secret_store_adopt(kept.secrets, fx->secrets, carried_keys[k], SECRET_NO_ROLE);
        for (size_t i = 0; i < c->witness_count; i++)
            snprintf(kept.witnesses[i], sizeof kept.witnesses[i], "%s", c->witnesses[i]);
        kept.witness_count = c->witness_count;
    }
    if (kept.valid && !fresh && rc != EXIT_DONE) {
        /* a run that did not end 0 may have met a rejected secret: the next one asks */
        drop = kept.secrets;
        kept.secrets = NULL;
    }
    if (!kept.valid || kept.rbs) {
        pthread_mutex_unlock(&lock);
        secret_store_free(drop);
        job_free(stale);
        return;
    }
    if (j && (fresh || j != fx->carry.rbs)) /* started by this run */
        snprintf(kept.rbs_session, sizeof kept.rbs_session, "%s",
                 fx->session ? session_id(fx->session) : "");
    kept.rbs = j;
    if (!registered)
        atexit(end_at_exit);
    registered = true;
    pthread_mutex_unlock(&lock);
    secret_store_free(drop);
    job_free(stale);
    if (j) { /* RBS outlives this run: only its conversation (tied to this run) ends */
        conv_free(fx->wsn.rbs_conv);
        fx->wsn.rbs_conv = NULL;
        fx->wsn.rbs = NULL;
    }
}

void flow_carry_note_person(struct flow_ctx *fx, bool is_operator, const char *name)
{
    struct flow_carry_facts *c = &fx->carry;
    char *to = is_operator ? c->operator_name
             : c->witness_count < FLOW_MAX_WITNESSES ? c->witnesses[c->witness_count++] : NULL;
    if (!to)
        return;
    /* validated names fit; a longer one is cut, never written past the buffer */
    size_t n = strnlen(name, FLOW_CARRY_NAME - 1);
    memcpy(to, name, n);
    to[n] = '\0';
}

/* The satisfied-earlier record: STEP's effect, verified in session FROM, holds (VERIFIED). */
static void record_satisfied(struct flow_ctx *fx, const char *step, const char *from,
                             const char *verified)
{
    if (fx->journal) {
        json_t *f = json_object();
        json_object_set_new(f, "step", json_string(step));
        json_object_set_new(f, "session", json_string(from));
        json_object_set_new(f, "verified", json_string(verified));
        journal_append(fx->journal, "satisfied-earlier", f);
        json_decref(f);
    }
    char line[900];
    snprintf(line, sizeof line, "Not asked again, satisfied by session %s: %s", from, verified);
    flow_line(fx, "rotwiz", TX_INFO, line);
}

static int carry_people_ask(struct flow_ctx *fx, const char *said, const char *prompt,
                            const char *op, char wit[][FLOW_CARRY_NAME], size_t n);

int flow_carry_people(struct flow_ctx *fx)
{
    const struct flow_request *req = fx->req;
    if (!fx->carry.taken || req->batch || req->operator_name || req->witness_count)
        return 0;
    char op[FLOW_CARRY_NAME], wit[FLOW_MAX_WITNESSES][FLOW_CARRY_NAME];
    size_t n;
    pthread_mutex_lock(&lock);
    snprintf(op, sizeof op, "%s", kept.operator_name);
    n = kept.witness_count;
    memcpy(wit, kept.witnesses, sizeof wit);
    pthread_mutex_unlock(&lock);
    if (!*op)
        return 0;
    char names[FLOW_MAX_WITNESSES * (FLOW_CARRY_NAME + 2)] = "";
    for (size_t i = 0; i < n; i++) {
        strcat(names, i ? ", " : "");
        strcat(names, wit[i]);
    }
    char *said = NULL, *prompt = NULL;
    if (asprintf(&said, "Operator %s, %s%s, from the backup just done (session %s)", op,
                 n == 0 ? "no witness" : n == 1 ? "witness " : "witnesses ", names,
                 fx->carry.session) < 0 ||
        asprintf(&prompt, "%s.\n\nKeep them for this run, or type other names?", said) < 0) {
        free(said); /* out of memory: ask for the names as a fresh run does */
        return 0;
    }
    int rc = carry_people_ask(fx, said, prompt, op, wit, n);
    free(prompt);
    free(said);
    return rc;
}

/* Asks whether to keep the backup's people (SAID, PROMPT) and records the answer. */
static int carry_people_ask(struct flow_ctx *fx, const char *said, const char *prompt,
                            const char *op, char wit[][FLOW_CARRY_NAME], size_t n)
{
    static const char *const choices[] = {"Keep them", "Change them"};
    struct core_ask q = {.type = ASK_CHOICE, .title = "Operator and witnesses", .prompt = prompt,
                         .choices = choices, .choice_count = 2};
    struct core_answer a = {0};
    int st = core_ask(fx->sink, &q, &a);
    if (st == ASK_CANCELLED)
        return flow_fail(fx, EXIT_CANCELLED, NULL, "Cancelled by the operator.");
    if (st != ASK_ANSWERED || a.choice != 0) {
        flow_journal_decision(fx, said, "other names typed by the operator");
        return 0;
    }
    journal_operator(fx->journal, op);
    flow_carry_note_person(fx, true, op);
    for (size_t i = 0; i < n; i++) {
        journal_witness(fx->journal, wit[i]);
        flow_carry_note_person(fx, false, wit[i]);
    }
    record_satisfied(fx, "operator-and-witnesses", fx->carry.session, said);
    return 1;
}

/* True when the RBS this run took (not one it started) is still alive and answering. */
static bool rbs_alive(struct flow_ctx *fx)
{
    return fx->wsn.rbs && fx->wsn.rbs == fx->carry.rbs && flow_ws_rbs_serving(fx);
}

/* The carried RBS stops counting: stopped, so this run configures and starts its own. */
static void drop_rbs(struct flow_ctx *fx)
{
    if (!fx->carry.rbs || fx->wsn.rbs != fx->carry.rbs)
        return;
    conv_free(fx->wsn.rbs_conv);
    job_free(fx->wsn.rbs);
    fx->wsn.rbs_conv = NULL;
    fx->wsn.rbs = fx->carry.rbs = NULL;
}

bool flow_carry_satisfied(struct flow_ctx *fx, const struct flow_step_def *s)
{
    struct flow_carry_facts *c = &fx->carry;
    bool cable = strcmp(s->action, "check_backup_hsm") == 0;
    bool genkey = strcmp(s->action, "rbs_genkey") == 0;
    bool rbs = genkey || !strcmp(s->action, "rbs_config") || !strcmp(s->action, "rbs_start");
    if (!c->taken || (!cable && !rbs) || flow_cancelled(fx))
        return false;
    char verified[600];
    const char *serial = fx->topo.backup.serial;
    bool ok;
    if (cable) {
        /* the step's own check by effect (the workstation's lunacm lists exactly one Backup
         * HSM), and the serial the backup used */
        ok = act_check_backup_hsm(fx, s) == 0 && strcmp(serial, c->serial) == 0;
        fx->exit_code = EXIT_DONE; /* a failed check is the hand step's to report */
        snprintf(verified, sizeof verified, "the workstation's lunacm lists the one Backup HSM, "
                 "serial %s, as when session %s verified the cabling", c->serial, c->session);
    } else {
        ok = rbs_alive(fx) && strcmp(serial, c->serial) == 0 &&
             (!genkey || flow_ws_rbs_key_present(fx));
        snprintf(verified, sizeof verified, "RBS started by session %s still runs (pid %d) and "
                 "accepts connections on %s:%d, serving the Backup HSM serial %s%s",
                 c->rbs_session, fx->wsn.rbs ? (int)job_pid(fx->wsn.rbs) : 0,
                 fx->cfg.workstation.address, fx->cfg.workstation.rbs_port, c->serial,
                 genkey ? " with its server key in place" : "");
        if (!ok && fx->wsn.rbs && fx->wsn.rbs == c->rbs) {
            flow_notice(fx, true, "The RBS left running by session %s no longer answers, or the "
                        "Backup HSM changed: RBS is configured and started again.",
                        c->rbs_session);
            drop_rbs(fx);
        }
    }
    if (!ok)
        return false;
    record_satisfied(fx, s->id, cable ? c->session : c->rbs_session, verified);
    if (!cable) {
        fx->topo.workstation.rbs_listening = true;
        flow_topology_changed(fx, -1);
    }
    return true;
}
