/* main.c: the rotwiz command line (INTERFACE.md). Parses options, starts the simulated lab for
 * --simulate, and hands over to the wizard, a batch flow, the topology view or export. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "batch_sink.h"
#include "config.h"
#include "export.h"
#include "flow.h"
#include "secret_store.h"
#include "session.h"
#include "simlab.h"
#include "topology_json.h"
#include "validate.h"
#include "tui.h"

struct cli {
    const char *command;        /* NULL = wizard */
    const char *session;        /* export SESSION */
    const char *config;
    const char *secrets;
    const char *state_dir;
    const char *auth;
    const char *operator_name;
    const char *witnesses[FLOW_MAX_WITNESSES];
    size_t witness_count;
    const char *confirm_clear;
    const char *format;
    const char *output;
    const char *lab_args[SIMLAB_MAX_ARGS];  /* --fault/--vary/--dialect VALUE pairs */
    size_t lab_arg_count;
    const char *ack_serials[FLOW_MAX_ACKS];    /* --acknowledge-failed-login SERIAL */
    size_t ack_count;
    const char *init_rpv[FLOW_MAX_INIT_RPV];   /* --init-rpv WHICH */
    size_t init_rpv_count;
    bool batch, json, plain, no_color, simulate, verbose;
    bool with_labels, mask_serials;          /* capture */
};

static const char usage_text[] =
    "usage:\n"
    "  rotwiz [--config FILE]                      the full-screen wizard\n"
    "  rotwiz topology [--config FILE] [--json|--plain]\n"
    "                          read-only view: connects, reads, changes nothing\n"
    "  rotwiz backup         --config FILE --batch [--secrets FILE]\n"
    "  rotwiz restore        --config FILE --batch [--secrets FILE] [--confirm-clear HOST]\n"
    "  rotwiz migrate        --config FILE --batch [--secrets FILE]\n"
    "  rotwiz prepare-target --config FILE --batch [--secrets FILE] --confirm-clear HOST\n"
    "  rotwiz export SESSION --format text|jsonl|cast [-o FILE]\n"
    "  rotwiz capture --config FILE [-o FILE] [--with-labels] [--mask-serials]\n"
    "                          read-only dialect capture of every lunacm (never logs in)\n"
    "  rotwiz --simulate [any command above]       run against a private simulated lab\n"
    "  rotwiz --version | --help\n"
    "\n"
    "common options:\n"
    "  --state-dir DIR     where sessions are recorded (default $XDG_STATE_HOME/rotwiz)\n"
    "  --no-color          monochrome (also NO_COLOR)\n"
    "  --auth password|ped override the configuration's authentication type\n"
    "  --operator NAME     recorded in the session journal\n"
    "  --witness NAME      recorded in the session journal (repeatable)\n"
    "  --secrets FILE      secrets file (must be mode 0600)\n"
    "  --verbose           batch: print every transcript line (secrets masked)\n"
    "  --fault NAME        with --simulate: inject a lab fault (rotwiz-sim lab --help lists them)\n"
    "  --vary KNOB=VALUE   with --simulate: a lab that invents differently (rotwiz-sim lab --help)\n"
    "  --dialect NAME      with --simulate: a preset of lab knobs (rotwiz-sim lab --help)\n"
    "  --acknowledge-failed-login SERIAL\n"
    "                      batch mode: acknowledge the failed SO login of the HSM with this serial\n"
    "                      (kept in STATE_DIR/ledger.json; until it is acknowledged no run tries\n"
    "                      another SO login of it: the 3rd failure zeroises the HSM). Repeatable;\n"
    "                      the wizard asks you to type the serial instead\n"
    "  --with-labels       capture: keep token and partition labels (removed by default)\n"
    "  --mask-serials      capture: replace every HSM serial by SERIAL-n\n"
    "  --init-rpv WHICH    batch mode: allow initialising the Remote PED Vector of WHICH when it\n"
    "                      has none (an appliance host as written in the configuration, or\n"
    "                      backup-hsm). Repeatable\n"
    "\n"
    "exit codes: 0 done, 2 usage or config error, 3 cannot connect or host key refused,\n"
    "  4 precondition failed, 5 HSM command failed, 6 cancelled, 7 timed out,\n"
    "  8 the session record could not be written (nothing more was sent to any device)\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "rotwiz: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nrun 'rotwiz --help' for the commands and options.\n");
    return EXIT_USAGE;
}

