/* ssh_scp.c: the server side of the legacy scp protocol (see ssh_scp.h).
 *
 * Protocol (as OpenSSH's scp speaks it): each side acknowledges with one byte, 0 = ok,
 * 1 = warning + message line, 2 = fatal + message line. The source sends "T<mtime> 0 <atime> 0"
 * (with -p), then "C<mode> <size> <name>", waits for the ack, sends the bytes and a 0 byte. */
#include "ssh_scp.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

bool scp_parse_command(const char *cmd, struct scp_request *req)
{
    memset(req, 0, sizeof *req);
    if (strncmp(cmd, "scp ", 4) != 0)
        return false;
    const char *s = cmd + 4;
    bool have_mode = false;
    for (;;) {
        while (*s == ' ')
            s++;
        if (s[0] != '-' || s[1] == '\0')
            break;
        if (strncmp(s, "-- ", 3) == 0) {
            s += 3;
            break;
        }
        for (s++; *s && *s != ' '; s++) {
            switch (*s) {
            case 't': req->sink = true; have_mode = true; break;
            case 'f': req->sink = false; have_mode = true; break;
            case 'p': req->preserve = true; break;
            case 'r': req->recursive = true; break;
            case 'd': case 'v': case 'q': break;
            default: return false;
            }
        }
    }
    if (!have_mode)
        return false;
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    /* A path the client quoted for a remote shell: 'a b' */
    if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
        s++;
        n -= 2;
    }
    if (n >= sizeof req->path)
        return false;
    memcpy(req->path, s, n);
    req->path[n] = '\0';
    return true;
}

