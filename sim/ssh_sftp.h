/* ssh_sftp.h: the sftp subsystem of a simulated k570. OpenSSH's sftp-server does the file work;
 * a relay in front of it makes the appliance's view true: paths the client sends are mapped into
 * the appliance home (/home/ksadmin/x, ~/x and relative paths; anything that would leave the
 * home is answered "permission denied" without reaching sftp-server), and paths sftp-server
 * answers (REALPATH and friends) are shown as /home/ksadmin/... */
#ifndef SIM_SSH_SFTP_H
#define SIM_SSH_SFTP_H
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer. */
struct sftp_buf {
    uint8_t *data;
    size_t len, cap;
};

/* Frees the buffer's storage and empties it. */
void sftp_buf_free(struct sftp_buf *b);

enum sftp_verdict {
    SFTP_FORWARD = 0,   /* out holds the (possibly rewritten) packet for sftp-server */
    SFTP_ANSWER = 1,    /* out holds a STATUS reply for the client; nothing is forwarded */
    SFTP_BROKEN = -1,   /* malformed packet: end the session */
};

/* Filters one client packet PKT (LEN bytes, without the 4-byte length) for HOME; appends the
 * result, with its length prefix, to out. */
enum sftp_verdict sftp_filter_request(const char *home, const uint8_t *pkt, size_t len,
                                      struct sftp_buf *out);

/* Rewrites one sftp-server packet (without its length) for the client: names under HOME are
 * shown under /home/ksadmin. Appends it, with its length prefix, to out. 0, or -1 if malformed. */
int sftp_filter_reply(const char *home, const uint8_t *pkt, size_t len, struct sftp_buf *out);

/* Runs SERVER (the sftp-server program) in HOME and relays between the client (IN/OUT) and it
 * through the filters until either side ends. Blocking; meant for a child process. Returns the
 * exit status to report. */
int sftp_relay_run(const char *server, const char *home, int in, int out);

#endif
