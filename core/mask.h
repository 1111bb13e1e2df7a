/* mask.h: hides secrets in text before it is shown, stored or exported.
 *
 * A masker holds the secret VALUES of a run (added as they become known, kept nowhere else)
 * and knows the shapes a secret takes in a line: option values (`-password X`, `-sopassword X`,
 * `-p X`, `-password=X`, quoted values, any case, one or two dashes, lunacm's abbreviations
 * such as `-pass`) and password prompts followed by typed text
 * (`Enter password for Partition SO: hunter2`). Every hidden stretch becomes `********`.
 *
 * Lines are masked whole, after partial lines were assembled upstream. All functions are
 * thread-safe: a flow's worker thread may add secrets while another thread masks. */
#ifndef ROTWIZ_MASK_H
#define ROTWIZ_MASK_H
#include <stddef.h>

/* What every hidden stretch is replaced with. */
#define MASK_STARS "********"

struct masker;

/* A masker with no values yet (patterns work at once). NULL when out of memory. */
struct masker *mask_new(void);

/* Wipes every stored value (OPENSSL_cleanse) and frees the masker. NULL is ignored. */
void mask_free(struct masker *m);

/* Remembers a secret value (copied); empty values and repeats are ignored. Values of any
 * length are masked, even one character. Returns 0, or -1 when out of memory. */
int mask_add_secret(struct masker *m, const char *value);

/* Number of distinct values held. */
size_t mask_secret_count(const struct masker *m);

/* Copies the line IN to OUT (OUTLEN bytes, always NUL-terminated when OUTLEN > 0) with every
 * occurrence of a known value, every secret option value and every typed prompt answer
 * replaced by MASK_STARS. Overlapping and nested matches merge into one mask. M may be NULL
 * (patterns only). Returns the length of the masked line; when it is >= OUTLEN the output was
 * cut. Secret bytes are never copied, so a cut line leaks nothing either. */
size_t mask_line(const struct masker *m, const char *in, char *out, size_t outlen);

/* Same for a line of LEN bytes that need not be NUL-terminated (embedded NULs are kept). */
size_t mask_buf(const struct masker *m, const char *in, size_t len, char *out, size_t outlen);

#endif
