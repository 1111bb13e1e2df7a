/* dialog.h: dialogs as states of the one event loop (never nested getch loops): secret entry,
 * typed confirmation, host key, error, choice, free text, yes/no and export. */
#ifndef ROTWIZ_DIALOG_H
#define ROTWIZ_DIALOG_H
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include <curses.h>
#include "core_event.h"
#include "draw.h"
#include "keys.h"

enum dialog_kind {
    DLG_NONE = 0, DLG_SECRET, DLG_TYPED_CONFIRM, DLG_HOST_KEY, DLG_ERROR, DLG_CHOICE, DLG_TEXT,
    DLG_YESNO, DLG_EXPORT
};

/* What a key did to the dialog. */
enum dialog_result { DLG_CONTINUE = 0, DLG_OK, DLG_CANCEL };

#define DIALOG_FIELDS 2
#define DIALOG_FIELD_MAX CORE_ANSWER_MAX

struct dialog_field {
    const char *label;
    char buf[DIALOG_FIELD_MAX];
    size_t len;
    bool secret;                  /* echo off: drawn as bullets, wiped on close */
    size_t back;                  /* the cursor: bytes after it (0: at the end) */
};

struct dialog;

/* Per-kind behaviour. */
struct dialog_ops {
    /* Draws the explanation above the list/fields. */
    void (*draw_body)(const struct dialog *d, struct canvas *cv);
    /* Whether the OK button may be pressed now (NULL: always). */
    bool (*ok_enabled)(const struct dialog *d);
    /* The list selection changed (NULL: nothing to do). */
    void (*on_select)(struct dialog *d);
};

struct dialog {
    enum dialog_kind kind;
    const struct dialog_ops *ops;
    char title[128];
    char *body;                   /* prompt / explanation, copied */
    char *body2;                  /* second text (error: fix), copied */
    char *excerpt;                /* error: transcript excerpt, copied */
    char expected[DIALOG_FIELD_MAX];   /* typed confirmation */
    char host[160], fingerprint[160];  /* host key */
    char **choices;
    size_t choice_count, sel;
    struct dialog_field fields[DIALOG_FIELDS];
    int field_count;
    const char *buttons[2];
    int button_count;
    int focus;                    /* list (if any), then fields, then buttons */
    int body_scroll;
    char status[256];             /* a message under the fields (export failure...) */
    int purpose;                  /* what the app does with the result (app.c) */
    int button_y, button_x[2], button_w[2]; /* where the buttons were drawn (mouse) */
};

/* Closes D: wipes every field (secrets included) and frees the copies. */
void dialog_close(struct dialog *d);

/* True when a dialog is open. */
bool dialog_open(const struct dialog *d);

/* Feeds one key: an action from the key table (KA_NONE for a plain character) and the
 * character itself (0 for function keys). */
enum dialog_result dialog_key(struct dialog *d, enum key_action a, wint_t ch);

/* Draws D centred on a ROWS x COLS screen. */
void dialog_draw(struct dialog *d, WINDOW *w, int rows, int cols);

/* A mouse click at (Y, X): a button drawn there is pressed (DLG_OK only when enabled); a
 * list line is selected. DLG_CONTINUE otherwise. */
enum dialog_result dialog_click(struct dialog *d, int y, int x);

/* True when the OK button is enabled. */
bool dialog_ok_enabled(const struct dialog *d);

/* Openers; each closes what D held first and copies every string. */
void dialog_open_secret(struct dialog *d, const struct core_ask *q);
void dialog_open_typed_confirm(struct dialog *d, const struct core_ask *q);
void dialog_open_host_key(struct dialog *d, const struct core_ask *q);
void dialog_open_error(struct dialog *d, const char *cause, const char *fix,
                       const char *excerpt);
void dialog_open_choice(struct dialog *d, const char *title, const char *prompt,
                        const char *const *choices, size_t n);
void dialog_open_text(struct dialog *d, const char *title, const char *prompt,
                      const char *label, const char *initial);
void dialog_open_yesno(struct dialog *d, const char *title, const char *prompt,
                       const char *yes, const char *no);
/* Export: format list (text/jsonl/cast), session folder and output path fields. */
void dialog_open_export(struct dialog *d, const char *session_dir);

/* Internal to the dialog_*.c files: a fresh dialog of KIND. */
void dialog_reset(struct dialog *d, enum dialog_kind kind, const struct dialog_ops *ops,
                  const char *title);
/* Internal: copies S (NULL gives ""). */
char *dialog_strdup(const char *s);

#endif
