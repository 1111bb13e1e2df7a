/* job.c: forkpty, reap, kill. */
#include "job.h"
#include "lane_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "stream.h"

struct job {
    pid_t pid;
    int master;
    struct stream *stream;
    bool reaped;
    int status;
};

extern char **environ;

/* Builds the child's environment before fork: after fork in a threaded program only
 * async-signal-safe calls are allowed, so the child only calls close_range, sigaction,
 * sigprocmask, chdir, execve and write. */
static char **job_build_env(const char *const *extra)
{
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = calloc(n + m + 1, sizeof(*env));
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool replaced = false;
        for (size_t j = 0; j < m && !replaced; j++) {
            const char *eq = strchr(extra[j], '=');
            size_t nl = eq ? (size_t)(eq - extra[j]) : strlen(extra[j]);
            replaced = strncmp(environ[i], extra[j], nl) == 0 && environ[i][nl] == '=';
        }
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        env[k++] = (char *)extra[j];
    return env;
}

/* Resolves argv[0] in PATH before fork. Returns a malloc'd path or NULL. */
static char *job_resolve(const char *prog)
{
    if (strchr(prog, '/'))
        return strdup(prog);
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    size_t plen = strlen(prog);
    for (const char *p = path; *p;) {
        const char *end = strchr(p, ':');
        size_t dlen = end ? (size_t)(end - p) : strlen(p);
        char *cand = malloc(dlen + plen + 2);
        if (!cand)
            return NULL;
        snprintf(cand, dlen + plen + 2, "%.*s/%s", (int)dlen, dlen ? p : ".", prog);
        if (access(cand, X_OK) == 0)
            return cand;
        free(cand);
        if (!end)
            break;
        p = end + 1;
    }
    return strdup(prog);
}

struct job *job_start(const struct job_spec *spec, char *err, size_t errlen)
{
    struct job *j = calloc(1, sizeof(*j));
    char **env = job_build_env(spec->env);
    char *path = spec->argv && spec->argv[0] ? job_resolve(spec->argv[0]) : NULL;
    struct winsize wsz = {.ws_row = spec->rows ? spec->rows : 24,
                          .ws_col = spec->cols ? spec->cols : 80};
    if (!j || !env || !path) {
        snprintf(err, errlen, "cannot start a helper: %s",
                 path || !spec->argv ? "out of memory" : "no program given");
        goto fail;
    }
    j->master = -1;
    pid_t pid = forkpty(&j->master, NULL, NULL, &wsz);
    if (pid < 0) {
        snprintf(err, errlen, "cannot start %s: forkpty: %s", spec->argv[0], strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        /* Child: async-signal-safe calls only. Drop inherited descriptors (SSH sockets,
         * other ptys) so the helper holds nothing of ours. */
        close_range(3, ~0U, 0);
        /* Nor our signal dispositions: rotwiz ignores SIGPIPE, and a rotwiz started in the
         * background of a script inherits SIGINT and SIGQUIT ignored; a helper that ignored
         * them would not leave a prompt on the Ctrl-C rotwiz types into its pty. */
        static const int reset[] = {SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGHUP};
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        for (size_t k = 0; k < sizeof reset / sizeof reset[0]; k++)
            sigaction(reset[k], &dfl, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (spec->cwd && chdir(spec->cwd) != 0) {
            static const char msg[] = "rotwiz: cannot change to the helper's directory\r\n";
            (void)!write(2, msg, sizeof(msg) - 1);
            _exit(127);
        }
        execve(path, (char *const *)spec->argv, env);
        static const char msg[] = "rotwiz: cannot execute the helper program\r\n";
        (void)!write(2, msg, sizeof(msg) - 1);
        _exit(127);
    }
    j->pid = pid;
    fcntl(j->master, F_SETFD, FD_CLOEXEC);
    j->stream = stream_new_fd(j->master, true);
    if (!j->stream) {
        snprintf(err, errlen, "cannot start %s: out of memory", spec->argv[0]);
        job_free(j);
        j = NULL;
    }
    free(env);
    free(path);
    return j;
fail:
    free(env);
    free(path);
    free(j);
    return NULL;
}

struct stream *job_stream(struct job *j) { return j->stream; }

pid_t job_pid(const struct job *j) { return j->pid; }

bool job_exited(struct job *j, int *status)
{
    if (!j->reaped) {
        int st;
        pid_t r = waitpid(j->pid, &st, WNOHANG);
        if (r == j->pid || (r < 0 && errno == ECHILD)) {
            j->reaped = true;
            j->status = r == j->pid ? st : 0;
        }
    }
    if (j->reaped && status)
        *status = j->status;
    return j->reaped;
}

void job_kill(struct job *j, int grace_ms)
{
    if (job_exited(j, NULL))
        return;
    kill(j->pid, SIGTERM);
    for (int waited = 0; waited < grace_ms; waited += 10) {
        if (job_exited(j, NULL))
            return;
        lane_block_begin();
        usleep(10000);
        lane_block_end();
    }
    kill(j->pid, SIGKILL);
    int st;
    if (waitpid(j->pid, &st, 0) == j->pid) {
        j->reaped = true;
        j->status = st;
    }
}

void job_free(struct job *j)
{
    if (!j)
        return;
    if (j->pid > 0)
        job_kill(j, 1000);
    stream_free(j->stream);
    free(j);
}
