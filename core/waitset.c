/* waitset.c: poll() loop with callbacks, timers, a cancel descriptor and a deadline. */
#include "waitset.h"
#include "lane_lock.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* libssh may hold decrypted data without the socket being readable; never sleep longer than
 * this between two pumps so such data is picked up promptly. 10 ms, not 100: a command's
 * output that libssh read along with another channel's waited up to a whole turn, ~0.7 s of
 * a lab backup (bench/README.md); a pump turn costs microseconds. */
#define WAITSET_MAX_SLEEP_MS 10

struct ws_entry {
    int id;
    bool is_timer;
    bool dead;               /* removed while the loop was running */
    int fd;
    short events;
    waitset_fd_fn *fd_fn;
    waitset_timer_fn *timer_fn;
    int interval_ms;
    struct timespec next;    /* timers: next run */
    void *ud;
};

struct waitset {
    int cancel_fd;
    struct ws_entry *entries;
    size_t count, cap;
    int next_id;
    int depth;               /* nesting of run/pump: compaction only at depth 0 */
    struct timespec wake;    /* waitset_wake_at: the next turn ends by then (one turn only) */
    bool has_wake;
    /* Lanes of one flow (lane_lock.h) may wait in the same set from several threads, each
     * in its own poll() with the lane lock given up. Whichever wakes first serves every
     * descriptor, possibly the output another lane waits for: it then wakes the other
     * pollers through this eventfd so they re-check their predicates at once. */
    int wake_fd;
    int pollers;             /* threads inside poll() now */
};

