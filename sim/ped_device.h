/* ped_device.h: the simulated PED (the keypad the operator presents coloured keys to).
 *
 * The PED is in one place at a time (state.json "ped.location": workstation, source, target).
 * An HSM asks for a key either locally (the PED plugged into its USB port) or through the
 * PEDServer on the workstation (`ped set` / `ped connect`), whose wire protocol is the lab's own:
 * plain TCP, client sends "KEY <colour> <device>\n", server answers "PRESENTED <colour>\n" or
 * "TIMEOUT\n"; "PING\n" answers "PONG\n".
 * Modes: auto (the requested key is presented after ped_auto_delay_ms x ped_time_scale; the PED
 * follows the operator to wherever it is needed) or manual (waits for
 * `rotwiz-sim ped --dir DIR insert COLOUR`; `ped --dir DIR plug WHERE` moves it).
 * Faults: ped-timeout (never presented), ped-wrong-key (another colour is presented). */
#ifndef SIM_PED_DEVICE_H
#define SIM_PED_DEVICE_H
#include <stddef.h>

enum { PED_OK = 0, PED_TIMEOUT = -1, PED_UNREACHABLE = -2, PED_NOT_HERE = -3 };

/* Asks the PED, wherever it must be for WHERE ("workstation", "source", "target"), for key
 * COLOUR on behalf of DEVICE; waits at most timeout_ms (already scaled). On PED_OK, presented
 * holds the colour actually presented (may differ under ped-wrong-key). */
int ped_device_request(const char *dir, const char *where, const char *device, const char *colour,
                       int timeout_ms, char *presented, size_t len);

/* Client side of the PEDServer link (a k570 after `ped connect`): same result codes. */
int ped_link_request(const char *address, int port, const char *device, const char *colour,
                     int timeout_ms, char *presented, size_t len);
/* True (1) when a PEDServer answers PING at address:port within timeout_ms. */
int ped_link_ping(const char *address, int port, int timeout_ms);

#endif
