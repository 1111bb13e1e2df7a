/* stream.h: one byte-stream interface over an SSH PTY channel and a local pty master.
 *
 * Reads never block; writes of the short lines a conversation types block at most until
 * their deadline. The conversation engine (conv.h) and the jobs (job.h) build on it. */
#ifndef ROTWIZ_STREAM_H
#define ROTWIZ_STREAM_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include <libssh/libssh.h>

struct stream;

/* Reads what is available now into BUF. Returns > 0 bytes, 0 when nothing is available,
 * -1 when the stream is closed (end of file, error). */
ssize_t stream_read(struct stream *s, char *buf, size_t len);
/* Writes all LEN bytes, waiting for room until DEADLINE (CLOCK_MONOTONIC, NULL = 10 s).
 * Returns 0, or -1 when closed, failed or timed out. */
int stream_write(struct stream *s, const void *buf, size_t len, const struct timespec *deadline);
/* The descriptor to poll for input (for SSH: the session socket, shared by its channels). */
int stream_fd(const struct stream *s);
/* True once the other end closed (after the last byte was read). */
bool stream_closed(const struct stream *s);
/* True when the stream is a local pty whose program has turned its echo off (a password
 * typed now is not shown); false when it is on or cannot be known (SSH channels). */
bool stream_echo_off(const struct stream *s);
/* True when the stream is a local pty whose foreground program is blocked reading its
 * standard input and every byte it wrote has been read from the stream: whatever it printed
 * before asking is complete. False when not, or when it cannot be known (SSH channels, a
 * program reading elsewhere, kernels without /proc/PID/syscall). */
bool stream_waits_for_input(const struct stream *s);
/* Closes and frees the stream (a channel is closed, a pty fd closed only when owned). */
void stream_free(struct stream *s);

/* A stream over a local descriptor (a pty master). The fd is made non-blocking; OWNED: the
 * stream closes it on free. */
struct stream *stream_new_fd(int fd, bool owned);
/* A stream over an open SSH channel; the stream takes ownership of CHANNEL. */
struct stream *stream_new_channel(ssh_channel channel);

#endif
