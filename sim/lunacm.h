/* lunacm.h: the simulated lunacm interpreter shared by the k570 appliances (k570-lunacm) and
 * the workstation (ws-lunacm). One session = one struct lcm; every command handler prints its
 * own message lines and returns a result code that the dispatcher turns into the
 * "Command Result" line (FORMATS.md section 1). */
#ifndef SIM_LUNACM_H
#define SIM_LUNACM_H
#include "lab_params.h"
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Result codes printed as "Command Result : 0x<hex> (<name>)" (FORMATS.md section 6; the ones
 * marked invented are listed in sim/README.md). */
#define LCM_OK 0x0UL
#define LCM_CANCELLED 0xbUL
#define LCM_SLOT_ID_INVALID 0x3UL
#define LCM_ARGUMENTS_BAD 0x7UL
#define LCM_PIN_INCORRECT 0xa0UL
#define LCM_PIN_LOCKED 0xa4UL
#define LCM_TOKEN_NOT_PRESENT 0xe0UL
#define LCM_USER_ALREADY_LOGGED_IN 0x100UL
#define LCM_USER_NOT_LOGGED_IN 0x101UL
#define LCM_USER_TYPE_INVALID 0x103UL
#define LCM_CONTAINER_INVALID 0x80000005UL
#define LCM_CLONING_PARAM_EXISTS 0x80000008UL
#define LCM_CERTIFICATE_INVALID 0x8000000bUL
#define LCM_SO_LOGIN_THRESHOLD 0x8000001cUL
#define LCM_UNABLE_TO_CONNECT 0x8000001fUL
#define LCM_TIMEOUT 0x80000024UL
#define LCM_HSM_STORAGE_FULL 0x8000002aUL
#define LCM_PED_CLIENT_NOT_RUNNING 0x8000002dUL
#define LCM_PED_UNPLUGGED 0x8000002eUL
#define LCM_OPERATION_NOT_ALLOWED 0x80000030UL
#define LCM_OBJECT_EXISTS 0x8000006fUL
#define LCM_COMMAND_NOT_FOUND 0xffffffffUL

enum lcm_slot_kind { LCM_SLOT_USER, LCM_SLOT_ADMIN, LCM_SLOT_NETADMIN, LCM_SLOT_BACKUP };

/* One slot as `slot list` shows it at this moment. */
struct lcm_slot {
    int id;
    enum lcm_slot_kind kind;
    char label[64];
    char serial[64];
    char model[64];
    char firmware[32];
    char configuration[128];
    char description[48];
};

#define LCM_MAX_SLOTS 8

/* One interpreter session. */
struct lcm {
    struct sim_lab_params p;
    char device[32];        /* the HSM this lunacm talks to: "source", "target" or "backup" */
    bool workstation;       /* ws-lunacm (Backup HSM on USB) rather than a k570 */
    int cur_slot;           /* -1: none */
    int login_slot;         /* slot of the current login, -1: none */
    char login_role[8];     /* "co" or "so" when logged in */
    FILE *in;
    FILE *out;
    bool tty;               /* stdin is a terminal: we switch its echo off for secrets */
    char errmsg[256];       /* set by a handler for the "Error in execution" line */
};

/* Parsed command options: canonical option names and their values ("" for flags). */
#define LCM_MAX_ARGS 16
struct lcm_args {
    int n;
    const char *name[LCM_MAX_ARGS];
    const char *value[LCM_MAX_ARGS];
    const char *typed[LCM_MAX_ARGS];    /* the option as the operator spelled it ("-pas") */
};

/* One option of a command: canonical name, short alias, whether it takes a value. */
struct lcm_opt {
    const char *name;
    const char *alias;
    bool has_value;
};

/* One command of the table: its words, handler, options, where it exists, help line. */
struct lcm_cmd {
    const char *words[4];
    unsigned long (*run)(struct lcm *c, const struct lcm_args *a);
    const struct lcm_opt *opts;
    bool on_k570;
    bool on_workstation;
    const char *help;
};

