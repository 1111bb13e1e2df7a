/* lunacm_cmd.c: the command table, short forms, option parsing and the read-run loop. */
#include "capture_replay.h"
#include "lunacm.h"
#include "state_model.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define LCM_BANNER "lunacm (64-bit) v10.4.0-275. Copyright (c) 2022 Thales Group. " \
                   "All rights reserved."

static const struct lcm_opt no_opts[] = {{NULL, NULL, false}};
static const struct lcm_opt slot_opts[] = {{"slot", "s", true}, {NULL, NULL, false}};
static const struct lcm_opt login_opts[] = {
    {"name", "n", true}, {"password", "p", true}, {NULL, NULL, false}};
static const struct lcm_opt clear_opts[] = {{"force", "f", false}, {NULL, NULL, false}};
static const struct lcm_opt backup_opts[] = {
    {"slot", "s", true},        {"partition", "par", true}, {"domain", "dom", true},
    {"sopassword", "sopw", true}, {"password", "pw", true}, {"append", NULL, false},
    {"replace", NULL, false},   {"force", "f", false},      {NULL, NULL, false}};
/* The vendor spells -s, -partition, -do, -sop, -pas: unique prefixes (or aliases) of these. */
static const struct lcm_opt restore_opts[] = {
    {"slot", "s", true},          {"partition", "par", true}, {"domain", "dom", true},
    {"sopassword", "sopw", true}, {"password", "pw", true},   {NULL, NULL, false}};
static const struct lcm_opt archive_opts[] = {
    {"slot", "s", true},          {"partition", "par", true}, {"password", "pw", true},
    {"sopassword", "sopw", true}, {NULL, NULL, false}};
static const struct lcm_opt ped_set_opts[] = {
    {"ip", "i", true}, {"port", "p", true}, {NULL, NULL, false}};
static const struct lcm_opt ped_vector_opts[] = {
    {"init", "i", false}, {"force", "f", false}, {NULL, NULL, false}};
static const struct lcm_opt force_opts[] = {{"force", "f", false}, {NULL, NULL, false}};

const struct lcm_cmd lcm_commands[] = {
    {{"slot", "list"}, lcm_cmd_slot_list, no_opts, true, true, "List the available slots"},
    {{"slot", "set"}, lcm_cmd_slot_set, slot_opts, true, true,
     "Set the current slot: slot set -slot <id>"},
    {{"role", "login"}, lcm_cmd_role_login, login_opts, true, true,
     "Log in: role login -name co|so [-password <pw>]"},
    {{"role", "logout"}, lcm_cmd_role_logout, no_opts, true, true, "Log out"},
    {{"role", "show"}, lcm_cmd_role_show, no_opts, true, true,
     "Show who is logged in on the current slot"},
    {{"partition", "contents"}, lcm_cmd_partition_contents, no_opts, true, false,
     "List the objects of the current partition"},
    {{"partition", "show"}, lcm_cmd_partition_show, no_opts, true, false,
     "Show the current partition"},
    {{"partition", "clear"}, lcm_cmd_partition_clear, clear_opts, true, false,
     "Delete every object of the current partition"},
    {{"partition", "archive", "backup"}, lcm_cmd_archive_backup, backup_opts, true, false,
     "Back up the partition: -slot <backup slot> -partition <name> [-domain <d>] "
     "[-sopassword <pw>] [-password <pw>] [-append|-replace]"},
    {{"partition", "archive", "restore"}, lcm_cmd_archive_restore, restore_opts, true, false,
     "Restore into the partition: -slot <backup slot> -partition <name> [-domain <d>] "
     "[-sopassword <pw>] [-password <pw>]"},
    {{"partition", "archive", "list"}, lcm_cmd_archive_list, slot_opts, true, false,
     "List the partitions of a Backup HSM: -slot <backup slot>"},
    {{"partition", "archive", "contents"}, lcm_cmd_archive_contents, archive_opts, true, false,
     "List the objects of a backup: -slot <backup slot> -partition <name> [-password <pw>] "
     "[-sopassword <pw>]"},
    {{"ped", "set"}, lcm_cmd_ped_set, ped_set_opts, true, true,
     "Set the Remote PED server: ped set -ip <address> -port <port>"},
    {{"ped", "get"}, lcm_cmd_ped_get, no_opts, true, true, "Show which PED the HSM uses"},
    {{"ped", "show"}, lcm_cmd_ped_show, no_opts, true, true,
     "Show the Remote PED server configuration"},
    {{"ped", "connect"}, lcm_cmd_ped_connect, ped_set_opts, true, true,
     "Connect to the Remote PED server"},
    {{"ped", "disconnect"}, lcm_cmd_ped_disconnect, no_opts, true, true,
     "Disconnect from the Remote PED server"},
    {{"ped", "vector", "init"}, lcm_cmd_ped_vector_init, force_opts, true, true,
     "Initialise the Remote PED Vector (orange key)"},
    {{"ped", "vector"}, lcm_cmd_ped_vector, ped_vector_opts, true, true,
     "ped vector -init: same as ped vector init"},
    {{"hsm", "ped", "vector", "init"}, lcm_cmd_ped_vector_init, force_opts, true, true,
     "Same as ped vector init"},
    {{"hsm", "show"}, lcm_cmd_hsm_show, no_opts, true, true, "Show the HSM"},
    {{"help"}, lcm_cmd_help, no_opts, true, true, "Show this list"},
};
const size_t lcm_command_count = sizeof lcm_commands / sizeof lcm_commands[0];

