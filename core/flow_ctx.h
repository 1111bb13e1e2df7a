/* flow_ctx.h: the state of one running flow, shared by the engine (flow.c) and the actions
 * (flow_act_*.c). Internal to the core. */
#ifndef ROTWIZ_FLOW_CTX_H
#define ROTWIZ_FLOW_CTX_H
#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "conv.h"
#include "core_event.h"
#include "flow.h"
#include "flow_carry.h"
#include "flow_def.h"
#include "luna_parse.h"
#include "model.h"

struct ssh_conn;
struct stream;
struct job;
struct waitset;
struct masker;
struct journal;
struct session;
struct transcript;
struct secret_store;
struct ledger;

/* An appliance record (role, serial) of an interrupted session being continued. */
#define FLOW_PRIOR_APPS 8
struct flow_prior_app {
    char role[32];
    char serial[64];
};

/* A listing read while flow_ctx.changes had the value AT: still what the device holds while
 * changes keeps that value (flow_fresh_mark, flow_fresh_take). */
struct flow_fresh {
    bool set;
    int lane;                            /* whose listing: a k570's role or the workstation */
    unsigned long at;
};

/* The transcript host of a k570's second shell: its role name and this ("source-help"). */
#define FLOW_ASIDE_HOST_SUFFIX "-help"

/* What a lane's running step expects of the PED, and how far it got. */
struct flow_ped_wait {
    size_t prompts;                      /* PED prompts seen since the last expectation */
    enum ped_key expect[PED_MAX_KEYS];   /* keys the next PED operation asks, in order */
    enum ped_hsm hsm[PED_MAX_KEYS];      /* whose each key is */
    size_t count;
};

/* One k570 as the flow uses it. */
struct flow_appliance {
    const struct config_appliance *cfg;  /* NULL when the config has none */
    struct ssh_conn *ssh;
    struct stream *shell;                /* the PTY shell lunacm runs in */
    struct conv *conv;
    bool lunacm_running;
    long user_slot, admin_slot, net_slot;  /* ids as listed; -1 when not found */
    char user_label[MODEL_TEXT];
    char user_firmware[MODEL_TEXT];
    struct flow_fresh slots;             /* the last `slot list` (flow_act_k570.c) */
    bool in_luna_bin;                    /* the shell's cwd is the vtl folder (vtl_read) */
    bool preflight_pending;              /* no second shell: the preflight runs in this one
                                            (flow_preflight_pending) */
    bool vtl_listed;                     /* vtl listservers was read in this shell, and only a
                                            later vtl command could change it */
    struct stream *aside_shell;          /* a second shell on the same SSH connection, for
                                            read-only work beside the first (the preflight);
                                            its transcript host is "<role>-help" */
    struct conv *aside_conv;
};

/* The workstation's local helpers. */
struct flow_workstation {
    struct job *rbs;                     /* `rbs s -port P`, kept for the session */
    struct conv *rbs_conv;
    struct job *lunacm;                  /* the workstation's lunacm (Backup HSM over USB) */
    struct conv *lunacm_conv;
    struct luna_version client;          /* the workstation's Luna client (lunacm banner) */
    long backup_slot;                    /* the Backup HSM's slot on the workstation */
    bool backup_slot_set;                /* ...made the current slot of its lunacm */
    size_t backup_hsms;                  /* how many the workstation sees */
    unsigned rbs_configured;             /* rbs --config runs this session */
    struct flow_fresh slots;             /* the last listing its lunacm printed */
};

struct flow_ctx {
    const struct flow_request *req;
    const struct core_sink *sink;
    struct rotwiz_config cfg;
    bool ped;                            /* PED-authenticated HSMs */
    enum appliance_role role;            /* the k570 this flow works on */
    struct secret_store *secrets;
    struct masker *masker;
    struct session *session;
    struct journal *journal;             /* the session's */
    struct transcript *transcript;       /* the session's */
    struct ledger *ledger;               /* failed logins (ledger.h); NULL for the topology view */
    char session_dir[512];
    char resumed_from[64];               /* last step of the interrupted run continued, or "" */
    struct flow_prior_app prior_apps[FLOW_PRIOR_APPS]; /* ...and its appliances (flow_resume.h) */
    size_t prior_app_count;
    struct waitset *ws;
    struct conv_timeouts timeouts;
    struct topology topo;
    struct flow_def def;
    struct step_view *views;
    size_t current;                      /* index of the running step */
    const struct flow_step_def *step;    /* the running step */
    struct flow_ped_wait ped_wait[FLOW_LANES]; /* per lane: a PED prompt belongs to the lane of the
                                            host that printed it (flow_lanes.h) */
    bool appliance_rpv_needed;           /* ped connect failed: the k570 needs a new RPV */
    unsigned not_retryable;              /* logins sent and typed confirmations so far: a step
                                            that did either is never offered "check again" */
    struct flow_appliance app[MODEL_ROLES];
    struct flow_workstation wsn;
    struct luna_objects source_objects;  /* recorded before a backup */
    bool have_source_objects;
    struct luna_objects backup_objects;  /* the backup partition as last listed */
    bool have_backup_objects;
    bool replace_backup;                 /* the next archive backup uses -replace */
    bool backup_already_done;            /* the Backup HSM holds the source's objects already */
    bool restore_already_done;           /* the target holds the backup's objects (by UID) */
    struct flow_carry_facts carry;       /* people, and what an earlier backup left (wizard) */
    unsigned long changes[FLOW_LANES];   /* lines typed that may change a device (all but help,
                                            -help and slot list), per lane of the host they went
                                            to, and operator pauses (every lane): a listing read
                                            while these had given values still holds while they
                                            have them (flow_may_change, flow_fresh_take) */
    const char *lane_step[FLOW_LANES];   /* the id of the step each lane runs, or ran last: a
                                            k570's transcript lines are its lane's step's */
    /* the failure being reported */
    int exit_code;
    char cause[1024];
    char fix[512];
};

