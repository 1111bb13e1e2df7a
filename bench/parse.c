/* bench/parse.c: cost of the Luna output parsers (core/luna/luna_parse.h) on realistic captures built
 * here: a lunacm start-up listing with 16 slots (banner + slot list) and a `partition contents`
 * with 64 objects (contents + Command Result). The baseline, in the same process, walks the same
 * bytes line by line (memchr for '\n', counting lines and bytes): the least any parser must do.
 * Prints ns/op for both (best of 5 rounds) and the ratio; asserts nothing.
 * Usage: bench_parse [iterations per round] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "luna_parse.h"

#define TEXT_MAX 32768

/* Appends formatted text to BUF (of TEXT_MAX bytes) at *LEN; the inputs are sized to fit. */
#define ADD(buf, len, ...) \
    (*(len) += (size_t)snprintf((buf) + *(len), TEXT_MAX - *(len), __VA_ARGS__))

/* lunacm start-up: banner, 16 arrow blocks (TAB indent, non-contiguous ids), the trailer. */
static void build_slot_listing(char *buf)
{
    static const char *const desc[] = {"Admin Token Slot", "User Token Slot",
                                       "Net Admin Token Slot", "Net Token Slot"};
    size_t len = 0;
    ADD(buf, &len, "lunacm (64-bit) v10.4.0-275. Copyright (c) 2022 Thales Group. "
                   "All rights reserved.\n\n\n\tAvailable HSMs:\n\n");
    for (int i = 0; i < 16; i++) {
        ADD(buf, &len, "\tSlot Id ->              %d\n", i * 3 + 1);
        ADD(buf, &len, "\tLabel ->                cm-rot-%02d\n", i);
        ADD(buf, &len, "\tSerial Number ->        12386960449%02d\n", i);
        ADD(buf, &len, "\tModel ->                Luna K7\n");
        ADD(buf, &len, "\tFirmware Version ->     7.7.1\n");
        ADD(buf, &len, "\tConfiguration ->        Luna User Partition With SO (PW) Signing "
                       "With Cloning Mode\n");
        ADD(buf, &len, "\tSlot Description ->     %s\n\n", desc[i % 4]);
    }
    ADD(buf, &len, "\n\tCurrent Slot Id: 1\n\nlunacm:>");
}

/* `partition contents` with 64 objects (4-space indent) and a successful Command Result. */
static void build_contents(char *buf)
{
    static const char *const type[] = {"Symmetric Key", "Private Key", "Public Key", "Data"};
    size_t len = 0;
    ADD(buf, &len, "lunacm:>partition contents\n\n\n    The Crypto Officer is currently logged "
                   "in. Looking for objects\n    in the Crypto Officer's partition.\n\n"
                   "    Object list:\n");
    for (int i = 0; i < LUNA_MAX_OBJECTS; i++) {
        ADD(buf, &len, "    Label:         rot-key-%02d\n", i);
        ADD(buf, &len, "    Handle:        %d\n", 17 + i);
        ADD(buf, &len, "    Object Type:   %s\n", type[i % 4]);
        ADD(buf, &len, "    Object UID:    fa0d0000%02x000001cc400e00\n\n", i);
    }
    ADD(buf, &len, "\nCommand Result : No Error\n\nlunacm:>");
}

/* Outputs are static: struct luna_objects is ~27 KB, too big to want on the stack per call. */
static struct slot_list slots;
static struct luna_objects objects;
static struct luna_result result;
static struct luna_version version;

static bool run_slots(const char *t) { return luna_parse_slot_list(t, &slots); }
static bool run_contents(const char *t) { return luna_parse_partition_contents(t, &objects); }
static bool run_result(const char *t) { return luna_parse_result(t, &result); }
static bool run_banner(const char *t) { return luna_parse_banner(t, &version); }

/* Baseline: find every line end with memchr and count lines and bytes; never "fails". */
static size_t walk_sink;
static bool run_walk(const char *t)
{
    size_t lines = 0, bytes = 0;
    const char *end = t + strlen(t);
    for (const char *p = t; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        bytes += (size_t)(stop - p);
        lines++;
        p = stop + 1;
    }
    walk_sink += lines + bytes;
    return true;
}

/* Nanoseconds per call of FN on TEXT over N calls; *OK counts calls that returned true. */
static double time_ns(bool (*fn)(const char *), const char *text, long n, long *ok)
{
    *ok = 0;
    double t0 = bench_now();
    for (long i = 0; i < n; i++)
        *ok += fn(text);
    return (bench_now() - t0) * 1e9 / (double)n;
}

/* Times FN and the baseline on TEXT in ROUNDS alternating rounds of N calls each and prints one
 * summary line with the best round of each: the machine is shared, and noise only adds time. */
static void measure(const char *name, bool (*fn)(const char *), const char *text, long n,
                    int rounds)
{
    long ok = 0, base_ok;
    double base = 0, ns = 0;
    for (int r = 0; r < rounds; r++) {
        double b = time_ns(run_walk, text, n, &base_ok);
        double p = time_ns(fn, text, n, &ok);
        base = r == 0 || b < base ? b : base;
        ns = r == 0 || p < ns ? p : ns;
    }
    printf("parse %-20s %6zu B  %9.1f ns/op  baseline %7.1f ns/op  ratio %6.1fx  (ok %ld/%ld)\n",
           name, strlen(text), ns, base, bench_ratio(ns, base), ok, n);
}

int main(int argc, char **argv)
{
    long n = bench_count(argc > 1 ? argv[1] : NULL, 500, 3);
    int rounds = bench_quick() ? 1 : 5;
    static char listing[TEXT_MAX], contents[TEXT_MAX];
    build_slot_listing(listing);
    build_contents(contents);

    measure("slot_list(16)", run_slots, listing, n, rounds);
    measure("banner", run_banner, listing, n, rounds);
    measure("contents(64)", run_contents, contents, n, rounds);
    measure("result", run_result, contents, n, rounds);
    /* Printed so the reader can see the parsers really read the inputs (not a test). */
    printf("parse check: %zu slots, %zu objects, result %s, version %d.%d.%d [%zu]\n",
           slots.count, objects.count, result.ok ? "ok" : "not ok", version.major,
           version.minor, version.patch, walk_sink % 10);
    return 0;
}
