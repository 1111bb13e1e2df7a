/* scenes.c: sample data fed to the wizard as synthetic core events. */
#include "scenes.h"
#include <stdio.h>
#include <string.h>

static bool fb_start(void *ud, const struct flow_request *req, char *err, size_t len)
{
    struct fake_backend *fb = ud;
    fb->starts++;
    fb->last_kind = req->kind;
    if (!fb->start_ok)
        snprintf(err, len, "flows are not built yet");
    return fb->start_ok;
}

static const struct core_ask *fb_pending(void *ud)
{
    struct fake_backend *fb = ud;
    return fb->has_ask ? &fb->ask : NULL;
}

static void fb_answer(void *ud, int status, const struct core_answer *a)
{
    struct fake_backend *fb = ud;
    fb->answers++;
    fb->last_status = status;
    fb->last = *a;
    fb->has_ask = false;
}

static void fb_cancel(void *ud)
{
    struct fake_backend *fb = ud;
    fb->cancels++;
}

void fake_backend_init(struct fake_backend *fb, struct app_backend *be)
{
    memset(fb, 0, sizeof(*fb));
    be->start = fb_start;
    be->pending = fb_pending;
    be->answer = fb_answer;
    be->cancel = fb_cancel;
    be->ud = fb;
}

const struct tui_options scene_opts = {
    .config_path = "/lab/rotwiz.conf",
    .auth = "password",
    .simulated = true,
    .lab_dir = "/lab",
};

static void emit(struct app *app, struct core_event *ev)
{
    ev->when.tv_sec = 1700000000;
    ev->when.tv_nsec = 0;
    app_event(app, ev);
}

static void fill_slot(struct slot *s, long id, const char *label, const char *serial,
                      const char *desc)
{
    memset(s, 0, sizeof(*s));
    s->id = id;
    snprintf(s->label, sizeof(s->label), "%s", label);
    snprintf(s->serial, sizeof(s->serial), "%s", serial);
    snprintf(s->model, sizeof(s->model), "Luna K7");
    snprintf(s->firmware, sizeof(s->firmware), "7.7.1");
    snprintf(s->configuration, sizeof(s->configuration),
             "Luna User Partition With SO (PW) Signing With Cloning Mode");
    snprintf(s->description, sizeof(s->description), "%s", desc);
    s->kind = model_slot_kind(desc);
}

static void fill_slots(struct slot_list *sl, const char *prefix)
{
    char label[64];
    memset(sl, 0, sizeof(*sl));
    snprintf(label, sizeof(label), "%s-rot", prefix);
    fill_slot(&sl->slots[0], 3, label, "1238696044912", "User Token Slot");
    fill_slot(&sl->slots[1], 0, "", "1238696044900", "Admin Token Slot");
    fill_slot(&sl->slots[2], 5, "backup", "7000123", "Net Admin Token Slot");
    sl->count = 3;
}

void scene_send_topology(struct app *app, bool ped)
{
    static struct topology t;
    memset(&t, 0, sizeof(t));
    snprintf(t.workstation.address, MODEL_TEXT, "127.0.0.1");
    snprintf(t.workstation.client_version, MODEL_TEXT, "10.4.0");
    t.workstation.rbs_port = 41792;
    t.workstation.rbs_listening = true;
    t.workstation.ped_port = 41503;
    t.workstation.ped_listening = ped;
    t.backup.visible = true;
    snprintf(t.backup.model, MODEL_TEXT, "G5Backup");
    snprintf(t.backup.firmware, MODEL_TEXT, "7.7.1");
    snprintf(t.backup.serial, MODEL_TEXT, "7000123");
    t.ped_used = ped;
    t.ped = ped ? PED_AT_WORKSTATION : PED_UNKNOWN;
    static const char *const hosts[] = {"127.0.0.2", "127.0.0.3"};
    for (int r = 0; r < MODEL_ROLES; r++) {
        struct appliance *a = &t.appliances[r];
        a->configured = true;
        a->role = (enum appliance_role)r;
        snprintf(a->host, MODEL_TEXT, "%s", hosts[r]);
        a->port = 2222 + r;
        a->reachable = r == ROLE_SOURCE;
        snprintf(a->lunacm_version, MODEL_TEXT, r == ROLE_SOURCE ? "10.4.0" : "");
        if (r == ROLE_TARGET)
            snprintf(a->error, sizeof(a->error), "connection refused");
        a->ssh_link = r == ROLE_SOURCE ? LINK_UP : LINK_DOWN;
        a->vtl_link = r == ROLE_SOURCE ? LINK_UP : LINK_UNKNOWN;
        a->ped_link = LINK_UNKNOWN;
        a->selected_slot = r == ROLE_SOURCE ? 3 : -1;
        if (r == ROLE_SOURCE)
            fill_slots(&a->slots, "src");
    }
    struct core_event ev = {.type = EV_TOPOLOGY_CHANGED};
    ev.u.topology.topology = &t;
    emit(app, &ev);
    /* Target slots arrive by their own event. */
    struct slot_list sl;
    fill_slots(&sl, "tgt");
    struct core_event se = {.type = EV_SLOTS_CHANGED};
    se.u.slots.role = ROLE_TARGET;
    se.u.slots.slots = &sl;
    emit(app, &se);
}