/* The command table (lunacm_cmd.c) and its length. */
extern const struct lcm_cmd lcm_commands[];
extern const size_t lcm_command_count;

/* --- lunacm_cmd.c: the session --- */
/* Prepares a session for DEVICE from the lab in DIR. Returns 0 or -1 with a message on stderr. */
int lcm_init(struct lcm *c, const char *dir, const char *device, bool workstation);
/* Prints the banner and slot list, then reads and runs commands until exit/quit or EOF.
 * Returns the process exit status. */
int lcm_run(struct lcm *c);
/* Runs one command line; returns its result code (already printed). Sets *quit on exit. */
unsigned long lcm_execute(struct lcm *c, char *line, bool *quit);
/* The value of option NAME, or NULL when absent. */
const char *lcm_arg(const struct lcm_args *a, const char *name);
/* Option NAME as the operator typed it ("-pas" for -password), or NULL when absent. */
const char *lcm_arg_typed(const struct lcm_args *a, const char *name);
/* Common entry of both lunacm modes: parses --dir/--appliance and runs a session. */
int lcm_main(int argc, char **argv, bool workstation);

/* --- lunacm_syntax.c: <command> -help (knobs help-layout, drop-option) --- */
/* True when the option O is removed by knob drop-option. */
bool lcm_opt_dropped(const struct lcm *c, const struct lcm_opt *o);
/* True when the option words ask for the command's syntax (-help). */
bool lcm_help_requested(char **tok, int ntok);
/* Prints CMD's syntax in the layout of knob help-layout (never runs it). */
unsigned long lcm_cmd_syntax(struct lcm *c, const struct lcm_cmd *cmd);

