/* dialog_secret.c: a password entry with echo off; the buffer is wiped when the dialog closes. */
#include "dialog.h"
#include <stdio.h>

static void secret_body(const struct dialog *d, struct canvas *cv)
{
    cv_wrap(cv, CR_DIALOG, 0, d->body);
    if (d->body2 && d->body2[0]) {
        cv_put(cv, CR_DIALOG, "Secrets-file key: ");
        cv_put(cv, CR_DIALOG_TITLE, d->body2);
        cv_nl(cv);
    }
    cv_put(cv, CR_DIALOG, "What you type is not shown and not recorded.");
    cv_nl(cv);
}

static bool secret_ok(const struct dialog *d)
{
    return d->fields[0].len > 0;
}

static const struct dialog_ops secret_ops = {
    .draw_body = secret_body,
    .ok_enabled = secret_ok,
    .on_select = NULL,
};

void dialog_open_secret(struct dialog *d, const struct core_ask *q)
{
    dialog_reset(d, DLG_SECRET, &secret_ops, q->title && *q->title ? q->title : "Password");
    d->body = dialog_strdup(q->prompt);
    d->body2 = dialog_strdup(q->key);
    d->field_count = 1;
    d->fields[0].label = "Password";
    d->fields[0].secret = true;
    d->buttons[0] = "OK";
    d->buttons[1] = "Cancel";
    d->button_count = 2;
}