static const char *const step_titles[] = {
    "Connect to the source k570", "Check the Backup HSM", "Register the workstation (vtl)",
    "Log in as Crypto Officer", "Clone the keys to the Backup HSM", "Verify the backup",
};
#define STEP_N 6

void scene_send_flow(struct app *app, int current)
{
    struct step_view steps[STEP_N];
    memset(steps, 0, sizeof(steps));
    for (int i = 0; i < STEP_N; i++) {
        steps[i].id = "s";
        steps[i].title = step_titles[i];
        steps[i].instructions = "";
        steps[i].enter_action = "";
        steps[i].state = STEP_PENDING;
        steps[i].destructive = i == 4;
        steps[i].hand_step = i == 1;
    }
    struct core_event ev = {.type = EV_FLOW_STARTED};
    ev.u.flow.flow_id = "backup";
    ev.u.flow.title = "Back up root-of-trust keys";
    ev.u.flow.steps = steps;
    ev.u.flow.step_count = STEP_N;
    emit(app, &ev);
    for (int i = 0; i <= current && i < STEP_N; i++) {
        struct step_view v = steps[i];
        v.state = i < current ? STEP_DONE : STEP_CURRENT;
        if (i == 2 && i < current)
            v.state = STEP_SKIPPED;
        if (i == current) {
            v.instructions = "Log in to the source's user partition as Crypto Officer. "
                             "The password is asked for if the secrets file lacks it.";
            v.enter_action = "Runs on its own";
            v.can_go_back = true;
        }
        struct core_event se = {.type = EV_STEP_CHANGED};
        se.u.step.index = (size_t)i;
        se.u.step.step = &v;
        emit(app, &se);
    }
}

void scene_send_transcript(struct app *app, int lines)
{
    static const struct { const char *host; enum tx_direction dir; const char *text; } tx[] = {
        {"source", TX_INFO, "ssh ksadmin@127.0.0.2 -p 2222"},
        {"source", TX_SENT, "lunacm"},
        {"source", TX_RECEIVED, "LunaCM v10.4.0. Copyright (c) 2006-2022 Thales Group."},
        {"source", TX_SENT, "slot list"},
        {"source", TX_RECEIVED, "        Slot Id ->              3"},
        {"source", TX_RECEIVED, "        Slot Description ->     User Token Slot"},
        {"workstation", TX_SENT, "rbs --daemon"},
        {"workstation", TX_RECEIVED, "RBS started, listening on port 41792"},
        {"source", TX_SENT, "role login -name co -password ********"},
        {"source", TX_RECEIVED, "Command Result : No Error"},
    };
    for (int i = 0; i < lines; i++) {
        struct core_event ev = {.type = EV_TRANSCRIPT_LINE};
        size_t k = (size_t)i % (sizeof(tx) / sizeof(tx[0]));
        ev.u.line.host = tx[k].host;
        ev.u.line.dir = tx[k].dir;
        ev.u.line.text = tx[k].text;
        emit(app, &ev);
    }
}

