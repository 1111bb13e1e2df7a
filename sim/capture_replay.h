/* capture_replay.h: a real device's captured answers replayed by the lab's lunacm
 * (`rotwiz-sim lab --from-capture FILE`, capture_replay.c). */
#ifndef SIM_CAPTURE_REPLAY_H
#define SIM_CAPTURE_REPLAY_H
#include <stdbool.h>
#include <stddef.h>

struct lcm;

/* Copies the capture SRC into lab folder DIR (checked to be a rotwiz capture); SRC NULL
 * removes an earlier one. 0, or -1 with a message. */
int capture_install(const char *src, const char *dir, char *err, size_t errlen);
/* When the lab holds a capture covering LINE (a read-only command) for this lunacm's device,
 * prints the captured output (its Command Result included) and returns true. */
bool capture_replay_command(struct lcm *c, const char *line);
/* Prints the captured start-up text (banner, slots) of this device; false when none. */
bool capture_replay_startup(struct lcm *c);

#endif
