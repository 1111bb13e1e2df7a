/* bench/transcript.c: cost of storing a line in the transcript (masking included) against a
 * baseline of a plain memcpy append into a ring, in the same process. Prints the ratio; no
 * assertions (speed is not a test). Usage: bench_transcript [lines] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "transcript.h"

#define RING 10000
#define SLOT 256

static const char *const sample[] = {
    "\tSlot Id ->              3",
    "\tLabel ->                rotpart",
    "\tSerial Number ->        1238696044912",
    "\tConfiguration ->        Luna User Partition With SO (PW) Signing With Cloning Mode",
    "lunacm:>role login -name co -password Tr0ub4dor&3",
    "Enter password for Partition SO: ********",
    "Command Result : No Error",
    "\tLabel:         rot-key-7    Handle:        42    Object Type:   Symmetric Key",
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

int main(int argc, char **argv)
{
    long n = bench_count(argc > 1 ? argv[1] : NULL, 200000, 1000);

    /* Baseline: copy each line into a fixed ring of slots. */
    static char ring[RING][SLOT];
    size_t sink = 0;
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        const char *s = sample[i % NSAMPLE];
        size_t len = strlen(s);
        char *slot = ring[i % RING];
        memcpy(slot, s, len + 1);
        sink += (unsigned char)slot[len / 2];
    }
    double base = bench_now() - t0;

    struct masker *m = mask_new();
    const char *secrets[] = {"Tr0ub4dor&3", "correct horse", "so-pass-77", "rbs!key", "q"};
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        mask_add_secret(m, secrets[i]);
    struct transcript *tx = tx_new(m, RING);
    t0 = bench_now();
    for (long i = 0; i < n; i++)
        tx_append_line(tx, "source", TX_RECEIVED, sample[i % NSAMPLE], NULL, 0);
    double masked = bench_now() - t0;
    tx_free(tx);
    mask_free(m);

    /* One summary line, like every benchmark. */
    printf("transcript %ld lines (ring of %d): %.1f ns/line  baseline memcpy %.1f ns/line  "
           "ratio %.1fx [%zu]\n", n, RING, masked * 1e9 / n, base * 1e9 / n,
           bench_ratio(masked, base), sink % 10);
    return 0;
}