static bool is_command(const char *s)
{
    static const char *const commands[] = {"topology", "backup", "restore", "prepare-target",
                                           "export", "capture", "migrate"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(s, commands[i]) == 0)
            return true;
    return false;
}

/* Returns -1 to go on, or an exit code (help, version, usage error). */
static int parse(int argc, char **argv, struct cli *c)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define VALUE(field)                                                     \
    do {                                                                 \
        if (!next)                                                       \
            return usage_error("%s needs a value", a);                   \
        c->field = next;                                                 \
        i++;                                                             \
    } while (0)
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("rotwiz %s\n", ROTWIZ_VERSION);
            return 0;
        } else if (strcmp(a, "--config") == 0) {
            VALUE(config);
        } else if (strcmp(a, "--secrets") == 0) {
            VALUE(secrets);
        } else if (strcmp(a, "--state-dir") == 0) {
            VALUE(state_dir);
        } else if (strcmp(a, "--auth") == 0) {
            VALUE(auth);
            if (strcmp(c->auth, "password") != 0 && strcmp(c->auth, "ped") != 0)
                return usage_error("--auth takes password or ped, not '%s'", c->auth);
        } else if (strcmp(a, "--operator") == 0) {
            VALUE(operator_name);
        } else if (strcmp(a, "--witness") == 0) {
            if (!next)
                return usage_error("%s needs a value", a);
            if (c->witness_count >= FLOW_MAX_WITNESSES)
                return usage_error("at most 8 witnesses (%s)", next);
            c->witnesses[c->witness_count++] = next;
            i++;
        } else if (strcmp(a, "--confirm-clear") == 0) {
            VALUE(confirm_clear);
        } else if (strcmp(a, "--format") == 0) {
            VALUE(format);
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            VALUE(output);
        } else if (strcmp(a, "--fault") == 0 || strcmp(a, "--vary") == 0 ||
                   strcmp(a, "--dialect") == 0) {
            if (!next)
                return usage_error("%s needs a value", a);
            if (c->lab_arg_count + 2 > SIMLAB_MAX_ARGS)
                return usage_error("too many lab options (%s)", next);
            c->lab_args[c->lab_arg_count++] = a;
            c->lab_args[c->lab_arg_count++] = next;
            i++;
        } else if (strcmp(a, "--acknowledge-failed-login") == 0) {
            if (!next || !*next)
                return usage_error("%s needs a device serial", a);
            if (c->ack_count >= FLOW_MAX_ACKS)
                return usage_error("at most %d --acknowledge-failed-login (%s)", FLOW_MAX_ACKS,
                                   next);
            c->ack_serials[c->ack_count++] = next;
            i++;
        } else if (strcmp(a, "--init-rpv") == 0) {
            if (!next || !*next)
                return usage_error("%s needs an appliance host or backup-hsm", a);
            if (c->init_rpv_count >= FLOW_MAX_INIT_RPV)
                return usage_error("at most %d --init-rpv (%s)", FLOW_MAX_INIT_RPV, next);
            c->init_rpv[c->init_rpv_count++] = next;
            i++;
        } else if (strcmp(a, "--batch") == 0) {
            c->batch = true;
        } else if (strcmp(a, "--json") == 0) {
            c->json = true;
        } else if (strcmp(a, "--plain") == 0) {
            c->plain = true;
        } else if (strcmp(a, "--no-color") == 0) {
            c->no_color = true;
        } else if (strcmp(a, "--simulate") == 0) {
            c->simulate = true;
        } else if (strcmp(a, "--verbose") == 0) {
            c->verbose = true;
        } else if (strcmp(a, "--with-labels") == 0) {
            c->with_labels = true;
        } else if (strcmp(a, "--mask-serials") == 0) {
            c->mask_serials = true;
        } else if (a[0] == '-') {
            return usage_error("unknown option '%s'", a);
        } else if (!c->command && is_command(a)) {
            c->command = a;
        } else if (c->command && strcmp(c->command, "export") == 0 && !c->session) {
            c->session = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
#undef VALUE
    }
    return -1;
}