/* An action of the step table: does the step's work and verifies its effect. Returns 0, or an
 * enum rotwiz_exit code after flow_fail(). */
typedef int flow_action_fn(struct flow_ctx *fx, const struct flow_step_def *step);

/* The action named NAME, or NULL. */
flow_action_fn *flow_action_find(const char *name);

/* Records the failure; returns CODE so actions can `return flow_fail(...)`. CAUSE is printf. */
int flow_fail(struct flow_ctx *fx, int code, const char *fix, const char *cause, ...)
    __attribute__((format(printf, 4, 5)));

/* The PED keys the next command will ask for, in order, and whose they are (what the PED pane
 * shows). Each step starts with its own list from the step table. */
void flow_ped_expect(struct flow_ctx *fx, const enum ped_key *keys, const enum ped_hsm *hsms,
                     size_t count);
/* The PED expectation of the running step's lane. */
struct flow_ped_wait *flow_ped_wait_of_step(struct flow_ctx *fx);
/* The same with one key whose HSM is HSM (PED_KEY_ANY when the step cannot know the key). */
void flow_ped_expect_one(struct flow_ctx *fx, enum ped_key key, enum ped_hsm hsm);

/* The step's command template (steps.conf `command`) with {user_slot}, {admin_slot},
 * {net_slot} and {co_password} (a CONV_SECRET mark) filled. Returns malloc'd text or NULL. */
char *flow_step_command(struct flow_ctx *fx, const struct flow_step_def *step);

/* The typed confirmation of an irreversible step: the wizard asks the operator to type
 * EXPECTED; batch mode needs ALLOWED (a command-line option naming it). The confirmation is
 * journaled (fsynced) before the function returns 0. */
int flow_confirm_typed(struct flow_ctx *fx, const char *title, const char *prompt,
                       const char *expected, bool allowed, const char *batch_fix);

/* Maps a conversation error to a failure (timeout 7, cancel 6, closed 3...). */
int flow_fail_conv(struct flow_ctx *fx, struct conv *c, enum conv_error e);

/* A remark for the operator (journal + EV_NOTICE). */
void flow_notice(struct flow_ctx *fx, bool warning, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Something may have changed the devices since what was read last: a line typed that is not
 * read-only (flow_line counts those), or the operator had the hand (a hand step, "check
 * again"). */
void flow_may_change(struct flow_ctx *fx);
/* F was just read from a device on LANE (a k570's role, or FLOW_LANE_WORKSTATION). A k570's
 * listing holds while nothing was typed into that k570 or the workstation; the workstation's
 * while nothing was typed into the workstation's tools. */
void flow_fresh_mark(struct flow_ctx *fx, struct flow_fresh *f, int lane);
/* True when F was read and nothing may have changed since (flow_may_change); F is used up
 * either way: a step run again reads again. */
bool flow_fresh_take(struct flow_ctx *fx, struct flow_fresh *f);

/* Records and shows a line that is not from a device (TX_INFO) or a sent line. A sent line
 * other than `help`, `<command> -help`, `slot list` and `exit` counts as a change on the
 * lane of its host (flow_fresh_take). */
void flow_line(struct flow_ctx *fx, const char *host, enum tx_direction dir, const char *text);

/* The conversation callbacks of this flow (transcript, secrets, PED). */
struct conv_callbacks flow_conv_callbacks(struct flow_ctx *fx);

/* Emits EV_TOPOLOGY_CHANGED (and EV_SLOTS_CHANGED for ROLE when slots >= 0). */
void flow_topology_changed(struct flow_ctx *fx, int slots_role);

/* Runs a lunacm command on CONV and requires Command Result : No Error; WHAT names it for the
 * operator. On failure returns flow_fail's code (5 for an HSM error). R is filled either way
 * (free with conv_result_free). */
int flow_lunacm_ok(struct flow_ctx *fx, struct conv *c, const char *cmd,
                   const struct conv_opts *opts, struct conv_result *r, const char *what);

/* 0 while the session record can be written; else the failure (exit 8) that stops the flow
 * before the next device command. */
int flow_record_ok(struct flow_ctx *fx);

/* The Command Result check of flow_lunacm_ok, for a command already run. */
int flow_lunacm_check(struct flow_ctx *fx, struct conv *c, const struct conv_result *r,
                      const char *what);

/* A k570 by role, with its config; fails (exit 2) when the config has none. */
struct flow_appliance *flow_appliance(struct flow_ctx *fx, enum appliance_role role);

/* The k570 saw no Backup HSM through RBS: answer rbs --config once more and restart RBS. */
int flow_rbs_reselect(struct flow_ctx *fx);

/* True when a TCP connection to host:port succeeds within TIMEOUT_MS. */
bool flow_port_open(const char *host, int port, long timeout_ms);

/* Path of a workstation Luna tool (bin/NAME, else rbs/bin/NAME) into buf; false if missing. */
bool flow_ws_tool(const struct flow_ctx *fx, const char *name, char *buf, size_t len);

#endif
