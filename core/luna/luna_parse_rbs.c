/* luna_parse_rbs.c: the `rbs --config` menu judged by its shape (a numbered device row and its
 * selection mark), never by its words, which FORMATS.md §5 marks UNKNOWN. */
#include "luna_parse.h"
#include "luna_text.h"
#include <ctype.h>
#include <string.h>

/* What one line says about a device. */
enum row_kind { ROW_NONE, ROW_SELECTED, ROW_UNSELECTED, ROW_UNREADABLE };

/* The mark of a bracket "[c]" or a bar cell "| c |" at the start of V: selected for x, X or *,
 * not selected for blanks only, unreadable otherwise. */
static enum row_kind read_mark(struct lt_view v)
{
    char close;
    if (v.len > 0 && v.s[0] == '[')
        close = ']';
    else if (v.len > 0 && v.s[0] == '|')
        close = '|';
    else
        return ROW_UNREADABLE;
    const char *end = memchr(v.s + 1, close, v.len - 1);
    if (!end)
        return ROW_UNREADABLE;
    struct lt_view cell = lt_trim((struct lt_view){v.s + 1, (size_t)(end - v.s - 1)});
    if (cell.len == 0)
        return ROW_UNSELECTED;
    if (cell.len == 1 && strchr("xX*", cell.s[0]))
        return ROW_SELECTED;
    return ROW_UNREADABLE;
}

/* True when SERIAL occurs in LINE as a whole word (not inside a longer serial). */
static bool has_serial(struct lt_view line, const char *serial)
{
    size_t n = strlen(serial);
    for (size_t i = 0; n && i + n <= line.len; i++) {
        if (memcmp(line.s + i, serial, n) != 0)
            continue;
        bool left = i == 0 || !isalnum((unsigned char)line.s[i - 1]);
        bool right = i + n == line.len || !isalnum((unsigned char)line.s[i + n]);
        if (left && right)
            return true;
    }
    return false;
}

enum luna_rbs_menu luna_parse_rbs_menu(const char *text, const char *serial, long *number)
{
    struct lt_lines it;
    struct lt_view line;
    size_t rows = 0;
    enum row_kind kind = ROW_NONE;
    bool serial_ok = false;
    long num = -1;
    lt_lines_init(&it, text);
    while (lt_next_line(&it, &line)) {
        if (line.len == 0 || !isdigit((unsigned char)line.s[0]))
            continue;
        /* a device row: "1  [x]  ..." or "1 |  *  | ..." */
        size_t d = 0;
        while (d < line.len && isdigit((unsigned char)line.s[d]))
            d++;
        struct lt_view rest = lt_trim((struct lt_view){line.s + d, line.len - d});
        long n = -1;
        if (!lt_to_long((struct lt_view){line.s, d}, &n))
            return LUNA_RBS_MENU_UNSURE;
        rows++;
        num = n;
        kind = read_mark(rest);
        if (rest.len > 0 && rest.s[0] == '|' && kind != ROW_UNREADABLE) /* past the mark cell */
            rest = (struct lt_view){rest.s + 1, rest.len - 1};
        serial_ok = !serial || !*serial || has_serial(rest, serial);
    }
    if (number)
        *number = rows == 1 ? num : -1;
    if (rows != 1 || kind == ROW_UNREADABLE || !serial_ok)
        return LUNA_RBS_MENU_UNSURE;
    return kind == ROW_SELECTED ? LUNA_RBS_MENU_SELECTED : LUNA_RBS_MENU_UNSELECTED;
}
