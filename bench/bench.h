/* bench.h: the few helpers every benchmark shares (header-only: each bench source builds alone).
 * Benchmarks report ratios against a baseline run in the same process; they never assert on
 * time. ROTWIZ_BENCH_QUICK=1 (set by the bench_smoke test) makes every one of them run a tiny
 * iteration count, so the smoke test only proves they still build, run and exit 0. */
#ifndef ROTWIZ_BENCH_H
#define ROTWIZ_BENCH_H
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* True when ROTWIZ_BENCH_QUICK is set to anything but "" or "0". */
static inline bool bench_quick(void)
{
    const char *q = getenv("ROTWIZ_BENCH_QUICK");
    return q && q[0] && strcmp(q, "0") != 0;
}

/* The iteration count to use: ARG when it is a positive number, else QUICK in quick mode,
 * else NORMAL. */
static inline long bench_count(const char *arg, long normal, long quick)
{
    long n = arg ? atol(arg) : 0;
    if (n > 0)
        return n;
    return bench_quick() ? quick : normal;
}

/* a / b, or 0 when the baseline is too small to divide by. */
static inline double bench_ratio(double a, double b)
{
    return b > 0 ? a / b : 0.0;
}

#endif
