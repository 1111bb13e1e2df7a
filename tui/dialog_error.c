/* dialog_error.c: a failure naming its cause and fix, with the transcript excerpt. */
#include "dialog.h"

static void error_body(const struct dialog *d, struct canvas *cv)
{
    cv_put(cv, CR_DIALOG_TITLE, "Cause: ");
    cv_nl(cv);
    cv_wrap(cv, CR_DIALOG, 2, d->body);
    cv_put(cv, CR_DIALOG_TITLE, "Fix: ");
    cv_nl(cv);
    cv_wrap(cv, CR_DIALOG, 2, d->body2);
    if (d->excerpt && d->excerpt[0]) {
        cv_put(cv, CR_DIALOG_TITLE, "Transcript:");
        cv_nl(cv);
        cv_wrap(cv, CR_DIALOG, 2, d->excerpt);
    }
}

static const struct dialog_ops error_ops = {
    .draw_body = error_body,
    .ok_enabled = NULL,
    .on_select = NULL,
};

void dialog_open_error(struct dialog *d, const char *cause, const char *fix,
                       const char *excerpt)
{
    dialog_reset(d, DLG_ERROR, &error_ops, "Error");
    d->body = dialog_strdup(cause);
    d->body2 = dialog_strdup(fix);
    d->excerpt = excerpt ? dialog_strdup(excerpt) : NULL;
    d->buttons[0] = "Close";
    d->button_count = 1;
}
