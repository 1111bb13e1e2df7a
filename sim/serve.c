/* serve.c: `rotwiz-sim serve`, the lab daemon: listening sockets and the accept loop that forks
 * one handler process per SSH connection (see ssh_serve.h). */
#include "modes.h"
#include "ssh_serve.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SERVE_MAX_HANDLERS 256

static int serve_sigpipe[2] = {-1, -1};
static volatile sig_atomic_t serve_stop;

int serve_listen(const char *address, int port, int *bound, char *err, size_t errlen)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t len = sizeof sa;
    int one = 1;
    if (inet_pton(AF_INET, address, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "bad IPv4 address '%s'", address);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 32) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", address, port, strerror(errno));
        close(fd);
        return -1;
    }
    *bound = ntohs(sa.sin_port);
    return fd;
}

static void serve_on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGTERM || sig == SIGINT)
        serve_stop = 1;
    if (write(serve_sigpipe[1], "", 1) < 0) {
        /* the pipe is full: a wake-up is already pending */
    }
    errno = saved;
}

static void remember(pid_t *pids, pid_t pid)
{
    for (size_t i = 0; i < SERVE_MAX_HANDLERS; i++)
        if (pids[i] == 0) {
            pids[i] = pid;
            return;
        }
}

static void reap(pid_t *pids)
{
    pid_t pid;
    while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
        for (size_t i = 0; i < SERVE_MAX_HANDLERS; i++)
            if (pids[i] == pid)
                pids[i] = 0;
}

/* SIGTERM to every handler (each ends its own child's process group), then waits a bounded
 * time and kills what is left. */
static void terminate_handlers(pid_t *pids)
{
    for (size_t i = 0; i < SERVE_MAX_HANDLERS; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    for (int tries = 0; tries < 150; tries++) {
        reap(pids);
        bool any = false;
        for (size_t i = 0; i < SERVE_MAX_HANDLERS; i++)
            any = any || pids[i] > 0;
        if (!any)
            return;
        nanosleep(&(struct timespec){0, 20 * 1000000L}, NULL);
    }
    for (size_t i = 0; i < SERVE_MAX_HANDLERS; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGKILL);
    reap(pids);
}

static void serve_accept(const struct sim_lab_params *p, const int *fds, size_t n, size_t which,
                         pid_t *pids)
{
    int c = accept4(fds[which], NULL, NULL, SOCK_CLOEXEC);
    if (c < 0)
        return;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        sigaction(SIGCHLD, &dfl, NULL);
        sigaction(SIGTERM, &dfl, NULL);
        sigaction(SIGINT, &dfl, NULL);
        for (size_t i = 0; i < n; i++)
            close(fds[i]);
        close(serve_sigpipe[0]);
        close(serve_sigpipe[1]);
        int rc = ssh_conn_handle(p, p->appliances[which].name, c);
        fflush(NULL);
        _exit(rc);
    }
    if (pid < 0)
        fprintf(stderr, "serve: fork: %s\n", strerror(errno));
    else
        remember(pids, pid);
    close(c);
}

int serve_run(const struct sim_lab_params *p, const int *fds, size_t n, int ready_fd)
{
    static pid_t pids[SERVE_MAX_HANDLERS];
    struct pollfd pfd[SIM_MAX_APPLIANCES + 1];
    struct sigaction sa = {.sa_handler = serve_on_signal};

    if (n > SIM_MAX_APPLIANCES || pipe2(serve_sigpipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return 1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    fprintf(stderr, "serve: lab %s: ", p->dir);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s on %s:%d%s", p->appliances[i].name, p->appliances[i].address,
                p->appliances[i].port, i + 1 < n ? ", " : "\n");
    if (ready_fd >= 0) {
        if (write(ready_fd, "R", 1) != 1)
            return 1;
        close(ready_fd);
    }
    while (!serve_stop) {
        for (size_t i = 0; i < n; i++)
            pfd[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
        pfd[n] = (struct pollfd){.fd = serve_sigpipe[0], .events = POLLIN};
        if (poll(pfd, n + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "serve: poll: %s\n", strerror(errno));
            break;
        }
        if (pfd[n].revents) {
            char buf[64];
            while (read(serve_sigpipe[0], buf, sizeof buf) > 0) {
            }
            reap(pids);
        }
        for (size_t i = 0; i < n && !serve_stop; i++)
            if (pfd[i].revents & POLLIN)
                serve_accept(p, fds, n, i, pids);
    }
    fprintf(stderr, "serve: stopping\n");
    terminate_handlers(pids);
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
    return 0;
}

int mode_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'}, {0}};
    const char *dir = NULL;
    char err[512];
    int c, fds[SIM_MAX_APPLIANCES];
    struct sim_lab_params p;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd') {
            dir = optarg;
        } else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: rotwiz-sim serve --dir DIR   (the lab daemon; 'lab' starts it)\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (!dir || optind != argc) {
        fprintf(stderr, "rotwiz-sim serve: --dir DIR is required\n");
        return 2;
    }
    if (lab_params_load(dir, &p, err, sizeof err) != 0) {
        fprintf(stderr, "rotwiz-sim serve: %s\n", err);
        return 2;
    }
    /* Run by hand (debugging): bind the ports recorded in lab.json afresh. */
    for (size_t i = 0; i < p.appliance_count; i++) {
        fds[i] = serve_listen(p.appliances[i].address, p.appliances[i].port,
                              &p.appliances[i].port, err, sizeof err);
        if (fds[i] < 0) {
            fprintf(stderr, "rotwiz-sim serve: %s: %s (is the lab already running?)\n",
                    p.appliances[i].name, err);
            while (i-- > 0)
                close(fds[i]);
            return 1;
        }
    }
    return serve_run(&p, fds, p.appliance_count, -1);
}
