/* lunacm_io.c: what the simulated lunacm prints and how it reads answers (FORMATS.md 1). */
#include "lunacm.h"
#include "secret_events.h"
#include <stdarg.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct lcm_rc_text {
    unsigned long rc;
    const char *name;
};

static const struct lcm_rc_text rc_texts[] = {
    {LCM_CANCELLED, "User Cancelled Operation"},
    {LCM_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
    {LCM_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
    {LCM_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
    {LCM_PIN_LOCKED, "CKR_PIN_LOCKED"},
    {LCM_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
    {LCM_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
    {LCM_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
    {LCM_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"},
    {LCM_CONTAINER_INVALID, "CKR_CONTAINER_HANDLE_INVALID"},
    {LCM_CLONING_PARAM_EXISTS, "CKR_CLONING_PARAMETER_ALREADY_EXISTS"},
    {LCM_CERTIFICATE_INVALID, "CKR_CERTIFICATE_INVALID"},
    {LCM_SO_LOGIN_THRESHOLD, "CKR_SO_LOGIN_FAILURE_THRESHOLD"},
    {LCM_UNABLE_TO_CONNECT, "CKR_UNABLE_TO_CONNECT"},
    {LCM_TIMEOUT, "CKR_TIMEOUT"},
    {LCM_HSM_STORAGE_FULL, "CKR_HSM_STORAGE_FULL"},
    {LCM_PED_CLIENT_NOT_RUNNING, "CKR_PED_CLIENT_NOT_RUNNING"},
    {LCM_PED_UNPLUGGED, "CKR_PED_UNPLUGGED"},
    {LCM_OPERATION_NOT_ALLOWED, "CKR_OPERATION_NOT_ALLOWED"},
    {LCM_OBJECT_EXISTS, "CKR_OBJECT_ALREADY_EXISTS"},
    {LCM_COMMAND_NOT_FOUND, "Command not found"},
};

const char *lcm_rc_name(unsigned long rc)
{
    for (size_t i = 0; i < sizeof rc_texts / sizeof rc_texts[0]; i++)
        if (rc_texts[i].rc == rc)
            return rc_texts[i].name;
    return "Unknown";
}

void lcm_say(struct lcm *c, const char *fmt, ...)
{
    va_list ap;
    fputc('\t', c->out);
    va_start(ap, fmt);
    vfprintf(c->out, fmt, ap);
    va_end(ap);
    fputc('\n', c->out);
    fflush(c->out);
}

void lcm_blank(struct lcm *c)
{
    fputc('\n', c->out);
}

void lcm_arrow_w(struct lcm *c, int width, const char *name, const char *value)
{
    char head[64];
    snprintf(head, sizeof head, "%s ->", name);
    if (value && *value)
        fprintf(c->out, "\t%-*s%s\n", width, head, value);
    else
        fprintf(c->out, "\t%s\n", head);
}

void lcm_arrow(struct lcm *c, const char *name, const char *value)
{
    lcm_arrow_w(c, 24, name, value);
}

void lcm_error(struct lcm *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
}

void lcm_result(struct lcm *c, unsigned long rc)
{
    if (rc == LCM_OK) {
        fprintf(c->out, "\nCommand Result : No Error\n\n");
    } else {
        if (c->errmsg[0])
            fprintf(c->out, "Error in execution: %s\n", c->errmsg);
        fprintf(c->out, "\nCommand Result : 0x%lx (%s)\n\n", rc, lcm_rc_name(rc));
    }
    c->errmsg[0] = '\0';
    fflush(c->out);
}

int lcm_read_line(struct lcm *c, char *buf, size_t len)
{
    fflush(c->out);
    if (!fgets(buf, (int)len, c->in))
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

int lcm_read_secret(struct lcm *c, const char *prompt, char *buf, size_t len)
{
    struct termios old, quiet;
    bool restore = false;
    /* Echo goes off before the prompt appears: whoever types at the prompt is never echoed. */
    if (c->tty && tcgetattr(fileno(c->in), &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag &= ~(tcflag_t)ECHONL; /* we print the newline after the stars */
        /* TCSANOW, not TCSAFLUSH: a secret typed ahead must not be thrown away. */
        restore = tcsetattr(fileno(c->in), TCSANOW, &quiet) == 0;
    }
    fprintf(c->out, "\t%s", prompt);
    fflush(c->out);
    int rc = lcm_read_line(c, buf, len);
    if (restore)
        tcsetattr(fileno(c->in), TCSANOW, &old);
    if (rc == 0)
        for (size_t i = 0; buf[i]; i++)
            fputc('*', c->out);
    fputc('\n', c->out);
    fflush(c->out);
    return rc;
}

/* The prompt without its trailing blanks (as recorded in an event). */
static void trimmed(const char *prompt, char *out, size_t len)
{
    snprintf(out, len, "%s", prompt);
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        out[--n] = '\0';
}

int lcm_ask_secret(struct lcm *c, const char *device, const char *asked, const char *prompt,
                   char *buf, size_t len)
{
    char words[256];
    int rc = lcm_read_secret(c, prompt, buf, len);
    if (rc == 0) {
        trimmed(prompt, words, sizeof words);
        se_check(c->p.dir, device, "prompt", words, asked, buf);
    }
    return rc;
}

void lcm_check_option(struct lcm *c, const struct lcm_args *a, const char *name,
                      const char *device, const char *asked)
{
    const char *v = lcm_arg(a, name);
    if (v)
        se_check(c->p.dir, device, "option", lcm_arg_typed(a, name), asked, v);
}

bool lcm_confirm(struct lcm *c)
{
    char answer[64];
    lcm_say(c, "Are you sure you wish to continue?");
    lcm_blank(c);
    fprintf(c->out, "\tType 'proceed' to continue, or 'quit' to quit now ->");
    if (lcm_read_line(c, answer, sizeof answer) != 0)
        answer[0] = '\0';
    if (!c->tty)
        fprintf(c->out, "%s\n", answer); /* a terminal has echoed it already */
    /* A secret typed here is echoed: that is a wrong-secret event. */
    se_check(c->p.dir, c->device, "prompt", "Type 'proceed' to continue, or 'quit' to quit now ->",
             SE_CONFIRM, answer);
    char *a = answer;
    while (*a == ' ' || *a == '\t')
        a++;
    a[strcspn(a, " \t")] = '\0';
    return strcmp(a, "proceed") == 0;
}
