/* pane_transcript.c: live transcript lines tagged by host, sent and received told apart;
 * scrolling, follow on/off, search (/ n N) and a host filter. Lines arrive already masked. */
#include "pane.h"
#include "draw.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tx_pane {
    bool follow;
    char filter[UI_TX_HOST];      /* "" = every host */
    char search[128];
    long match;                   /* buffer index of the current match, -1 none */
};

static struct tx_pane *txp(const struct pane *p)
{
    return p->priv;
}

static int tx_init(struct pane *p)
{
    struct tx_pane *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    t->follow = true;
    t->match = -1;
    p->priv = t;
    return 0;
}

bool pane_transcript_following(const struct pane *p)
{
    return txp(p) && txp(p)->follow;
}

const char *pane_transcript_filter(const struct pane *p)
{
    return txp(p) ? txp(p)->filter : "";
}

static bool shown(const struct tx_pane *t, const struct ui_tx_line *l)
{
    return !t->filter[0] || strcmp(t->filter, l->host) == 0;
}

/* Filtered lines: count, and the filtered position of buffer index IDX. */
static int filtered_count(const struct tx_pane *t, const struct ui_tx *tx)
{
    int n = 0;
    for (size_t i = 0; i < tx->count; i++)
        n += shown(t, ui_tx_get(tx, i));
    return n;
}

static int filtered_pos(const struct tx_pane *t, const struct ui_tx *tx, size_t idx)
{
    int n = 0;
    for (size_t i = 0; i < idx && i < tx->count; i++)
        n += shown(t, ui_tx_get(tx, i));
    return n;
}

static void tx_draw(struct pane *p, WINDOW *w, const struct pane_ctx *c)
{
    struct tx_pane *t = txp(p);
    const struct ui_tx *tx = &c->ui->tx;
    char title[200];
    draw_fill(w, p->rect, colors_attr(CR_NORMAL));
    snprintf(title, sizeof(title), "Transcript  follow %s  host %s%s%s", t->follow ? "on" : "off",
             t->filter[0] ? t->filter : "all", t->search[0] ? "  /" : "", t->search);
    draw_box(w, p->rect, title, c->focused);
    p->total = filtered_count(t, tx);
    if (t->follow)
        p->scroll = p->total - pane_visible(p);
    pane_clamp(p);
    struct canvas cv;
    cv_begin(&cv, w, draw_inner(p->rect), p->scroll);
    int row = 0;
    for (size_t i = 0; i < tx->count; i++) {
        const struct ui_tx_line *l = ui_tx_get(tx, i);
        if (!shown(t, l))
            continue;
        if (row < p->scroll || row >= p->scroll + pane_visible(p)) {
            row++;
            cv_nl(&cv);
            continue;
        }
        row++;
        char tag[UI_TX_HOST + 4];
        snprintf(tag, sizeof(tag), "%-11s", l->host);
        cv_put(&cv, CR_TX_HOST, tag);
        const char *dir = l->dir == TX_SENT ? " > " : l->dir == TX_RECEIVED ? " < " : " * ";
        enum color_role role = l->dir == TX_SENT ? CR_TX_SENT
                               : l->dir == TX_RECEIVED ? CR_TX_RECEIVED : CR_TX_INFO;
        cv_put(&cv, role, dir);
        const char *hit = t->search[0] && (long)i == t->match ? strstr(l->text, t->search)
                                                               : NULL;
        if (hit) {
            char before[1024];
            snprintf(before, sizeof(before), "%.*s", (int)(hit - l->text), l->text);
            cv_put(&cv, role, before);
            cv_put(&cv, CR_MATCH, t->search);
            cv_put(&cv, role, hit + strlen(t->search));
        } else {
            cv_put(&cv, role, l->text);
        }
        cv_nl(&cv);
    }
    draw_scroll_hint(w, p->rect, p->scroll, pane_visible(p), p->total);
}

/* Moves to the next (DIR 1) or previous (-1) line holding the search term, starting after
 * buffer index FROM; wraps around. */
static bool find(struct pane *p, const struct ui_tx *tx, long from, int dir)
{
    struct tx_pane *t = txp(p);
    long n = (long)tx->count;
    if (!t->search[0] || n == 0)
        return false;
    p->total = filtered_count(t, tx);
    for (long k = 1; k <= n; k++) {
        long i = ((from + dir * k) % n + n) % n;
        const struct ui_tx_line *l = ui_tx_get(tx, (size_t)i);
        if (shown(t, l) && strstr(l->text, t->search)) {
            t->match = i;
            t->follow = false;
            int pos = filtered_pos(t, tx, (size_t)i);
            if (pos < p->scroll || pos >= p->scroll + pane_visible(p))
                p->scroll = pos - pane_visible(p) / 2;
            pane_clamp(p);
            return true;
        }
    }
    return false;
}

