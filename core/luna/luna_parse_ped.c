/* luna_parse_ped.c: `ped get` / `ped show` and the Name: value pairs of `pedserver -mode show`. */
#include "luna_parse.h"
#include "luna_text.h"
#include <string.h>

bool luna_parse_ped_info(const char *text, struct luna_ped_info *out)
{
    struct lt_lines it;
    struct lt_view line, name, value;
    bool seen = false;

    memset(out, 0, sizeof *out);
    out->ped_id = -1;
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        /* "HSM slot 1 listening to local PED (PED id=0)." */
        if (lt_find_ci(line, "listening to") >= 0 && lt_find_ci(line, "PED") >= 0) {
            seen = true;
            out->local = lt_find_ci(line, "listening to local PED") >= 0;
            long at = lt_find_ci(line, "id=");
            if (at >= 0) {
                struct lt_view rest = {line.s + at + 3, line.len - (size_t)at - 3};
                size_t n = 0;
                while (n < rest.len && rest.s[n] >= '0' && rest.s[n] <= '9')
                    n++;
                long id;
                if (lt_to_long((struct lt_view){rest.s, n}, &id))
                    out->ped_id = id;
            }
            continue;
        }
        if (lt_starts_ci(line, "Configured Remote PED Server")) {
            seen = true;
            continue;
        }
        if (!lt_split(line, ":", &name, &value))
            continue;
        if (lt_same_words(name, "Remote PED Server IP address")) {
            seen = true;
            lt_copy(out->server_ip, sizeof out->server_ip, lt_take_word(&value));
        } else if (lt_same_words(name, "Remote PED Server Port")) {
            long port;
            seen = true;
            if (lt_to_long(lt_take_word(&value), &port) && port > 0 && port < 65536)
                out->server_port = (int)port;
        }
    }
    return seen;
}

bool luna_parse_named_value(const char *text, const char *name, char *buf, size_t len)
{
    struct lt_lines it;
    struct lt_view line, n, v;

    if (len > 0)
        buf[0] = '\0';
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        if (lt_split(line, ":", &n, &v) && lt_same_words(n, name)) {
            lt_copy(buf, len, v);
            return true;
        }
    }
    return false;
}