const char *lcm_arg(const struct lcm_args *a, const char *name)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->name[i], name) == 0)
            return a->value[i];
    return NULL;
}

const char *lcm_arg_typed(const struct lcm_args *a, const char *name)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->name[i], name) == 0)
            return a->typed[i];
    return NULL;
}

/* Splits LINE in place into words; double quotes group words. Returns the count. */
static int tokenize(char *line, char **tok, int max)
{
    int n = 0;
    char *s = line;
    while (*s && n < max) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        char *w = s, *d = s;
        bool quoted = false;
        while (*s && (quoted || !isspace((unsigned char)*s))) {
            if (*s == '"')
                quoted = !quoted;
            else
                *d++ = *s;
            s++;
        }
        if (*s)
            s++;
        *d = '\0';
        tok[n++] = w;
    }
    return n;
}

static bool cmd_available(const struct lcm *c, const struct lcm_cmd *cmd)
{
    return c->workstation ? cmd->on_workstation : cmd->on_k570;
}

static size_t word_count(const struct lcm_cmd *cmd)
{
    size_t n = 0;
    while (n < 4 && cmd->words[n])
        n++;
    return n;
}

/* Finds the command named by the leading words of TOK (each word may be shortened to a
 * unique prefix, as lunacm accepts `par con`). Returns it and the words used, or NULL with a
 * message in c->errmsg. */