static void to_wizard(struct app *app)
{
    app->screen = SCR_WIZARD;
    app->now.tv_sec = 1000;
    app->now.tv_nsec = 0;
}

static void sc_start(struct app *app, struct fake_backend *fb)
{
    (void)fb;
    app->screen = SCR_START;
    app->start_sel = 1;
}

static void sc_wizard_password(struct app *app, struct fake_backend *fb)
{
    (void)fb;
    to_wizard(app);
    scene_send_topology(app, false);
    scene_send_flow(app, 3);
    scene_send_transcript(app, 14);
    struct core_event ev = {.type = EV_NOTICE};
    ev.u.notice.warning = true;
    ev.u.notice.text = "The target k570 is not reachable; it is needed only for a restore.";
    emit(app, &ev);
}

static void sc_wizard_ped(struct app *app, struct fake_backend *fb)
{
    (void)fb;
    to_wizard(app);
    scene_send_topology(app, true);
    scene_send_flow(app, 3);
    scene_send_transcript(app, 6);
    struct core_event ev = {.type = EV_PED_PROMPT};
    ev.u.ped.keys[0] = PED_KEY_ORANGE;
    ev.u.ped.keys[1] = PED_KEY_BLUE;
    ev.u.ped.keys[2] = PED_KEY_RED;
    ev.u.ped.keys[3] = PED_KEY_BLACK;
    ev.u.ped.key_count = 4;
    ev.u.ped.current = 1;
    /* the archive backup: three keys of the Backup HSM, then the source k570's black key */
    for (int i = 0; i < 3; i++)
        ev.u.ped.key_for[i] = "the Backup HSM (serial 7001234)";
    ev.u.ped.key_for[3] = "the source k570 (serial 1238696044912)";
    ev.u.ped.device = "the Backup HSM (serial 7001234)";
    ev.u.ped.where = "at the workstation (PEDServer)";
    ev.u.ped.timeout_s = 200;
    ev.u.ped.deadline.tv_sec = 1042;
    emit(app, &ev);
    app->focus = PANE_PED;
}

/* A step that cannot know the key (listing the backup partition): never a guessed colour. */
static void sc_wizard_ped_unknown(struct app *app, struct fake_backend *fb)
{
    (void)fb;
    to_wizard(app);
    scene_send_topology(app, true);
    scene_send_flow(app, 3);
    scene_send_transcript(app, 6);
    struct core_event ev = {.type = EV_PED_PROMPT};
    ev.u.ped.keys[0] = PED_KEY_ANY;
    ev.u.ped.key_count = 1;
    ev.u.ped.key_for[0] = "the Backup HSM (serial 7001234)";
    ev.u.ped.device = "the Backup HSM (serial 7001234)";
    ev.u.ped.where = "at the workstation (PEDServer)";
    ev.u.ped.timeout_s = 200;
    ev.u.ped.deadline.tv_sec = 1042;
    emit(app, &ev);
    app->focus = PANE_PED;
}

/* The key is unknown: the PED pane quotes the device's own line before the prompt. */
static void sc_wizard_ped_own_line(struct app *app, struct fake_backend *fb)
{
    (void)fb;
    to_wizard(app);
    scene_send_topology(app, true);
    scene_send_flow(app, 3);
    scene_send_transcript(app, 6);
    static const char *const lines[] = {
        "partition archive contents -s 5 -partition rot-backup",
        "\tPlease attend to the PED.",
    };
    for (int i = 0; i < 2; i++) {
        struct core_event l = {.type = EV_TRANSCRIPT_LINE};
        l.u.line.host = "source";
        l.u.line.dir = i == 0 ? TX_SENT : TX_RECEIVED;
        l.u.line.text = lines[i];
        emit(app, &l);
    }
    struct core_event ev = {.type = EV_PED_PROMPT};
    ev.u.ped.keys[0] = PED_KEY_ANY;
    ev.u.ped.key_count = 1;
    ev.u.ped.key_for[0] = "the Backup HSM (serial 7001234)";
    ev.u.ped.device = "the Backup HSM (serial 7001234)";
    ev.u.ped.where = "at the workstation (PEDServer)";
    ev.u.ped.timeout_s = 200;
    ev.u.ped.deadline.tv_sec = 1042;
    emit(app, &ev);
    app->focus = PANE_PED;
}

