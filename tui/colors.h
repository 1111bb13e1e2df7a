/* colors.h: the one table of semantic colour roles, with a monochrome column. */
#ifndef ROTWIZ_COLORS_H
#define ROTWIZ_COLORS_H
#include <stdbool.h>
#include <curses.h>

/* X(role, fg, bg, colour attributes, monochrome attributes). fg/bg -1 = terminal default,
 * COLORS_ORANGE = orange (yellow on 8-colour terminals). In monochrome, bold, reverse and
 * underline alone must carry the meaning. */
#define COLORS_ORANGE 208
#define COLOR_ROLES(X)                                                                   \
    X(CR_NORMAL, -1, -1, A_NORMAL, A_NORMAL)                                             \
    X(CR_HEADER, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE)                             \
    X(CR_BANNER, COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD)                  \
    X(CR_BORDER, -1, -1, A_NORMAL, A_NORMAL)                                             \
    X(CR_BORDER_FOCUS, COLOR_CYAN, -1, A_BOLD, A_BOLD)                                   \
    X(CR_PANE_TITLE, -1, -1, A_BOLD, A_BOLD)                                             \
    X(CR_KEYBAR, COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE)                           \
    X(CR_KEYBAR_KEY, COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD)                           \
    X(CR_LABEL, COLOR_CYAN, -1, A_NORMAL, A_UNDERLINE)                                   \
    X(CR_LINK_UP, COLOR_GREEN, -1, A_BOLD, A_BOLD)                                       \
    X(CR_LINK_DOWN, COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE)                           \
    X(CR_LINK_UNKNOWN, COLOR_YELLOW, -1, A_NORMAL, A_DIM)                                \
    X(CR_SELECTED, COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE)                        \
    X(CR_MARK, COLOR_MAGENTA, -1, A_BOLD, A_BOLD)                                        \
    X(CR_STEP_DONE, COLOR_GREEN, -1, A_NORMAL, A_NORMAL)                                 \
    X(CR_STEP_CURRENT, COLOR_YELLOW, -1, A_BOLD, A_REVERSE)                              \
    X(CR_STEP_FAILED, COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE)              \
    X(CR_STEP_SKIPPED, -1, -1, A_DIM, A_DIM)                                             \
    X(CR_STEP_PENDING, -1, -1, A_NORMAL, A_NORMAL)                                       \
    X(CR_PED_BLUE, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_NORMAL)                            \
    X(CR_PED_RED, COLOR_WHITE, COLOR_RED, A_BOLD, A_NORMAL)                              \
    X(CR_PED_BLACK, COLOR_WHITE, COLOR_BLACK, A_BOLD, A_NORMAL)                          \
    X(CR_PED_ORANGE, COLOR_BLACK, COLORS_ORANGE, A_BOLD, A_NORMAL)                       \
    X(CR_PED_WANTED, -1, -1, A_BOLD | A_UNDERLINE, A_REVERSE | A_BOLD)                   \
    X(CR_TX_SENT, COLOR_CYAN, -1, A_BOLD, A_BOLD)                                        \
    X(CR_TX_RECEIVED, -1, -1, A_NORMAL, A_NORMAL)                                        \
    X(CR_TX_INFO, COLOR_YELLOW, -1, A_NORMAL, A_DIM)                                     \
    X(CR_TX_HOST, COLOR_MAGENTA, -1, A_NORMAL, A_UNDERLINE)                              \
    X(CR_MATCH, COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE)                          \
    X(CR_DIALOG, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_NORMAL)                            \
    X(CR_DIALOG_TITLE, COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_BOLD)                         \
    X(CR_INPUT, COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_UNDERLINE)                         \
    X(CR_BUTTON, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_BOLD)                                \
    X(CR_BUTTON_FOCUS, COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD)              \
    X(CR_BUTTON_OFF, COLOR_BLACK, COLOR_BLUE, A_BOLD, A_DIM)                             \
    X(CR_ERROR, COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE)                             \
    X(CR_WARNING, COLOR_YELLOW, -1, A_BOLD, A_BOLD)                                      \
    X(CR_DIM, -1, -1, A_DIM, A_DIM)

enum color_role {
#define COLOR_ROLE_ENUM(id, fg, bg, ca, ma) id,
    COLOR_ROLES(COLOR_ROLE_ENUM)
#undef COLOR_ROLE_ENUM
    CR_COUNT
};

/* Sets up colour pairs for the current screen; monochrome when MONO, when NO_COLOR is set in
 * the environment, or when the terminal has no colours. */
void colors_init(bool mono);

/* True when colours are off. */
bool colors_mono(void);

/* The attributes (colour pair included) to draw ROLE with. */
attr_t colors_attr(enum color_role role);

/* The role's name ("CR_LINK_UP"), for screen dumps. */
const char *colors_role_name(enum color_role role);

/* The role whose colour pair is PAIR, or CR_COUNT; for screen dumps. */
enum color_role colors_role_of_pair(int pair);

#endif
