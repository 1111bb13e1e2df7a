/* luna_parse_objects.c: `partition contents` (Label / Handle / Object Type / Object UID). */
#include "luna_parse.h"
#include "luna_text.h"
#include <string.h>

bool luna_parse_partition_contents(const char *text, struct luna_objects *out)
{
    struct lt_lines it;
    struct lt_view line, name, value;
    struct luna_object *cur = NULL;
    struct luna_result res;
    bool seen = false;

    memset(out, 0, sizeof *out);
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        if (lt_find_ci(line, "Looking for objects") >= 0 || lt_same_words(line, "Object list:")) {
            seen = true;
            continue;
        }
        if (!lt_split(line, ":", &name, &value))
            continue;
        if (lt_same_words(name, "Label")) {
            seen = true;
            cur = NULL;
            if (out->count >= LUNA_MAX_OBJECTS) {
                out->truncated = true;
                continue;
            }
            cur = &out->objects[out->count++];
            lt_copy(cur->label, sizeof cur->label, value);
        } else if (cur == NULL) {
            continue;
        } else if (lt_same_words(name, "Handle")) {
            lt_copy(cur->handle, sizeof cur->handle, value);
        } else if (lt_same_words(name, "Object Type")) {
            lt_copy(cur->type, sizeof cur->type, value);
        } else if (lt_same_words(name, "Object UID")) {
            lt_copy(cur->uid, sizeof cur->uid, value);
        }
    }
    /* The empty listing's wording is unknown: a successful command with no Label line is an
     * empty partition; a failed one (not logged in...) is no listing at all. */
    if (luna_parse_result(text, &res) && !res.ok)
        return false;
    return seen || (res.found && res.ok);
}
