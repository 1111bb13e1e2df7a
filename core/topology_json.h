/* topology_json.h: `rotwiz topology --json` and `--plain` renderings of struct topology. */
#ifndef ROTWIZ_TOPOLOGY_JSON_H
#define ROTWIZ_TOPOLOGY_JSON_H
#include <stdio.h>
#include "model.h"

/* Writes the INTERFACE.md JSON document. Returns 0 or -1. */
int topology_write_json(const struct topology *t, FILE *out);
/* Writes a plain text rendering (one fact per line). */
void topology_write_plain(const struct topology *t, FILE *out);

#endif