static const struct lcm_cmd *match_command(struct lcm *c, char **tok, int ntok, int *used)
{
    bool alive[sizeof lcm_commands / sizeof lcm_commands[0]];
    size_t n = lcm_command_count;
    for (size_t i = 0; i < n; i++)
        alive[i] = cmd_available(c, &lcm_commands[i]);
    int level = 0;
    for (; level < ntok && tok[level][0] != '-'; level++) {
        const char *t = tok[level];
        const char *exact = NULL, *prefix = NULL;
        bool ambiguous = false;
        for (size_t i = 0; i < n; i++) {
            const char *w = alive[i] && level < 4 ? lcm_commands[i].words[level] : NULL;
            if (!w)
                continue;
            if (strcasecmp(w, t) == 0)
                exact = w;
            else if (strncasecmp(w, t, strlen(t)) == 0) {
                if (prefix && strcmp(prefix, w) != 0)
                    ambiguous = true;
                prefix = w;
            }
        }
        const char *pick = exact ? exact : prefix;
        if (!pick)
            break; /* an extra word: let the arity check below decide */
        if (!exact && ambiguous) {
            lcm_error(c, "'%s' is ambiguous", t);
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            if (alive[i] && (!lcm_commands[i].words[level] ||
                             strcmp(lcm_commands[i].words[level], pick) != 0))
                alive[i] = false;
    }
    for (size_t i = 0; i < n; i++)
        if (alive[i] && word_count(&lcm_commands[i]) == (size_t)level) {
            *used = level;
            return &lcm_commands[i];
        }
    lcm_error(c, "Command not found");
    return NULL;
}

static const struct lcm_opt *match_option(const struct lcm_opt *opts, const char *t)
{
    const struct lcm_opt *prefix = NULL;
    int prefixes = 0;
    for (const struct lcm_opt *o = opts; o->name; o++) {
        if (strcasecmp(o->name, t) == 0 || (o->alias && strcasecmp(o->alias, t) == 0))
            return o;
        if (strncasecmp(o->name, t, strlen(t)) == 0) {
            prefix = o;
            prefixes++;
        }
    }
    return prefixes == 1 ? prefix : NULL;
}

static unsigned long parse_options(struct lcm *c, const struct lcm_opt *opts, char **tok,
                                   int ntok, struct lcm_args *a)
{
    a->n = 0;
    for (int i = 0; i < ntok; i++) {
        if (tok[i][0] != '-' || !tok[i][1]) {
            lcm_error(c, "Unexpected argument '%s'", tok[i]);
            return LCM_ARGUMENTS_BAD;
        }
        const struct lcm_opt *o = match_option(opts, tok[i] + 1);
        if (lcm_opt_dropped(c, o))
            o = NULL;
        if (!o) {
            lcm_error(c, "Invalid parameter '%s'", tok[i]);
            return LCM_ARGUMENTS_BAD;
        }
        if (a->n >= LCM_MAX_ARGS)
            return LCM_ARGUMENTS_BAD;
        a->name[a->n] = o->name;
        a->typed[a->n] = tok[i];
        a->value[a->n] = "";
        if (o->has_value) {
            if (i + 1 >= ntok) {
                lcm_error(c, "Parameter '-%s' needs a value", o->name);
                return LCM_ARGUMENTS_BAD;
            }
            a->value[a->n] = tok[++i];
        }
        a->n++;
    }
    return LCM_OK;
}

unsigned long lcm_execute(struct lcm *c, char *line, bool *quit)
{
    char typed[1024];
    snprintf(typed, sizeof typed, "%s", line);
    char *tok[48];
    int ntok = tokenize(line, tok, 48);
    *quit = false;
    if (ntok == 0)
        return LCM_OK;
    if (strcasecmp(tok[0], "exit") == 0 || strcasecmp(tok[0], "quit") == 0) {
        *quit = true;
        return LCM_OK;
    }
    lab_latency(&c->p);
    /* --from-capture: what the real device printed for a covered read-only command */
    if (capture_replay_command(c, typed))
        return LCM_OK;
    c->errmsg[0] = '\0';
    lcm_blank(c);
    int used = 0;
    unsigned long rc;
    struct lcm_args args;
    const struct lcm_cmd *cmd = match_command(c, tok, ntok, &used);
    if (!cmd)
        rc = LCM_COMMAND_NOT_FOUND;
    else if (lcm_help_requested(tok + used, ntok - used))
        rc = lcm_cmd_syntax(c, cmd);
    else if ((rc = parse_options(c, cmd->opts, tok + used, ntok - used, &args)) == LCM_OK)
        rc = cmd->run(c, &args);
    lcm_result(c, rc);
    return rc;
}

static void print_prompt(struct lcm *c)
{
    fprintf(c->out, "lunacm:>");
    fflush(c->out);
}

int lcm_run(struct lcm *c)
{
    struct lcm_slot slots[LCM_MAX_SLOTS];
    char line[1024];
    lab_latency(&c->p);
    int n = lcm_slots(c, slots, LCM_MAX_SLOTS);
    c->cur_slot = n > 0 ? slots[0].id : -1;
    if (!capture_replay_startup(c)) {
        fprintf(c->out, "%s\n\n", LCM_BANNER);
        lcm_say(c, "Available HSMs:");
        lcm_blank(c);
        lcm_print_slots(c, slots, n);
        lcm_blank(c);
        if (c->cur_slot >= 0)
            lcm_say(c, "Current Slot Id: %d", c->cur_slot);
        else
            lcm_say(c, "Current Slot Id: None");
        lcm_blank(c);
    }
    for (;;) {
        bool quit = false;
        print_prompt(c);
        if (lcm_read_line(c, line, sizeof line) != 0) {
            fputc('\n', c->out);
            break;
        }
        lcm_execute(c, line, &quit);
        if (quit)
            break;
    }
    fflush(c->out);
    return 0;
}

int lcm_init(struct lcm *c, const char *dir, const char *device, bool workstation)
{
    char err[512];
    memset(c, 0, sizeof *c);
    if (lab_params_load(dir, &c->p, err, sizeof err) != 0) {
        fprintf(stderr, "lunacm: %s\n", err);
        return -1;
    }
    snprintf(c->device, sizeof c->device, "%s", device);
    c->workstation = workstation;
    c->cur_slot = -1;
    c->login_slot = -1;
    c->in = stdin;
    c->out = stdout;
    c->tty = isatty(fileno(stdin)) == 1;
    json_t *root = NULL;
    if (lcm_state_snapshot(c, &root) != 0)
        return -1;
    bool known = sm_hsm(root, device) != NULL;
    json_decref(root);
    if (!known) {
        fprintf(stderr, "lunacm: no simulated HSM named '%s' in this lab\n", device);
        return -1;
    }
    return 0;
}

static int usage(const char *mode, bool workstation)
{
    fprintf(stderr, "usage: rotwiz-sim %s --dir DIR%s [-c COMMAND]\n", mode,
            workstation ? "" : " --appliance NAME");
    return 2;
}

int lcm_main(int argc, char **argv, bool workstation)
{
    const char *dir = NULL, *appliance = workstation ? "backup" : NULL, *command = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (!workstation && strcmp(argv[i], "--appliance") == 0 && i + 1 < argc)
            appliance = argv[++i];
        else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            command = argv[++i];
        else {
            /* What the operator typed after lunacm: answer like the tool, not like the lab. */
            fprintf(stderr, "lunacm: invalid option '%s'\nUsage: lunacm [-c \"<command>\"]\n",
                    argv[i]);
            return 2;
        }
    }
    if (!dir || !appliance)
        return usage(argv[0], workstation);
    struct lcm c;
    if (lcm_init(&c, dir, appliance, workstation) != 0)
        return 1;
    setvbuf(stdout, NULL, _IOFBF, 1 << 14);
    /* Byte-wise input: when the shell hands us a pipe, what follows `exit` is the shell's. */
    setvbuf(stdin, NULL, _IONBF, 0);
    if (command) {
        /* One command and out (invented: `lunacm -c "slot list"`), the current slot being the
         * first one listed, as at an interactive start. */
        struct lcm_slot slots[LCM_MAX_SLOTS];
        char line[1024];
        bool quit = false;
        int n = lcm_slots(&c, slots, LCM_MAX_SLOTS);
        c.cur_slot = n > 0 ? slots[0].id : -1;
        snprintf(line, sizeof line, "%s", command);
        unsigned long rc = lcm_execute(&c, line, &quit);
        fflush(stdout);
        return rc == LCM_OK ? 0 : 1;
    }
    return lcm_run(&c);
}
