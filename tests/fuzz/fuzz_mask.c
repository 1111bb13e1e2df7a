/* fuzz_mask.c: the masker on any line and any secrets. Input: the first byte says how many
 * of the following '\n'-separated lines (0-3) are secrets; the rest is the line. No secret
 * may survive in the output. */
#include "fuzz_util.h"
#include "mask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *text = fuzz_cstr(data + 1, size - 1);
    size_t n = (size_t)(data[0] % 4), len = size - 1;
    struct masker *m = mask_new();
    char *secrets[3] = {NULL, NULL, NULL}, *line = text;
    for (size_t i = 0; i < n; i++) {
        char *nl = memchr(line, '\n', len - (size_t)(line - text));
        if (nl == NULL)
            break;
        *nl = '\0';
        secrets[i] = line;
        mask_add_secret(m, line);
        line = nl + 1;
    }
    size_t llen = len - (size_t)(line - text), cap = 2 * llen + 64;
    char *out = malloc(cap), small[16];
    size_t got = mask_buf(m, line, llen, out, cap);
    mask_buf(m, line, llen, small, sizeof small);
    mask_line(m, line, out, cap);
    got = mask_line(m, line, out, cap);
    /* a secret left in the masked line is a leak (stars may spell a secret made of '*') */
    for (size_t i = 0; got < cap && i < 3; i++)
        if (secrets[i] != NULL && secrets[i][0] != '\0' && strchr(secrets[i], '*') == NULL &&
            strstr(out, secrets[i]) != NULL)
            abort();
    free(out);
    mask_free(m);
    free(text);
    return 0;
}