/* Checks the combinations INTERFACE.md allows. Returns -1 when fine, else an exit code. */
static int validate(const struct cli *c)
{
    const char *cmd = c->command;
    bool flow = cmd && (strcmp(cmd, "backup") == 0 || strcmp(cmd, "restore") == 0 ||
                        strcmp(cmd, "prepare-target") == 0 || strcmp(cmd, "migrate") == 0);
    if (c->json && c->plain)
        return usage_error("choose one of --json and --plain");
    if ((c->json || c->plain) && (!cmd || strcmp(cmd, "topology") != 0))
        return usage_error("--json and --plain go with the topology command");
    if (flow && !c->batch)
        return usage_error("'%s' runs headless and needs --batch (the wizard is plain 'rotwiz')",
                           cmd);
    if (c->batch && !flow)
        return usage_error("--batch goes with backup, restore, migrate or prepare-target");
    if (flow && !c->config && !c->simulate)
        return usage_error("'%s' needs --config FILE (or --simulate)", cmd);
    if (cmd && strcmp(cmd, "prepare-target") == 0 && !c->confirm_clear)
        return usage_error("prepare-target --batch needs --confirm-clear HOST naming the target "
                           "(it may clear the target's partition)");
    /* restore: clears a partial restore this backup left on the target (then restores) */
    if (c->confirm_clear && (!cmd || (strcmp(cmd, "prepare-target") != 0 &&
                                      strcmp(cmd, "restore") != 0)))
        return usage_error("--confirm-clear goes with prepare-target or restore");
    if (cmd && strcmp(cmd, "export") == 0) {
        if (!c->session)
            return usage_error("export needs the SESSION folder");
        if (!c->format)
            return usage_error("export needs --format text|jsonl|cast");
        if (strcmp(c->format, "text") != 0 && strcmp(c->format, "jsonl") != 0 &&
            strcmp(c->format, "cast") != 0)
            return usage_error("--format takes text, jsonl or cast, not '%s'", c->format);
    }
    bool capture = cmd && strcmp(cmd, "capture") == 0;
    if (capture && !c->config && !c->simulate)
        return usage_error("'capture' needs --config FILE (or --simulate)");
    if ((c->with_labels || c->mask_serials) && !capture)
        return usage_error("--with-labels and --mask-serials go with capture");
    if (c->lab_arg_count && !c->simulate)
        return usage_error("--fault, --vary and --dialect go with --simulate");
    if (c->ack_count && !c->batch)
        return usage_error("--acknowledge-failed-login goes with --batch (the wizard asks you to "
                           "type the serial)");
    if (c->init_rpv_count && !c->batch)
        return usage_error("--init-rpv goes with --batch (the wizard asks)");
    return -1;
}

static const char *login_name(void)
{
    const char *u = getenv("USER");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "operator";
}

static void fill_request(const struct cli *c, struct flow_request *req, enum flow_kind kind)
{
    memset(req, 0, sizeof *req);
    req->kind = kind;
    req->config_path = c->config;
    req->secrets_path = c->secrets;
    req->auth_override = c->auth;
    req->state_dir = c->state_dir;
    req->confirm_clear_host = c->confirm_clear;
    req->operator_name = c->operator_name;
    for (size_t i = 0; i < c->witness_count; i++)
        req->witnesses[i] = c->witnesses[i];
    req->witness_count = c->witness_count;
    for (size_t i = 0; i < c->ack_count; i++)
        req->ack_serials[i] = c->ack_serials[i];
    req->ack_count = c->ack_count;
    for (size_t i = 0; i < c->init_rpv_count; i++)
        req->init_rpv[i] = c->init_rpv[i];
    req->init_rpv_count = c->init_rpv_count;
}

/* Batch signals: SIGTERM, SIGHUP and SIGINT cancel the flow at its next safe point through a
 * self-pipe (the flow's cancel descriptor), so the journal's end record is written and the
 * exit code is 6. The handler only writes one byte. It is reset after the first signal: a
 * second one ends the process at once (the journal is continued by the next run). */
static int stop_pipe[2] = {-1, -1};

static void on_stop(int sig)
{
    int saved = errno;
    char c = (char)sig;
    if (write(stop_pipe[1], &c, 1) < 0) {
        /* the pipe is full: a cancel is already waiting */
    }
    errno = saved;
}

/* A handler instead of SIG_IGN for SIGPIPE: a write to a closed stdout fails with EPIPE and
 * is dropped, without ending the ceremony, while the helpers rotwiz starts get the default
 * disposition back at exec (an ignored signal would stay ignored in them). */
static void on_sigpipe(int sig)
{
    (void)sig;
}

/* Installs the batch handlers; returns the cancel descriptor for flow_run, or -1. */
static int batch_signals(void)
{
    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_sigpipe;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGPIPE, &sa, NULL);
    return stop_pipe[0];
}

