/* ssh_bridge.c: forking the process behind a channel and feeding its stdin (see ssh_bridge.h). */
#include "ssh_bridge.h"
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void bridge_init(struct bridge *b)
{
    memset(b, 0, sizeof *b);
    b->in_fd = b->out_fd = b->err_fd = -1;
}

static void set_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* The child's side after fork: descriptors 0-2 are in place. Never returns. */
static void child_run(const char *cwd, bridge_child_fn fn, void *arg)
{
    /* The daemon ignores SIGPIPE and SIGHUP; a shell must not inherit that. */
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    close_range(3, ~0U, 0);
    if (chdir(cwd) != 0) {
        fprintf(stderr, "cannot enter %s: %s\n", cwd, strerror(errno));
        _exit(126);
    }
    int rc = fn(arg);
    fflush(NULL);
    _exit(rc);
}

static int start_pty(struct bridge *b, const struct winsize *ws, const char *cwd,
                     bridge_child_fn fn, void *arg, char *err, size_t errlen)
{
    int master = -1;
    pid_t pid = forkpty(&master, NULL, NULL, ws);
    if (pid < 0) {
        snprintf(err, errlen, "forkpty: %s", strerror(errno));
        return -1;
    }
    if (pid == 0)
        child_run(cwd, fn, arg);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    set_nonblock(master);
    b->pid = pid;
    b->pty = true;
    b->in_fd = b->out_fd = master;
    return 0;
}

static int start_pipes(struct bridge *b, const char *cwd, bridge_child_fn fn, void *arg,
                       char *err, size_t errlen)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1};
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(er, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        goto fail;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        setsid();
        if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(er[1], 2) < 0)
            _exit(126);
        child_run(cwd, fn, arg);
    }
    close(in[0]);
    close(out[1]);
    close(er[1]);
    set_nonblock(in[1]);
    set_nonblock(out[0]);
    set_nonblock(er[0]);
    b->pid = pid;
    b->in_fd = in[1];
    b->out_fd = out[0];
    b->err_fd = er[0];
    return 0;
fail:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
        if (er[i] >= 0)
            close(er[i]);
    }
    return -1;
}

int bridge_start(struct bridge *b, bool use_pty, const struct winsize *ws, const char *cwd,
                 bridge_child_fn fn, void *arg, char *err, size_t errlen)
{
    fflush(NULL);
    if (use_pty)
        return start_pty(b, ws, cwd, fn, arg, err, errlen);
    return start_pipes(b, cwd, fn, arg, err, errlen);
}

void bridge_resize(struct bridge *b, const struct winsize *ws)
{
    if (b->pty && b->in_fd >= 0)
        ioctl(b->in_fd, TIOCSWINSZ, ws);
}

int bridge_flush_stdin(struct bridge *b)
{
    while (b->pending_len > b->pending_off) {
        if (b->in_fd < 0) {
            b->pending_len = b->pending_off = 0;
            return -1;
        }
        ssize_t w = write(b->in_fd, b->pending + b->pending_off, b->pending_len - b->pending_off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            return 0;
        if (w <= 0) {
            b->pending_len = b->pending_off = 0;
            return -1;
        }
        b->pending_off += (size_t)w;
    }
    b->pending_len = b->pending_off = 0;
    return 0;
}

void bridge_close_stdin(struct bridge *b)
{
    if (!b->pty && b->in_fd >= 0) {
        close(b->in_fd);
        b->in_fd = -1;
    }
}

bool bridge_reap(struct bridge *b)
{
    if (b->pid > 0 && !b->exited && waitpid(b->pid, &b->wstatus, WNOHANG) == b->pid)
        b->exited = true;
    return b->exited;
}

void bridge_stop(struct bridge *b)
{
    if (b->pid > 0 && !bridge_reap(b)) {
        kill(-b->pid, SIGHUP);
        kill(-b->pid, SIGTERM);
        for (int i = 0; i < 100 && !bridge_reap(b); i++)
            nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
        if (!b->exited) {
            kill(-b->pid, SIGKILL);
            if (waitpid(b->pid, &b->wstatus, 0) == b->pid)
                b->exited = true;
        }
    }
    if (b->in_fd >= 0 && b->in_fd != b->out_fd)
        close(b->in_fd);
    if (b->out_fd >= 0)
        close(b->out_fd);
    if (b->err_fd >= 0)
        close(b->err_fd);
    b->in_fd = b->out_fd = b->err_fd = -1;
}
