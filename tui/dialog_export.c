/* dialog_export.c: export a recorded session: format, session folder and output path. */
#include "dialog.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const export_formats[] = {"text", "jsonl", "cast"};

static void export_body(const struct dialog *d, struct canvas *cv)
{
    (void)d;
    cv_wrap(cv, CR_DIALOG, 0,
            "Choose a format (Up/Down), then the session folder and the file to write. "
            "Tab moves between them.");
}

static bool export_ok(const struct dialog *d)
{
    return d->fields[0].len > 0 && d->fields[1].len > 0;
}

static const char *const export_names[] = {"rotwiz-session.txt", "rotwiz-session.jsonl",
                                           "rotwiz-session.cast"};

/* While the file name is still one we proposed, it follows the chosen format. */
static void export_select(struct dialog *d)
{
    struct dialog_field *f = &d->fields[1];
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(f->buf, export_names[i]) == 0) {
            f->back = 0;
            int n = snprintf(f->buf, sizeof(f->buf), "%s", export_names[d->sel % 3]);
            f->len = (size_t)n;
            return;
        }
    }
}

static const struct dialog_ops export_ops = {
    .draw_body = export_body,
    .ok_enabled = export_ok,
    .on_select = export_select,
};

void dialog_open_export(struct dialog *d, const char *session_dir)
{
    dialog_reset(d, DLG_EXPORT, &export_ops, "Export a recorded session");
    d->choices = calloc(3, sizeof(*d->choices));
    if (d->choices) {
        for (size_t i = 0; i < 3; i++)
            d->choices[i] = dialog_strdup(export_formats[i]);
        d->choice_count = 3;
    }
    d->field_count = 2;
    d->fields[0].label = "Session folder";
    d->fields[1].label = "Write to file ";
    int n = snprintf(d->fields[0].buf, sizeof(d->fields[0].buf), "%s",
                     session_dir ? session_dir : "");
    d->fields[0].len = n > 0 && (size_t)n < sizeof(d->fields[0].buf) ? (size_t)n : 0;
    n = snprintf(d->fields[1].buf, sizeof(d->fields[1].buf), "%s", export_names[0]);
    d->fields[1].len = (size_t)n;
    d->buttons[0] = "Export";
    d->buttons[1] = "Cancel";
    d->button_count = 2;
}
