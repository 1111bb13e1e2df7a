/* luna_parse_objects.c: `partition contents` (Label / Handle / Object Type / Object UID), and
 * whether a listing was read completely enough to be believed. */
#include "luna_parse.h"
#include "luna_text.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The preamble (FORMATS.md §3): "The User is currently logged in.  Looking for objects in the"
 * / "User's partition." (newer clients name the Crypto Officer). */
static bool preamble_line(struct lt_view line)
{
    return lt_find_ci(line, "Looking for") >= 0 || lt_find_ci(line, "currently logged in") >= 0 ||
           (lt_ends_ci(line, "partition.") && line.len <= 40);
}

/* A line stating how many objects there are ("Number of objects: 3", "3 objects found", "No
 * objects found"): *n gets the number. The wording of this line is UNKNOWN, so only its
 * meaning counts: the word "object(s)" and one number, or "no" before "object". */
static bool count_line(struct lt_view line, long *n)
{
    long at = lt_find_ci(line, "object");
    /* "Object Size: 32" inside an object block is an attribute, not a count */
    bool counts = lt_find_ci(line, "objects") >= 0 || lt_find_ci(line, "object(s)") >= 0 ||
                  lt_find_ci(line, "number of object") >= 0 || lt_find_ci(line, "no object") >= 0;
    if (at < 0 || !counts || lt_find_ci(line, "handle") >= 0 || lt_find_ci(line, "label") >= 0)
        return false;
    long no = lt_find_ci(line, "no ");
    if (no >= 0 && no < at) {
        *n = 0;
        return true;
    }
    size_t digits = 0;
    long value = -1;
    for (size_t i = 0; i < line.len; i++) {
        if (!isdigit((unsigned char)line.s[i]))
            continue;
        if (digits++ > 0)
            return false;      /* two numbers: not a plain count */
        value = strtol(line.s + i, NULL, 10);
        while (i + 1 < line.len && isdigit((unsigned char)line.s[i + 1]))
            i++;
    }
    if (value < 0)
        return false;
    *n = value;
    return true;
}

/* A sentence a command prints before its listing ("Logging in to partition P on slot 6."):
 * it ends with a full stop and names nothing an object row would hold. */
static bool chatter_line(struct lt_view line)
{
    static const char *const object_words[] = {"handle", "label", "type", "uid", "object"};
    if (line.len == 0 || line.s[line.len - 1] != '.')
        return false;
    for (size_t i = 0; i < sizeof object_words / sizeof object_words[0]; i++)
        if (lt_find_ci(line, object_words[i]) >= 0)
            return false;
    return true;
}

/* "Enter password for the SO: ********": a secret prompt the command asked and was answered
 * (its echo is one '*' per character), no part of the listing. */
static bool answered_prompt(struct lt_view value)
{
    if (value.len == 0)
        return false;
    for (size_t i = 0; i < value.len; i++)
        if (value.s[i] != '*')
            return false;
    return true;
}

bool luna_parse_partition_contents(const char *text, struct luna_objects *out)
{
    struct lt_lines it;
    struct lt_view line, name, value;
    struct luna_object *cur = NULL;
    struct luna_result res;
    bool seen = false;

    memset(out, 0, sizeof *out);
    out->stated_count = -1;
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        long n = 0;
        if (line.len == 0 || luna_is_result_line(line.s))
            continue;
        if (preamble_line(line) || lt_same_words(line, "Object list:")) {
            seen = true;
            continue;
        }
        if (lt_starts_ci(line, "error") && lt_split(line, ":", &name, &value) &&
            lt_same_words(name, "Error in execution"))
            continue;
        if (!lt_split(line, ":", &name, &value)) {
            if (count_line(line, &n))
                out->stated_count = n;
            else if (seen || !chatter_line(line))
                out->unrecognised++;
            continue;
        }
        if (answered_prompt(value))
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
        } else if (cur != NULL && lt_same_words(name, "Handle")) {
            lt_copy(cur->handle, sizeof cur->handle, value);
        } else if (cur != NULL && lt_same_words(name, "Object Type")) {
            lt_copy(cur->type, sizeof cur->type, value);
        } else if (cur != NULL && lt_same_words(name, "Object UID")) {
            lt_copy(cur->uid, sizeof cur->uid, value);
        } else if (count_line(line, &n)) {
            out->stated_count = n;
        } else if (cur == NULL || out->truncated) {
            /* a Name: value line outside an object block: not a form we know */
            if (!out->truncated)
                out->unrecognised++;
        }
        /* other attributes inside an object block are part of the object */
    }
    /* The empty listing's wording is unknown: a successful command with no Label line is an
     * empty partition; a failed one (not logged in...) is no listing at all. */
    if (luna_parse_result(text, &res) && !res.ok)
        return false;
    return seen || (res.found && res.ok);
}

bool luna_contents_certain(const struct luna_objects *o)
{
    return !o->truncated && o->unrecognised == 0 &&
           (o->stated_count < 0 || (size_t)o->stated_count == o->count);
}
