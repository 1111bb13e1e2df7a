/* batch_sink.h: the sink of headless runs: one progress line per step, PED instructions and
 * errors as text, secrets read from the terminal with echo off (or refused without one). */
#ifndef ROTWIZ_BATCH_SINK_H
#define ROTWIZ_BATCH_SINK_H
#include <stdbool.h>
#include <stdio.h>
#include "core_event.h"

#define BATCH_TODO_MAX 16

struct batch_sink {
    FILE *out;              /* progress lines (stdout, or stderr when stdout carries JSON) */
    bool verbose;           /* also print every transcript line */
    size_t step_count;
    struct topology last_topology;   /* the newest EV_TOPOLOGY_CHANGED */
    bool have_topology;
    /* hand steps rotwiz could not check (STEP_UNVERIFIED), listed in the closing summary
     * under "Left for you to do:" */
    struct batch_todo {
        char title[160];
        char first_line[240];        /* of the step's instructions */
    } todo[BATCH_TODO_MAX];
    size_t todo_count;
};

/* A sink printing to bs->out. */
struct core_sink batch_sink_make(struct batch_sink *bs);

/* Reads a line from the controlling terminal with echo off; false when there is none. */
bool batch_read_secret(const char *prompt, char *buf, size_t len);

#endif
