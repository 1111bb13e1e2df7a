/* fuzz_rbs.c: the `rbs --config` menu judged by its shape, on any text, with and without a
 * serial to look for. */
#include "fuzz_util.h"
#include "luna_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    long number = -1;
    luna_parse_rbs_menu(text, "354104", &number);
    luna_parse_rbs_menu(text, "", NULL);
    luna_parse_rbs_menu(text, NULL, &number);
    free(text);
    return 0;
}
