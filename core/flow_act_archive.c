/* flow_act_archive.c: the partition actions: recording the source objects, the archive backup
 * and restore, their verification by listing, the empty-target interlock and the clear. */
#include "flow_act.h"
#include "flow_login.h"
#include "flow_resume.h"
#include "flow_words.h"
#include "waitset.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int flow_partition_contents(struct flow_ctx *fx, enum appliance_role role,
                            struct luna_objects *objs, bool *certain)
{
    struct conv_result r = {0};
    int rc = flow_lunacm_ok(fx, fx->app[role].conv, "partition contents", NULL, &r,
                            "partition contents");
    if (rc == 0) {
        luna_parse_partition_contents(r.output, objs);
        /* Never take "I could not read it" for "empty": a restore depends on it. */
        *certain = luna_contents_certain(objs);
    }
    conv_result_free(&r);
    return rc;
}

/* `partition archive contents` of the backup partition (not in the vendor procedure: rotwiz's
 * own check; what it logs in with is UNKNOWN, so in PED mode the key is "the one the PED asks
 * for" and in password mode only a prompt that names the partition password is answered).
 * *exists is false when lunacm refused (no such partition); a refusal is not a failure here.
 * *certain is true when the listing was read completely (luna_contents_certain). */
static int backup_contents(struct flow_ctx *fx, struct luna_objects *objs, bool *exists,
                           bool *certain)
{
    struct flow_appliance *a = &fx->app[fx->role];
    char *cmd = NULL;
    if (asprintf(&cmd, "partition archive contents -s %ld -partition %s%s", a->net_slot,
                 fx->cfg.backup.partition,
                 fx->ped ? "" : " -password " CONV_SECRET("backup_partition_password")) < 0)
        return flow_fail(fx, EXIT_HSM, NULL, "Out of memory.");
    struct conv_opts o = {.timeout_ms = fx->ped ? fx->timeouts.ped_op_ms : 0,
                          .what = "listing the backup partition",
                          .answers = {{LUNA_SK_PARTITION, "backup_partition_password"}}};
    flow_ped_expect_one(fx, PED_KEY_ANY, PED_HSM_BACKUP);
    struct conv_result r = {0};
    /* whom it logs in as is unknown: a failure is kept as the Backup HSM SO's (the safe side) */
    const struct flow_login_target who = {"Backup HSM", fx->topo.backup.serial, LEDGER_SO,
                                          false};
    int rc = flow_login_guard(fx, who.device, who.serial, who.role);
    enum conv_error e = rc ? CONV_OK : conv_command(a->conv, cmd, &o, &r);
    free(cmd);
    memset(objs, 0, sizeof *objs);
    *exists = *certain = false;
    if (rc) {
        /* refused by the ledger */
    } else if (e != CONV_OK) {
        rc = flow_fail_conv(fx, a->conv, e);
    } else if ((rc = flow_login_result(fx, who.device, who.serial, who.role, &r.luna)) == 0) {
        *exists = r.luna.found && r.luna.ok;
        if (*exists) {
            luna_parse_partition_contents(r.output, objs);
            *certain = luna_contents_certain(objs);
        }
    }
    conv_result_free(&r);
    return rc;
}

int act_record_source(struct flow_ctx *fx, const struct flow_step_def *step)
{
    bool certain = false;
    int rc = flow_partition_contents(fx, ROLE_SOURCE, &fx->source_objects, &certain);
    if (rc)
        return rc;
    if (!certain)
        return flow_fail(fx, EXIT_HSM, "Read the transcript; report the output format.",
                         "The source's partition contents could not be read completely.");
    if (fx->source_objects.count == 0)
        return flow_fail(fx, EXIT_PRECONDITION, "Check you are on the right k570.", "%s",
                         step->failure);
    fx->have_source_objects = true;
    flow_journal_objects(fx, "source", &fx->source_objects);
    flow_notice(fx, false, "The source partition holds %zu objects (recorded in the journal).",
                fx->source_objects.count);
    return 0;
}

