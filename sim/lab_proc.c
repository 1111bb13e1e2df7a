/* lab_proc.c: pid files and ending the processes of a lab (see lab_proc.h). */
#include "lab_proc.h"
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

pid_t lab_proc_read_pidfile(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%ld", &v) != 1 || v <= 1 || v > INT_MAX)
        v = 0;
    fclose(f);
    return (pid_t)v;
}

int lab_proc_write_pidfile(const char *path, pid_t pid)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%d\n", (int)pid);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

bool lab_proc_alive(pid_t pid)
{
    char path[64], buf[512];
    if (pid <= 0 || kill(pid, 0) != 0)
        return false;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');   /* "pid (comm) S ..." */
    return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

/* The target of /proc/PID/exe without a " (deleted)" suffix (the binary may have been rebuilt). */
static bool exe_of(const char *link, char *out, size_t len)
{
    ssize_t n = readlink(link, out, len - 1);
    if (n <= 0)
        return false;
    out[n] = '\0';
    char *del = strstr(out, " (deleted)");
    if (del && del[10] == '\0')
        *del = '\0';
    return true;
}

bool lab_proc_is_sim(pid_t pid)
{
    char link[64], mine[PATH_MAX], theirs[PATH_MAX];
    snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
    return exe_of("/proc/self/exe", mine, sizeof mine) && exe_of(link, theirs, sizeof theirs) &&
           strcmp(mine, theirs) == 0;
}

pid_t lab_proc_running(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lab.pid", dir);
    pid_t pid = lab_proc_read_pidfile(path);
    return (pid > 0 && lab_proc_alive(pid) && lab_proc_is_sim(pid)) ? pid : 0;
}

bool lab_proc_end(pid_t pid, int timeout_ms)
{
    if (getpgid(pid) == pid)
        kill(-pid, SIGTERM);
    kill(pid, SIGTERM);
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (!lab_proc_alive(pid))
            return true;
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    }
    if (getpgid(pid) == pid)
        kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    for (int waited = 0; waited < 1000; waited += 10) {
        if (!lab_proc_alive(pid))
            return true;
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    }
    return false;
}