void pane_transcript_search(struct pane *p, const struct ui_state *ui, const char *term)
{
    struct tx_pane *t = txp(p);
    snprintf(t->search, sizeof(t->search), "%s", term ? term : "");
    t->match = -1;
    if (!t->search[0])
        return;
    /* Start just before the first line shown, so a match on screen is found first. */
    long from = -1;
    int row = 0;
    for (size_t i = 0; i < ui->tx.count; i++) {
        if (!shown(t, ui_tx_get(&ui->tx, i)))
            continue;
        if (row++ == p->scroll) {
            from = (long)i - 1;
            break;
        }
    }
    find(p, &ui->tx, from, 1);
}

void pane_transcript_scroll(struct pane *p, const struct ui_state *ui, int delta)
{
    struct tx_pane *t = txp(p);
    p->total = filtered_count(t, &ui->tx);
    if (t->follow)
        p->scroll = p->total - pane_visible(p);
    p->scroll += delta;
    pane_clamp(p);
    t->follow = p->scroll >= p->total - pane_visible(p);
}

/* The host after the current filter among hosts seen, "" after the last. */
static void next_host(struct tx_pane *t, const struct ui_tx *tx)
{
    bool take = !t->filter[0];
    char seen[16][UI_TX_HOST];
    size_t ns = 0;
    for (size_t i = 0; i < tx->count && ns < 16; i++) {
        const char *h = ui_tx_get(tx, i)->host;
        bool dup = false;
        for (size_t k = 0; k < ns; k++)
            dup = dup || strcmp(seen[k], h) == 0;
        if (dup)
            continue;
        snprintf(seen[ns++], UI_TX_HOST, "%s", h);
        if (take) {
            snprintf(t->filter, sizeof(t->filter), "%s", h);
            return;
        }
        if (strcmp(h, t->filter) == 0)
            take = true;
    }
    t->filter[0] = '\0';
}

static int tx_key(struct pane *p, enum key_action a, const struct pane_ctx *c)
{
    struct tx_pane *t = txp(p);
    const struct ui_tx *tx = &c->ui->tx;
    switch (a) {
    case KA_FOLLOW:
        t->follow = !t->follow;
        return PANE_HANDLED | PANE_REDRAW;
    case KA_SEARCH_NEXT:
        find(p, tx, t->match >= 0 ? t->match : -1, 1);
        return PANE_HANDLED | PANE_REDRAW;
    case KA_SEARCH_PREV:
        find(p, tx, t->match >= 0 ? t->match : (long)tx->count, -1);
        return PANE_HANDLED | PANE_REDRAW;
    case KA_FILTER_HOST:
        next_host(t, tx);
        p->scroll = 0;
        return PANE_HANDLED | PANE_REDRAW;
    case KA_END:
        t->follow = true;
        return PANE_HANDLED | PANE_REDRAW;
    case KA_UP: case KA_PGUP: case KA_HOME:
        if (t->follow)
            p->scroll = p->total - pane_visible(p);
        t->follow = false;
        return pane_scroll_key(p, a) | PANE_REDRAW;
    default: {
        int r = pane_scroll_key(p, a);
        if (r && p->scroll >= p->total - pane_visible(p))
            t->follow = true;
        return r;
    }
    }
}

static int tx_event(struct pane *p, const struct core_event *ev, const struct pane_ctx *c)
{
    struct tx_pane *t = txp(p);
    if (ev->type != EV_TRANSCRIPT_LINE)
        return 0;
    /* The buffer may have dropped its oldest line: keep the match pointing at its text. */
    if (t->match >= 0 && c->ui->tx.dropped && c->ui->tx.count == c->ui->tx.cap)
        t->match--;
    return PANE_REDRAW;
}

static void tx_destroy(struct pane *p)
{
    free(p->priv);
    p->priv = NULL;
}

const struct pane_ops pane_transcript_ops = {
    .title = "Transcript",
    .init = tx_init,
    .recalc = pane_clamp,
    .draw = tx_draw,
    .handle_key = tx_key,
    .on_event = tx_event,
    .destroy = tx_destroy,
};
