/* dialog_choice.c: choose one of a list, and free text (operator and witness names, search). */
#include "dialog.h"
#include <stdio.h>
#include <stdlib.h>

static void prompt_body(const struct dialog *d, struct canvas *cv)
{
    cv_wrap(cv, CR_DIALOG, 0, d->body);
}

static const struct dialog_ops choice_ops = {
    .draw_body = prompt_body,
    .ok_enabled = NULL,
    .on_select = NULL,
};

void dialog_open_choice(struct dialog *d, const char *title, const char *prompt,
                        const char *const *choices, size_t n)
{
    dialog_reset(d, DLG_CHOICE, &choice_ops, title && *title ? title : "Choose");
    d->body = dialog_strdup(prompt);
    d->choices = calloc(n ? n : 1, sizeof(*d->choices));
    if (d->choices) {
        for (size_t i = 0; i < n; i++)
            d->choices[i] = dialog_strdup(choices[i]);
        d->choice_count = n;
    }
    d->buttons[0] = "OK";
    d->buttons[1] = "Cancel";
    d->button_count = 2;
}

static const struct dialog_ops text_ops = {
    .draw_body = prompt_body,
    .ok_enabled = NULL,
    .on_select = NULL,
};

void dialog_open_text(struct dialog *d, const char *title, const char *prompt,
                      const char *label, const char *initial)
{
    dialog_reset(d, DLG_TEXT, &text_ops, title && *title ? title : "Enter text");
    d->body = dialog_strdup(prompt);
    d->field_count = 1;
    d->fields[0].label = label ? label : "Text";
    int n = snprintf(d->fields[0].buf, sizeof(d->fields[0].buf), "%s", initial ? initial : "");
    d->fields[0].len = n > 0 && (size_t)n < sizeof(d->fields[0].buf) ? (size_t)n : 0;
    d->buttons[0] = "OK";
    d->buttons[1] = "Cancel";
    d->button_count = 2;
}
