/* modes.h: every mode of the rotwiz-sim executable. Each takes the arguments after the mode
 * name (argv[0] is the mode name) and returns the process exit status. */
#ifndef SIM_MODES_H
#define SIM_MODES_H

/* Lab control (sim transport: lab.c, serve.c). */
int mode_lab(int argc, char **argv);      /* lab --dir DIR [...]: start a lab, print "ready" */
int mode_stop(int argc, char **argv);     /* stop --dir DIR */
int mode_serve(int argc, char **argv);    /* serve --dir DIR: the SSH servers (daemon body) */

/* Devices (sim devices). */
int mode_state(int argc, char **argv);    /* state --dir DIR --json */
int mode_ped(int argc, char **argv);      /* ped --dir DIR insert COLOUR | plug WHERE */
int mode_shell(int argc, char **argv);    /* shell --dir DIR --appliance NAME [-c CMD] */
int mode_k570_lunacm(int argc, char **argv);
int mode_vtl(int argc, char **argv);
int mode_rbs(int argc, char **argv);
int mode_pedserver(int argc, char **argv);
int mode_ws_lunacm(int argc, char **argv);

/* Called by `lab` after lab.json is written: creates DIR/state.json for a new lab from the
 * secrets the devices are created with. Returns 0 or -1 with a message in err. */
struct sim_lab_params;
struct sim_secrets;
int sim_state_create(const struct sim_lab_params *p, const struct sim_secrets *s, char *err,
                     unsigned long errlen);

#endif
