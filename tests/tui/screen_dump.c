/* screen_dump.c: headless screens and golden files for the TUI tests. */
#include "screen_dump.h"
#include "colors.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

static SCREEN *cur;
static FILE *out_f, *in_f;

void sd_open(const char *term, int rows, int cols)
{
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", rows);
    setenv("LINES", buf, 1);
    snprintf(buf, sizeof(buf), "%d", cols);
    setenv("COLUMNS", buf, 1);
    out_f = fopen("/dev/null", "w");
    in_f = fopen("/dev/null", "r");
    cur = newterm(term, out_f, in_f);
    if (!cur) {
        fprintf(stderr, "newterm(%s) failed\n", term);
        abort();
    }
    set_term(cur);
    if (LINES != rows || COLS != cols)
        resizeterm(rows, cols);
}

void sd_resize(int rows, int cols)
{
    resizeterm(rows, cols);
}

void sd_close(void)
{
    if (!cur)
        return;
    endwin();
    delscreen(cur);
    cur = NULL;
    fclose(out_f);
    fclose(in_f);
}

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

#define ATTR_MASK (A_BOLD | A_REVERSE | A_UNDERLINE | A_DIM | A_BLINK | A_STANDOUT)

void sd_cell(WINDOW *w, int y, int x, attr_t *attrs, short *pair)
{
    cchar_t cc;
    wchar_t wc[CCHARW_MAX + 1];
    mvwin_wch(w, y, x, &cc);
    getcchar(&cc, wc, attrs, pair, NULL);
    *attrs &= ATTR_MASK;
}

/* Row Y as UTF-8, trailing spaces removed. */
static void row_text(WINDOW *w, int y, struct buf *b)
{
    size_t start = b->len, keep = b->len;
    int cols = getmaxx(w);
    for (int x = 0; x < cols; x++) {
        cchar_t cc;
        wchar_t wc[CCHARW_MAX + 1] = {0};
        attr_t a;
        short pair;
        mvwin_wch(w, y, x, &cc);
        getcchar(&cc, wc, &a, &pair, NULL);
        char mb[16];
        mbstate_t st;
        memset(&st, 0, sizeof(st));
        size_t n = wc[0] ? wcrtomb(mb, wc[0], &st) : (size_t)-1;
        if (n == (size_t)-1) {
            mb[0] = ' ';
            n = 1;
        }
        put(b, mb, n);
        if (!(n == 1 && mb[0] == ' '))
            keep = b->len;
    }
    (void)start;
    b->len = keep;
    b->p[b->len] = '\0';
}

const char *sd_row(WINDOW *w, int y)
{
    static char line[4096];
    struct buf b = {NULL, 0, 0};
    puts_(&b, "");
    row_text(w, y, &b);
    snprintf(line, sizeof(line), "%s", b.p);
    free(b.p);
    return line;
}

bool sd_find(WINDOW *w, const char *text, int *y, int *x)
{
    for (int r = 0; r < getmaxy(w); r++) {
        const char *row = sd_row(w, r);
        const char *hit = strstr(row, text);
        if (hit) {
            /* Columns, not bytes: count the characters before the hit. */
            int col = 0;
            for (const char *p = row; p < hit; p++)
                col += (*p & 0xc0) != 0x80;
            *y = r;
            *x = col;
            return true;
        }
    }
    return false;
}

static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

char *sd_dump(WINDOW *w, bool with_attrs)
{
    struct buf b = {NULL, 0, 0};
    int rows = getmaxy(w), cols = getmaxx(w);
    char head[64];
    snprintf(head, sizeof(head), "# screen %dx%d\n", cols, rows);
    puts_(&b, head);
    for (int y = 0; y < rows; y++) {
        row_text(w, y, &b);
        puts_(&b, "\n");
    }
    if (!with_attrs)
        return b.p;
    /* Attribute map: '.' is the default look; other looks get letters by first appearance. */
    struct { short pair; attr_t a; } seen[sizeof(letters)];
    size_t nseen = 0;
    puts_(&b, "# attributes\n");
    for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
            attr_t a;
            short pair;
            sd_cell(w, y, x, &a, &pair);
            char c = '.';
            if (pair != 0 || a != 0) {
                size_t i;
                for (i = 0; i < nseen; i++)
                    if (seen[i].pair == pair && seen[i].a == a)
                        break;
                if (i == nseen && nseen < sizeof(letters) - 1) {
                    seen[nseen].pair = pair;
                    seen[nseen].a = a;
                    nseen++;
                }
                c = i < sizeof(letters) - 1 ? letters[i] : '?';
            }
            put(&b, &c, 1);
        }
        puts_(&b, "\n");
    }
    puts_(&b, "# legend\n");
    for (size_t i = 0; i < nseen; i++) {
        char line[160];
        enum color_role r = colors_role_of_pair(seen[i].pair);
        snprintf(line, sizeof(line), "%c %s%s%s%s%s%s\n", letters[i],
                 seen[i].pair ? (r < CR_COUNT ? colors_role_name(r) : "pair?") : "nocolor",
                 seen[i].a & A_BOLD ? " bold" : "", seen[i].a & A_REVERSE ? " reverse" : "",
                 seen[i].a & A_UNDERLINE ? " underline" : "", seen[i].a & A_DIM ? " dim" : "",
                 seen[i].a & A_BLINK ? " blink" : "");
        puts_(&b, line);
    }
    return b.p;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct buf b = {NULL, 0, 0};
    char chunk[4096];
    size_t n;
    puts_(&b, "");
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        put(&b, chunk, n);
    fclose(f);
    return b.p;
}

static bool spit(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(s, f);
    return fclose(f) == 0;
}

bool sd_golden(const char *name, const char *actual)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
    const char *upd = getenv("ROTWIZ_UPDATE_GOLDEN");
    if (upd && *upd && strcmp(upd, "0") != 0)
        return spit(path, actual);
    char *want = slurp(path);
    bool same = want && strcmp(want, actual) == 0;
    if (!same) {
        char apath[1024];
        mkdir(ACTUAL_DIR, 0755);
        snprintf(apath, sizeof(apath), "%s/%s", ACTUAL_DIR, name);
        spit(apath, actual);
        fprintf(stderr, "golden %s differs%s; actual written to %s\n  diff -u %s %s\n", name,
                want ? "" : " (missing)", apath, path, apath);
    }
    free(want);
    return same;
}