struct timespec waitset_deadline_in(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

long waitset_ms_until(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(t->tv_sec - now.tv_sec) * 1000L + (t->tv_nsec - now.tv_nsec) / 1000000L;
}

struct waitset *waitset_new(int cancel_fd)
{
    struct waitset *ws = calloc(1, sizeof(*ws));
    if (ws) {
        ws->cancel_fd = cancel_fd;
        ws->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    }
    return ws;
}

void waitset_free(struct waitset *ws)
{
    if (!ws)
        return;
    if (ws->wake_fd >= 0)
        close(ws->wake_fd);
    free(ws->entries);
    free(ws);
}

static struct ws_entry *ws_append(struct waitset *ws)
{
    if (ws->count == ws->cap) {
        size_t cap = ws->cap ? ws->cap * 2 : 8;
        struct ws_entry *e = realloc(ws->entries, cap * sizeof(*e));
        if (!e)
            return NULL;
        ws->entries = e;
        ws->cap = cap;
    }
    struct ws_entry *e = &ws->entries[ws->count++];
    *e = (struct ws_entry){.id = ++ws->next_id, .fd = -1};
    return e;
}

int waitset_add(struct waitset *ws, int fd, short events, waitset_fd_fn *fn, void *ud)
{
    struct ws_entry *e = ws_append(ws);
    if (!e)
        return -1;
    e->fd = fd;
    e->events = events;
    e->fd_fn = fn;
    e->ud = ud;
    return e->id;
}

int waitset_add_timer(struct waitset *ws, int interval_ms, waitset_timer_fn *fn, void *ud)
{
    struct ws_entry *e = ws_append(ws);
    if (!e)
        return -1;
    e->is_timer = true;
    e->timer_fn = fn;
    e->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    e->next = waitset_deadline_in(e->interval_ms);
    e->ud = ud;
    return e->id;
}

static void ws_compact(struct waitset *ws)
{
    size_t j = 0;
    for (size_t i = 0; i < ws->count; i++)
        if (!ws->entries[i].dead)
            ws->entries[j++] = ws->entries[i];
    ws->count = j;
}

void waitset_remove(struct waitset *ws, int id)
{
    for (size_t i = 0; i < ws->count; i++)
        if (ws->entries[i].id == id)
            ws->entries[i].dead = true;
    if (ws->depth == 0)
        ws_compact(ws);
}

int waitset_set_cancel_fd(struct waitset *ws, int fd)
{
    int old = ws->cancel_fd;
    ws->cancel_fd = fd;
    return old;
}

bool waitset_cancelled(const struct waitset *ws)
{
    if (ws->cancel_fd < 0)
        return false;
    struct pollfd p = {.fd = ws->cancel_fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

/* Runs due timers, then sleeps in poll() at most MAX_MS and serves ready descriptors.
 * Returns false on a poll error other than EINTR. */
static bool ws_turn(struct waitset *ws, long max_ms)
{
    ws->depth++;
    /* Timers that are due. Index loop: callbacks may append entries (realloc). */
    for (size_t i = 0; i < ws->count; i++) {
        struct ws_entry *e = &ws->entries[i];
        if (!e->is_timer || e->dead || waitset_ms_until(&e->next) > 0)
            continue;
        e->next = waitset_deadline_in(e->interval_ms);
        waitset_timer_fn *fn = e->timer_fn;
        fn(e->ud);
    }
    size_t n = 0;
    for (size_t i = 0; i < ws->count; i++)
        if (!ws->entries[i].is_timer && !ws->entries[i].dead)
            n++;
    struct pollfd *pfd = calloc(n + 2, sizeof(*pfd));
    int *ids = calloc(n + 2, sizeof(*ids));
    bool ok = pfd && ids;
    if (!ok)
        goto out;
    size_t k = 0;
    for (size_t i = 0; i < ws->count; i++) {
        struct ws_entry *e = &ws->entries[i];
        if (e->is_timer || e->dead)
            continue;
        pfd[k] = (struct pollfd){.fd = e->fd, .events = e->events};
        ids[k++] = e->id;
    }
    pfd[k] = (struct pollfd){.fd = ws->cancel_fd, .events = POLLIN};
    for (size_t i = 0; i < ws->count; i++) {
        struct ws_entry *e = &ws->entries[i];
        if (e->is_timer && !e->dead && waitset_ms_until(&e->next) < max_ms)
            max_ms = waitset_ms_until(&e->next);
    }
    if (ws->has_wake && waitset_ms_until(&ws->wake) + 1 < max_ms)
        max_ms = waitset_ms_until(&ws->wake) + 1;
    ws->has_wake = false;
    if (max_ms > WAITSET_MAX_SLEEP_MS)
        max_ms = WAITSET_MAX_SLEEP_MS;
    if (max_ms < 0)
        max_ms = 0;
    uint64_t drained;
    if (ws->wake_fd >= 0 && read(ws->wake_fd, &drained, sizeof drained) < 0)
        drained = 0; /* nothing was pending: the usual case */
    pfd[k + 1] = (struct pollfd){.fd = ws->wake_fd, .events = POLLIN};
    ws->pollers++;
    lane_block_begin(); /* the kernel holds only this turn's own copy of the descriptors */
    int rc = poll(pfd, k + 2, (int)max_ms);
    lane_block_end();
    ws->pollers--;
    if (rc < 0 && errno != EINTR) {
        ok = false;
        goto out;
    }
    /* Serve every entry: ready ones with their revents, the others as a pump (revents 0). */
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < ws->count; i++) {
            struct ws_entry *e = &ws->entries[i];
            if (e->id != ids[j] || e->dead || !e->fd_fn)
                continue;
            waitset_fd_fn *fn = e->fd_fn;
            fn(e->ud, e->fd, rc > 0 ? pfd[j].revents : 0);
            break;
        }
    }
    /* Something arrived on a descriptor of the set (not the wake-up itself): what it brought
     * may be what another poller waits for. A turn woken only by the eventfd wakes no one, or
     * two waiting threads would wake each other for ever. */
    bool arrived = false;
    for (size_t j = 0; rc > 0 && j < k; j++)
        arrived = arrived || pfd[j].revents != 0;
    if (arrived && ws->pollers > 0 && ws->wake_fd >= 0) {
        uint64_t one = 1;
        if (write(ws->wake_fd, &one, sizeof one) < 0)
            one = 0; /* the counter is full: the pollers are being woken anyway */
    }
out:
    free(pfd);
    free(ids);
    if (--ws->depth == 0)
        ws_compact(ws);
    return ok;
}

void waitset_wake_at(struct waitset *ws, const struct timespec *t)
{
    if (!ws->has_wake || waitset_ms_until(t) < waitset_ms_until(&ws->wake))
        ws->wake = *t;
    ws->has_wake = true;
}

void waitset_pump(struct waitset *ws)
{
    ws_turn(ws, 0);
}

enum waitset_result waitset_run_until(struct waitset *ws, waitset_pred_fn *pred, void *ud,
                                      const struct timespec *deadline)
{
    for (;;) {
        if (pred && pred(ud))
            return WAITSET_DONE;
        if (waitset_cancelled(ws))
            return WAITSET_CANCELLED;
        long left = deadline ? waitset_ms_until(deadline) : LONG_MAX;
        if (left <= 0)
            return WAITSET_TIMEOUT;
        if (!ws_turn(ws, left))
            return WAITSET_ERROR;
    }
}