/* True when A and B are the same object: label and type, and with BY_UID the Object UID too
 * (an older backup of the same source has the same labels but other keys, other UIDs; an
 * object without a UID never matches by UID). */
static bool same_object(const struct luna_object *a, const struct luna_object *b, bool by_uid)
{
    return strcmp(a->label, b->label) == 0 && strcmp(a->type, b->type) == 0 &&
           (!by_uid || (*a->uid && strcmp(a->uid, b->uid) == 0));
}

/* How many objects of HAVE match distinct objects of WANT (see same_object). */
static size_t objects_matched(const struct luna_objects *want, const struct luna_objects *have,
                              bool by_uid, const struct luna_object **missing)
{
    bool used[LUNA_MAX_OBJECTS] = {false};
    size_t matched = 0;
    *missing = NULL;
    for (size_t i = 0; i < have->count; i++) {
        size_t j = 0;
        for (; j < want->count; j++)
            if (!used[j] && same_object(&have->objects[i], &want->objects[j], by_uid))
                break;
        if (j < want->count) {
            used[j] = true;
            matched++;
        }
    }
    for (size_t j = 0; j < want->count && !*missing; j++)
        if (!used[j])
            *missing = &want->objects[j];
    return matched;
}

/* Compares two object lists by label and type, in any order. */
static bool same_objects(const struct luna_objects *a, const struct luna_objects *b, char *why,
                         size_t len)
{
    const struct luna_object *missing;
    size_t matched = objects_matched(a, b, false, &missing);
    if (a->count != b->count) {
        snprintf(why, len, "%zu objects instead of %zu", b->count, a->count);
        return false;
    }
    if (matched != a->count) {
        snprintf(why, len, "object '%.100s' (%.60s) is missing", missing ? missing->label : "?",
                 missing ? missing->type : "?");
        return false;
    }
    return true;
}

/* What a destructive step destroys, one object a line ("  - label (type)"), into BUF. */
static void objects_text(const struct luna_objects *o, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < o->count && n + 1 < len; i++) {
        int w = snprintf(buf + n, len - n, "\n  - %s%s%s%s", *o->objects[i].label
                         ? o->objects[i].label : "(no label)", *o->objects[i].type ? " (" : "",
                         o->objects[i].type, *o->objects[i].type ? ")" : "");
        if (w < 0 || (size_t)w >= len - n) {
            buf[n] = '\0';
            break;
        }
        n += (size_t)w;
    }
    if (o->truncated && n + 24 < len)
        snprintf(buf + n, len - n, "\n  - ... and more");
}

/* Asks (wizard) for the typed partition name before -replace destroys what is there; batch
 * mode refuses. WHY says what rotwiz knows of the partition; OBJS what it read of it. */
static int confirm_replace(struct flow_ctx *fx, const char *why,
                           const struct luna_objects *objs)
{
    size_t count = objs->count;
    const char *name = fx->cfg.backup.partition;
    if (fx->req->batch)
        return flow_fail(fx, EXIT_PRECONDITION, "Choose another backup.partition in the "
                         "configuration, or replace it from the wizard.",
                         "The Backup HSM already holds a partition '%s' (%s); batch mode never "
                         "replaces it.", name, why);
    char list[3000], prompt[4096];
    objects_text(objs, list, sizeof list);
    const char *serial = fx->topo.backup.serial;
    snprintf(prompt, sizeof prompt, "The Backup HSM%s%s%s already holds the partition '%s' (%s, "
             "%zu objects read). Replacing it destroys that backup.\n\n"
             "Appliance: the Backup HSM at the workstation%s%s\n"
             "Partition: %s\nObjects:   %zu%s\n\nType the partition name to replace it.",
             *serial ? " (serial " : "", serial, *serial ? ")" : "", name, why, count,
             *serial ? ", serial " : "", serial, name, count,
             count ? list : " (none read)");
    struct core_ask q = {.type = ASK_TYPED_CONFIRM, .title = "Replace an existing backup?",
                         .prompt = prompt, .expected = name};
    struct core_answer a = {0};
    if (core_ask(fx->sink, &q, &a) != ASK_ANSWERED || strcmp(a.text, name) != 0)
        return flow_fail(fx, EXIT_CANCELLED, "Choose another backup.partition.",
                         "The existing backup partition '%s' was not replaced.", name);
    flow_journal_confirmation(fx, fx->step->id, "replace existing backup partition", a.text);
    fx->replace_backup = true;
    return flow_record_ok(fx);
}

