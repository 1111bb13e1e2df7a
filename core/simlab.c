/* simlab.c: starting and stopping the private lab of `rotwiz --simulate`. */
#include "simlab.h"
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* rotwiz-sim beside /proc/self/exe when it exists there, else found on PATH by execvp. */
static void sim_path(char *buf, size_t len)
{
    char self[PATH_MAX - 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, len, "%s/rotwiz-sim", self);
            if (access(buf, X_OK) == 0)
                return;
        }
    }
    snprintf(buf, len, "rotwiz-sim");
}

/* Runs rotwiz-sim with ARGV (NULL-terminated, argv[0] ignored); captures the first output line. */
static int run_sim(char *const argv[], char *line, size_t len)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char path[PATH_MAX];
        sim_path(path, sizeof path);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(path, argv);
        fprintf(stderr, "rotwiz: cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    line[0] = '\0';
    if (f && !fgets(line, (int)len, f))
        line[0] = '\0';
    line[strcspn(line, "\n")] = '\0';
    if (f)
        fclose(f);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int simlab_start(struct simlab *lab, const char *auth, const char *const *lab_args,
                 size_t lab_arg_count, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(lab->dir, sizeof lab->dir, "%s/rotwiz-lab-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(lab->dir)) {
        snprintf(err, errlen, "cannot create a folder for the lab in %s: %s",
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return -1;
    }
    char *argv[8 + SIMLAB_MAX_ARGS];
    size_t n = 0;
    argv[n++] = "rotwiz-sim";
    argv[n++] = "lab";
    argv[n++] = "--dir";
    argv[n++] = lab->dir;
    if (auth) {
        argv[n++] = "--auth";
        argv[n++] = (char *)auth;
    }
    for (size_t i = 0; i < lab_arg_count && i < SIMLAB_MAX_ARGS; i++)
        argv[n++] = (char *)lab_args[i];
    argv[n] = NULL;
    char line[256];
    int rc = run_sim(argv, line, sizeof line);
    if (rc != 0 || strcmp(line, "ready") != 0) {
        snprintf(err, errlen, "the simulated lab did not start (rotwiz-sim exit %d%s%s); is "
                 "rotwiz-sim built beside rotwiz?", rc, *line ? ": " : "", line);
        simlab_stop(lab);
        return -1;
    }
    snprintf(lab->config, sizeof lab->config, "%s/rotwiz.conf", lab->dir);
    snprintf(lab->secrets, sizeof lab->secrets, "%s/secrets.conf", lab->dir);
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void simlab_stop(struct simlab *lab)
{
    if (!lab->dir[0])
        return;
    char *argv[] = {"rotwiz-sim", "stop", "--dir", lab->dir, NULL};
    char line[256];
    run_sim(argv, line, sizeof line);
    nftw(lab->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    lab->dir[0] = '\0';
}
