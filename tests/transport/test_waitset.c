/* test_waitset.c: the poll loop: callbacks, pumps, timers, removal, cancel and deadline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <unistd.h>

#include "waitset.h"

struct counter {
    int calls, ready, timer;
    int fd;
    struct waitset *ws;
    int id;
    char got[16];
    size_t ngot;
};

static void on_fd(void *ud, int fd, short revents)
{
    struct counter *c = ud;
    c->calls++;
    if (revents & POLLIN) {
        c->ready++;
        ssize_t n = read(fd, c->got + c->ngot, sizeof(c->got) - 1 - c->ngot);
        if (n > 0)
            c->ngot += (size_t)n;
    }
}

static bool got_two(void *ud)
{
    return ((struct counter *)ud)->ngot >= 2;
}

static void on_timer(void *ud)
{
    struct counter *c = ud;
    if (++c->timer == 3)
        waitset_remove(c->ws, c->id);   /* removing itself from inside the loop */
}

static bool timer_stopped(void *ud)
{
    return ((struct counter *)ud)->timer >= 3;
}

static void test_callback_reads_until_predicate(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct waitset *ws = waitset_new(-1);
    struct counter c = {0};
    assert_true(waitset_add(ws, p[0], POLLIN, on_fd, &c) > 0);
    assert_int_equal(write(p[1], "ab", 2), 2);
    struct timespec dl = waitset_deadline_in(10000);
    assert_int_equal(waitset_run_until(ws, got_two, &c, &dl), WAITSET_DONE);
    assert_memory_equal(c.got, "ab", 2);
    assert_true(c.ready >= 1);
    waitset_free(ws);
    close(p[0]);
    close(p[1]);
}

static void test_pump_calls_idle_callbacks(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct waitset *ws = waitset_new(-1);
    struct counter c = {0};
    waitset_add(ws, p[0], POLLIN, on_fd, &c);
    waitset_pump(ws);
    assert_int_equal(c.calls, 1);    /* called with revents 0 although nothing was ready */
    assert_int_equal(c.ready, 0);
    waitset_free(ws);
    close(p[0]);
    close(p[1]);
}

static void test_deadline_and_cancel(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct waitset *ws = waitset_new(p[0]);
    struct timespec dl = waitset_deadline_in(50);
    assert_int_equal(waitset_run_until(ws, NULL, NULL, &dl), WAITSET_TIMEOUT);
    assert_false(waitset_cancelled(ws));
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_true(waitset_cancelled(ws));
    dl = waitset_deadline_in(60000);
    assert_int_equal(waitset_run_until(ws, NULL, NULL, &dl), WAITSET_CANCELLED);
    waitset_free(ws);
    close(p[0]);
    close(p[1]);
}

static void test_timer_runs_and_removes_itself(void **state)
{
    (void)state;
    struct waitset *ws = waitset_new(-1);
    struct counter c = {.ws = ws};
    c.id = waitset_add_timer(ws, 10, on_timer, &c);
    struct timespec dl = waitset_deadline_in(30000);
    assert_int_equal(waitset_run_until(ws, timer_stopped, &c, &dl), WAITSET_DONE);
    dl = waitset_deadline_in(100);
    assert_int_equal(waitset_run_until(ws, NULL, NULL, &dl), WAITSET_TIMEOUT);
    assert_int_equal(c.timer, 3);     /* removed: never ran again */
    waitset_free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_callback_reads_until_predicate),
        cmocka_unit_test(test_pump_calls_idle_callbacks),
        cmocka_unit_test(test_deadline_and_cancel),
        cmocka_unit_test(test_timer_runs_and_removes_itself),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
