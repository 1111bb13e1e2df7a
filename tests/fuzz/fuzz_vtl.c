/* fuzz_vtl.c: `vtl listservers` and `vtl verify` parsers on any text. */
#include "fuzz_util.h"
#include "luna_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    static struct vtl_server_list servers;
    static struct luna_vtl_verify verify;
    memset(&servers, 0, sizeof servers);
    memset(&verify, 0, sizeof verify);
    luna_parse_vtl_listservers(text, &servers);
    luna_parse_vtl_verify(text, &verify);
    free(text);
    return 0;
}
