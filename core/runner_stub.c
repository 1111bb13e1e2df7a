/* runner_stub.c: TEMPORARY weak runner so the TUI links while core/runner.c is written. */
#include "runner.h"
#include <stdio.h>

__attribute__((weak)) struct runner *runner_start(const struct flow_request *req, char *err,
                                                  size_t errlen)
{
    (void)req;
    snprintf(err, errlen, "flows are not built yet");
    return NULL;
}
__attribute__((weak)) int runner_fd(const struct runner *r) { (void)r; return -1; }
__attribute__((weak)) void runner_dispatch(struct runner *r, const struct core_sink *s)
{
    (void)r; (void)s;
}
__attribute__((weak)) const struct core_ask *runner_pending_ask(struct runner *r)
{
    (void)r;
    return NULL;
}
__attribute__((weak)) void runner_answer(struct runner *r, int st, const struct core_answer *a)
{
    (void)r; (void)st; (void)a;
}
__attribute__((weak)) void runner_cancel(struct runner *r) { (void)r; }
__attribute__((weak)) bool runner_finished(struct runner *r, int *code)
{
    (void)r;
    *code = 0;
    return true;
}
__attribute__((weak)) void runner_free(struct runner *r) { (void)r; }
