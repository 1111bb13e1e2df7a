/* keys.h: the one key table. It drives input, the bottom key bar and the help screen. */
#ifndef ROTWIZ_KEYS_H
#define ROTWIZ_KEYS_H
#include <stdbool.h>
#include <stddef.h>

enum key_action {
    KA_NONE = 0,
    KA_HELP, KA_QUIT, KA_NEXT_PANE, KA_PREV_PANE,
    KA_UP, KA_DOWN, KA_LEFT, KA_RIGHT, KA_PGUP, KA_PGDN, KA_HOME, KA_END,
    KA_ENTER, KA_BACK, KA_CANCEL, KA_TAB, KA_BACKSPACE,
    KA_FOLLOW, KA_SEARCH, KA_SEARCH_NEXT, KA_SEARCH_PREV, KA_FILTER_HOST,
    KA_REFRESH, KA_EXPORT, KA_REDRAW,
    KA_TASK_BACKUP, KA_TASK_RESTORE, KA_TASK_PREPARE, KA_TASK_TOPOLOGY, KA_TASK_EXPORT,
    KA_KILL_LINE, KA_KILL_WORD,
    KA_TASK_MIGRATE,
    KA_COUNT
};

/* Where a key is valid; a binding may hold in several contexts. */
enum key_context {
    KC_START = 1u << 0,       /* the start screen */
    KC_WIZARD = 1u << 1,      /* the five-pane wizard */
    KC_TOPOLOGY = 1u << 2,    /* the read-only topology view */
    KC_DIALOG = 1u << 3,      /* any dialog (printable keys go to its text field first) */
    KC_HELP = 1u << 4,        /* the help screen */
};
#define KC_COUNT 5

/* Key codes are curses codes: KEY_* for function keys (is_fkey), characters otherwise. */
struct key_def {
    int code;
    bool is_fkey;
    const char *name;         /* as shown: "F1", "q", "Tab", "Enter" */
    enum key_action action;
    unsigned contexts;
    const char *label;        /* short word for the key bar, NULL: not in the bar */
    const char *help;         /* one line for the help screen */
};

/* The table and its length. */
extern const struct key_def keys_table[];
extern const size_t keys_count;

/* The action bound to CODE in CONTEXT, or KA_NONE. */
enum key_action keys_lookup(unsigned context, int code, bool is_fkey);

/* Bar entries for CONTEXT, in table order, one per action (the first key bound to it).
 * Stores up to MAX pointers in OUT and returns how many. */
size_t keys_bar(unsigned context, const struct key_def **out, size_t max);

/* Name of a context ("Start screen"...) for the help screen; CTX is one bit. */
const char *keys_context_name(unsigned ctx);

#endif