/* Before a backup: a partition of that name left on the Backup HSM. -replace only with proof:
 * a listing read completely that shows no objects (what a failed backup leaves), or a partial
 * backup of this very source (its objects matched by Object UID). A complete backup of the
 * source is kept. Anything else takes the typed name (wizard) or stops (batch). */
static int decide_replace(struct flow_ctx *fx)
{
    struct luna_objects objs;
    bool exists = false, certain = false;
    int rc = backup_contents(fx, &objs, &exists, &certain);
    if (rc || !exists)
        return rc;
    const char *name = fx->cfg.backup.partition;
    if (!certain)
        return confirm_replace(fx, "its listing could not be read completely", &objs);
    const struct luna_object *missing;
    /* only the very objects of this source (same UIDs) make a backup ours to keep or redo */
    size_t matched = objects_matched(&fx->source_objects, &objs, true, &missing);
    if (objs.count == 0) {
        flow_notice(fx, true, "The Backup HSM holds an EMPTY partition '%s', left behind by a "
                    "failed backup; it will be replaced (-replace).", name);
        fx->replace_backup = true;
        flow_journal_decision(fx, "empty backup partition left by a failed backup", "replace");
        return 0;
    }
    if (matched == objs.count && matched == fx->source_objects.count) {
        /* an earlier run (interrupted after its backup) already did it: resume, verify */
        flow_notice(fx, false, "The Backup HSM already holds '%s' with the source's %zu objects; "
                    "it is kept and verified.", name, objs.count);
        flow_journal_decision(fx, "backup partition already holds the source's objects", "keep");
        fx->backup_already_done = true;
        return 0;
    }
    if (matched == objs.count) {
        /* only objects of this very source: a backup cut off midway; nothing else is lost */
        flow_notice(fx, true, "The Backup HSM holds a PARTIAL backup '%s' (%zu of the source's "
                    "%zu objects), left by an interrupted backup; it will be replaced "
                    "(-replace).", name, objs.count, fx->source_objects.count);
        flow_journal_decision(fx, "partial backup of this source left by an interrupted backup",
                              "replace");
        fx->replace_backup = true;
        return 0;
    }
    return confirm_replace(fx, "objects that are not all this source's", &objs);
}

/* The archive command of the vendor procedure: password HSMs give the domain and both
 * secrets as options (typed into lunacm, masked), PED HSMs only the slot and the name. */
static char *archive_command(struct flow_ctx *fx, const char *verb, bool replace)
{
    struct flow_appliance *a = &fx->app[fx->role];
    char *cmd = NULL;
    int n;
    if (fx->ped)
        n = asprintf(&cmd, "partition archive %s -s %ld -partition %s%s", verb, a->net_slot,
                     fx->cfg.backup.partition, replace ? " -replace" : "");
    else
        n = asprintf(&cmd, "partition archive %s -s %ld -partition %s -do %s -sop %s -pas %s%s",
                     verb, a->net_slot, fx->cfg.backup.partition,
                     fx->cfg.backup.domain ? fx->cfg.backup.domain : "",
                     CONV_SECRET("backup_so_password"),
                     CONV_SECRET("backup_partition_password"), replace ? " -replace" : "");
    return n < 0 ? NULL : cmd;
}

