/* luna_parse_vtl.c: `vtl listservers` and `vtl verify` (16- and 8-character rule tables). */
#include "luna_parse.h"
#include "luna_text.h"
#include <string.h>

bool luna_parse_vtl_listservers(const char *text, struct vtl_server_list *out)
{
    struct lt_lines it;
    struct lt_view line, name, value;

    memset(out, 0, sizeof *out);
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        /* "Server: 192.0.2.10  HTL required: no" */
        if (!lt_starts_ci(line, "server") || !lt_split(line, ":", &name, &value) ||
            !lt_same_words(name, "Server"))
            continue;
        struct lt_view addr = lt_take_word(&value);
        if (addr.len == 0 || out->count >= MODEL_MAX_SERVERS)
            continue;
        struct vtl_server *s = &out->servers[out->count++];
        lt_copy(s->address, sizeof s->address, addr);
        struct lt_view hname, hvalue;
        if (lt_split(value, ":", &hname, &hvalue) && lt_same_words(hname, "HTL required"))
            s->htl_required = lt_starts_ci(hvalue, "yes");
    }
    return out->count > 0;
}

/* A rule line: only '=' runs separated by blanks, at least two runs ("====\t========"). */
static bool rule_line(struct lt_view line)
{
    size_t runs = 0;
    for (size_t i = 0; i < line.len; i++) {
        if (line.s[i] == '=') {
            if (i == 0 || line.s[i - 1] != '=')
                runs++;
        } else if (!lt_blank(line.s[i])) {
            return false;
        }
    }
    return runs >= 2;
}

bool luna_parse_vtl_verify(const char *text, struct luna_vtl_verify *out)
{
    struct lt_lines it;
    struct lt_view line;
    bool in_table = false, seen = false;

    memset(out, 0, sizeof *out);
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        if (!in_table) {
            if (rule_line(line))
                in_table = seen = true;
            continue;
        }
        if (line.len == 0 || rule_line(line))
            continue;
        /* "   0\t       500752010 \tpartition1": slot, serial, then the label (may hold
         * spaces, may be empty). TABs or spaces alike separate the columns. */
        struct lt_view rest = line;
        long slot;
        if (!lt_to_long(lt_take_word(&rest), &slot)) {
            in_table = false;   /* the table ended */
            continue;
        }
        if (out->count >= MODEL_MAX_SLOTS)
            continue;
        struct luna_vtl_slot *s = &out->slots[out->count++];
        s->slot = slot;
        lt_copy(s->serial, sizeof s->serial, lt_take_word(&rest));
        lt_copy(s->label, sizeof s->label, rest);
    }
    return seen;
}
