/* fuzz_ped.c: `ped get` / `ped show` and pedserver's Name: value pairs on any text. */
#include "fuzz_util.h"
#include "luna_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct luna_ped_info info;
    char buf[128], tiny[2];
    memset(&info, 0, sizeof info);
    luna_parse_ped_info(text, &info);
    luna_parse_named_value(text, "Ped2 Connection Status", buf, sizeof buf);
    luna_parse_named_value(text, "Server Port", tiny, sizeof tiny);
    free(text);
    return 0;
}
