/* fuzz_banner.c: luna_parse_banner and the version helpers on any text. */
#include "fuzz_util.h"
#include "luna_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct luna_version v;
    char buf[64];
    int maj, min, pat;
    if (luna_parse_banner(text, &v))
        luna_version_string(&v, buf, sizeof buf);
    if (luna_parse_dotted(text, &maj, &min, &pat))
        luna_version_cmp(maj, min, pat, 10, 4, 0);
    free(text);
    return 0;
}
