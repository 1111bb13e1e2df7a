/* scp_upload.c: the scp sink and source protocols, client side.
 *
 * Sink (`scp -t DIR`): the remote acks (a 0 byte) when ready; we send "C<mode> <size>
 * <name>\n", it acks; we send the bytes and a 0 byte, it acks once the file is written. A 1
 * (warning) or 2 (fatal) byte instead of an ack is followed by a message line.
 * Source (`scp -f PATH`): we ack, it sends the C record, we ack, it sends the bytes and a 0
 * byte, we ack. */
#include "scp_upload.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ssh_conn.h"
#include "waitset.h"

struct scp_io {
    struct ssh_conn *c;
    ssh_channel ch;
    struct timespec deadline;
    const char *what;        /* for messages */
    struct ssh_conn_error *err;
};

__attribute__((format(printf, 3, 4)))
static int scp_fail(struct scp_io *io, enum ssh_conn_code code, const char *fmt, ...)
{
    va_list ap;
    if (io->err && io->err->code == SSHC_OK) {
        io->err->code = code;
        va_start(ap, fmt);
        vsnprintf(io->err->message, sizeof(io->err->message), fmt, ap);
        va_end(ap);
    }
    return -1;
}

struct scp_read {
    ssh_channel ch;
    char *buf;
    size_t want, got;
    bool eof;
};

static bool scp_read_pred(void *ud)
{
    struct scp_read *r = ud;
    int n = ssh_channel_read_nonblocking(r->ch, r->buf + r->got, (uint32_t)(r->want - r->got),
                                         0);
    if (n > 0)
        r->got += (size_t)n;
    else if (n < 0 || ssh_channel_is_eof(r->ch) || ssh_channel_is_closed(r->ch))
        r->eof = true;
    return r->got == r->want || r->eof;
}

/* Reads exactly LEN bytes. */
static int scp_read(struct scp_io *io, void *buf, size_t len)
{
    struct scp_read r = {.ch = io->ch, .buf = buf, .want = len};
    if (len == 0)
        return 0;
    switch (waitset_run_until(ssh_conn_waitset(io->c), scp_read_pred, &r, &io->deadline)) {
    case WAITSET_DONE:
        if (r.got == len)
            return 0;
        return scp_fail(io, SSHC_E_TRANSFER, "%s: %s closed the transfer early", io->what,
                        ssh_conn_name(io->c));
    case WAITSET_CANCELLED:
        return scp_fail(io, SSHC_E_CANCELLED, "%s: cancelled", io->what);
    default:
        return scp_fail(io, SSHC_E_TIMEOUT, "%s on %s: timed out", io->what,
                        ssh_conn_name(io->c));
    }
}

/* Reads a line up to '\n' (not stored) into BUF. */
static int scp_read_line(struct scp_io *io, char *buf, size_t len)
{
    size_t n = 0;
    for (;;) {
        char ch;
        if (scp_read(io, &ch, 1) != 0)
            return -1;
        if (ch == '\n')
            break;
        if (n + 1 < len)
            buf[n++] = ch;
    }
    buf[n] = '\0';
    return 0;
}

/* Reads the remote's acknowledgement; a warning or error becomes a failure. */
static int scp_ack(struct scp_io *io)
{
    char b, msg[256];
    if (scp_read(io, &b, 1) != 0)
        return -1;
    if (b == 0)
        return 0;
    if (scp_read_line(io, msg, sizeof(msg)) != 0)
        snprintf(msg, sizeof(msg), "(no message)");
    return scp_fail(io, SSHC_E_TRANSFER, "%s: %s says: %s", io->what, ssh_conn_name(io->c), msg);
}

static int scp_write(struct scp_io *io, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        /* Small pieces, pumping the waitset in between, keep the other streams drained. */
        uint32_t n = len > 16384 ? 16384 : (uint32_t)len;
        int w = ssh_channel_write(io->ch, p, n);
        if (w <= 0)
            return scp_fail(io, SSHC_E_TRANSFER, "%s: writing to %s failed: %s", io->what,
                            ssh_conn_name(io->c), ssh_get_error(ssh_conn_session(io->c)));
        p += w;
        len -= (size_t)w;
        waitset_pump(ssh_conn_waitset(io->c));
        if (waitset_cancelled(ssh_conn_waitset(io->c)))
            return scp_fail(io, SSHC_E_CANCELLED, "%s: cancelled", io->what);
        if (waitset_ms_until(&io->deadline) <= 0)
            return scp_fail(io, SSHC_E_TIMEOUT, "%s on %s: timed out", io->what,
                            ssh_conn_name(io->c));
    }
    return 0;
}

/* Opens an exec channel running CMD. */
static int scp_open(struct scp_io *io, const char *cmd)
{
    io->ch = ssh_channel_new(ssh_conn_session(io->c));
    if (!io->ch || ssh_channel_open_session(io->ch) != SSH_OK ||
        ssh_channel_request_exec(io->ch, cmd) != SSH_OK)
        return scp_fail(io, SSHC_E_CHANNEL, "%s: cannot run `%s` on %s: %s", io->what, cmd,
                        ssh_conn_name(io->c), ssh_get_error(ssh_conn_session(io->c)));
    return 0;
}

static void scp_close(struct scp_io *io)
{
    if (!io->ch)
        return;
    if (ssh_channel_is_open(io->ch)) {
        ssh_channel_send_eof(io->ch);
        ssh_channel_close(io->ch);
    }
    ssh_channel_free(io->ch);
    io->ch = NULL;
}