/* The state folder is checked before any device is touched: exit 2 with cause and fix. */
static int check_state_dir(const struct cli *c)
{
    char err[1024];
    if (session_check_state_dir(c->state_dir, err, sizeof err) == 0)
        return -1;
    fprintf(stderr, "rotwiz: %s\n", err);
    return EXIT_USAGE;
}

/* --operator and --witness go into the journal: validate.h's rule for names. */
static int check_names(const struct cli *c)
{
    char why[400];
    if (c->operator_name && !validate_value(VK_PERSON, c->operator_name, why, sizeof why))
        return usage_error("--operator: the name %s", why);
    for (size_t i = 0; i < c->witness_count; i++)
        if (!validate_value(VK_PERSON, c->witnesses[i], why, sizeof why))
            return usage_error("--witness: the name %s", why);
    return -1;
}

static int run_batch(const struct cli *c, enum flow_kind kind)
{
    struct flow_request req;
    fill_request(c, &req, kind);
    req.batch = true;
    if (!req.operator_name)
        req.operator_name = login_name();
    struct batch_sink bs = {.out = stdout, .verbose = c->verbose};
    struct core_sink sink = batch_sink_make(&bs);
    return flow_run(&req, &sink, batch_signals());
}

static int run_topology_text(const struct cli *c)
{
    struct flow_request req;
    fill_request(c, &req, FLOW_TOPOLOGY);
    req.batch = true;
    req.operator_name = c->operator_name ? c->operator_name : login_name();
    /* stdout carries the document; progress goes to stderr */
    struct batch_sink bs = {.out = stderr, .verbose = c->verbose};
    struct core_sink sink = batch_sink_make(&bs);
    int rc = flow_run(&req, &sink, batch_signals());
    if (bs.have_topology) {
        if (c->json)
            topology_write_json(&bs.last_topology, stdout);
        else
            topology_write_plain(&bs.last_topology, stdout);
    }
    return rc;
}

/* `rotwiz capture`: the read-only view, then every lunacm's read-only answers to one file. */
static int run_capture(const struct cli *c)
{
    struct flow_request req;
    fill_request(c, &req, FLOW_TOPOLOGY);
    req.batch = true;
    req.operator_name = c->operator_name ? c->operator_name : login_name();
    req.capture_path = c->output ? c->output : "-";
    req.capture_labels = c->with_labels;
    req.capture_mask_serials = c->mask_serials;
    struct batch_sink bs = {.out = stderr, .verbose = c->verbose};
    struct core_sink sink = batch_sink_make(&bs);
    int rc = flow_run(&req, &sink, batch_signals());
    if (c->output && rc == EXIT_DONE)
        fprintf(stderr, "rotwiz: capture written to %s: review it, then send it\n", c->output);
    return rc;
}

/* Exports SESSION_DIR; a broken journal chain still exports, and says so. 0 or -1. */
static int export_cb(const char *session_dir, const char *format, const char *path, char *err,
                     size_t len)
{
    enum export_format fmt;
    if (export_format_parse(format, &fmt) != 0) {
        snprintf(err, len, "unknown export format '%s' (text, jsonl or cast)", format);
        return -1;
    }
    return export_session(session_dir, fmt, path, err, len) == EXPORT_FAILED ? -1 : 0;
}

static const char *latest_session(void *ud)
{
    (void)ud;
    const char *s = flow_last_session();
    return *s ? s : NULL;
}

/* The state folder the wizard records in (--state-dir, else the default). */
static const char *wizard_state_dir;

static size_t list_sessions(void *ud, struct tui_session *out, size_t max)
{
    (void)ud;
    struct export_pick picks[TUI_MAX_SESSIONS];
    size_t n = export_list_sessions(wizard_state_dir, picks,
                                    max < TUI_MAX_SESSIONS ? max : TUI_MAX_SESSIONS);
    for (size_t i = 0; i < n; i++) {
        _Static_assert(sizeof out->dir == sizeof picks->dir &&
                       sizeof out->flow == sizeof picks->flow &&
                       sizeof out->label == sizeof picks->label, "same sizes");
        memcpy(out[i].dir, picks[i].dir, sizeof out[i].dir);
        memcpy(out[i].flow, picks[i].flow, sizeof out[i].flow);
        memcpy(out[i].label, picks[i].label, sizeof out[i].label);
        out[i].resumable = picks[i].resumable;
    }
    return n;
}

