/* ui_tx.h: the wizard's bounded transcript buffer (lines already masked by the core). */
#ifndef ROTWIZ_UI_TX_H
#define ROTWIZ_UI_TX_H
#include <stddef.h>
#include "core_event.h"

#define UI_TX_HOST 24

struct ui_tx_line {
    char host[UI_TX_HOST];
    enum tx_direction dir;
    char *text;                   /* control characters escaped (^X, \xNN) */
};

/* A ring of at most cap lines; the oldest falls out first. */
struct ui_tx {
    struct ui_tx_line *lines;
    size_t cap, head, count;
    unsigned long dropped;        /* lines that fell out, so line numbers stay stable */
};

/* Allocates room for CAP lines; returns 0, or -1 when out of memory. */
int ui_tx_init(struct ui_tx *tx, size_t cap);

/* Frees every line. */
void ui_tx_free(struct ui_tx *tx);

/* Appends a copy of TEXT with control characters escaped. */
void ui_tx_push(struct ui_tx *tx, const char *host, enum tx_direction dir, const char *text);

/* Line I (0 = oldest kept), or NULL. */
const struct ui_tx_line *ui_tx_get(const struct ui_tx *tx, size_t i);

/* Escapes control characters of IN into OUT (always NUL-terminated). */
void ui_tx_escape(const char *in, char *out, size_t len);

#endif