static void sc_finished(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_event ev = {.type = EV_FLOW_FINISHED};
    ev.u.finished.exit_code = 4;
    ev.u.finished.message = "the Backup HSM is not visible";
    emit(app, &ev);
}

static void sc_topology(struct app *app, struct fake_backend *fb)
{
    (void)fb;
    app->screen = SCR_TOPOLOGY;
    app->topology_only = true;
    scene_send_topology(app, true);
    scene_send_transcript(app, 8);
    app->focus = PANE_TRANSCRIPT;
}

static void sc_transcript_search(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    app->focus = PANE_TRANSCRIPT;
    pane_transcript_search(app->panes[PANE_TRANSCRIPT], &app->ui, "slot list");
    app_key(app, 'h', false);   /* filter: first host seen (source) */
}

static void ask(struct app *app, struct fake_backend *fb, const struct core_ask *q)
{
    fb->ask = *q;
    fb->has_ask = true;
    app_sync(app);
}

static void sc_secret(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_ask q = {.type = ASK_SECRET, .title = "Crypto Officer password",
                         .prompt = "Password of the Crypto Officer of the source's user "
                                   "partition (slot 3).",
                         .key = "source.co_password"};
    ask(app, fb, &q);
    for (const char *p = "s3cret"; *p; p++)
        app_key(app, (wint_t)*p, false);
}

static void sc_typed(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_ask q = {.type = ASK_TYPED_CONFIRM, .title = "Clear the target partition",
                         .prompt = "partition clear deletes every object in the user "
                                   "partition of the target k570.",
                         .expected = "127.0.0.3"};
    ask(app, fb, &q);
    for (const char *p = "127.0.0.2"; *p; p++)
        app_key(app, (wint_t)*p, false);
}

static void sc_hostkey(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_ask q = {.type = ASK_HOST_KEY, .title = "Unknown host key",
                         .prompt = "The SSH host key of the source k570 is not in known_hosts.",
                         .host = "127.0.0.2:2222",
                         .fingerprint = "SHA256:q4ZCmzmzT1rHnEKvB7OErx5bXfk1kVxJ6cG2d3Zp0so"};
    ask(app, fb, &q);
}

static void sc_error(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_event ev = {.type = EV_ERROR};
    ev.u.error.cause = "lunacm on the source refused the Crypto Officer login (0xa0, "
                       "CKR_PIN_INCORRECT).";
    ev.u.error.fix = "Check source.co_password in the secrets file. The wizard does not retry: "
                     "each failure counts towards the partition's lockout.";
    ev.u.error.excerpt = "source > role login -name co -password ********\n"
                         "source < Command Result : 0xa0 (CKR_PIN_INCORRECT)";
    emit(app, &ev);
}

/* A wrong password: the tries left before the lock, the code named once (flow_login.c). */
static void sc_error_tries(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_event ev = {.type = EV_ERROR};
    ev.u.error.cause = "The Crypto Officer login failed on source: Command Result 0xa0 "
                       "CKR_PIN_INCORRECT. 1 consecutive failed Crypto Officer login recorded: "
                       "at most 9 tries left before the partition locks (Luna's usual 10; its "
                       "policy may set fewer).";
    ev.u.error.fix = "Check the Crypto Officer password; rotwiz never retries a login.";
    ev.u.error.excerpt = "source > role login -n co -p ********\n"
                         "source < Command Result : 0xa0 (CKR_PIN_INCORRECT)";
    emit(app, &ev);
}

/* The SO form: the HSM zeroises at the third failure. */
static void sc_error_so_tries(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_event ev = {.type = EV_ERROR};
    ev.u.error.cause = "The Backup HSM SO login failed on workstation: Command Result 0xa0 "
                       "CKR_PIN_INCORRECT. 2 of 3 SO tries used: 1 try left before the HSM "
                       "ZEROISES (every partition and key destroyed).";
    ev.u.error.fix = "Find out why it failed before trying again (the SO password or the blue "
                     "PED key).";
    ev.u.error.excerpt = "workstation > role login -n so\n"
                         "workstation < Command Result : 0xa0 (CKR_PIN_INCORRECT)";
    emit(app, &ev);
}

