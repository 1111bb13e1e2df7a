/* bench/memory.c: peak memory (getrusage ru_maxrss) of a transcript fed 100k lines
 * (tx_new with capacity 10000, tx_append_line) against a baseline that holds the same lines in a
 * plain ring of the same capacity (strdup'ed strings, the oldest freed). ru_maxrss is a
 * high-water mark that never goes down, so each measurement runs in a forked child of this
 * process (same binary, same heap state at the fork) and reports the growth of its own peak
 * through a pipe, less the growth of a child that keeps nothing. Prints KB and the ratio;
 * asserts nothing. Usage: bench_memory [lines] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"
#include "transcript.h"

#define CAPACITY 10000

static long lines = 100000;

/* Line I of the feed: realistic lunacm output, numbered so no two consecutive lines agree. */
static void make_line(long i, char *buf, size_t len)
{
    static const char *const prefix[] = {
        "\tSlot Id ->              ",
        "\tSerial Number ->        1238696",
        "\tConfiguration ->        Luna User Partition With SO (PW) Signing With Cloning Mode ",
        "    Label:         rot-key-",
        "Cloned object to partition rot-backup (new handle 42): ",
        "Command Result : No Error ",
    };
    snprintf(buf, len, "%s%ld", prefix[i % 6], i);
}

static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;   /* KB on Linux */
}

/* Fixed cost of a child: the same feed, nothing kept. A fresh child faults in pages of code
 * and stack it shares with the parent, which raises its peak too; this is subtracted. */
static volatile unsigned char none_sink;
static void run_none(void)
{
    char line[160];
    for (long i = 0; i < lines; i++) {
        make_line(i, line, sizeof line);
        none_sink += (unsigned char)line[10];
    }
}

/* Baseline: a ring of CAPACITY heap strings; each new line replaces (frees) the oldest. */
static void run_array(void)
{
    char **ring = calloc(CAPACITY, sizeof *ring);
    char line[160];
    if (!ring)
        return;
    for (long i = 0; i < lines; i++) {
        make_line(i, line, sizeof line);
        free(ring[i % CAPACITY]);
        ring[i % CAPACITY] = strdup(line);
    }
    for (size_t i = 0; i < CAPACITY; i++)
        free(ring[i]);
    free(ring);
}

/* The real thing: a transcript with a masker (as the wizard always has), no file attached. */
static void run_transcript(void)
{
    struct masker *m = mask_new();
    mask_add_secret(m, "Tr0ub4dor&3");
    struct transcript *tx = tx_new(m, CAPACITY);
    char line[160];
    for (long i = 0; tx && i < lines; i++) {
        make_line(i, line, sizeof line);
        tx_append_line(tx, "source", TX_RECEIVED, line, NULL, 0);
    }
    tx_free(tx);
    mask_free(m);
}

/* Runs FN in a child and returns how many KB its peak RSS grew (-1 on failure). FN frees
 * everything at its end; the high-water mark still holds the peak, which is what we want. */
static long child_growth(void (*fn)(void))
{
    int fd[2];
    long growth = -1;
    if (pipe(fd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        long before = peak_kb();
        fn();
        long g = peak_kb() - before;
        ssize_t w = write(fd[1], &g, sizeof g);
        exit(w == (ssize_t)sizeof g ? 0 : 1);   /* exit, not _exit: LSan checks the child */
    }
    close(fd[1]);
    if (pid > 0) {
        int status = 0;
        if (read(fd[0], &growth, sizeof growth) != (ssize_t)sizeof growth)
            growth = -1;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            growth = -1;   /* crashed or leaked: main reports it and exits 1 */
    }
    close(fd[0]);
    return growth;
}

/* The smallest growth over TRIES children: page faults and the allocator add noise, only ever
 * upwards. */
static long min_growth(void (*fn)(void), int tries)
{
    long best = -1;
    for (int i = 0; i < tries; i++) {
        long g = child_growth(fn);
        if (g < 0)
            return -1;   /* any failed child fails the measurement */
        if (best < 0 || g < best)
            best = g;
    }
    return best;
}

int main(int argc, char **argv)
{
    lines = bench_count(argc > 1 ? argv[1] : NULL, 100000, 2000);
    int tries = bench_quick() ? 1 : 3;
    long none = min_growth(run_none, tries);
    long base = min_growth(run_array, tries);
    long tx = min_growth(run_transcript, tries);
    if (none < 0 || base < 0 || tx < 0) {
        printf("memory: a measuring child failed (crash or leak report above); no numbers\n");
        return 1;
    }
    base -= none;
    tx -= none;
    printf("memory %ld lines, capacity %d: transcript peak +%ld KB  baseline array +%ld KB  "
           "ratio %.1fx  (child overhead %ld KB subtracted)\n", lines, CAPACITY, tx, base,
           bench_ratio((double)tx, (double)base), none);
    return 0;
}