static int run_wizard(const struct cli *c, bool topology_only, const char *lab_dir)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "rotwiz: the wizard needs a terminal; for scripts use the batch "
                        "commands (backup|restore|migrate|prepare-target --batch) or topology "
                        "--json|--plain\n");
        return EXIT_USAGE;
    }
    /* the start screen shows the authentication type: --auth, else the configuration's */
    const char *auth = c->auth;
    struct rotwiz_config cfg;
    char err[512];
    bool have_cfg = c->config && config_load(c->config, &cfg, err, sizeof err);
    if (!auth && have_cfg)
        auth = config_auth_name(cfg.auth);
    struct tui_options o = {
        .config_path = c->config, .secrets_path = c->secrets, .auth = auth,
        .auth_override = c->auth, .state_dir = c->state_dir, .operator_name = c->operator_name,
        .witness_count = c->witness_count, .no_color = c->no_color, .simulated = c->simulate,
        .lab_dir = lab_dir, .export_session = export_cb, .latest_session_dir = latest_session,
        .list_sessions = list_sessions,
    };
    wizard_state_dir = c->state_dir;
    for (size_t i = 0; i < c->witness_count; i++)
        o.witnesses[i] = c->witnesses[i];
    int rc = topology_only ? tui_topology(&o) : tui_wizard(&o);
    flow_carry_end(); /* an RBS a backup left running for a restore that did not come */
    if (have_cfg)
        config_free(&cfg);
    return rc;
}

static int dispatch(struct cli *c, const char *lab_dir)
{
    const char *cmd = c->command;
    if (cmd && strcmp(cmd, "export") == 0) {
        char err[512], dir[1024];
        err[0] = '\0';
        /* SESSION: its folder, or its id under --state-dir (INTERFACE.md) */
        if (export_resolve_session(c->session, c->state_dir, dir, sizeof dir, err,
                                   sizeof err) != 0) {
            fprintf(stderr, "rotwiz: %s\n", err);
            return EXIT_USAGE;
        }
        if (export_cb(dir, c->format, c->output, err, sizeof err) != 0) {
            fprintf(stderr, "rotwiz: %s\n", err);
            return EXIT_USAGE;
        }
        if (err[0]) /* exported, with a warning (a broken journal chain) */
            fprintf(stderr, "rotwiz: warning: %s\n", err);
        if (c->output)
            fprintf(stderr, "rotwiz: exported to %s (and %s.sha256)\n", c->output, c->output);
        return EXIT_DONE;
    }
    if (cmd && strcmp(cmd, "topology") == 0)
        return c->json || c->plain ? run_topology_text(c) : run_wizard(c, true, lab_dir);
    if (cmd && strcmp(cmd, "capture") == 0)
        return run_capture(c);
    if (cmd && strcmp(cmd, "backup") == 0)
        return run_batch(c, FLOW_BACKUP);
    if (cmd && strcmp(cmd, "restore") == 0)
        return run_batch(c, FLOW_RESTORE);
    if (cmd && strcmp(cmd, "prepare-target") == 0)
        return run_batch(c, FLOW_PREPARE_TARGET);
    if (cmd && strcmp(cmd, "migrate") == 0)
        return run_batch(c, FLOW_MIGRATE);
    return run_wizard(c, false, lab_dir);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    secure_init();  /* no core dumps: they could hold secrets */
    struct cli c = {0};
    int rc = parse(argc, argv, &c);
    if (rc >= 0)
        return rc;
    if ((rc = validate(&c)) >= 0)
        return rc;
    bool exporting = c.command && strcmp(c.command, "export") == 0;   /* reads only */
    if (!exporting && ((rc = check_names(&c)) >= 0 || (rc = check_state_dir(&c)) >= 0))
        return rc;
    if (!c.simulate)
        return dispatch(&c, NULL);

    struct simlab lab = {0};
    char err[512];
    if (simlab_start(&lab, c.auth, c.lab_args, c.lab_arg_count, err, sizeof err) != 0) {
        fprintf(stderr, "rotwiz: %s\n", err);
        return EXIT_CONNECT;
    }
    if (!c.config)
        c.config = lab.config;
    if (!c.secrets)
        c.secrets = lab.secrets;
    /* with --simulate, record sessions in the normal state folder so they can be exported
     * after the lab is gone */
    rc = dispatch(&c, lab.dir);
    simlab_stop(&lab);
    return rc;
}
