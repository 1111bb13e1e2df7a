/* ws_net.c: TCP helpers for the workstation tools of the lab. */
#include "ws_net.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void wsnet_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int make_addr(const char *address, int port, struct sockaddr_in *sa, char *err,
                     size_t errlen)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)port);
    if (!address || !*address)
        address = "127.0.0.1";
    if (inet_pton(AF_INET, address, &sa->sin_addr) != 1) {
        snprintf(err, errlen, "not an IPv4 address: %s", address);
        return -1;
    }
    return 0;
}

int wsnet_connect(const char *address, int port, int timeout_ms, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    if (make_addr(address, port, &sa, err, errlen) != 0)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    if (rc != 0 && errno == EINPROGRESS) {
        struct pollfd pfd = {fd, POLLOUT, 0};
        rc = poll(&pfd, 1, timeout_ms);
        if (rc == 0) {
            snprintf(err, errlen, "connection to %s:%d timed out", address, port);
            goto fail;
        }
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            soerr = errno;
        if (soerr != 0) {
            snprintf(err, errlen, "cannot connect to %s:%d: %s", address, port, strerror(soerr));
            goto fail;
        }
    } else if (rc != 0) {
        snprintf(err, errlen, "cannot connect to %s:%d: %s", address, port, strerror(errno));
        goto fail;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
fail:
    close(fd);
    return -1;
}

int wsnet_listen(const char *address, int port, int *bound_port, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    if (make_addr(address, port, &sa, err, errlen) != 0)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t sl = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", address ? address : "127.0.0.1",
                 port, strerror(errno));
        close(fd);
        return -1;
    }
    if (bound_port)
        *bound_port = ntohs(sa.sin_port);
    return fd;
}

void wsnet_set_timeouts(int fd, int timeout_ms)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int wsnet_read_line(int fd, char *buf, size_t len, int timeout_ms)
{
    size_t n = 0;
    long deadline = now_ms() + timeout_ms;
    /* Byte by byte: lines are short and nothing after the newline may be consumed. */
    while (n + 1 < len) {
        long left = deadline - now_ms();
        if (left <= 0)
            return -1;
        struct pollfd pfd = {fd, POLLIN, 0};
        int rc = poll(&pfd, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return -1;
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (c == '\n') {
            if (n > 0 && buf[n - 1] == '\r')
                n--;
            buf[n] = '\0';
            return (int)n;
        }
        buf[n++] = c;
    }
    return -1;
}

int wsnet_write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t w = send(fd, s, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        len -= (size_t)w;
    }
    return 0;
}

int wsnet_serve(int listen_fd, wsnet_handler handler, void *ud, volatile sig_atomic_t *stop)
{
    while (!*stop) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        struct pollfd pfd = {listen_fd, POLLIN, 0};
        /* A bounded wait: a stop signal arriving just before poll() is seen within 200 ms. */
        int rc = poll(&pfd, 1, 200);
        if (rc <= 0)
            continue;
        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(listen_fd);
            signal(SIGTERM, SIG_DFL);
            signal(SIGINT, SIG_DFL);
            signal(SIGHUP, SIG_DFL);
            int status = handler(fd, ud);
            close(fd);
            _exit(status);
        }
        close(fd);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    return 0;
}

void wsnet_on_stop_signals(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}
