/* fuzz_help.c: `<command> -help` and `help` listings on any text: option resolution and the
 * formatted list stay within their buffers. */
#include "fuzz_util.h"
#include "luna_parse_help.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct luna_help h;
    char buf[600], tiny[3];
    int which;
    luna_parse_help(text, &h);
    const char *typed[] = {"-s", "-partition", "-do", "-sop", "-pas", "-", "", "-replace"};
    for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++)
        luna_help_resolve(&h, typed[i], &which);
    luna_help_format(&h, buf, sizeof buf);
    luna_help_format(&h, tiny, sizeof tiny);
    luna_help_lists_command(text, "partition archive backup");
    luna_help_lists_command(text, "");
    free(text);
    return 0;
}
