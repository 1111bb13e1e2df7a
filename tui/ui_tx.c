/* ui_tx.c: the transcript ring buffer. */
#include "ui_tx.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ui_tx_init(struct ui_tx *tx, size_t cap)
{
    memset(tx, 0, sizeof(*tx));
    tx->lines = calloc(cap ? cap : 1, sizeof(*tx->lines));
    if (!tx->lines)
        return -1;
    tx->cap = cap ? cap : 1;
    return 0;
}

void ui_tx_free(struct ui_tx *tx)
{
    if (!tx->lines)
        return;
    for (size_t i = 0; i < tx->cap; i++)
        free(tx->lines[i].text);
    free(tx->lines);
    memset(tx, 0, sizeof(*tx));
}

void ui_tx_escape(const char *in, char *out, size_t len)
{
    size_t o = 0;
    if (!len)
        return;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 1 < len; p++) {
        char tmp[8];
        if (*p == '\t') {
            snprintf(tmp, sizeof(tmp), "    ");
        } else if (*p < 0x20) {
            snprintf(tmp, sizeof(tmp), "^%c", *p + '@');
        } else if (*p == 0x7f) {
            snprintf(tmp, sizeof(tmp), "^?");
        } else {
            tmp[0] = (char)*p;
            tmp[1] = '\0';
        }
        size_t n = strlen(tmp);
        if (o + n >= len)
            break;
        memcpy(out + o, tmp, n);
        o += n;
    }
    out[o] = '\0';
}

void ui_tx_push(struct ui_tx *tx, const char *host, enum tx_direction dir, const char *text)
{
    if (!tx->lines)
        return;
    if (!text)
        text = "";
    size_t len = strlen(text) * 4 + 1;
    char *copy = malloc(len);
    if (!copy)
        return;
    ui_tx_escape(text, copy, len);
    size_t slot;
    if (tx->count < tx->cap) {
        slot = (tx->head + tx->count) % tx->cap;
        tx->count++;
    } else {
        slot = tx->head;
        tx->head = (tx->head + 1) % tx->cap;
        tx->dropped++;
    }
    struct ui_tx_line *l = &tx->lines[slot];
    free(l->text);
    snprintf(l->host, sizeof(l->host), "%s", host ? host : "");
    l->dir = dir;
    l->text = copy;
}

const struct ui_tx_line *ui_tx_get(const struct ui_tx *tx, size_t i)
{
    if (i >= tx->count)
        return NULL;
    return &tx->lines[(tx->head + i) % tx->cap];
}
