/* fuzz_result.c: Command Result lines, prompts and the PED question on any text. */
#include "fuzz_util.h"
#include "luna_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct luna_result r;
    char buf[512];
    memset(&r, 0, sizeof r);
    luna_parse_result(text, &r);
    luna_result_format(&r, buf, sizeof buf);
    luna_result_name(r.code);
    luna_is_result_line(text);
    luna_ends_with_prompt(text);
    luna_ends_with_confirm(text);
    luna_ends_with_password_prompt(text);
    luna_wants_ped(text);
    free(text);
    return 0;
}
