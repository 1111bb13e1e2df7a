/* job.h: a local helper program (rbs, pedserver, lunacm on the workstation) run in a pty.
 *
 * The program gets a fresh pty as its controlling terminal, so it prompts and echoes as it
 * would for a person; its output is read through job_stream(). Secrets are never put on its
 * command line or in its environment: they are typed into the pty (see conv.h). */
#ifndef ROTWIZ_JOB_H
#define ROTWIZ_JOB_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct stream;
struct job;

/* What to run. */
struct job_spec {
    const char *const *argv;   /* argv[0] is searched in PATH when it has no '/' */
    const char *const *env;    /* "NAME=value" entries added to (or replacing in) the
                                  inherited environment; NULL-terminated; may be NULL */
    const char *cwd;           /* working directory, NULL = unchanged */
    unsigned short rows, cols; /* pty size; 0 = 24 x 80 */
};

/* Starts the program. Returns NULL with a message in ERR when the pty or fork fails; a program
 * that cannot be executed starts, prints why and exits 127. */
struct job *job_start(const struct job_spec *spec, char *err, size_t errlen);
/* The pty master as a stream (owned by the job). Give it a conversation (conv_new) for the
 * job's whole life: that drains its output into the transcript during every wait, and a
 * helper whose output nobody reads blocks once the pty buffer is full. */
struct stream *job_stream(struct job *j);
/* Process id of the program. */
pid_t job_pid(const struct job *j);
/* Reaps the program if it has exited (never blocks). True once it has; then *STATUS (if not
 * NULL) gets the waitpid status (use WIFEXITED/WEXITSTATUS). */
bool job_exited(struct job *j, int *status);
/* Sends SIGTERM, waits up to GRACE_MS for the exit, then SIGKILL and reaps. */
void job_kill(struct job *j, int grace_ms);
/* Kills (1 s grace) if still running, closes the pty and frees. NULL is ignored. */
void job_free(struct job *j);

#endif
