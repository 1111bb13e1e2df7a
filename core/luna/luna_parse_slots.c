/* luna_parse_slots.c: `slot list` arrow blocks, the "Current Slot Id:" trailer, `slot set`. */
#include "luna_parse.h"
#include "luna_text.h"
#include <string.h>

/* "Current Slot Id: N (...)" / "Current Slot Id: None": true when LINE is one; *id is the
 * leading number or -1 for None (or anything not a number). */
static bool current_slot_line(struct lt_view line, long *id)
{
    struct lt_view name, value;
    if (!lt_starts_ci(line, "current") || !lt_split(line, ":", &name, &value))
        return false;
    if (!lt_same_words(name, "Current Slot Id"))
        return false;
    struct lt_view word = lt_take_word(&value);
    if (!lt_to_long(word, id))
        *id = -1;
    return true;
}

/* Stores one arrow field NAME -> VALUE into S; unknown names are ignored. */
static void store_field(struct slot *s, struct lt_view name, struct lt_view value)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"Label", offsetof(struct slot, label)},
        {"Serial Number", offsetof(struct slot, serial)},
        {"Model", offsetof(struct slot, model)},
        {"Firmware Version", offsetof(struct slot, firmware)},
        {"Configuration", offsetof(struct slot, configuration)},
        {"Slot Description", offsetof(struct slot, description)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (lt_same_words(name, fields[i].name)) {
            lt_copy((char *)s + fields[i].offset, MODEL_TEXT, value);
            if (i == 5)
                s->kind = model_slot_kind(s->description);
            return;
        }
    }
}

/* A prompt line echoing a new `slot list` (any spacing, "lunacm:>slot list"): in a whole
 * capture the last listing wins. */
static bool slot_list_echo(struct lt_view line)
{
    if (!lt_starts_ci(line, "lunacm:>"))
        return false;
    struct lt_view cmd = {line.s + 8, line.len - 8};
    struct lt_view w1 = lt_take_word(&cmd);
    struct lt_view w2 = lt_take_word(&cmd);
    return lt_same_words(w1, "slot") && w2.len > 0 && (w2.s[0] == 'l' || w2.s[0] == 'L');
}

bool luna_parse_slot_list(const char *text, struct slot_list *out)
{
    struct lt_lines it;
    struct lt_view line, name, value;
    struct slot *cur = NULL;
    bool seen = false;
    long id;

    memset(out, 0, sizeof *out);
    out->current = -1;
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        if (lt_same_words(line, "Available HSMs:") || slot_list_echo(line)) {
            seen = seen || lt_same_words(line, "Available HSMs:");
            memset(out, 0, sizeof *out);   /* a new listing starts */
            out->current = -1;
            cur = NULL;
        } else if (current_slot_line(line, &id)) {
            seen = true;
            out->has_current = true;
            out->current = id;
            cur = NULL;
        } else if (lt_split(line, "->", &name, &value) && name.len > 0) {
            if (lt_same_words(name, "Slot Id")) {
                seen = true;
                cur = NULL;
                if (out->count >= MODEL_MAX_SLOTS)
                    continue;   /* more than a k570 ever shows: keep the first ones */
                cur = &out->slots[out->count++];
                memset(cur, 0, sizeof *cur);
                if (!lt_to_long(value, &cur->id))
                    cur->id = -1;
                cur->kind = SLOT_OTHER;
            } else if (cur != NULL) {
                store_field(cur, name, value);
            }
        }
    }
    return seen;
}

long luna_parse_slot_set(const char *text)
{
    struct lt_lines it;
    struct lt_view line;
    long id = -1, found = -1;
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line))
        if (current_slot_line(line, &id))
            found = id;
    return found;
}