/* What partition clear destroys, next to the name to type (flow_act_archive.c's text). */
static void sc_clear_contents(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_ask q = {.type = ASK_TYPED_CONFIRM, .title = "Clear the target partition?",
                         .prompt = "partition clear destroys every object on the target's User "
                                   "Token Slot.\n\nAppliance: the target k570 127.0.0.3\n"
                                   "Partition: tgt-rot (serial 1238696044912)\n"
                                   "Objects:   3\n  - rot-key-1 (Symmetric Key)\n"
                                   "  - rot-key-2 (Symmetric Key)\n  - rot-kek (Private Key)\n\n"
                                   "Type the target's name to confirm.",
                         .expected = "127.0.0.3"};
    ask(app, fb, &q);
}

/* What -replace destroys on the Backup HSM. */
static void sc_replace_contents(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_ask q = {.type = ASK_TYPED_CONFIRM, .title = "Replace an existing backup?",
                         .prompt = "The Backup HSM (serial 7000123) already holds the partition "
                                   "'rot-backup' (objects that are not all this source's, 2 "
                                   "objects read). Replacing it destroys that backup.\n\n"
                                   "Appliance: the Backup HSM at the workstation, serial 7000123\n"
                                   "Partition: rot-backup\nObjects:   2\n"
                                   "  - old-rot-key (Symmetric Key)\n  - old-kek (Private Key)\n\n"
                                   "Type the partition name to replace it.",
                         .expected = "rot-backup"};
    ask(app, fb, &q);
}

/* A condition the operator can fix on the spot: "fixed, check again" (core/flow.c). */
static void sc_check_again(struct app *app, struct fake_backend *fb)
{
    sc_wizard_ped(app, fb);
    static const char *const ch[] = {"Fixed, check again", "Stop the flow here"};
    struct core_ask q = {.type = ASK_CHOICE, .title = "Start PEDServer on the workstation",
                         .prompt = "PEDServer did not open 127.0.0.1:41503 within 10 s.\n\n"
                                   "Fix: Start pedserver -mode start by hand, then check again.\n"
                                   "Fix it now (nothing was logged in to or changed by this "
                                   "step), then choose \"Fixed, check again\"; or stop here (the "
                                   "session can be resumed later).",
                         .choices = ch, .choice_count = 2};
    ask(app, fb, &q);
}

/* A restore after a backup in the same wizard session: the backup's operator and witnesses
 * offered to keep (core/flow_carry.c). */
static void sc_people_kept(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    static const char *const ch[] = {"Keep them", "Change them"};
    struct core_ask q = {.type = ASK_CHOICE, .title = "Operator and witnesses",
                         .prompt = "Operator Ana Lima, witness Ben Ode, from the backup just "
                                   "done (session 20261130-094012Z-backup-password-1a2b3c).\n\n"
                                   "Keep them for this run, or type other names?",
                         .choices = ch, .choice_count = 2};
    ask(app, fb, &q);
}

/* The rbs --config menu with its one Backup HSM not selected: the operator is told which
 * number selects it (core/flow_act_ws.c). */
static void sc_rbs_menu(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_ask q = {.type = ASK_TEXT, .title = "rbs --config",
                         .prompt = "Backup HSMs attached to this workstation:\n\n"
                                   "  1  [ ]  Luna Backup HSM 7    serial 527134       firmware "
                                   "7.7.1\n\nEnter a device number to select it (-number to "
                                   "deselect), or X to save and exit: \n\n"
                                   "The menu lists the Backup HSM (serial 527134) as device 1, "
                                   "not selected: type 1 to select it.\n"
                                   "Type what selects the Backup HSM (serial 527134) in this "
                                   "menu, or nothing to keep what is selected (rotwiz then "
                                   "saves with X):"};
    ask(app, fb, &q);
}

