/* flow_wait.c: event waits for the workstation's helpers (see flow_wait.h).
 *
 * A helper's exit: pidfd_open(2) gives a descriptor that becomes readable when the process
 * ends, so the flow's waitset wakes at that moment. Kernels without it (before 5.3) get a
 * 10 ms timer that re-checks waitpid instead (still no fixed sleep: the wait ends within a
 * tick of the exit).
 * A port that opens: no descriptor announces another process's listen(), so a connect is
 * retried from a 10 ms waitset timer; on the workstation's own address a refused connect
 * answers at once, and the wait ends within a tick of the port opening. */
#include "flow_wait.h"
#include "flow_ctx.h"
#include "job.h"
#include "waitset.h"
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RECHECK_MS 10

static int pidfd_of(struct job *job)
{
#ifdef SYS_pidfd_open
    return job ? (int)syscall(SYS_pidfd_open, job_pid(job), 0) : -1;
#else
    (void)job;
    return -1;
#endif
}

static void wake(void *ud)
{
    (void)ud; /* the loop turn re-checks the predicate */
}

static bool job_done(void *ud)
{
    return job_exited(ud, NULL);
}

bool flow_wait_job_exit(struct flow_ctx *fx, struct job *job, long ms, int *status)
{
    if (!job_exited(job, status)) {
        int pfd = pidfd_of(job);
        int id = pfd >= 0 ? waitset_add(fx->ws, pfd, POLLIN, NULL, NULL)
                          : waitset_add_timer(fx->ws, RECHECK_MS, wake, NULL);
        struct timespec deadline = waitset_deadline_in(ms);
        waitset_run_until(fx->ws, job_done, job, &deadline);
        waitset_remove(fx->ws, id);
        if (pfd >= 0)
            close(pfd);
    }
    return job_exited(job, status);
}

struct port_wait {
    const char *host;
    int port;
    struct job *job;
    bool open;
};

static void port_try(void *ud)
{
    struct port_wait *p = ud;
    if (!p->open)
        p->open = flow_port_open(p->host, p->port, 50);
}

static bool port_done(void *ud)
{
    struct port_wait *p = ud;
    return p->open || (p->job && job_exited(p->job, NULL));
}

bool flow_wait_port(struct flow_ctx *fx, const char *host, int port, struct job *job, long ms)
{
    struct port_wait p = {host, port, job, flow_port_open(host, port, 50)};
    if (p.open)
        return true;
    int tid = waitset_add_timer(fx->ws, RECHECK_MS, port_try, &p);
    int pfd = pidfd_of(job);
    int fid = pfd >= 0 ? waitset_add(fx->ws, pfd, POLLIN, NULL, NULL) : -1;
    struct timespec deadline = waitset_deadline_in(ms);
    waitset_run_until(fx->ws, port_done, &p, &deadline);
    waitset_remove(fx->ws, tid);
    if (fid > 0)
        waitset_remove(fx->ws, fid);
    if (pfd >= 0)
        close(pfd);
    return p.open;
}
