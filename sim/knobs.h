/* knobs.h: what the lab invents, made variable. Every behaviour of the simulated devices that no
 * real capture shows (prompt words and order, listing layouts, menu semantics) is a knob with at
 * least two values, so the core can be tested against a lab that disagrees with it. The
 * defaults follow the vendor document; `rotwiz-sim lab --vary KNOB=VALUE` and `--dialect NAME`
 * (a preset) choose others, stored in DIR/lab.json. Names are a contract with the core's tests. */
#ifndef SIM_KNOBS_H
#define SIM_KNOBS_H
#include <stdbool.h>
#include <stdio.h>

#define KNOB_MAX_VALUES 4

/* One knob: its name, its values (the first is the default) and what it varies. */
struct sim_knob {
    const char *name;
    const char *values[KNOB_MAX_VALUES + 1];   /* NULL-terminated */
    const char *description;
};

/* One preset: a name and "knob=value" settings (knobs not named keep their default). */
struct sim_dialect {
    const char *name;
    const char *settings[12];                  /* NULL-terminated */
    const char *description;
};

extern const struct sim_knob sim_knobs[];      /* terminated by a NULL name */
extern const struct sim_dialect sim_dialects[];

/* The knob named NAME, or NULL. */
const struct sim_knob *knob_find(const char *name);
/* The default value of knob NAME ("" for an unknown knob). */
const char *knob_default(const char *name);
/* True when VALUE is one of knob K's values. */
bool knob_value_ok(const struct sim_knob *k, const char *value);
/* The preset named NAME, or NULL. */
const struct sim_dialect *dialect_find(const char *name);
/* Prints every knob (values, default marked) and preset, for `lab --help`. */
void knobs_print(FILE *out);
/* Prints the valid knobs and their values (for an unknown knob), or the valid values of K. */
void knobs_print_valid(FILE *out, const struct sim_knob *k);
/* Prints the valid preset names. */
void dialects_print_valid(FILE *out);

#endif