/* What an archive command may be asked for at a prompt, by the prompt's own words. */
static void archive_answers(struct conv_opts *o)
{
    o->answers[0] = (struct conv_answer_rule){LUNA_SK_SO, "backup_so_password"};
    o->answers[1] = (struct conv_answer_rule){LUNA_SK_PARTITION, "backup_partition_password"};
    o->answers[2] = (struct conv_answer_rule){LUNA_SK_DOMAIN, "backup_domain"};
}

int act_archive_backup(struct flow_ctx *fx, const struct flow_step_def *step)
{
    if (!fx->have_source_objects)
        return flow_fail(fx, EXIT_PRECONDITION, NULL, "The source objects were not recorded.");
    if (!fx->ped && !fx->cfg.backup.domain)
        return flow_fail(fx, EXIT_USAGE, "Set backup.domain in the configuration.",
                         "A password-authenticated backup needs the cloning domain.");
    int rc = decide_replace(fx);
    if (rc || fx->backup_already_done)
        return rc;
    char *cmd = archive_command(fx, "backup", fx->replace_backup);
    if (!cmd)
        return flow_fail(fx, EXIT_HSM, NULL, "Out of memory.");
    struct conv_opts o = {.timeout_ms = fx->ped ? fx->timeouts.ped_op_ms : 0,
                          .what = "the archive backup"};
    archive_answers(&o);
    flow_ped_expect(fx, step->ped, step->ped_hsm, step->ped_count);
    struct conv_result r = {0};
    /* it logs in as the Backup HSM SO (-sop, or the blue key) */
    const struct flow_login_target so = {"Backup HSM", fx->topo.backup.serial, LEDGER_SO, false};
    /* a signal's cancel waits for the command's end: never a backup cut off midway */
    int cancel_fd = waitset_set_cancel_fd(fx->ws, -1);
    rc = flow_login_command(fx, fx->app[fx->role].conv, cmd, &o, &r, "The archive backup", &so);
    waitset_set_cancel_fd(fx->ws, cancel_fd);
    rc = flow_archive_failed(fx, &r, "backup", rc); /* the domains differ: said in words */
    /* after a failed login nothing logs in again (the listing below would) */
    bool login_failed = r.luna.found && flow_login_failure_code(r.luna.code);
    free(cmd);
    conv_result_free(&r);
    if (rc == 0) {
        fx->replace_backup = false;
        return 0;
    }
    if (rc == EXIT_HSM && !conv_closed(fx->app[fx->role].conv) && !login_failed) {
        /* a failed cloning leaves the new partition behind, empty: say so */
        struct luna_objects objs;
        bool exists = false, certain = false;
        char cause[sizeof fx->cause];
        snprintf(cause, sizeof cause, "%s", fx->cause);
        if (backup_contents(fx, &objs, &exists, &certain) == 0 && exists && certain &&
            objs.count == 0) {
            flow_notice(fx, true, "The failed backup left an EMPTY partition '%s' on the Backup "
                        "HSM; the next run replaces it (-replace).", fx->cfg.backup.partition);
            flow_journal_decision(fx, "empty backup partition left behind", "replace next time");
        }
        flow_fail(fx, EXIT_HSM, step->fix, "%s", cause);
    }
    return rc;
}

int act_verify_backup(struct flow_ctx *fx, const struct flow_step_def *step)
{
    bool exists = false, certain = false;
    int rc = backup_contents(fx, &fx->backup_objects, &exists, &certain);
    if (rc)
        return rc;
    if (!exists)
        return flow_fail(fx, EXIT_HSM, step->fix, "The backup partition '%s' cannot be listed.",
                         fx->cfg.backup.partition);
    char why[256];
    flow_journal_objects(fx, "backup", &fx->backup_objects);
    if (!certain)
        return flow_fail(fx, EXIT_HSM, "Check the backup by hand (partition archive contents) "
                         "and tell us its layout.", "%s: the listing of the backup partition "
                         "could not be read completely.", step->failure);
    if (!same_objects(&fx->source_objects, &fx->backup_objects, why, sizeof why))
        return flow_fail(fx, EXIT_HSM, step->fix, "%s: %s.", step->failure, why);
    fx->have_backup_objects = true;
    /* what a restore checks the partition against later (flow_backup_provenance) */
    flow_journal_decision(fx, FLOW_BACKUP_VERIFIED, fx->cfg.backup.partition);
    flow_notice(fx, false, "Backup verified: %zu objects, the same labels and types as the "
                "source.", fx->backup_objects.count);
    return 0;
}

