/* runner.c: one flow in a worker thread; events queued for the UI thread, questions handed
 * over one at a time. The queue is drained by runner_dispatch(); a pipe wakes the UI's poll(). */
#include "runner.h"
#include "event_copy.h"
#include "flow.h"
#include <fcntl.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUNNER_MAX_WITNESS_LEN 128

struct queued {
    struct event_copy *ev;
    struct queued *next;
};

struct runner {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t answered;
    int wake[2];                 /* worker -> UI: something to dispatch */
    int cancel[2];               /* UI -> worker: cancel */
    struct queued *head, *tail;
    struct ask_copy *pending;    /* the question waiting for the UI, or NULL */
    bool has_answer;
    int answer_status;
    struct core_answer answer;
    bool cancelled;
    bool finished;
    bool joined;                 /* runner_wait joined the thread */
    int exit_code;
    /* the request, owning its strings */
    struct flow_request req;
    char *strings[6 + FLOW_MAX_WITNESSES + FLOW_MAX_ACKS + FLOW_MAX_INIT_RPV];
};

static void wake_ui(struct runner *r)
{
    char b = 1;
    ssize_t n = write(r->wake[1], &b, 1);
    (void)n; /* a full pipe already wakes the UI */
}

static void on_event(void *ud, const struct core_event *ev)
{
    struct runner *r = ud;
    struct queued *q = calloc(1, sizeof *q);
    q->ev = event_copy_new(ev);
    pthread_mutex_lock(&r->lock);
    if (r->tail)
        r->tail->next = q;
    else
        r->head = q;
    r->tail = q;
    pthread_mutex_unlock(&r->lock);
    wake_ui(r);
}

/* Worker side of a question: blocks this (the flow's) thread until the UI answers. */
static int on_ask(void *ud, const struct core_ask *question, struct core_answer *a)
{
    struct runner *r = ud;
    pthread_mutex_lock(&r->lock);
    if (r->cancelled) {
        pthread_mutex_unlock(&r->lock);
        return ASK_CANCELLED;
    }
    r->pending = ask_copy_new(question);
    r->has_answer = false;
    pthread_mutex_unlock(&r->lock);
    wake_ui(r);
    pthread_mutex_lock(&r->lock);
    while (!r->has_answer)
        pthread_cond_wait(&r->answered, &r->lock);
    int status = r->answer_status;
    *a = r->answer;
    OPENSSL_cleanse(&r->answer, sizeof r->answer);
    ask_copy_free(r->pending);
    r->pending = NULL;
    pthread_mutex_unlock(&r->lock);
    return status;
}

static void *worker(void *arg)
{
    struct runner *r = arg;
    struct core_sink sink = {.on_event = on_event, .ask = on_ask, .ud = r};
    int code = flow_run(&r->req, &sink, r->cancel[0]);
    pthread_mutex_lock(&r->lock);
    r->finished = true;
    r->exit_code = code;
    pthread_mutex_unlock(&r->lock);
    wake_ui(r);
    return NULL;
}

static const char *keep(struct runner *r, size_t slot, const char *s)
{
    r->strings[slot] = s ? strdup(s) : NULL;
    return r->strings[slot];
}