int scp_resolve(const char *home, const char *path, char *out, size_t outlen)
{
    size_t hn = strlen(SCP_HOME_NAME);
    const char *rel = path;
    if (strcmp(path, "~") == 0)
        rel = "";
    else if (strncmp(path, "~/", 2) == 0)
        rel = path + 2;
    else if (strncmp(path, SCP_HOME_NAME, hn) == 0 && (path[hn] == '/' || path[hn] == '\0'))
        rel = path + hn;
    else if (path[0] == '/' || path[0] == '~')
        return -1;

    /* Normalise the components: drop "." and empty ones, ".." removes the previous one. */
    char buf[1024];
    const char *parts[128];
    size_t count = 0;
    if (strlen(rel) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", rel);
    for (char *save = NULL, *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (count == 0)
                return -1;
            count--;
            continue;
        }
        if (count == sizeof parts / sizeof parts[0])
            return -1;
        parts[count++] = c;
    }
    int n = snprintf(out, outlen, "%s", home);
    for (size_t i = 0; i < count && n >= 0 && (size_t)n < outlen; i++)
        n += snprintf(out + n, outlen - (size_t)n, "/%s", parts[i]);
    return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

bool scp_inside_home(const char *home, const char *hostpath)
{
    char rhome[PATH_MAX], rpath[PATH_MAX], parent[PATH_MAX];
    if (!realpath(home, rhome))
        return false;
    if (!realpath(hostpath, rpath)) {
        snprintf(parent, sizeof parent, "%s", hostpath);
        char *slash = strrchr(parent, '/');
        if (!slash || errno != ENOENT)
            return false;
        *slash = '\0';
        if (!realpath(parent[0] ? parent : "/", rpath))
            return false;
    }
    size_t n = strlen(rhome);
    return strncmp(rpath, rhome, n) == 0 && (rpath[n] == '/' || rpath[n] == '\0');
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* Reads one protocol line (without its newline). Returns its length, -1 on EOF/error. */
static int read_line(int fd, char *buf, size_t len)
{
    size_t n = 0;
    for (;;) {
        char c;
        if (read_all(fd, &c, 1) != 0)
            return n == 0 ? -1 : -2;
        if (c == '\n')
            break;
        if (n + 1 < len)
            buf[n++] = c;
    }
    buf[n] = '\0';
    return (int)n;
}

__attribute__((format(printf, 3, 4)))
static void send_error(int out, bool fatal, const char *fmt, ...)
{
    va_list ap;
    char msg[1200];
    msg[0] = fatal ? 2 : 1;
    va_start(ap, fmt);
    vsnprintf(msg + 1, sizeof msg - 1, fmt, ap);
    va_end(ap);
    size_t n = strlen(msg + 1) + 1;
    if (n + 1 < sizeof msg)
        msg[n++] = '\n';
    write_all(out, msg, n);
}

static int send_ok(int out)
{
    return write_all(out, "", 1);
}

/* Reads the peer's acknowledgement: 0 when ok; -1 otherwise (message, if any, consumed). */
static int read_ack(int in)
{
    char c, line[1024];
    if (read_all(in, &c, 1) != 0)
        return -1;
    if (c == 0)
        return 0;
    if (c == 1 || c == 2)
        read_line(in, line, sizeof line);
    return -1;
}

/* Copies SIZE bytes from IN into FD (or discards them when fd < 0). */
static int copy_in(int in, int fd, long long size)
{
    char buf[32768];
    int rc = 0;
    while (size > 0) {
        size_t chunk = size > (long long)sizeof buf ? sizeof buf : (size_t)size;
        if (read_all(in, buf, chunk) != 0)
            return -1;
        if (fd >= 0 && rc == 0 && write_all(fd, buf, chunk) != 0)
            rc = -2;
        size -= (long long)chunk;
    }
    return rc;
}

static bool valid_name(const char *name)
{
    return name[0] && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

static int sink(const char *home, const struct scp_request *req, int in, int out)
{
    char target[2048], dest[2300], line[2048];
    struct stat st;
    bool target_dir, have_times = false;
    struct timeval times[2];
    int status = 0;

    if (req->recursive) {
        send_error(out, true, "scp: %s: recursive copies are not supported here", req->path);
        return 1;
    }
    if (scp_resolve(home, req->path, target, sizeof target) != 0 ||
        !scp_inside_home(home, target)) {
        send_error(out, true, "scp: %s: Permission denied (outside the home folder)", req->path);
        return 1;
    }
    target_dir = stat(target, &st) == 0 && S_ISDIR(st.st_mode);
    if (send_ok(out) != 0)
        return 1;
    for (;;) {
        int n = read_line(in, line, sizeof line);
        if (n == -1)
            return status;          /* the client closed: done */
        if (n < 0)
            return 1;
        if (line[0] == 1 || line[0] == 2) {
            fprintf(stderr, "scp client: %s\n", line + 1);
            if (line[0] == 2)
                return 1;
            status = 1;
            continue;
        }
        if (line[0] == 'T') {
            long long mt, ma;
            if (sscanf(line + 1, "%lld %*d %lld %*d", &mt, &ma) != 2) {
                send_error(out, true, "scp: protocol error: %s", "bad T line");
                return 1;
            }
            times[0] = (struct timeval){(time_t)ma, 0};
            times[1] = (struct timeval){(time_t)mt, 0};
            have_times = true;
            send_ok(out);
            continue;
        }
        if (line[0] == 'E') {
            send_ok(out);
            continue;
        }
        if (line[0] != 'C') {
            send_error(out, true, "scp: %s: directories are not supported here", req->path);
            return 1;
        }
        unsigned mode;
        long long size;
        int name_at = 0;
        if (sscanf(line + 1, "%o %lld %n", &mode, &size, &name_at) != 2 || name_at == 0 ||
            size < 0 || !valid_name(line + 1 + name_at)) {
            send_error(out, true, "scp: protocol error: %s", "bad C line");
            return 1;
        }
        const char *name = line + 1 + name_at;
        if (target_dir)
            snprintf(dest, sizeof dest, "%s/%s", target, name);
        else
            snprintf(dest, sizeof dest, "%s", target);
        int fd = -1;
        if (scp_inside_home(home, dest))
            fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                      (mode_t)(mode & 0777));
        if (fd < 0) {
            send_error(out, false, "scp: %s: cannot write the file", req->path);
            status = 1;
            have_times = false;
            continue;           /* the client skips this file's bytes */
        }
        send_ok(out);
        int rc = copy_in(in, fd, size);
        if (close(fd) != 0 && rc == 0)
            rc = -2;
        if (rc == -1)
            return 1;
        if (read_ack(in) != 0)
            return 1;
        if (rc != 0) {
            send_error(out, false, "scp: %s: write failed", name);
            status = 1;
            continue;
        }
        if (req->preserve && have_times)
            utimes(dest, times);
        have_times = false;
        send_ok(out);
    }
}

static int source(const char *home, const struct scp_request *req, int in, int out)
{
    char path[2048], line[2300], buf[32768];
    struct stat st;
    int fd = -1, status = 1;

    if (read_ack(in) != 0)
        return 1;
    if (scp_resolve(home, req->path, path, sizeof path) != 0 || !scp_inside_home(home, path)) {
        send_error(out, false, "scp: %s: Permission denied (outside the home folder)",
                   req->path);
        return 1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        send_error(out, false, "scp: %s: No such file or not a regular file", req->path);
        goto out;
    }
    if (req->preserve) {
        snprintf(line, sizeof line, "T%lld 0 %lld 0\n", (long long)st.st_mtime,
                 (long long)st.st_atime);
        if (write_all(out, line, strlen(line)) != 0 || read_ack(in) != 0)
            goto out;
    }
    const char *base = strrchr(path, '/');
    snprintf(line, sizeof line, "C%04o %lld %s\n", (unsigned)(st.st_mode & 07777),
             (long long)st.st_size, base ? base + 1 : path);
    if (write_all(out, line, strlen(line)) != 0 || read_ack(in) != 0)
        goto out;
    long long left = st.st_size;
    while (left > 0) {
        ssize_t r = read(fd, buf, left > (long long)sizeof buf ? sizeof buf : (size_t)left);
        if (r <= 0) {
            /* The size was promised: pad, then report the failure in place of the final 0. */
            memset(buf, 0, sizeof buf);
            while (left > 0) {
                size_t c = left > (long long)sizeof buf ? sizeof buf : (size_t)left;
                write_all(out, buf, c);
                left -= (long long)c;
            }
            send_error(out, false, "scp: %s: read error", req->path);
            goto out;
        }
        if (write_all(out, buf, (size_t)r) != 0)
            goto out;
        left -= r;
    }
    if (send_ok(out) != 0 || read_ack(in) != 0)
        goto out;
    status = 0;
out:
    if (fd >= 0)
        close(fd);
    return status;
}

int scp_serve(const char *home, const struct scp_request *req, int in, int out)
{
    return req->sink ? sink(home, req, in, out) : source(home, req, in, out);
}
