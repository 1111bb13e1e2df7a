/* lab_proc.h: the processes of a running lab (DIR/lab.pid, DIR/run/NAME.pid): finding them,
 * telling them from recycled process ids, and ending them. */
#ifndef SIM_LAB_PROC_H
#define SIM_LAB_PROC_H
#include <stdbool.h>
#include <sys/types.h>

/* Reads a pid file (one decimal number). Returns the pid, or 0 when absent or malformed. */
pid_t lab_proc_read_pidfile(const char *path);

/* Writes PID into PATH (atomically). Returns 0 or -1. */
int lab_proc_write_pidfile(const char *path, pid_t pid);

/* True when PID exists and is not a zombie. */
bool lab_proc_alive(pid_t pid);

/* True when PID runs this very executable (so a recycled pid is never mistaken for the lab). */
bool lab_proc_is_sim(pid_t pid);

/* The pid in DIR/lab.pid when that daemon is alive and is rotwiz-sim, else 0. */
pid_t lab_proc_running(const char *dir);

/* Sends SIG to PID's process group (when PID leads one) and to PID; waits up to TIMEOUT_MS for
 * it to be gone, then SIGKILLs. Returns true when it is gone. */
bool lab_proc_end(pid_t pid, int timeout_ms);

#endif
