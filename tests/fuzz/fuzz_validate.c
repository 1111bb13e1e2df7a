/* fuzz_validate.c: validate_value_n on any bytes and any kind, sh_quote round trips, and the
 * NUL scan of libconfig files. What a rule accepts never holds a control character, and a
 * command word never holds a space. */
#include "fuzz_util.h"
#include "validate.h"

/* Undoes POSIX single quoting as sh would; false when Q is not what sh_quote writes. */
static bool unquote(const char *q, char *out, size_t len)
{
    size_t o = 0;
    bool in = false;
    for (; *q; q++) {
        if (*q == '\'') {
            in = !in;
        } else if (!in && *q == '\\' && q[1] == '\'') {
            out[o++] = *++q;
        } else if (in) {
            out[o++] = *q;
        } else {
            return false;   /* something outside the quotes */
        }
        if (o >= len)
            return false;
    }
    out[o] = '\0';
    return !in;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    enum value_kind k = (enum value_kind)(data[0] % (VK_COUNT + 1));
    const char *v = (const char *)data + 1;
    size_t n = size - 1;
    char why[512];
    if (validate_value_n(k, v, n, why, sizeof why)) {
        if (k == VK_COUNT || n == 0)
            abort();
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)v[i];
            if (c < 0x20 || c == 0x7f)
                abort();
            if (c == ' ' && k != VK_LOCAL_PATH && k != VK_PERSON)
                abort();
        }
        if (v[0] == '-' && k != VK_SECRET && k != VK_RBS_SECRET && k != VK_PERSON)
            abort();
    } else if (strchr(why, '\n') != NULL) {
        abort();
    }
    char *text = fuzz_cstr(data + 1, n);
    size_t need = sh_quote(text, NULL, 0);
    char *q = malloc(need + 1), *back = malloc(need + 1);
    if (sh_quote(text, q, need + 1) != need || strlen(q) != need ||
        !unquote(q, back, need + 1) || strcmp(back, text) != 0)
        abort();
    char cut[7];
    sh_quote(text, cut, sizeof cut);
    free(q);
    free(back);
    free(text);
    FILE *f = fmemopen((void *)(data + 1), n ? n : 1, "r");
    if (f != NULL) {
        bool escaped;
        validate_nul_line(f, &escaped);
        fclose(f);
    }
    return 0;
}
