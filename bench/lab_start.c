/* bench/lab_start.c: time from starting `rotwiz-sim lab --dir TMP` until it prints `ready`
 * (then `rotwiz-sim stop`), K times in fresh folders, against a baseline of fork+exec+wait of
 * /bin/true in the same process. Prints mean/min/max, the ratio, and whether the goal
 * ("the lab starts (ready) in under a second") is met -- as text: nothing is asserted.
 * Usage: bench_lab_start [path/to/rotwiz-sim [K]]; default: rotwiz-sim next to this program. */
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

/* Forks and execs ARGV with stdout on OUT_FD (-1: /dev/null). Returns the pid or -1. */
static pid_t spawn(char *const argv[], int out_fd)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = out_fd >= 0 ? out_fd : open("/dev/null", O_WRONLY);
        if (fd >= 0 && fd != STDOUT_FILENO)
            dup2(fd, STDOUT_FILENO);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Runs ARGV to its end with stdout discarded. Returns its wait status or -1. */
static int run(char *const argv[])
{
    int status;
    pid_t pid = spawn(argv, -1);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

/* Starts a lab in DIR and returns the seconds until its `ready` line, or -1 when it never came
 * (the lab's own message is on stderr). The lab process exits after `ready`; it is reaped. */
static double lab_start(const char *sim, const char *dir)
{
    char *argv[] = {(char *)sim, "lab", "--dir", (char *)dir, NULL};
    int fd[2];
    char buf[256];
    size_t len = 0;
    double took = -1;
    if (pipe2(fd, O_CLOEXEC) != 0)
        return -1;
    double t0 = bench_now();
    pid_t pid = spawn(argv, fd[1]);
    close(fd[1]);
    /* Read until a whole "ready" line has arrived (or EOF). */
    while (pid > 0 && len < sizeof buf - 1) {
        ssize_t n = read(fd[0], buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "ready\n")) {
            took = bench_now() - t0;
            break;
        }
    }
    close(fd[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return took;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Mean, min and max of K samples, in milliseconds. */
struct stats { double mean, min, max; };
static struct stats stats_of(const double *s, int k)
{
    struct stats r = {0, s[0] * 1e3, s[0] * 1e3};
    for (int i = 0; i < k; i++) {
        double ms = s[i] * 1e3;
        r.mean += ms / k;
        r.min = ms < r.min ? ms : r.min;
        r.max = ms > r.max ? ms : r.max;
    }
    return r;
}

int main(int argc, char **argv)
{
    char sim[PATH_MAX], exe[PATH_MAX], tmp[] = "/tmp/rotwiz-bench-lab-XXXXXX", dir[PATH_MAX];
    int k = (int)bench_count(argc > 2 ? argv[2] : NULL, 10, 1);
    if (argc > 1) {
        snprintf(sim, sizeof sim, "%s", argv[1]);
    } else {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = '\0';
        snprintf(sim, sizeof sim, "%s/rotwiz-sim", dirname(exe));
    }
    if (access(sim, X_OK) != 0) {
        printf("lab_start: skipped, no rotwiz-sim at %s\n", sim);
        return 0;
    }
    if (!mkdtemp(tmp)) {
        printf("lab_start: skipped, cannot create a folder in /tmp\n");
        return 0;
    }
    double *base = calloc((size_t)k, sizeof *base), *lab = calloc((size_t)k, sizeof *lab);
    int started = 0;
    char *truth[] = {"/bin/true", NULL};
    for (int i = 0; base && i < k; i++) {
        double t0 = bench_now();
        run(truth);
        base[i] = bench_now() - t0;
    }
    for (int i = 0; lab && i < k; i++) {
        snprintf(dir, sizeof dir, "%s/lab%d", tmp, i);   /* a fresh folder: a cold start */
        double took = lab_start(sim, dir);
        char *stop[] = {sim, "stop", "--dir", dir, NULL};
        run(stop);
        if (took < 0) {
            printf("lab_start: run %d never printed ready\n", i + 1);
            continue;
        }
        lab[started++] = took;
    }
    nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (base && lab && started > 0) {
        struct stats b = stats_of(base, k), l = stats_of(lab, started);
        printf("lab_start %d/%d runs: mean %.1f ms  min %.1f  max %.1f  baseline fork+exec "
               "/bin/true mean %.2f ms  ratio %.0fx\n", started, k, l.mean, l.min, l.max, b.mean,
               bench_ratio(l.mean, b.mean));
        printf("lab_start goal 'ready in under a second': %s (mean %.1f ms, max %.1f ms)\n",
               l.max < 1000 ? "met" : l.mean < 1000 ? "met on average, not every run"
                                                    : "NOT met", l.mean, l.max);
    } else {
        printf("lab_start: no run reached ready; no numbers\n");
    }
    free(base);
    free(lab);
    return 0;
}