/* --- lunacm_io.c: output and input --- */
/* Prints one message line: a TAB, the formatted text, a newline. */
void lcm_say(struct lcm *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints an empty line. */
void lcm_blank(struct lcm *c);
/* Prints an arrow field of slot list: name and arrow padded so the value starts 24 columns
 * after the indent; an empty value prints only "Name ->". */
void lcm_arrow(struct lcm *c, const char *name, const char *value);
/* Same with the value WIDTH columns after the indent (for names longer than slot list's). */
void lcm_arrow_w(struct lcm *c, int width, const char *name, const char *value);
/* Prints the result line of a command (and the "Error in execution" line when set). */
void lcm_result(struct lcm *c, unsigned long rc);
/* The text Luna prints in parentheses for RC. */
const char *lcm_rc_name(unsigned long rc);
/* Asks for a secret after PROMPT (printed after a TAB), echoing one '*' per character.
 * Returns 0, or -1 on end of input. */
int lcm_read_secret(struct lcm *c, const char *prompt, char *buf, size_t len);
/* lcm_read_secret for a secret of kind ASKED (secret_events.h) meant for DEVICE: the answer is
 * checked for a wrong-secret event. */
int lcm_ask_secret(struct lcm *c, const char *device, const char *asked, const char *prompt,
                   char *buf, size_t len);
/* Records a wrong-secret event when option NAME (a secret of kind ASKED for DEVICE) was given
 * with a known secret of another kind. */
void lcm_check_option(struct lcm *c, const struct lcm_args *a, const char *name,
                      const char *device, const char *asked);
/* Prints the proceed/quit confirmation and reads the answer. True for "proceed". */
bool lcm_confirm(struct lcm *c);
/* Reads one input line without its newline. Returns 0, or -1 on end of input. */
int lcm_read_line(struct lcm *c, char *buf, size_t len);
/* Sets c->errmsg. */
void lcm_error(struct lcm *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- lunacm_slot.c --- */
/* Fills SLOTS with what `slot list` shows now; returns how many. */
int lcm_slots(struct lcm *c, struct lcm_slot *slots, int max);
/* The visible slot with id ID, or false. */
bool lcm_find_slot(struct lcm *c, int id, struct lcm_slot *out);
/* Prints the slot list blocks (without result line). */
void lcm_print_slots(struct lcm *c, const struct lcm_slot *slots, int n);
/* Reads the state once; on success *root is a copy the caller frees. */
int lcm_state_snapshot(struct lcm *c, json_t **root);
/* Reads the -slot option into *id; false (with c->errmsg set) when absent or malformed. */
bool lcm_slot_arg(struct lcm *c, const struct lcm_args *a, int *id);
/* `slot list`: every visible slot. */
unsigned long lcm_cmd_slot_list(struct lcm *c, const struct lcm_args *a);
/* `slot set -slot N`: makes N the current slot. */
unsigned long lcm_cmd_slot_set(struct lcm *c, const struct lcm_args *a);

/* --- lunacm_role.c --- */
/* A credential collected from the operator: a password, or the outcome of a PED key. */
struct lcm_cred {
    bool ped;
    bool right_key;     /* PED: the requested colour was presented */
    char password[128];
};
/* Collects a credential for HSM (state name): GIVEN (an option value) or PROMPT on a
 * password HSM; key COLOUR on a PED HSM. Returns LCM_OK or the PED/end-of-input failure.
 * The secret's kind follows from the colour: blue SO, red domain, black the partition's
 * (Crypto Officer on a k570, backup partition password on the Backup HSM). */
unsigned long lcm_get_cred(struct lcm *c, const char *hsm, const char *given,
                           const char *prompt, const char *colour, struct lcm_cred *cred);
/* Checks an HSM SO credential against the state, counting failures (zeroise at 3). */
unsigned long lcm_verify_so(struct lcm *c, const char *hsm, const struct lcm_cred *cred);
/* Checks a partition (Crypto Officer) credential, counting failures (lock at the threshold). */
unsigned long lcm_verify_co(struct lcm *c, const char *hsm, const char *partition,
                            const struct lcm_cred *cred);
/* True when HSM (state name) uses PED authentication. */
bool lcm_hsm_is_ped(struct lcm *c, const char *hsm);
/* `role login -name co|so [-password P]` on the current slot. */
unsigned long lcm_cmd_role_login(struct lcm *c, const struct lcm_args *a);
/* `role show`: who is logged in on the current slot (output invented). */
unsigned long lcm_cmd_role_show(struct lcm *c, const struct lcm_args *a);
/* `role logout`. */
unsigned long lcm_cmd_role_logout(struct lcm *c, const struct lcm_args *a);
/* True when the Crypto Officer is logged in on the current slot. */
bool lcm_co_logged_in(struct lcm *c);

/* --- lunacm_partition.c --- */
/* `partition contents` of the current User Token Slot. */
unsigned long lcm_cmd_partition_contents(struct lcm *c, const struct lcm_args *a);
/* `partition show`: the current partition's label, serial and object count (invented). */
unsigned long lcm_cmd_partition_show(struct lcm *c, const struct lcm_args *a);
/* `partition clear [-force]`: deletes every object (CO login, confirmation). */
unsigned long lcm_cmd_partition_clear(struct lcm *c, const struct lcm_args *a);
/* Prints OBJS in the `partition contents` layout. */
void lcm_print_objects(struct lcm *c, json_t *objs, bool public_only);
/* Prints what an empty listing says (knob empty-wording); HEADER_SHOWN: a table header was
 * printed already (silent then prints nothing, else "Object list:"). */
void lcm_print_empty(struct lcm *c, bool header_shown);

/* --- lunacm_archive.c --- */
/* `partition archive backup`: clones the current partition to the Backup HSM. */
unsigned long lcm_cmd_archive_backup(struct lcm *c, const struct lcm_args *a);
/* `partition archive restore`: adds a backup's objects to the current partition. */
unsigned long lcm_cmd_archive_restore(struct lcm *c, const struct lcm_args *a);
/* `partition archive list -slot S`: the Backup HSM's partitions. */
unsigned long lcm_cmd_archive_list(struct lcm *c, const struct lcm_args *a);
/* `partition archive contents -slot S -partition P`: a backup's objects. */
unsigned long lcm_cmd_archive_contents(struct lcm *c, const struct lcm_args *a);

/* --- lunacm_arcsec.c: the secrets of archive commands (knobs prompt-order, prompt-words,
 * archive-prompts) --- */
/* The value of a secret option (sopassword, password, domain): NULL under
 * archive-prompts=ignore-options. */
const char *lcm_arc_opt(struct lcm *c, const struct lcm_args *a, const char *name);
/* Wrong-secret checks of the secret options of an archive command (device backup). */
void lcm_arc_option_events(struct lcm *c, const struct lcm_args *a);
/* Logs in as the Backup HSM SO (-sopassword, prompt or blue key) on backup slot SLOT. */
unsigned long lcm_arc_so_login(struct lcm *c, const struct lcm_args *a, int slot);
/* Collects the password (or black key) of existing backup partition PART. */
unsigned long lcm_arc_part_cred(struct lcm *c, const struct lcm_args *a, const char *part,
                                int slot, struct lcm_cred *cred);
/* Collects the cloning domain of an existing backup partition (restore). */
unsigned long lcm_arc_domain(struct lcm *c, const struct lcm_args *a, char *out, size_t len);
/* Collects password (or black key) and domain (or red key) of new backup partition PART. */
unsigned long lcm_arc_new_secrets(struct lcm *c, const struct lcm_args *a, const char *part,
                                  char *password, size_t plen, char *domain, size_t dlen);

/* --- lunacm_ped.c --- */
/* The HSM the ped commands act on: the Backup HSM while a k570's current slot is its Net
 * Admin Token Slot (the vendor's `slot set -s <net admin slot>` then `ped set`), else this
 * session's HSM. */
const char *lcm_ped_hsm(struct lcm *c);
/* Asks the PED serving HSM (a state name) for key COLOUR after "Please attend to the PED.":
 * through the Remote PED link when it is connected, else the PED plugged into that HSM's host
 * (the appliance, or the workstation for the Backup HSM). Returns LCM_OK, LCM_PIN_INCORRECT
 * (another key was presented), LCM_TIMEOUT, LCM_PED_UNPLUGGED or LCM_PED_CLIENT_NOT_RUNNING. */
unsigned long lcm_ped_key(struct lcm *c, const char *hsm, const char *colour);
/* `ped set -ip A [-port P]`: records the Remote PED server. */
unsigned long lcm_cmd_ped_set(struct lcm *c, const struct lcm_args *a);
/* `ped get`: which PED (local or remote) the HSM listens to. */
unsigned long lcm_cmd_ped_get(struct lcm *c, const struct lcm_args *a);
/* `ped show`: the Remote PED server configuration. */
unsigned long lcm_cmd_ped_show(struct lcm *c, const struct lcm_args *a);
/* `ped connect`: opens the Remote PED link (needs the RPV, orange key). */
unsigned long lcm_cmd_ped_connect(struct lcm *c, const struct lcm_args *a);
/* `ped disconnect`: closes the Remote PED link. */
unsigned long lcm_cmd_ped_disconnect(struct lcm *c, const struct lcm_args *a);
/* `ped vector init` (and `hsm ped vector init`): writes the RPV (orange key). */
unsigned long lcm_cmd_ped_vector_init(struct lcm *c, const struct lcm_args *a);
/* `ped vector -init`: the same. */
unsigned long lcm_cmd_ped_vector(struct lcm *c, const struct lcm_args *a);

/* --- lunacm_hsm.c --- */
/* `hsm show`: the HSM's identity and state. */
unsigned long lcm_cmd_hsm_show(struct lcm *c, const struct lcm_args *a);

/* --- lunacm_help.c --- */
/* `help`: the commands of this host. */
unsigned long lcm_cmd_help(struct lcm *c, const struct lcm_args *a);

#endif
