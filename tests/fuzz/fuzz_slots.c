/* fuzz_slots.c: `slot list` and `slot set` parsers on any text. */
#include "fuzz_util.h"
#include "luna_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    static struct slot_list list;
    memset(&list, 0, sizeof list);
    luna_parse_slot_list(text, &list);
    luna_parse_slot_set(text);
    free(text);
    return 0;
}