/* Appends S to the command in BUF, single-quoted unless it is plainly safe. */
static void scp_quote(char *buf, size_t len, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/~-+", *p))
            plain = false;
    size_t n = strlen(buf);
    if (plain) {
        snprintf(buf + n, len - n, "%s", s);
        return;
    }
    if (n + 1 < len)
        buf[n++] = '\'';
    for (const char *p = s; *p && n + 5 < len; p++) {
        if (*p == '\'') {
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *p;
        }
    }
    if (n + 1 < len)
        buf[n++] = '\'';
    buf[n < len ? n : len - 1] = '\0';
}

static int scp_send_file(struct scp_io *io, FILE *fp, const struct stat *st, const char *name,
                         const char *dir)
{
    char cmd[1200] = "scp -t ";
    scp_quote(cmd, sizeof(cmd), dir);
    if (scp_open(io, cmd) != 0 || scp_ack(io) != 0)
        return -1;
    char rec[400];
    int n = snprintf(rec, sizeof(rec), "C%04o %lld %s\n", (unsigned)(st->st_mode & 0777),
                     (long long)st->st_size, name);
    if (scp_write(io, rec, (size_t)n) != 0 || scp_ack(io) != 0)
        return -1;
    char buf[16384];
    size_t got;
    long long sent = 0;
    while ((got = fread(buf, 1, sizeof(buf), fp)) > 0) {
        if (scp_write(io, buf, got) != 0)
            return -1;
        sent += (long long)got;
    }
    if (sent != (long long)st->st_size)
        return scp_fail(io, SSHC_E_TRANSFER, "%s: the local file changed while it was sent",
                        io->what);
    if (scp_write(io, "", 1) != 0 || scp_ack(io) != 0)
        return -1;
    scp_close(io);
    return 0;
}

/* Reads REMOTE back and compares it with the local file. */
static int scp_verify(struct scp_io *io, FILE *fp, const struct stat *st, const char *remote)
{
    char cmd[1200] = "scp -f ";
    scp_quote(cmd, sizeof(cmd), remote);
    io->what = "checking the uploaded file";
    if (scp_open(io, cmd) != 0 || scp_write(io, "", 1) != 0)
        return -1;
    char b, rec[400];
    if (scp_read(io, &b, 1) != 0)
        return -1;
    if (b != 'C') {
        if (scp_read_line(io, rec, sizeof(rec)) != 0)
            rec[0] = '\0';
        return scp_fail(io, SSHC_E_TRANSFER, "the uploaded file %s cannot be read back from %s%s%s",
                        remote, ssh_conn_name(io->c), rec[0] ? ": " : "", rec);
    }
    if (scp_read_line(io, rec, sizeof(rec)) != 0)
        return -1;
    unsigned mode;
    long long size;
    if (sscanf(rec, "%o %lld", &mode, &size) != 2 || size != (long long)st->st_size)
        return scp_fail(io, SSHC_E_TRANSFER,
                        "the uploaded file %s on %s has the wrong size (%s instead of %lld bytes)",
                        remote, ssh_conn_name(io->c), rec, (long long)st->st_size);
    if (scp_write(io, "", 1) != 0)
        return -1;
    rewind(fp);
    char want[4096], have[4096];
    for (long long left = size; left > 0;) {
        size_t n = left > (long long)sizeof(want) ? sizeof(want) : (size_t)left;
        if (fread(want, 1, n, fp) != n || scp_read(io, have, n) != 0)
            return -1;
        if (memcmp(want, have, n) != 0)
            return scp_fail(io, SSHC_E_TRANSFER, "the uploaded file %s on %s differs from %s",
                            remote, ssh_conn_name(io->c), "the local file");
        left -= (long long)n;
    }
    if (scp_ack(io) != 0 || scp_write(io, "", 1) != 0)
        return -1;
    scp_close(io);
    return 0;
}

int scp_upload(struct ssh_conn *c, const char *local_path, const char *remote_dir,
               char *remote_path, size_t len, long timeout_ms, struct ssh_conn_error *err)
{
    struct scp_io io = {.c = c, .err = err, .what = "uploading a file"};
    struct stat st;
    int rc = -1;
    if (err)
        *err = (struct ssh_conn_error){.code = SSHC_OK};
    io.deadline = waitset_deadline_in(timeout_ms > 0 ? timeout_ms : 60000);
    FILE *fp = fopen(local_path, "rb");
    if (!fp || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        scp_fail(&io, SSHC_E_TRANSFER, "cannot read %s: %s", local_path,
                 fp ? "not a regular file" : strerror(errno));
        goto out;
    }
    const char *name = strrchr(local_path, '/');
    name = name ? name + 1 : local_path;
    if (!*name || strchr(name, '\n')) {
        scp_fail(&io, SSHC_E_TRANSFER, "cannot upload %s: unusable file name", local_path);
        goto out;
    }
    const char *dir = remote_dir && *remote_dir ? remote_dir : ".";
    if (strcmp(dir, ".") == 0)
        snprintf(remote_path, len, "%s", name);
    else
        snprintf(remote_path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    if (scp_send_file(&io, fp, &st, name, dir) != 0)
        goto out;
    if (scp_verify(&io, fp, &st, remote_path) != 0)
        goto out;
    rc = 0;
out:
    scp_close(&io);
    if (fp)
        fclose(fp);
    return rc;
}
