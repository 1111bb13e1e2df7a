/* ssh_sftp.c: the path-mapping relay in front of sftp-server (see ssh_sftp.h). SFTP version 3
 * packets (draft-ietf-secsh-filexfer-02) plus OpenSSH's extensions. */
#include "ssh_sftp.h"
#include "ssh_scp.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
    FXP_INIT = 1, FXP_OPEN = 3, FXP_LSTAT = 7, FXP_SETSTAT = 9, FXP_OPENDIR = 11,
    FXP_REMOVE = 13, FXP_MKDIR = 14, FXP_RMDIR = 15, FXP_REALPATH = 16, FXP_STAT = 17,
    FXP_RENAME = 18, FXP_READLINK = 19, FXP_SYMLINK = 20, FXP_STATUS = 101, FXP_NAME = 104,
    FXP_EXTENDED = 200,
    FX_PERMISSION_DENIED = 3, FX_OP_UNSUPPORTED = 8,
};
#define SFTP_MAX_PACKET (1024 * 1024)

void sftp_buf_free(struct sftp_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void put(struct sftp_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            abort();    /* a relay child out of memory has nothing better to do */
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_u32(struct sftp_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(b, x, 4);
}

static void put_string(struct sftp_buf *b, const void *s, size_t n)
{
    put_u32(b, (uint32_t)n);
    put(b, s, n);
}

static void set_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_u32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A reader over one packet. */
struct rd {
    const uint8_t *p;
    size_t len, off;
    bool bad;
};

static uint32_t rd_u32(struct rd *r)
{
    if (r->bad || r->len - r->off < 4) {
        r->bad = true;
        return 0;
    }
    uint32_t v = get_u32_at(r->p + r->off);
    r->off += 4;
    return v;
}

static void rd_skip(struct rd *r, size_t n)
{
    if (r->bad || r->len - r->off < n)
        r->bad = true;
    else
        r->off += n;
}

static const uint8_t *rd_string(struct rd *r, size_t *n)
{
    *n = rd_u32(r);
    const uint8_t *s = r->bad ? NULL : r->p + r->off;
    rd_skip(r, *n);
    return r->bad ? NULL : s;
}

static void rd_attrs(struct rd *r)
{
    uint32_t flags = rd_u32(r);
    size_t n;
    if (flags & 0x1)
        rd_skip(r, 8);
    if (flags & 0x2)
        rd_skip(r, 8);
    if (flags & 0x4)
        rd_skip(r, 4);
    if (flags & 0x8)
        rd_skip(r, 8);
    if (flags & 0x80000000u) {
        for (uint32_t i = 0, count = rd_u32(r); i < count && !r->bad; i++) {
            rd_string(r, &n);
            rd_string(r, &n);
        }
    }
}

/* Maps a client path into HOME (see scp_resolve); absolute host paths already inside HOME are
 * accepted as they are. Returns 0, or -1 when the path would leave the home. */
static int map_path(const char *home, const uint8_t *s, size_t n, char *out, size_t outlen)
{
    char path[2048];
    size_t hn = strlen(home);
    if (n >= sizeof path || memchr(s, '\0', n))
        return -1;
    memcpy(path, s, n);
    path[n] = '\0';
    const char *p = path;
    char rel[2048];
    if (strncmp(p, home, hn) == 0 && (p[hn] == '/' || p[hn] == '\0')) {
        snprintf(rel, sizeof rel, ".%s", p + hn);
        p = rel;
    }
    if (scp_resolve(home, p, out, outlen) != 0 || !scp_inside_home(home, out))
        return -1;
    return 0;
}

static void answer(struct sftp_buf *out, uint32_t id, uint32_t code, const char *msg)
{
    struct sftp_buf b = {0};
    uint8_t type = FXP_STATUS;
    put(&b, &type, 1);
    put_u32(&b, id);
    put_u32(&b, code);
    put_string(&b, msg, strlen(msg));
    put_string(&b, "", 0);
    put_u32(out, (uint32_t)b.len);
    put(out, b.data, b.len);
    sftp_buf_free(&b);
}

/* How many path strings follow the id (and for EXTENDED the request name); -1 = refuse. */
static int path_count(uint8_t type, const uint8_t *ext, size_t extlen)
{
    static const struct { const char *name; int paths; } exts[] = {
        {"posix-rename@openssh.com", 2}, {"hardlink@openssh.com", 2},
        {"statvfs@openssh.com", 1},      {"expand-path@openssh.com", 1},
        {"lsetstat@openssh.com", 1},     {"fstatvfs@openssh.com", 0},
        {"fsync@openssh.com", 0},        {"limits@openssh.com", 0},
        {"copy-data", 0},                {"users-groups-by-id@openssh.com", 0},
    };
    switch (type) {
    case FXP_OPEN: case FXP_LSTAT: case FXP_SETSTAT: case FXP_OPENDIR: case FXP_REMOVE:
    case FXP_MKDIR: case FXP_RMDIR: case FXP_REALPATH: case FXP_STAT: case FXP_READLINK:
        return 1;
    case FXP_RENAME:
        return 2;
    case FXP_SYMLINK:
        return -1;      /* a link could point anywhere */
    case FXP_EXTENDED:
        for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
            if (strlen(exts[i].name) == extlen && memcmp(exts[i].name, ext, extlen) == 0)
                return exts[i].paths;
        return -2;      /* unknown, or home-directory (would name the host's home) */
    default:
        return 0;       /* handle-based requests and INIT pass as they are */
    }
}

enum sftp_verdict sftp_filter_request(const char *home, const uint8_t *pkt, size_t len,
                                      struct sftp_buf *out)
{
    struct rd r = {.p = pkt, .len = len};
    struct sftp_buf b = {0};
    const uint8_t *ext = NULL;
    size_t extlen = 0;
    char mapped[2300];

    if (len < 1)
        return SFTP_BROKEN;
    uint8_t type = pkt[0];
    r.off = 1;
    if (type == FXP_INIT) {
        put_u32(out, (uint32_t)len);
        put(out, pkt, len);
        return SFTP_FORWARD;
    }
    uint32_t id = rd_u32(&r);
    if (type == FXP_EXTENDED)
        ext = rd_string(&r, &extlen);
    if (r.bad)
        return SFTP_BROKEN;
    int paths = path_count(type, ext, extlen);
    if (paths == -1) {
        answer(out, id, FX_PERMISSION_DENIED, "not allowed on this appliance");
        return SFTP_ANSWER;
    }
    if (paths == -2) {
        answer(out, id, FX_OP_UNSUPPORTED, "operation not supported");
        return SFTP_ANSWER;
    }
    put(&b, pkt, r.off);        /* type, id (and the extension name) unchanged */
    for (int i = 0; i < paths; i++) {
        size_t n;
        const uint8_t *s = rd_string(&r, &n);
        if (!s) {
            sftp_buf_free(&b);
            return SFTP_BROKEN;
        }
        if (map_path(home, s, n, mapped, sizeof mapped) != 0) {
            sftp_buf_free(&b);
            answer(out, id, FX_PERMISSION_DENIED, "outside the home folder");
            return SFTP_ANSWER;
        }
        put_string(&b, mapped, strlen(mapped));
    }
    put(&b, pkt + r.off, len - r.off);     /* flags, attributes: unchanged */
    put_u32(out, (uint32_t)b.len);
    put(out, b.data, b.len);
    sftp_buf_free(&b);
    return SFTP_FORWARD;
}

int sftp_filter_reply(const char *home, const uint8_t *pkt, size_t len, struct sftp_buf *out)
{
    struct rd r = {.p = pkt, .len = len, .off = 1};
    size_t hn = strlen(home), start = out->len;

    if (len < 1 || pkt[0] != FXP_NAME) {
        put_u32(out, (uint32_t)len);
        put(out, pkt, len);
        return 0;
    }
    put_u32(out, 0);            /* length, set below */
    rd_u32(&r);                 /* id */
    uint32_t count = rd_u32(&r);
    put(out, pkt, r.off);
    for (uint32_t i = 0; i < count && !r.bad; i++) {
        size_t n, ln;
        const uint8_t *name = rd_string(&r, &n);
        if (!name)
            break;
        if (n >= hn && memcmp(name, home, hn) == 0 && (n == hn || name[hn] == '/')) {
            put_u32(out, (uint32_t)(strlen(SCP_HOME_NAME) + n - hn));
            put(out, SCP_HOME_NAME, strlen(SCP_HOME_NAME));
            put(out, name + hn, n - hn);
        } else {
            put_string(out, name, n);
        }
        size_t from = r.off;
        rd_string(&r, &ln);     /* longname */
        rd_attrs(&r);
        if (!r.bad)
            put(out, pkt + from, r.off - from);
    }
    if (r.bad) {
        out->len = start;
        return -1;
    }
    put(out, pkt + r.off, len - r.off);
    set_u32(out->data + start, (uint32_t)(out->len - start - 4));
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads what FD has into IN, then filters every complete packet. Returns 1 on EOF, 0 when
 * more may come, -1 on a protocol or write error. */
static int pump(const char *home, int fd, struct sftp_buf *in, bool request, int fwd, int back)
{
    uint8_t chunk[65536];
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r < 0)
        return (errno == EINTR || errno == EAGAIN) ? 0 : -1;
    if (r == 0)
        return 1;
    put(in, chunk, (size_t)r);
    size_t off = 0;
    int rc = 0;
    while (rc == 0 && in->len - off >= 4) {
        uint32_t n = get_u32_at(in->data + off);
        if (n > SFTP_MAX_PACKET) {
            rc = -1;
            break;
        }
        if (in->len - off - 4 < n)
            break;
        struct sftp_buf out = {0};
        const uint8_t *pkt = in->data + off + 4;
        if (request) {
            enum sftp_verdict v = sftp_filter_request(home, pkt, n, &out);
            if (v == SFTP_BROKEN || write_all(v == SFTP_FORWARD ? fwd : back, out.data,
                                              out.len) != 0)
                rc = -1;
        } else if (sftp_filter_reply(home, pkt, n, &out) != 0 ||
                   write_all(fwd, out.data, out.len) != 0) {
            rc = -1;
        }
        sftp_buf_free(&out);
        off += 4 + n;
    }
    memmove(in->data, in->data + off, in->len - off);
    in->len -= off;
    return rc;
}

int sftp_relay_run(const char *server, const char *home, int in, int out)
{
    int to[2], from[2], status = 1;
    struct sftp_buf cbuf = {0}, sbuf = {0};
    if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0)
        return 1;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        if (dup2(to[0], 0) < 0 || dup2(from[1], 1) < 0)
            _exit(126);
        execl(server, "sftp-server", "-d", home, (char *)NULL);
        fprintf(stderr, "cannot run %s: %s\n", server, strerror(errno));
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    int srv_in = to[1], srv_out = from[0];
    bool client_open = true;
    for (;;) {
        struct pollfd pfd[2] = {{.fd = client_open ? in : -1, .events = POLLIN},
                                {.fd = srv_out, .events = POLLIN}};
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pfd[0].revents) {
            int rc = pump(home, in, &cbuf, true, srv_in, out);
            if (rc != 0) {
                client_open = false;    /* the client is done: let sftp-server finish */
                close(srv_in);
                srv_in = -1;
                if (rc < 0)
                    kill(pid, SIGTERM);
            }
        }
        if (pfd[1].revents && pump(home, srv_out, &sbuf, false, out, -1) != 0)
            break;
    }
    if (srv_in >= 0)
        close(srv_in);
    close(srv_out);
    int ws;
    if (waitpid(pid, &ws, 0) == pid && WIFEXITED(ws))
        status = WEXITSTATUS(ws);
    sftp_buf_free(&cbuf);
    sftp_buf_free(&sbuf);
    return status;
}
