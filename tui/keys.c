/* keys.c: the key table. Add a key here and it works, shows in the bar and in the help. */
#include "keys.h"
#include <curses.h>

#define ALL_MAIN (KC_WIZARD | KC_TOPOLOGY)
#define CTRL(c) ((c) & 0x1f)

const struct key_def keys_table[] = {
    {KEY_F(1), true, "F1", KA_HELP, KC_START | ALL_MAIN, "Help", "show this help"},
    {KEY_F(1), true, "F1", KA_HELP, KC_HELP, NULL, "close the help"},
    {'?', false, "?", KA_HELP, KC_START | ALL_MAIN, NULL, "show this help"},
    {KEY_UP, true, "Up", KA_UP, KC_START | ALL_MAIN | KC_DIALOG | KC_HELP, NULL,
     "move up / scroll the focused pane up"},
    {KEY_DOWN, true, "Down", KA_DOWN, KC_START | ALL_MAIN | KC_DIALOG | KC_HELP, NULL,
     "move down / scroll the focused pane down"},
    {'k', false, "k", KA_UP, KC_START | ALL_MAIN | KC_HELP, NULL, "same as Up"},
    {'j', false, "j", KA_DOWN, KC_START | ALL_MAIN | KC_HELP, NULL, "same as Down"},
    {KEY_PPAGE, true, "PgUp", KA_PGUP, ALL_MAIN | KC_HELP, NULL, "scroll one page up"},
    {KEY_NPAGE, true, "PgDn", KA_PGDN, ALL_MAIN | KC_HELP, NULL, "scroll one page down"},
    {KEY_HOME, true, "Home", KA_HOME, ALL_MAIN | KC_HELP, NULL, "go to the top"},
    {KEY_END, true, "End", KA_END, ALL_MAIN | KC_HELP, NULL, "go to the end (transcript: follow)"},
    {KEY_HOME, true, "Home", KA_HOME, KC_DIALOG, NULL, "text field: cursor to the start"},
    {KEY_END, true, "End", KA_END, KC_DIALOG, NULL, "text field: cursor to the end"},
    {'\t', false, "Tab", KA_NEXT_PANE, ALL_MAIN, "Pane", "focus the next pane"},
    {KEY_BTAB, true, "S-Tab", KA_PREV_PANE, ALL_MAIN, NULL, "focus the previous pane"},
    {'\t', false, "Tab", KA_TAB, KC_DIALOG, "Next", "move to the next field or button"},
    {KEY_BTAB, true, "S-Tab", KA_PREV_PANE, KC_DIALOG, NULL, "move to the previous field"},
    {KEY_LEFT, true, "Left", KA_LEFT, KC_DIALOG, NULL,
     "text field: cursor left; on the buttons: the other button"},
    {KEY_RIGHT, true, "Right", KA_RIGHT, KC_DIALOG, NULL,
     "text field: cursor right; on the buttons: the other button"},
    {CTRL('u'), false, "C-u", KA_KILL_LINE, KC_DIALOG, NULL,
     "text field: delete everything before the cursor"},
    {CTRL('w'), false, "C-w", KA_KILL_WORD, KC_DIALOG, NULL,
     "text field: delete the word before the cursor"},
    {'\n', false, "Enter", KA_ENTER, KC_START | KC_WIZARD | KC_DIALOG, "Go",
     "start the chosen task / do what the Steps pane says / press the focused button"},
    {'\r', false, "Enter", KA_ENTER, KC_START | KC_WIZARD | KC_DIALOG, NULL, NULL},
    {KEY_ENTER, true, "Enter", KA_ENTER, KC_START | KC_WIZARD | KC_DIALOG, NULL, NULL},
    {27, false, "Esc", KA_CANCEL, KC_DIALOG, "Cancel",
     "cancel the dialog (a question is answered 'cancel')"},
    {27, false, "Esc", KA_CANCEL, KC_HELP, "Close", "close the help"},
    {KEY_BACKSPACE, true, "Bksp", KA_BACKSPACE, KC_DIALOG, NULL, "delete the last character"},
    {127, false, "Bksp", KA_BACKSPACE, KC_DIALOG, NULL, NULL},
    {CTRL('h'), false, "Bksp", KA_BACKSPACE, KC_DIALOG, NULL, NULL},
    {'b', false, "b", KA_BACK, KC_WIZARD, "Back", "go back one step where the step allows it"},
    {'f', false, "f", KA_FOLLOW, ALL_MAIN, "Follow", "transcript: follow new lines on/off"},
    {'/', false, "/", KA_SEARCH, ALL_MAIN, "Search", "transcript: search for text"},
    {'n', false, "n", KA_SEARCH_NEXT, ALL_MAIN, NULL, "transcript: next match"},
    {'N', false, "N", KA_SEARCH_PREV, ALL_MAIN, NULL, "transcript: previous match"},
    {'h', false, "h", KA_FILTER_HOST, ALL_MAIN, "Host", "transcript: filter by host (cycles)"},
    {'r', false, "r", KA_REFRESH, KC_TOPOLOGY, "Refresh", "read the topology again"},
    {'e', false, "e", KA_EXPORT, KC_WIZARD, "Export", "export the recorded session"},
    {CTRL('l'), false, "C-l", KA_REDRAW, KC_START | ALL_MAIN | KC_HELP, NULL,
     "redraw the screen"},
    {'B', false, "B", KA_TASK_BACKUP, KC_START, NULL, "start: back up root-of-trust keys"},
    {'R', false, "R", KA_TASK_RESTORE, KC_START, NULL, "start: restore keys onto another k570"},
    {'M', false, "M", KA_TASK_MIGRATE, KC_START, NULL, "start: back up and restore in one run"},
    {'P', false, "P", KA_TASK_PREPARE, KC_START, NULL, "start: prepare a target k570"},
    {'T', false, "T", KA_TASK_TOPOLOGY, KC_START, NULL, "start: view the topology"},
    {'E', false, "E", KA_TASK_EXPORT, KC_START, NULL, "start: export a recorded session"},
    {'q', false, "q", KA_QUIT, KC_START | ALL_MAIN, "Quit",
     "quit (asks first while a flow runs; the topology view opened from the start screen "
     "goes back to it)"},
    {'q', false, "q", KA_QUIT, KC_HELP, NULL, "close the help"},
    {KEY_F(10), true, "F10", KA_QUIT, KC_START | ALL_MAIN, NULL, "quit"},
};
const size_t keys_count = sizeof(keys_table) / sizeof(keys_table[0]);

enum key_action keys_lookup(unsigned context, int code, bool is_fkey)
{
    for (size_t i = 0; i < keys_count; i++) {
        const struct key_def *k = &keys_table[i];
        if ((k->contexts & context) && k->code == code && k->is_fkey == is_fkey)
            return k->action;
    }
    return KA_NONE;
}

size_t keys_bar(unsigned context, const struct key_def **out, size_t max)
{
    size_t n = 0;
    bool seen[KA_COUNT] = {false};
    for (size_t i = 0; i < keys_count && n < max; i++) {
        const struct key_def *k = &keys_table[i];
        if (!(k->contexts & context) || !k->label || seen[k->action])
            continue;
        seen[k->action] = true;
        out[n++] = k;
    }
    return n;
}

const char *keys_context_name(unsigned ctx)
{
    switch (ctx) {
    case KC_START: return "Start screen";
    case KC_WIZARD: return "Wizard";
    case KC_TOPOLOGY: return "Topology view";
    case KC_DIALOG: return "Dialogs";
    case KC_HELP: return "Help screen";
    default: return "?";
    }
}
