/* flow_capture.h: `rotwiz capture` (flow_act_capture.c), run at the end of the read-only view
 * when the request names a capture file. */
#ifndef ROTWIZ_FLOW_CAPTURE_H
#define ROTWIZ_FLOW_CAPTURE_H
#include "flow_ctx.h"

#ifdef ROTWIZ_VERSION
#define ROTWIZ_CAPTURE_VERSION ROTWIZ_VERSION
#else
#define ROTWIZ_CAPTURE_VERSION "unknown"
#endif

/* Captures every configured k570 and the workstation (read-only commands only) and writes
 * the JSON file of fx->req->capture_path ("-": stdout). 0, or a failure (exit 2: not written). */
int flow_capture_write(struct flow_ctx *fx);

#endif
