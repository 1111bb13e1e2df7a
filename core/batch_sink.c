/* batch_sink.c: printing sink for `rotwiz backup|restore|prepare-target --batch` and
 * `rotwiz topology --json|--plain`. */
#include "batch_sink.h"
#include "transcript.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char *state_word(enum step_state s)
{
    switch (s) {
    case STEP_DONE: return "done";
    case STEP_FAILED: return "FAILED";
    case STEP_SKIPPED: return "skipped";
    case STEP_UNVERIFIED: return "TO DO";
    case STEP_CURRENT: return "...";
    default: return "";
    }
}

/* Keeps a hand step rotwiz could not check for the closing summary (once per title). */
static void add_todo(struct batch_sink *bs, const struct step_view *v)
{
    for (size_t i = 0; i < bs->todo_count; i++)
        if (!strcmp(bs->todo[i].title, v->title ? v->title : ""))
            return;
    if (bs->todo_count >= BATCH_TODO_MAX)
        return;
    struct batch_todo *t = &bs->todo[bs->todo_count++];
    const char *ins = v->instructions ? v->instructions : "";
    snprintf(t->title, sizeof t->title, "%s", v->title ? v->title : "");
    snprintf(t->first_line, sizeof t->first_line, "%.*s", (int)strcspn(ins, "\n"), ins);
}

/* The closing summary's to-do list: what batch mode left to the operator's hands. */
static void print_todo(const struct batch_sink *bs)
{
    if (bs->todo_count == 0)
        return;
    fprintf(bs->out, "Left for you to do (hand steps rotwiz cannot check; recorded as "
                     "hand-step-unverified, not as done):\n");
    for (size_t i = 0; i < bs->todo_count; i++) {
        fprintf(bs->out, "  - %s\n", bs->todo[i].title);
        if (bs->todo[i].first_line[0])
            fprintf(bs->out, "      %s\n", bs->todo[i].first_line);
    }
}

/* Device text (object labels, rbs output...) reaches the operator's terminal only with its
 * control characters made visible: an ESC sequence in a label never clears or moves anything. */
static const char *safe(const char *text, char **buf)
{
    free(*buf);
    size_t len = strlen(text ? text : "") * 4 + 1;
    *buf = malloc(len);
    if (!*buf)
        return "";
    tx_escape_controls(text ? text : "", *buf, len);
    return *buf;
}

static void on_event(void *ud, const struct core_event *ev)
{
    struct batch_sink *bs = ud;
    FILE *out = bs->out;
    char *tmp = NULL;
    switch (ev->type) {
    case EV_FLOW_STARTED:
        bs->step_count = ev->u.flow.step_count;
        fprintf(out, "rotwiz: %s (%zu steps)\n", ev->u.flow.title, ev->u.flow.step_count);
        break;
    case EV_STEP_CHANGED:
        if (ev->u.step.step->state == STEP_CURRENT)
            break; /* one line per step: printed when it ends */
        fprintf(out, "[%2zu/%zu] %-7s %s\n", ev->u.step.index + 1, bs->step_count,
                state_word(ev->u.step.step->state), ev->u.step.step->title);
        if (ev->u.step.step->state == STEP_UNVERIFIED)
            add_todo(bs, ev->u.step.step);
        break;
    case EV_PED_PROMPT: {
        enum ped_key k = ev->u.ped.key_count ? ev->u.ped.keys[ev->u.ped.current] : PED_KEY_ANY;
        if (k == PED_KEY_ANY)
            fprintf(out, "PED %s: present %s, for %s, within %d s\n",
                    ev->u.ped.where ? ev->u.ped.where : "", ped_key_name(k),
                    ev->u.ped.device ? ev->u.ped.device : "the HSM", ev->u.ped.timeout_s);
        else
            fprintf(out, "PED %s: present the %s key (%s) of %s, within %d s\n",
                    ev->u.ped.where ? ev->u.ped.where : "", ped_key_name(k), ped_key_role(k),
                    ev->u.ped.device ? ev->u.ped.device : "the HSM", ev->u.ped.timeout_s);
        break;
    }
    case EV_NOTICE:
        fprintf(out, "%s: %s\n", ev->u.notice.warning ? "warning" : "note",
                safe(ev->u.notice.text, &tmp));
        break;
    case EV_ERROR:
        fprintf(out, "error: %s\n", safe(ev->u.error.cause, &tmp));
        if (ev->u.error.fix)
            fprintf(out, "  fix: %s\n", safe(ev->u.error.fix, &tmp));
        if (ev->u.error.excerpt && *ev->u.error.excerpt) {
            /* line by line: the excerpt's own newlines are kept */
            fprintf(out, "  transcript:\n");
            for (const char *p = ev->u.error.excerpt; *p;) {
                size_t n = strcspn(p, "\n");
                char *line = strndup(p, n);
                fprintf(out, "%s\n", safe(line, &tmp));
                free(line);
                p += n + (p[n] == '\n');
            }
        }
        break;
    case EV_FLOW_FINISHED:
        print_todo(bs);
        fprintf(out, "rotwiz: %s (exit %d)\n", ev->u.finished.message, ev->u.finished.exit_code);
        break;
    case EV_TOPOLOGY_CHANGED:
        bs->last_topology = *ev->u.topology.topology;
        bs->have_topology = true;
        break;
    case EV_TRANSCRIPT_LINE:
        if (bs->verbose)
            fprintf(out, "  %s %s %s\n", ev->u.line.host,
                    ev->u.line.dir == TX_SENT ? ">" : ev->u.line.dir == TX_RECEIVED ? "<" : "-",
                    safe(ev->u.line.text, &tmp));
        break;
    default:
        break;
    }
    free(tmp);
    fflush(out);
}

bool batch_read_secret(const char *prompt, char *buf, size_t len)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return false;
    struct termios old, quiet;
    bool ok = false;
    if (tcgetattr(fd, &old) != 0)
        goto out;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
        goto out;
    size_t n = 0;
    char c;
    while (n + 1 < len && read(fd, &c, 1) == 1 && c != '\n')
        buf[n++] = c;
    buf[n] = '\0';
    tcsetattr(fd, TCSAFLUSH, &old);
    ok = write(fd, "\n", 1) == 1;
out:
    close(fd);
    return ok;
}

static int ask(void *ud, const struct core_ask *q, struct core_answer *a)
{
    (void)ud;
    if (q->type != ASK_SECRET)
        return ASK_UNAVAILABLE; /* batch never confirms anything on the operator's behalf */
    char prompt[256];
    snprintf(prompt, sizeof prompt, "%s: ", q->prompt ? q->prompt : q->key);
    return batch_read_secret(prompt, a->text, sizeof a->text) ? ASK_ANSWERED : ASK_UNAVAILABLE;
}

struct core_sink batch_sink_make(struct batch_sink *bs)
{
    struct core_sink s = {.on_event = on_event, .ask = ask, .ud = bs};
    return s;
}
