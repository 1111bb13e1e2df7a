/* fuzz_prompt.c: a prompt's shape and what it asks for, judged by its words, on any line. */
#include "fuzz_util.h"
#include "luna_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = fuzz_cstr(data, size);
    struct luna_prompt p;
    memset(&p, 0, sizeof p);
    luna_is_input_prompt(line);
    luna_classify_prompt(line, &p); /* any line, prompt-shaped or not: conv may pass either */
    if (p.kind > LUNA_SK_UNKNOWN)
        abort(); /* a kind out of range would index past the tables that name it */
    luna_secret_kind_name(p.kind);
    free(line);
    return 0;
}