static int clear_partition(struct flow_ctx *fx, const struct flow_step_def *step);
static int confirm_target(struct flow_ctx *fx, const char *host,
                          const struct luna_objects *objs);

/* The backup partition as it is now: what a restore must bring (fx->backup_objects). */
static int list_backup_for_restore(struct flow_ctx *fx)
{
    /* a migrate verified the backup against the source in this run: the restore must bring
     * exactly that (fx->backup_objects); no second listing of the Backup HSM is needed, and
     * where it came from is this run's own record */
    if (fx->have_source_objects && fx->have_backup_objects) {
        flow_journal_objects(fx, "backup", &fx->backup_objects);
        return 0;
    }
    bool exists = false, bcertain = false;
    int rc = backup_contents(fx, &fx->backup_objects, &exists, &bcertain);
    if (rc)
        return rc;
    if (exists && !bcertain)
        return flow_fail(fx, EXIT_PRECONDITION, "Check the backup by hand (partition archive "
                         "contents) and tell us its layout.", "The listing of the backup "
                         "partition '%s' could not be read completely; rotwiz cannot verify a "
                         "restore from it.", fx->cfg.backup.partition);
    if (!exists || fx->backup_objects.count == 0)
        return flow_fail(fx, EXIT_PRECONDITION, "Check backup.partition in the configuration "
                         "and that the backup succeeded.", "The Backup HSM holds no backup "
                         "partition '%s' with objects.", fx->cfg.backup.partition);
    flow_journal_objects(fx, "backup", &fx->backup_objects);
    /* only a backup whose objects a recorded backup put there (Object UIDs) */
    if ((rc = flow_backup_provenance(fx, &fx->backup_objects)) != 0)
        return rc;
    fx->have_backup_objects = true;
    return 0;
}

/* The target holds OBJS, every one of them an object of the backup (by Object UID) but not
 * all: a restore cut off midway. Cleared after the typed confirmation (batch: --confirm-clear
 * HOST), then restored in this run. */
static int clear_partial_restore(struct flow_ctx *fx, const struct flow_step_def *step,
                                 const struct luna_objects *objs)
{
    const char *host = fx->app[fx->role].cfg->host;
    size_t count = objs->count;
    flow_notice(fx, true, "The target holds a PARTIAL restore: %zu of the backup's %zu objects "
                "(the same Object UIDs), left by an interrupted restore. It must be cleared "
                "(partition clear) and restored again.", count, fx->backup_objects.count);
    flow_journal_decision(fx, "partial restore of this backup on the target",
                          "clear and restore again after the typed confirmation");
    if (fx->req->batch && !fx->req->confirm_clear_host)
        return flow_fail(fx, EXIT_PRECONDITION, "Run the restore again with --confirm-clear "
                         "HOST naming the target: it clears the partial restore and restores "
                         "again in one run.", "The target partition holds a partial restore "
                         "(%zu of %zu objects); batch mode clears it only with --confirm-clear.",
                         count, fx->backup_objects.count);
    int rc = confirm_target(fx, host, objs);
    if (rc)
        return rc;
    return clear_partition(fx, step);
}

