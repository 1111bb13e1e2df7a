/* tui.h: entry points of the full-screen wizard, called by the command line (tui/main.c). */
#ifndef ROTWIZ_TUI_H
#define ROTWIZ_TUI_H
#include <stdbool.h>
#include <stddef.h>
#include "runner.h"

/* A recorded session as the export dialog and the start screen list it. */
struct tui_session {
    char dir[600];
    char flow[32];
    char label[200];                    /* "2026-11-30 09:40  backup  done (exit 0)" */
    bool resumable;                     /* never ended: the same task continues it */
};
#define TUI_MAX_SESSIONS 32

/* What the command line hands the wizard. Strings must outlive the call. */
struct tui_options {
    const char *config_path;            /* shown on the start screen and passed to flows */
    const char *secrets_path;           /* NULL: none; missing secrets are asked for */
    const char *auth;                   /* authentication type to show: "password" / "ped" */
    const char *auth_override;          /* --auth, or NULL */
    const char *state_dir;              /* where sessions are recorded */
    const char *operator_name;          /* --operator, or NULL (the flow asks) */
    const char *witnesses[FLOW_MAX_WITNESSES];
    size_t witness_count;
    bool no_color;                      /* --no-color (NO_COLOR is read by the wizard itself) */
    bool simulated;                     /* --simulate: show the "SIMULATED LAB" banner */
    const char *lab_dir;                /* the simulated lab's folder, shown with the banner */
    /* Exports SESSION_DIR as FORMAT ("text", "jsonl", "cast") to PATH; 0 on success, else a
     * message in err. NULL: export is unavailable. */
    int (*export_session)(const char *session_dir, const char *format, const char *path,
                          char *err, size_t len);
    /* The latest recorded session folder (proposed in the export dialog), or NULL. */
    const char *(*latest_session_dir)(void *ud);
    /* The recorded sessions, newest first, at most MAX into OUT; how many. NULL: none. */
    size_t (*list_sessions)(void *ud, struct tui_session *out, size_t max);
    void *ud;
};

/* The full wizard: start screen, then the chosen flow. Returns an INTERFACE.md exit code
 * (0 done, 6 cancelled, or the exit code of the last flow run). */
int tui_wizard(const struct tui_options *o);

/* The read-only topology view (FLOW_TOPOLOGY, 'r' refreshes). Returns the flow's exit code. */
int tui_topology(const struct tui_options *o);

#endif
