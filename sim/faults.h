/* faults.h: the faults a simulated lab can be started with (`rotwiz-sim lab --fault NAME`).
 * The list is the contract between `lab` (which validates and records them in lab.json) and the
 * device programs (which act on them through lab_has_fault()). */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One fault: its name on the command line and a one-line description for `lab --help`. */
struct sim_fault {
    const char *name;
    const char *description;
};

/* The table of every valid fault, terminated by an entry whose name is NULL. */
extern const struct sim_fault sim_faults[];

/* True when NAME is a valid fault name. */
bool faults_is_valid(const char *name);

/* Prints every fault as "  NAME  description" lines (for --help and error messages). */
void faults_print(FILE *out);

#endif
