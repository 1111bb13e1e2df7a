/* dialog_hostkey.c: an unknown SSH host key, shown by fingerprint, to accept or refuse. */
#include "dialog.h"
#include <stdio.h>

static void hostkey_body(const struct dialog *d, struct canvas *cv)
{
    cv_wrap(cv, CR_DIALOG, 0, d->body);
    cv_nl(cv);
    cv_put(cv, CR_DIALOG, "Host:        ");
    cv_put(cv, CR_DIALOG_TITLE, d->host);
    cv_nl(cv);
    cv_put(cv, CR_DIALOG, "Fingerprint: ");
    cv_put(cv, CR_DIALOG_TITLE, d->fingerprint);
    cv_nl(cv);
    cv_nl(cv);
    cv_wrap(cv, CR_DIALOG, 0,
            "Compare it with the fingerprint the appliance shows on its console. Accept only "
            "if they are the same.");
}

static const struct dialog_ops hostkey_ops = {
    .draw_body = hostkey_body,
    .ok_enabled = NULL,
    .on_select = NULL,
};

void dialog_open_host_key(struct dialog *d, const struct core_ask *q)
{
    dialog_reset(d, DLG_HOST_KEY, &hostkey_ops,
                 q->title && *q->title ? q->title : "Unknown host key");
    d->body = dialog_strdup(q->prompt && *q->prompt ? q->prompt
                                                    : "The host's key is not known yet.");
    snprintf(d->host, sizeof(d->host), "%s", q->host ? q->host : "?");
    snprintf(d->fingerprint, sizeof(d->fingerprint), "%s", q->fingerprint ? q->fingerprint
                                                                          : "?");
    d->buttons[0] = "Accept";
    d->buttons[1] = "Refuse";
    d->button_count = 2;
    d->focus = 1;       /* the safe answer is the default */
}