int act_check_target_empty(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct luna_objects objs;
    bool certain = false;
    int rc = flow_partition_contents(fx, ROLE_TARGET, &objs, &certain);
    if (rc)
        return rc;
    if (!certain)
        return flow_fail(fx, EXIT_PRECONDITION, step->fix, "rotwiz cannot tell whether the "
                         "target partition is empty; it will not restore onto it.");
    fx->restore_already_done = false;
    if (objs.count == 0)
        return list_backup_for_restore(fx);
    flow_journal_objects(fx, "target-before-restore", &objs);
    /* what is on the target: this backup's objects (an interrupted restore), or anything else */
    if ((rc = list_backup_for_restore(fx)) != 0)
        return rc;
    const struct luna_object *missing;
    size_t matched = objects_matched(&fx->backup_objects, &objs, true, &missing);
    if (matched == objs.count && matched == fx->backup_objects.count) {
        /* a restore interrupted after partition archive restore finished: verify it */
        flow_notice(fx, false, "The target already holds the backup's %zu objects (the same "
                    "Object UIDs): restore already done, verifying.", objs.count);
        flow_journal_decision(fx, "target holds the backup's objects",
                              "restore already done, verifying");
        fx->restore_already_done = true;
        return 0;
    }
    if (matched == objs.count)
        return clear_partial_restore(fx, step, &objs);
    return flow_fail(fx, EXIT_PRECONDITION, step->fix, "The target partition holds %zu objects "
                     "that are not all the backup's; rotwiz will not restore onto it.",
                     objs.count);
}

int act_archive_restore(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    if (fx->restore_already_done) {
        flow_notice(fx, false, "partition archive restore is not sent again: the target holds "
                    "the backup's objects already.");
        return 0;
    }
    /* the interlock, checked again right before the command */
    struct luna_objects objs;
    bool certain = false;
    int rc = flow_partition_contents(fx, fx->role, &objs, &certain);
    if (rc)
        return rc;
    if (!certain || objs.count > 0)
        return flow_fail(fx, EXIT_PRECONDITION, "Run rotwiz prepare-target first.",
                         "The target partition is not (verifiably) empty; no restore.");
    if (!fx->ped && !fx->cfg.backup.domain)
        return flow_fail(fx, EXIT_USAGE, "Set backup.domain in the configuration.",
                         "A password-authenticated restore needs the cloning domain.");
    char *cmd = archive_command(fx, "restore", false);
    if (!cmd)
        return flow_fail(fx, EXIT_HSM, NULL, "Out of memory.");
    struct conv_opts o = {.timeout_ms = fx->ped ? fx->timeouts.ped_op_ms : 0,
                          .what = "the archive restore"};
    archive_answers(&o);
    flow_ped_expect(fx, step->ped, step->ped_hsm, step->ped_count);
    struct conv_result r = {0};
    /* password HSMs log in as the Backup HSM SO (-sop); a failure of the PED form is kept as
     * the SO's too: which login failed cannot be told apart (the safe side) */
    const struct flow_login_target so = {"Backup HSM", fx->topo.backup.serial, LEDGER_SO, false};
    /* a signal's cancel waits for the command's end: never a restore cut off midway */
    int cancel_fd = waitset_set_cancel_fd(fx->ws, -1);
    rc = flow_login_command(fx, a->conv, cmd, &o, &r, "The archive restore", &so);
    waitset_set_cancel_fd(fx->ws, cancel_fd);
    rc = flow_archive_failed(fx, &r, "restore", rc);
    free(cmd);
    conv_result_free(&r);
    return rc;
}

int act_verify_restore(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct luna_objects objs;
    bool certain = false;
    int rc = flow_partition_contents(fx, fx->role, &objs, &certain);
    if (rc)
        return rc;
    flow_journal_objects(fx, "target", &objs);
    char why[256];
    if (!certain || !same_objects(&fx->backup_objects, &objs, why, sizeof why))
        return flow_fail(fx, EXIT_HSM, "Do not put the target in service; run prepare-target "
                         "and restore again.", "%s: %s.", step->failure,
                         certain ? why : "its contents could not be read");
    flow_notice(fx, false, "Restore verified: the target holds the %zu backed-up objects.",
                objs.count);
    return 0;
}

