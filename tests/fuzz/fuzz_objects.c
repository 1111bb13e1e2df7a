/* fuzz_objects.c: the `partition contents` parser on any text. */
#include "fuzz_util.h"
#include "luna_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    static struct luna_objects objs;
    memset(&objs, 0, sizeof objs);
    luna_parse_partition_contents(text, &objs);
    if (objs.count > LUNA_MAX_OBJECTS)
        abort();
    free(text);
    return 0;
}