static size_t fake_sessions(void *ud, struct tui_session *out, size_t max)
{
    (void)ud;
    static const struct tui_session list[] = {
        {"/state/sessions/2026-11-30T1002-restore-password", "restore-password",
         "2026-11-30 10:02  restore-password  interrupted (can be resumed)", true},
        {"/state/sessions/2026-11-30T0940-backup-password", "backup-password",
         "2026-11-30 09:40  backup-password   done (exit 0)", false},
        {"/state/sessions/2026-11-29T1630-backup-password", "backup-password",
         "2026-11-29 16:30  backup-password   cancelled (exit 6)", false},
    };
    size_t n = max < 3 ? max : 3;
    memcpy(out, list, n * sizeof *out);
    return n;
}

static const struct tui_options sessions_opts = {
    .config_path = "/lab/rotwiz.conf",
    .auth = "password",
    .simulated = true,
    .lab_dir = "/lab",
    .list_sessions = fake_sessions,
};

/* The start screen says an interrupted session can be resumed, before a task is chosen. */
static void sc_start_resumable(struct app *app, struct fake_backend *fb)
{
    (void)fb;
    app->opt = &sessions_opts;
    app->screen = SCR_START;
    app->sessions_loaded = false;
    app->start_sel = 0;
}

/* The export dialog lists the recorded sessions, newest first. */
static void sc_export_sessions(struct app *app, struct fake_backend *fb)
{
    sc_finished(app, fb);
    app->opt = &sessions_opts;
    app_key(app, 'e', false);
    app_key(app, KEY_DOWN, true);
}

static void sc_choice(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    static const char *const ch[] = {"Append to the existing backup", "Replace it",
                                     "Stop here"};
    struct core_ask q = {.type = ASK_CHOICE, .title = "The partition exists",
                         .prompt = "rot-backup-2026-11 already exists on the Backup HSM.",
                         .choices = ch, .choice_count = 3};
    ask(app, fb, &q);
    app_key(app, KEY_DOWN, true);
}

static void sc_text(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    struct core_ask q = {.type = ASK_TEXT, .title = "Operator",
                         .prompt = "Who runs this ceremony? The name goes into the journal."};
    ask(app, fb, &q);
    for (const char *p = "Ana Lima"; *p; p++)
        app_key(app, (wint_t)*p, false);
}

static void sc_hand(struct app *app, struct fake_backend *fb)
{
    sc_wizard_ped(app, fb);
    struct core_ask q = {.type = ASK_HAND_STEP, .title = "Plug in the PED",
                         .prompt = "Connect the PED to the workstation's USB port, then "
                                   "press Done."};
    ask(app, fb, &q);
}

static void sc_export(struct app *app, struct fake_backend *fb)
{
    sc_finished(app, fb);
    app_key(app, 'e', false);
}

static void sc_quit(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    app_key(app, 'q', false);
}

static void sc_help(struct app *app, struct fake_backend *fb)
{
    sc_wizard_password(app, fb);
    app_key(app, KEY_F(1), true);
}

const struct scene scenes[] = {
    {"start", sc_start},
    {"wizard-password", sc_wizard_password},
    {"wizard-ped", sc_wizard_ped},
    {"wizard-ped-unknown-key", sc_wizard_ped_unknown},
    {"wizard-finished", sc_finished},
    {"topology", sc_topology},
    {"transcript-search", sc_transcript_search},
    {"dialog-secret", sc_secret},
    {"dialog-typed-confirm", sc_typed},
    {"dialog-hostkey", sc_hostkey},
    {"dialog-error", sc_error},
    {"dialog-choice", sc_choice},
    {"dialog-text", sc_text},
    {"dialog-handstep", sc_hand},
    {"dialog-export", sc_export},
    {"dialog-quit", sc_quit},
    {"help", sc_help},
    {"wizard-ped-own-line", sc_wizard_ped_own_line},
    {"dialog-error-tries-left", sc_error_tries},
    {"dialog-error-so-tries-left", sc_error_so_tries},
    {"dialog-clear-contents", sc_clear_contents},
    {"dialog-replace-contents", sc_replace_contents},
    {"dialog-check-again", sc_check_again},
    {"start-resumable", sc_start_resumable},
    {"dialog-export-sessions", sc_export_sessions},
    {"dialog-people-kept", sc_people_kept},
    {"dialog-rbs-menu", sc_rbs_menu},
};
const size_t scene_count = sizeof(scenes) / sizeof(scenes[0]);