struct runner *runner_start(const struct flow_request *req, char *err, size_t errlen)
{
    struct runner *r = calloc(1, sizeof *r);
    if (!r || pipe2(r->wake, O_CLOEXEC | O_NONBLOCK) != 0 ||
        pipe2(r->cancel, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(err, errlen, "cannot create the runner's pipes");
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->answered, NULL);
    r->req = *req;
    r->req.config_path = keep(r, 0, req->config_path);
    r->req.secrets_path = keep(r, 1, req->secrets_path);
    r->req.auth_override = keep(r, 2, req->auth_override);
    r->req.state_dir = keep(r, 3, req->state_dir);
    r->req.confirm_clear_host = keep(r, 4, req->confirm_clear_host);
    r->req.operator_name = keep(r, 5, req->operator_name);
    for (size_t i = 0; i < req->witness_count && i < FLOW_MAX_WITNESSES; i++)
        r->req.witnesses[i] = keep(r, 6 + i, req->witnesses[i]);
    for (size_t i = 0; i < req->ack_count && i < FLOW_MAX_ACKS; i++)
        r->req.ack_serials[i] = keep(r, 6 + FLOW_MAX_WITNESSES + i, req->ack_serials[i]);
    for (size_t i = 0; i < req->init_rpv_count && i < FLOW_MAX_INIT_RPV; i++)
        r->req.init_rpv[i] =
            keep(r, 6 + FLOW_MAX_WITNESSES + FLOW_MAX_ACKS + i, req->init_rpv[i]);
    if (pthread_create(&r->thread, NULL, worker, r) != 0) {
        snprintf(err, errlen, "cannot start the flow's thread");
        r->finished = true;
        runner_free(r);
        return NULL;
    }
    return r;
}

int runner_fd(const struct runner *r)
{
    return r->wake[0];
}

void runner_dispatch(struct runner *r, const struct core_sink *sink)
{
    char buf[64];
    while (read(r->wake[0], buf, sizeof buf) > 0)
        ;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        struct queued *q = r->head;
        if (q) {
            r->head = q->next;
            if (!r->head)
                r->tail = NULL;
        }
        pthread_mutex_unlock(&r->lock);
        if (!q)
            break;
        if (sink && sink->on_event)
            sink->on_event(sink->ud, event_copy_get(q->ev));
        event_copy_free(q->ev);
        free(q);
    }
}

const struct core_ask *runner_pending_ask(struct runner *r)
{
    pthread_mutex_lock(&r->lock);
    const struct core_ask *q = r->pending && !r->has_answer ? ask_copy_get(r->pending) : NULL;
    pthread_mutex_unlock(&r->lock);
    return q;
}

void runner_answer(struct runner *r, int status, const struct core_answer *a)
{
    pthread_mutex_lock(&r->lock);
    if (r->pending && !r->has_answer) {
        r->answer_status = status;
        if (a)
            r->answer = *a;
        else
            memset(&r->answer, 0, sizeof r->answer);
        r->has_answer = true;
        pthread_cond_signal(&r->answered);
    }
    pthread_mutex_unlock(&r->lock);
}

void runner_cancel(struct runner *r)
{
    char b = 1;
    pthread_mutex_lock(&r->lock);
    r->cancelled = true;
    pthread_mutex_unlock(&r->lock);
    ssize_t n = write(r->cancel[1], &b, 1);
    (void)n;
    runner_answer(r, ASK_CANCELLED, NULL);
}

bool runner_finished(struct runner *r, int *exit_code)
{
    pthread_mutex_lock(&r->lock);
    bool done = r->finished;
    if (done && exit_code)
        *exit_code = r->exit_code;
    pthread_mutex_unlock(&r->lock);
    return done;
}

int runner_wait(struct runner *r)
{
    if (!runner_finished(r, NULL))
        runner_cancel(r);
    if (r->thread && !r->joined)
        pthread_join(r->thread, NULL);
    r->joined = true;
    int code = EXIT_CANCELLED;
    runner_finished(r, &code);
    return code;
}

void runner_free(struct runner *r)
{
    if (!r)
        return;
    if (!runner_finished(r, NULL)) {
        runner_cancel(r);
    }
    if (r->thread && !r->joined)
        pthread_join(r->thread, NULL);
    runner_dispatch(r, NULL);
    ask_copy_free(r->pending);
    for (size_t i = 0; i < sizeof r->strings / sizeof r->strings[0]; i++)
        free(r->strings[i]);
    close(r->wake[0]);
    close(r->wake[1]);
    close(r->cancel[0]);
    close(r->cancel[1]);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->answered);
    free(r);
}
