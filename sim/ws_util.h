/* ws_util.h: what the workstation tools (rbs, pedserver, ped) share: the --dir argument, the
 * operator's prompts (lines and secrets, from a terminal or a pipe) and pid files in DIR/run. */
#ifndef SIM_WS_UTIL_H
#define SIM_WS_UTIL_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Removes "--dir DIR" (or "--dir=DIR") from argv, storing DIR (made absolute) in dir.
 * Falls back to $ROTWIZ_SIM_DIR. Returns the new argc, or -1 when no lab folder is given. */
int ws_take_dir(int argc, char **argv, char *dir, size_t dirlen);

/* Prints PROMPT and reads one line from stdin (newline removed). Returns 0, or -1 on EOF. */
int ws_prompt_line(const char *prompt, char *buf, size_t len);

/* Like ws_prompt_line with echo turned off when stdin is a terminal. */
int ws_prompt_secret(const char *prompt, char *buf, size_t len);

/* DIR/run/NAME.pid into path; creates DIR/run. */
void ws_pid_path(const char *dir, const char *name, char *path, size_t len);
/* Writes our pid to DIR/run/NAME.pid. 0 or -1. */
int ws_pid_write(const char *dir, const char *name);
/* The live process recorded in DIR/run/NAME.pid whose command line mentions WHAT, or 0. */
pid_t ws_pid_read_live(const char *dir, const char *name, const char *what);

/* Stores VALUE (a new reference is taken) at state.json KEY1.KEY2, creating KEY1 as an object
 * when needed. Locks for the write only. 0 or -1. */
int ws_state_set(const char *dir, const char *key1, const char *key2, json_t *value);

#endif
