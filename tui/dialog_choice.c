/* dialog_choice.c: choose one of a list, and free text (operator and witness names, search). */
#include "dialog.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validate.h"

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

/* Whether the text field may be answered: names follow validate.h's rule for names and the
 * operator's may not be empty; any other answer holds no control character. WHY: the rule. */
static bool text_acceptable(const struct dialog *d, char *why, size_t len)
{
    const char *v = d->fields[0].buf;
    bool name = d->fields[0].label && strcmp(d->fields[0].label, "Name") == 0;
    if (v[0] == '\0') {
        /* a witness may be nobody; the ceremony always has an operator */
        if (name && strcmp(d->title, "Operator") == 0) {
            snprintf(why, len, "An operator name is needed: type the name of the person "
                     "running this ceremony (it is recorded in the session journal).");
            return false;
        }
        return true;
    }
    if (name && !validate_value(VK_PERSON, v, why, len))
        return false;
    /* other answers go to a device or a search: control characters never (VK_PERSON's rule
     * without its length) */
    for (const unsigned char *p = (const unsigned char *)v; !name && *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, len, "holds a control character; remove it");
            return false;
        }
    return true;
}

static bool text_ok(const struct dialog *d)
{
    char why[400];
    return text_acceptable(d, why, sizeof why);
}

/* The prompt, then why OK is refused (the rule broken and its fix) while it is. */
static void text_body(const struct dialog *d, struct canvas *cv)
{
    char why[400];
    cv_wrap(cv, CR_DIALOG, 0, d->body);
    if (!text_acceptable(d, why, sizeof why) && d->fields[0].len > 0) {
        char line[480];
        snprintf(line, sizeof line, "This %s %s", d->fields[0].label &&
                 strcmp(d->fields[0].label, "Name") == 0 ? "name" : "answer", why);
        cv_wrap(cv, CR_ERROR, 0, line);
    }
}

static const struct dialog_ops text_ops = {
    .draw_body = text_body,
    .ok_enabled = text_ok,
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
