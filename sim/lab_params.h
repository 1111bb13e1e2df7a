/* lab_params.h: the parameters of one simulated lab, stored in DIR/lab.json by `rotwiz-sim lab`
 * and read by every device program. See sim/README.md for the lab folder layout. */
#ifndef SIM_LAB_PARAMS_H
#define SIM_LAB_PARAMS_H
#include <stdbool.h>
#include <stddef.h>

#define SIM_MAX_FAULTS 32
#define SIM_MAX_APPLIANCES 4
#define SIM_TEXT 256
#define SIM_MAX_KNOBS 24

struct sim_appliance_params {
    char name[32];          /* "source", "target" */
    char address[64];       /* 127.0.0.2 ... */
    int port;               /* SSH port picked at start */
};

struct sim_lab_params {
    char dir[SIM_TEXT];             /* absolute lab folder */
    char auth[16];                  /* "password" | "ped" */
    size_t fault_count;
    char faults[SIM_MAX_FAULTS][48];
    int latency_ms;                 /* added before every device reply */
    char ped_mode[16];              /* "auto" | "manual" */
    double ped_time_scale;          /* multiplies PED timeouts and delays (tests use 0.01) */
    int ped_auto_delay_ms;          /* auto PED: delay before the requested key is presented */
    char ws_address[64];            /* the workstation, as the k570s reach it */
    int rbs_port;
    int ped_port;
    size_t appliance_count;
    struct sim_appliance_params appliances[SIM_MAX_APPLIANCES];
    char sim_path[SIM_TEXT];        /* absolute path of the rotwiz-sim executable */
    char domain[64];                /* cloning domain of the k570 partitions */
    char backup_partition[64];      /* partition name written into rotwiz.conf */
    char dialect[32];               /* --dialect preset ("" when none) */
    size_t knob_count;              /* knobs set explicitly; the others have their default */
    struct {
        char name[32];
        char value[32];
    } knobs[SIM_MAX_KNOBS];
};

/* The secrets the simulated devices are created with (from --secrets FILE or generated). */
struct sim_secrets {
    char source_co_password[64];
    char target_co_password[64];
    char backup_so_password[64];
    char backup_partition_password[64]; /* suggested in secrets.conf; set for real at backup */
    char rbs_password[64];              /* suggested in secrets.conf; set for real at genkey */
};

/* Reads DIR/lab.json. Returns 0, or -1 with a message in err. */
int lab_params_load(const char *dir, struct sim_lab_params *p, char *err, size_t errlen);
/* Writes DIR/lab.json atomically. Returns 0 or -1. */
int lab_params_save(const struct sim_lab_params *p, char *err, size_t errlen);
/* True when fault NAME is active. */
bool lab_has_fault(const struct sim_lab_params *p, const char *name);
/* The appliance named NAME, or NULL. */
const struct sim_appliance_params *lab_appliance(const struct sim_lab_params *p, const char *name);
/* The value of knob NAME (knobs.h): the one in lab.json, else the knob's default. */
const char *lab_knob(const struct sim_lab_params *p, const char *name);
/* True when knob NAME has VALUE. */
bool lab_knob_is(const struct sim_lab_params *p, const char *name, const char *value);
/* Sets knob NAME to VALUE (no validation: see knobs.h). 0, or -1 when the table is full. */
int lab_set_knob(struct sim_lab_params *p, const char *name, const char *value);

/* Sleeps the lab's --latency before a device reply (no-op when 0). Each charge appends a line
 * to the file ROTWIZ_SIM_LATENCY_LOG names, when set (a test hook). */
void lab_latency(const struct sim_lab_params *p);

#endif
