/* ped_tool.h: what the PED programs share (ped_device.c, ped_link.c, pedserver.c, ped_cmd.c). */
#ifndef SIM_PED_TOOL_H
#define SIM_PED_TOOL_H
#include "lab_params.h"
#include <jansson.h>
#include <stdbool.h>

/* The PED-key timeout the pedserver uses when a client names none: 200 s (FORMATS.md §6),
 * multiplied by the lab's ped_time_scale. */
#define PED_DEFAULT_TIMEOUT_MS 200000

/* True for blue, red, black and orange. */
bool ped_colour_valid(const char *colour);

/* state.json "ped", created with its defaults (location workstation, mode from P or auto,
 * pending and inserted null) when absent or incomplete. Borrowed reference into ROOT. */
json_t *ped_state_get(json_t *root, const struct sim_lab_params *p);

#endif
