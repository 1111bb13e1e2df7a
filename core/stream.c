/* stream.c: the two kinds of stream: a local descriptor and an SSH channel. */
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "waitset.h"

struct stream_ops {
    ssize_t (*read)(struct stream *s, char *buf, size_t len);
    /* Writes some bytes: > 0 written, 0 would block, -1 error. */
    ssize_t (*write_some)(struct stream *s, const char *buf, size_t len);
    int (*fd)(const struct stream *s);
    void (*close)(struct stream *s);
};

struct stream {
    const struct stream_ops *ops;
    bool closed;
    int fd;                  /* fd streams */
    bool owned;
    ssh_channel channel;     /* channel streams */
};

/* ---- local descriptor ---- */

static ssize_t fd_read(struct stream *s, char *buf, size_t len)
{
    for (;;) {
        ssize_t n = read(s->fd, buf, len);
        if (n > 0)
            return n;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        /* 0 = end of file; EIO = the pty's slave side is closed (Linux). */
        return -1;
    }
}

static ssize_t fd_write_some(struct stream *s, const char *buf, size_t len)
{
    ssize_t n = write(s->fd, buf, len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return n;
}

static int fd_fd(const struct stream *s) { return s->fd; }

static void fd_close(struct stream *s)
{
    if (s->owned && s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static const struct stream_ops fd_ops = {fd_read, fd_write_some, fd_fd, fd_close};

bool stream_echo_off(const struct stream *s)
{
    /* a pty master reports its slave's modes (Linux); an SSH channel's are not visible */
    struct termios t;
    return s->ops == &fd_ops && s->fd >= 0 && tcgetattr(s->fd, &t) == 0 &&
           !(t.c_lflag & ECHO);
}

bool stream_waits_for_input(const struct stream *s)
{
    if (s->ops != &fd_ops || s->fd < 0)
        return false;
    /* the terminal's foreground program is blocked reading its standard input (Linux:
     * /proc/PID/syscall starts with the read syscall's number and fd 0)... */
    pid_t pg = tcgetpgrp(s->fd);
    char path[64], buf[160];
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pg);
    int fd = pg > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    long nr = -1;
    unsigned long arg0 = 1;
    if (sscanf(buf, "%ld 0x%lx", &nr, &arg0) != 2 || nr != SYS_read || arg0 != 0)
        return false;
    /* ...and, checked after that, everything it wrote before has been read on our side */
    int unread = 1;
    return ioctl(s->fd, FIONREAD, &unread) == 0 && unread == 0;
}

struct stream *stream_new_fd(int fd, bool owned)
{
    struct stream *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    s->ops = &fd_ops;
    s->fd = fd;
    s->owned = owned;
    return s;
}

/* ---- SSH channel ---- */

static ssize_t ch_read(struct stream *s, char *buf, size_t len)
{
    /* A PTY channel merges stderr into stdout, but read both to be safe. */
    for (int is_stderr = 0; is_stderr < 2; is_stderr++) {
        int n = ssh_channel_read_nonblocking(s->channel, buf, (uint32_t)len, is_stderr);
        if (n > 0)
            return n;
        if (n == SSH_ERROR)
            return -1;
    }
    if (ssh_channel_is_eof(s->channel) || ssh_channel_is_closed(s->channel))
        return -1;
    return 0;
}

static ssize_t ch_write_some(struct stream *s, const char *buf, size_t len)
{
    if (ssh_channel_is_closed(s->channel))
        return -1;
    int n = ssh_channel_write(s->channel, buf, (uint32_t)len);
    return n == SSH_ERROR ? -1 : n;
}

static int ch_fd(const struct stream *s)
{
    return ssh_get_fd(ssh_channel_get_session(s->channel));
}

static void ch_close(struct stream *s)
{
    if (!s->channel)
        return;
    if (!ssh_channel_is_closed(s->channel)) {
        ssh_channel_send_eof(s->channel);
        ssh_channel_close(s->channel);
    }
    ssh_channel_free(s->channel);
    s->channel = NULL;
}

static const struct stream_ops ch_ops = {ch_read, ch_write_some, ch_fd, ch_close};

struct stream *stream_new_channel(ssh_channel channel)
{
    struct stream *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->ops = &ch_ops;
    s->fd = -1;
    s->channel = channel;
    return s;
}

/* ---- common ---- */

ssize_t stream_read(struct stream *s, char *buf, size_t len)
{
    if (s->closed)
        return -1;
    ssize_t n = s->ops->read(s, buf, len);
    if (n < 0)
        s->closed = true;
    return n;
}

int stream_write(struct stream *s, const void *buf, size_t len, const struct timespec *deadline)
{
    struct timespec dflt = waitset_deadline_in(10000);
    const char *p = buf;
    if (!deadline)
        deadline = &dflt;
    while (len > 0) {
        if (s->closed)
            return -1;
        ssize_t n = s->ops->write_some(s, p, len);
        if (n < 0)
            return -1;
        if (n == 0) {
            long left = waitset_ms_until(deadline);
            if (left <= 0)
                return -1;
            struct pollfd pfd = {.fd = s->ops->fd(s), .events = POLLOUT};
            poll(&pfd, 1, left > 50 ? 50 : (int)left);
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int stream_fd(const struct stream *s) { return s->ops->fd(s); }

bool stream_closed(const struct stream *s) { return s->closed; }

void stream_free(struct stream *s)
{
    if (!s)
        return;
    s->ops->close(s);
    free(s);
}
