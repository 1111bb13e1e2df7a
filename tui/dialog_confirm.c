/* dialog_confirm.c: the typed confirmation before a destructive step (the OK button stays
 * disabled until the exact expected text is typed) and the plain yes/no question. */
#include "dialog.h"
#include <stdio.h>
#include <string.h>

static void typed_body(const struct dialog *d, struct canvas *cv)
{
    cv_wrap(cv, CR_DIALOG, 0, d->body);
    cv_nl(cv);
    cv_put(cv, CR_DIALOG, "This cannot be undone. To go on, type ");
    cv_put(cv, CR_DIALOG_TITLE, d->expected);
    cv_put(cv, CR_DIALOG, " exactly.");
    cv_nl(cv);
    bool match = strcmp(d->fields[0].buf, d->expected) == 0;
    if (d->fields[0].len && !match) {
        cv_put(cv, CR_DIALOG, "(does not match yet)");
        cv_nl(cv);
    }
}

static bool typed_ok(const struct dialog *d)
{
    return d->expected[0] && strcmp(d->fields[0].buf, d->expected) == 0;
}

static const struct dialog_ops typed_ops = {
    .draw_body = typed_body,
    .ok_enabled = typed_ok,
    .on_select = NULL,
};

void dialog_open_typed_confirm(struct dialog *d, const struct core_ask *q)
{
    dialog_reset(d, DLG_TYPED_CONFIRM, &typed_ops,
                 q->title && *q->title ? q->title : "Confirm a destructive step");
    d->body = dialog_strdup(q->prompt);
    snprintf(d->expected, sizeof(d->expected), "%s", q->expected ? q->expected : "");
    d->field_count = 1;
    d->fields[0].label = "Type it";
    d->buttons[0] = "Confirm";
    d->buttons[1] = "Cancel";
    d->button_count = 2;
}

static void yesno_body(const struct dialog *d, struct canvas *cv)
{
    cv_wrap(cv, CR_DIALOG, 0, d->body);
}

static const struct dialog_ops yesno_ops = {
    .draw_body = yesno_body,
    .ok_enabled = NULL,
    .on_select = NULL,
};

void dialog_open_yesno(struct dialog *d, const char *title, const char *prompt,
                       const char *yes, const char *no)
{
    dialog_reset(d, DLG_YESNO, &yesno_ops, title);
    d->body = dialog_strdup(prompt);
    d->buttons[0] = yes;
    d->buttons[1] = no;
    d->button_count = no ? 2 : 1;
}
