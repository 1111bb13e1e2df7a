/* ped_link.c: the client side of the PEDServer link (wire protocol in ped_device.h, refined in
 * sim/README.md: "KEY <colour> <device> <timeout_ms>\n" -> "PRESENTED <colour>\n" | "TIMEOUT\n"
 * | "NOTHERE\n"). */
#include "ped_device.h"
#include "ws_net.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The connect timeout is bounded separately: an unreachable server should fail fast even when
 * the key prompt may last minutes. */
#define PED_CONNECT_MS 5000
/* How much longer than the key prompt the client waits for the server's verdict. */
#define PED_ANSWER_MARGIN_MS 3000

int ped_link_request(const char *address, int port, const char *device, const char *colour,
                     int timeout_ms, char *presented, size_t len)
{
    char err[300], line[128], dev[64];
    if (len)
        presented[0] = '\0';
    int fd = wsnet_connect(address, port, timeout_ms < PED_CONNECT_MS ? timeout_ms
                                                                      : PED_CONNECT_MS,
                           err, sizeof err);
    if (fd < 0)
        return PED_UNREACHABLE;
    /* One word on the wire: spaces in a device name would split it. */
    snprintf(dev, sizeof dev, "%s", device && *device ? device : "unknown");
    for (char *c = dev; *c; c++)
        if (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n')
            *c = '_';
    snprintf(line, sizeof line, "KEY %s %s %d\n", colour, dev, timeout_ms);
    int rc = PED_UNREACHABLE;
    if (wsnet_write_all(fd, line, strlen(line)) != 0)
        goto out;
    if (wsnet_read_line(fd, line, sizeof line, timeout_ms + PED_ANSWER_MARGIN_MS) < 0) {
        rc = PED_TIMEOUT;
        goto out;
    }
    if (strncmp(line, "PRESENTED ", 10) == 0) {
        snprintf(presented, len, "%s", line + 10);
        rc = PED_OK;
    } else if (strcmp(line, "TIMEOUT") == 0) {
        rc = PED_TIMEOUT;
    } else if (strcmp(line, "NOTHERE") == 0) {
        rc = PED_NOT_HERE;
    }
out:
    close(fd);
    return rc;
}

int ped_link_ping(const char *address, int port, int timeout_ms)
{
    char err[300], line[32];
    int fd = wsnet_connect(address, port, timeout_ms, err, sizeof err);
    if (fd < 0)
        return 0;
    int ok = wsnet_write_all(fd, "PING\n", 5) == 0 &&
             wsnet_read_line(fd, line, sizeof line, timeout_ms) >= 0 && strcmp(line, "PONG") == 0;
    close(fd);
    return ok;
}