/* The typed confirmation of a destructive step: the wizard asks the operator to type the
 * target's name; batch mode takes --confirm-clear HOST, which must name it. */
static int confirm_target(struct flow_ctx *fx, const char *host,
                          const struct luna_objects *objs)
{
    if (fx->req->batch) {
        if (!fx->req->confirm_clear_host || strcmp(fx->req->confirm_clear_host, host) != 0)
            return flow_fail(fx, EXIT_USAGE, "Pass --confirm-clear with the target's host as "
                             "written in the configuration.", "--confirm-clear '%s' does not "
                             "name the target '%s'; nothing was cleared.",
                             fx->req->confirm_clear_host ? fx->req->confirm_clear_host : "",
                             host);
        flow_journal_confirmation(fx, fx->step->id, "partition clear (--confirm-clear)", host);
        return flow_record_ok(fx);
    }
    /* what is destroyed, next to the name to type: appliance, partition, objects */
    const struct slot *u = model_find_slot(&fx->topo.appliances[fx->role].slots, SLOT_USER);
    char list[3000], prompt[4096];
    objects_text(objs, list, sizeof list);
    snprintf(prompt, sizeof prompt, "partition clear destroys every object on the target's User "
             "Token Slot.\n\nAppliance: the %s k570 %s\nPartition: %s%s%s%s\n"
             "Objects:   %zu%s\n\nType the target's name to confirm.",
             model_role_name(fx->role), host, u && *u->label ? u->label : "(no label)",
             u && *u->serial ? " (serial " : "", u ? u->serial : "",
             u && *u->serial ? ")" : "", objs->count,
             objs->count ? list : " (the listing showed none it could read)");
    struct core_ask q = {.type = ASK_TYPED_CONFIRM, .title = "Clear the target partition?",
                         .prompt = prompt, .expected = host};
    struct core_answer a = {0};
    int st = core_ask(fx->sink, &q, &a);
    if (st != ASK_ANSWERED || strcmp(a.text, host) != 0)
        return flow_fail(fx, EXIT_CANCELLED, NULL, "The target was not cleared (the "
                         "confirmation did not name %s).", host);
    flow_journal_confirmation(fx, fx->step->id, "partition clear", a.text);
    /* the confirmation is on disk before partition clear is sent */
    return flow_record_ok(fx);
}

/* partition clear (confirmed already), then the partition listed again: it must be empty. */
static int clear_partition(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    struct luna_objects objs;
    bool certain = false;
    struct conv_opts o = {.confirmed = true, .what = "partition clear"};
    struct conv_result r = {0};
    int cancel_fd = waitset_set_cancel_fd(fx->ws, -1); /* never a clear cut off midway */
    int rc = flow_lunacm_ok(fx, a->conv, "partition clear", &o, &r, "partition clear");
    waitset_set_cancel_fd(fx->ws, cancel_fd);
    conv_result_free(&r);
    if (rc)
        return rc;
    if ((rc = flow_partition_contents(fx, fx->role, &objs, &certain)) != 0)
        return rc;
    if (!certain || objs.count > 0)
        return flow_fail(fx, EXIT_HSM, step->fix, "The target partition still holds %zu "
                         "objects after partition clear.", objs.count);
    flow_notice(fx, false, "The target partition is empty.");
    return 0;
}

int act_clear_target(struct flow_ctx *fx, const struct flow_step_def *step)
{
    struct flow_appliance *a = &fx->app[fx->role];
    struct luna_objects objs;
    bool certain = false;
    int rc = flow_partition_contents(fx, fx->role, &objs, &certain);
    if (rc)
        return rc;
    if (certain && objs.count == 0) {
        flow_notice(fx, false, "The target partition is already empty; nothing to clear.");
        return 0;
    }
    flow_journal_objects(fx, "target-before-clear", &objs);
    if ((rc = confirm_target(fx, a->cfg->host, &objs)) != 0)
        return rc;
    return clear_partition(fx, step);
}
