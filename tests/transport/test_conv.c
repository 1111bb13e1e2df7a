/* test_conv.c: the conversation engine over local jobs (no SSH): a fake lunacm and /bin/sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conv.h"
#include "job.h"
#include "stream.h"
#include "waitset.h"

#define PASSWORD "S3cret-pass"
#define MAX_LINES 512

struct rec_line {
    char host[16];
    enum tx_direction dir;
    char text[256];
};

struct fixture {
    char dir[64];
    char log[128];
    char release[128];
    struct waitset *ws;
    struct job *job;
    struct conv *conv;
    struct rec_line lines[MAX_LINES];
    size_t nlines;
    int ped_calls;
    int ped_timeout_s;
    const char *secret_value;   /* what the secret callback gives */
    int secret_calls;
    const char *hand_answer;    /* what the operator types at an unmatched prompt, or NULL */
    char asked_prompt[256];     /* the unmatched prompt the operator was shown */
};

static void on_line(void *ud, const char *host, enum tx_direction dir, const char *text)
{
    struct fixture *f = ud;
    if (f->nlines == MAX_LINES)
        return;
    struct rec_line *l = &f->lines[f->nlines++];
    snprintf(l->host, sizeof(l->host), "%s", host);
    l->dir = dir;
    snprintf(l->text, sizeof(l->text), "%s", text);
}

static bool on_secret(void *ud, const char *host, const char *key, char *buf, size_t len)
{
    struct fixture *f = ud;
    (void)host;
    f->secret_calls++;
    /* distinct values per kind, so a test sees which secret went into which prompt */
    if (strcmp(key, "backup_so_password") == 0 || strcmp(key, "backup_partition_password") == 0) {
        snprintf(buf, len, "%s", strcmp(key, "backup_so_password") == 0 ? "so-secret-1"
                                                                         : "part-secret-2");
        return true;
    }
    if (strcmp(key, "co_password") != 0 || !f->secret_value)
        return false;
    snprintf(buf, len, "%s", f->secret_value);
    return true;
}

/* The operator's answer to a prompt rotwiz cannot match (NULL: declines, like batch mode). */
static bool on_ask_prompt(void *ud, const char *host, const char *prompt, const char *expected,
                          char *buf, size_t len)
{
    struct fixture *f = ud;
    (void)host;
    (void)expected;
    snprintf(f->asked_prompt, sizeof f->asked_prompt, "%s", prompt);
    if (!f->hand_answer)
        return false;
    snprintf(buf, len, "%s", f->hand_answer);
    return true;
}

static void on_ped(void *ud, const char *host, int timeout_s, const struct timespec *deadline)
{
    struct fixture *f = ud;
    (void)host;
    (void)deadline;
    f->ped_calls++;
    f->ped_timeout_s = timeout_s;
}

/* Index of the first recorded line of HOST/DIR containing NEEDLE at or after FROM, or -1. */
static long find_line(const struct fixture *f, size_t from, const char *host,
                      enum tx_direction dir, const char *needle)
{
    for (size_t i = from; i < f->nlines; i++)
        if (strcmp(f->lines[i].host, host) == 0 && f->lines[i].dir == dir &&
            strstr(f->lines[i].text, needle))
            return (long)i;
    return -1;
}

static bool transcript_contains(const struct fixture *f, const char *needle)
{
    for (size_t i = 0; i < f->nlines; i++)
        if (strstr(f->lines[i].text, needle))
            return true;
    return false;
}

static char *read_file(const char *path)
{
    static char buf[4096];
    FILE *fp = fopen(path, "r");
    size_t n = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
    buf[n] = '\0';
    if (fp)
        fclose(fp);
    return buf;
}

static struct conv *start_conv(struct fixture *f, struct job *job, const char *host)
{
    struct conv_callbacks cb = {on_line, on_secret, on_ped, on_ask_prompt, f};
    struct conv *c = conv_new(job_stream(job), f->ws, host, &cb);
    assert_non_null(c);
    struct conv_timeouts t;
    conv_timeouts_default(&t, 1.0 / 20);   /* 3 s start, 6 s command, 10 s PED prompt */
    conv_set_timeouts(c, &t);
    return c;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/rw-conv-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->log, sizeof(f->log), "%s/log", f->dir);
    snprintf(f->release, sizeof(f->release), "%s/release", f->dir);
    f->secret_value = PASSWORD;
    f->ws = waitset_new(-1);
    char env_log[160], env_rel[160];
    snprintf(env_log, sizeof(env_log), "FAKE_LOG=%s", f->log);
    snprintf(env_rel, sizeof(env_rel), "FAKE_RELEASE=%s", f->release);
    const char *argv[] = {"python3", FIXTURE_DIR "/fake_lunacm.py", NULL};
    const char *env[] = {env_log, env_rel, "FAKE_PASSWORD=" PASSWORD, NULL};
    struct job_spec spec = {.argv = argv, .env = env, .cwd = f->dir};
    char err[256];
    f->job = job_start(&spec, err, sizeof(err));
    assert_non_null(f->job);
    f->conv = start_conv(f, f->job, "source");
    struct conv_result r;
    enum conv_error e = conv_start_program(f->conv, NULL, 0, &r);
    assert_int_equal(e, CONV_OK);
    assert_non_null(strstr(r.output, "Available HSMs"));
    conv_result_free(&r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (getenv("CONV_DUMP"))     /* for reading the transcript by eye */
        for (size_t i = 0; i < f->nlines; i++)
            printf("%-6s %c |%s|\n", f->lines[i].host, "><-"[f->lines[i].dir],
                   f->lines[i].text);
    conv_free(f->conv);
    job_free(f->job);
    waitset_free(f->ws);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void test_startup_banner_and_prompt(void **state)
{
    struct fixture *f = *state;
    assert_true(find_line(f, 0, "source", TX_RECEIVED, "lunacm (64-bit) v10.4.0-275") >= 0);
    /* The prompt, a line without newline, reached the transcript. */
    assert_true(find_line(f, 0, "source", TX_RECEIVED, "lunacm:>") >= 0);
}

static void test_slot_list_partial_lines_and_crlf(void **state)
{
    struct fixture *f = *state;
    size_t from = f->nlines;
    struct conv_result r;
    assert_int_equal(conv_command(f->conv, "slot list", NULL, &r), CONV_OK);
    assert_true(r.luna.found);
    assert_true(r.luna.ok);
    assert_non_null(strstr(r.output, "\tLabel ->                rotpart\n"));
    assert_null(strstr(r.output, "lunacm:>"));      /* neither the echo line nor the prompt */
    assert_null(strstr(r.output, "\r"));
    assert_null(strstr(r.output, "\n\n\n"));         /* CR CR LF is one line end */
    assert_true(find_line(f, from, "source", TX_SENT, "slot list") >= 0);
    long l = find_line(f, from, "source", TX_RECEIVED, "rotpart");
    assert_true(l >= 0);
    assert_string_equal(f->lines[l].text, "\tLabel ->                rotpart");
    l = find_line(f, from, "source", TX_RECEIVED, "Command Result");
    assert_true(l >= 0);
    assert_string_equal(f->lines[l].text, "Command Result : No Error");
    conv_result_free(&r);
}

static void test_confirm_quit_unless_confirmed(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    struct conv_opts o = {0};
    assert_int_equal(conv_command(f->conv, "partition clear", &o, &r), CONV_OK);
    assert_true(r.confirm_seen);
    assert_false(r.proceeded);
    assert_true(r.luna.found);
    assert_false(r.luna.ok);
    assert_int_equal(r.luna.code, 0xb);
    conv_result_free(&r);

    o.confirmed = true;
    assert_int_equal(conv_command(f->conv, "partition clear", &o, &r), CONV_OK);
    assert_true(r.confirm_seen);
    assert_true(r.proceeded);
    assert_true(r.luna.ok);
    assert_non_null(strstr(r.output, "Partition cleared."));
    conv_result_free(&r);
    assert_non_null(
        strstr(read_file(f->log), "confirm:quit\ncmd:partition clear\nconfirm:proceed"));
}

static void test_password_typed_never_shown(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    struct conv_opts o = {.answers = {{LUNA_SK_CO, "co_password"}}, .generic = LUNA_SK_CO};
    size_t from = f->nlines;
    assert_int_equal(conv_command(f->conv, "role login -name co", &o, &r), CONV_OK);
    assert_int_equal(r.secrets_typed, 1);
    assert_true(r.luna.ok);
    assert_null(strstr(r.output, PASSWORD));
    assert_false(transcript_contains(f, PASSWORD));
    assert_true(find_line(f, from, "source", TX_SENT, "********") >= 0);
    assert_true(find_line(f, from, "source", TX_RECEIVED, "Enter password:") >= 0);
    /* lunacm's one star per typed character never records the password's length (11) */
    assert_false(transcript_contains(f, "*********"));
    conv_result_free(&r);

    /* A program that leaves echo on: the echoed password is masked too. */
    assert_int_equal(conv_command(f->conv, "role login echo", &o, &r), CONV_OK);
    assert_true(r.luna.ok);
    assert_null(strstr(r.output, PASSWORD));
    assert_false(transcript_contains(f, PASSWORD));
    conv_result_free(&r);
}

static void test_password_prompt_without_secret(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    /* "Enter password:" names no kind: with no rule for it nothing is typed */
    assert_int_equal(conv_command(f->conv, "role login -name co", NULL, &r),
                     CONV_E_UNEXPECTED_PROMPT);
    assert_int_equal(r.secrets_typed, 0);
    assert_int_equal(f->secret_calls, 0);
    assert_true(r.abandoned);
    assert_string_equal(f->asked_prompt, "\tEnter password: ");
    assert_non_null(strstr(conv_error_message(f->conv), "source"));
    assert_non_null(strstr(conv_error_message(f->conv), "Enter password:"));
    assert_null(strstr(read_file(f->log), "password-attempt"));
    conv_result_free(&r);
}

/* The secret goes where the vendor puts it: an option typed into the session, masked. */
static void test_secret_as_option_masked(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    size_t from = f->nlines;
    struct conv_opts o = {.answers = {{LUNA_SK_CO, "co_password"}}};
    assert_int_equal(conv_command(f->conv, "role login -n co -p " CONV_SECRET("co_password"), &o,
                                  &r), CONV_OK);
    assert_true(r.luna.ok);
    assert_non_null(strstr(read_file(f->log), "option-login:ok"));
    assert_true(find_line(f, from, "source", TX_SENT, "role login -n co -p ********") >= 0);
    assert_false(transcript_contains(f, PASSWORD));
    assert_null(strstr(r.output, PASSWORD));
    conv_result_free(&r);
}

/* Prompts are answered by what their words ask for, in whatever order they come. */
static void test_prompts_answered_by_meaning(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    struct conv_opts o = {.answers = {{LUNA_SK_SO, "backup_so_password"},
                                      {LUNA_SK_PARTITION, "backup_partition_password"}}};
    assert_int_equal(conv_command(f->conv, "ask Enter the partition password:|"
                                           "Re-enter it to confirm:|"
                                           "Enter the Security Officer password:", &o, &r),
                     CONV_OK);
    assert_int_equal(r.secrets_typed, 3);
    const char *log = read_file(f->log);
    assert_non_null(strstr(log, "answer:Enter the partition password:=part-secret-2\n"
                                "answer:Re-enter it to confirm:=part-secret-2\n"
                                "answer:Enter the Security Officer password:=so-secret-1"));
    assert_false(transcript_contains(f, "so-secret-1"));
    assert_false(transcript_contains(f, "part-secret-2"));
    conv_result_free(&r);
}

/* A prompt that names no kind, or a kind the step does not give, gets nothing; the command is
 * interrupted and lunacm's prompt comes back. */
static void test_unmatched_prompt_types_nothing(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    struct conv_opts o = {.answers = {{LUNA_SK_PARTITION, "backup_partition_password"}}};
    assert_int_equal(conv_command(f->conv, "ask Enter the SO password:", &o, &r),
                     CONV_E_UNEXPECTED_PROMPT);
    assert_true(r.abandoned);
    assert_int_equal(r.secrets_typed, 0);
    assert_string_equal(r.prompt, "\tEnter the SO password: ");
    const char *log = read_file(f->log);
    assert_null(strstr(log, "answer:"));
    assert_non_null(strstr(log, "interrupted"));
    assert_true(conv_at_luna_prompt(f->conv));
    conv_result_free(&r);
    assert_int_equal(conv_command(f->conv, "ask Password:", &o, &r), CONV_E_UNEXPECTED_PROMPT);
    assert_null(strstr(read_file(f->log), "answer:"));
    conv_result_free(&r);
    /* the session stays usable */
    assert_int_equal(conv_command(f->conv, "slot list", NULL, &r), CONV_OK);
    assert_true(r.luna.ok);
    conv_result_free(&r);
}

/* In the wizard the operator may answer such a prompt by hand, seeing its words. */
static void test_unmatched_prompt_answered_by_hand(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    f->hand_answer = "typed-by-hand";
    assert_int_equal(conv_command(f->conv, "ask Value:", NULL, &r), CONV_OK);
    assert_true(r.hand_answered);
    assert_string_equal(f->asked_prompt, "\tValue: ");
    assert_non_null(strstr(read_file(f->log), "answer:Value:=typed-by-hand"));
    assert_false(transcript_contains(f, "typed-by-hand"));
    conv_result_free(&r);
}

/* A kind asked for a second time is never typed again (no automatic retry). */
static void test_same_kind_twice_not_typed(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    struct conv_opts o = {.answers = {{LUNA_SK_SO, "backup_so_password"}}};
    assert_int_equal(conv_command(f->conv, "ask Enter the SO password:|Enter the SO password:",
                                  &o, &r), CONV_E_REPROMPT);
    assert_int_equal(r.secrets_typed, 1);
    const char *log = read_file(f->log);
    assert_non_null(strstr(log, "answer:Enter the SO password:=so-secret-1\ninterrupted"));
    conv_result_free(&r);
    /* a secret given as an option counts as given: its prompt is a second try */
    assert_int_equal(conv_command(f->conv, "ask-with " CONV_SECRET("backup_so_password")
                                           " Enter the SO password:", &o, &r),
                     CONV_E_REPROMPT);
    assert_int_equal(r.secrets_typed, 0);
    conv_result_free(&r);
}

/* A line holding a control character would be a second command: never typed. */
static void test_control_characters_refused(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    assert_int_equal(conv_send_line(f->conv, "partition contents\npartition clear"),
                     CONV_E_REFUSED);
    assert_int_equal(conv_command(f->conv, "slot list\r", NULL, &r), CONV_E_REFUSED);
    conv_result_free(&r);
    assert_null(strstr(read_file(f->log), "partition clear"));
}

static void test_wrong_password_not_retried(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    struct conv_opts o = {.answers = {{LUNA_SK_CO, "co_password"}}, .generic = LUNA_SK_CO};
    f->secret_value = "wrong-password";
    assert_int_equal(conv_command(f->conv, "role login -name co", &o, &r), CONV_E_REPROMPT);
    assert_int_equal(r.secrets_typed, 1);
    assert_int_equal(f->secret_calls, 1);
    /* the second prompt was left with an interrupt, nothing typed into it */
    assert_true(r.abandoned);
    conv_result_free(&r);
    const char *log = read_file(f->log);
    assert_non_null(strstr(log, "password-attempt:1"));
    assert_null(strstr(log, "password-attempt:2"));
    assert_false(transcript_contains(f, "wrong-password"));
}

static void test_ped_and_background_job_drained(void **state)
{
    struct fixture *f = *state;
    const char *argv[] = {"/bin/sh", FIXTURE_DIR "/ticker.sh", f->release, NULL};
    struct job_spec spec = {.argv = argv};
    char err[256];
    struct job *bg = job_start(&spec, err, sizeof(err));
    assert_non_null(bg);
    struct conv *bgc = start_conv(f, bg, "rbs");
    assert_int_equal(conv_send_line(bgc, "go"), CONV_OK);

    struct conv_result r;
    size_t from = f->nlines;
    assert_int_equal(conv_command(f->conv, "ped login", NULL, &r), CONV_OK);
    assert_true(r.ped_seen);
    assert_true(r.luna.ok);
    assert_int_equal(f->ped_calls, 1);
    assert_int_equal(f->ped_timeout_s, 10);
    conv_result_free(&r);
    /* The helper's line reached the transcript while the PED wait ran, before its result. */
    long tick = find_line(f, from, "rbs", TX_RECEIVED, "tick go");
    long res = find_line(f, from, "source", TX_RECEIVED, "Command Result");
    assert_true(tick >= 0);
    assert_true(res > tick);

    conv_free(bgc);
    job_kill(bg, 500);
    int st;
    assert_true(job_exited(bg, &st));
    assert_true(WIFSIGNALED(st));
    job_free(bg);
}

static void test_timeout_names_wait_and_host(void **state)
{
    struct fixture *f = *state;
    struct conv_result r;
    struct conv_opts o = {.timeout_ms = 300};
    assert_int_equal(conv_command(f->conv, "hang", &o, &r), CONV_E_TIMEOUT);
    const char *m = conv_error_message(f->conv);
    assert_non_null(strstr(m, "timed out"));
    assert_non_null(strstr(m, "`hang`"));
    assert_non_null(strstr(m, "source"));
    conv_result_free(&r);
    /* Ctrl-C reaches the program through the pty (the fake dies of it). */
    assert_int_equal(conv_send_interrupt(f->conv), CONV_OK);
    struct conv_opts x = {.end = CONV_END_CLOSED};
    assert_int_equal(conv_command(f->conv, NULL, &x, &r), CONV_OK);
    assert_non_null(strstr(r.output, "KeyboardInterrupt"));
    conv_result_free(&r);
}

static void test_cancel_fd_aborts_wait(void **state)
{
    struct fixture *f = *state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct waitset *ws = waitset_new(p[0]);
    const char *argv[] = {"/bin/sh", "-c", "sleep 30", NULL};
    struct job_spec spec = {.argv = argv};
    char err[256];
    struct job *j = job_start(&spec, err, sizeof(err));
    assert_non_null(j);
    struct conv_callbacks cb = {on_line, NULL, NULL, NULL, f};
    struct conv *c = conv_new(job_stream(j), ws, "workstation", &cb);
    assert_int_equal(write(p[1], "x", 1), 1);
    struct conv_result r;
    struct conv_opts o = {.end = CONV_END_CLOSED, .timeout_ms = 60000};
    assert_int_equal(conv_command(c, NULL, &o, &r), CONV_E_CANCELLED);
    assert_non_null(strstr(conv_error_message(c), "cancelled"));
    conv_result_free(&r);
    conv_free(c);
    job_free(j);
    waitset_free(ws);
    close(p[0]);
    close(p[1]);
}

static void test_shell_marker_and_exit(void **state)
{
    struct fixture *f = *state;
    const char *argv[] = {"/bin/sh", NULL};
    const char *env[] = {"PS1=$ ", NULL};
    struct job_spec spec = {.argv = argv, .env = env};
    char err[256];
    struct job *j = job_start(&spec, err, sizeof(err));
    assert_non_null(j);
    struct conv *c = start_conv(f, j, "workstation");
    /* the marker, then the shell's prompt end a command: never a quiet period (here longer
     * than any command may take) */
    struct conv_timeouts t;
    conv_timeouts_default(&t, 1.0 / 20);
    t.quiet_ms = 600000;
    conv_set_timeouts(c, &t);
    struct conv_result r;
    assert_int_equal(conv_shell_sync(c, 0), CONV_OK);
    struct conv_opts o = {.end = CONV_END_SHELL_MARKER};
    assert_int_equal(conv_command(c, "echo hello; false", &o, &r), CONV_OK);
    assert_int_equal(r.shell_status, 1);
    assert_string_equal(r.output, "hello\n");
    conv_result_free(&r);
    assert_int_equal(conv_command(c, "printf 'a\\r\\nb\\n'", &o, &r), CONV_OK);
    assert_int_equal(r.shell_status, 0);
    assert_string_equal(r.output, "a\nb\n");
    conv_result_free(&r);

    struct conv_opts x = {.end = CONV_END_CLOSED};
    assert_int_equal(conv_command(c, "exit 3", &x, &r), CONV_OK);
    assert_true(conv_closed(c));
    conv_result_free(&r);
    int st = 0;
    struct timespec dl = waitset_deadline_in(5000);
    while (!job_exited(j, &st) && waitset_ms_until(&dl) > 0)
        usleep(10000);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 3);
    conv_free(c);
    job_free(j);
}

/* The rbs pattern: a helper asks for a password, gets it, then serves in the background. */
/* A program started from a shell and left with `exit`: the shell's own prompt, as the session
 * showed it when the program was started, ends the wait (no settle: here longer than any
 * command may take). */
static void test_exit_ends_on_the_shell_prompt_seen_before(void **state)
{
    struct fixture *f = *state;
    const char *argv[] = {"/bin/sh", NULL};
    const char *env[] = {"PS1=[me@box ~]$ ", NULL};
    struct job_spec spec = {.argv = argv, .env = env};
    char err[256];
    struct job *j = job_start(&spec, err, sizeof(err));
    assert_non_null(j);
    struct conv *c = start_conv(f, j, "source");
    struct conv_timeouts t;
    conv_timeouts_default(&t, 1.0 / 20);
    t.prompt_settle_ms = 600000;
    conv_set_timeouts(c, &t);
    struct conv_result r;
    assert_int_equal(conv_shell_sync(c, 0), CONV_OK);
    assert_int_equal(conv_start_program(c, "printf 'banner\\nlunacm:>'; read x", 0, &r),
                     CONV_OK);
    conv_result_free(&r);
    assert_true(conv_at_luna_prompt(c));
    struct conv_opts sh = {.end = CONV_END_SHELL_PROMPT};
    assert_int_equal(conv_command(c, "exit", &sh, &r), CONV_OK);
    assert_false(conv_at_luna_prompt(c));
    conv_result_free(&r);
    /* the same shell, another prompt never seen before: only the settle would end it */
    t.prompt_settle_ms = 300;
    conv_set_timeouts(c, &t);
    assert_int_equal(conv_start_program(c, "printf 'lunacm:>'; read x; PS1='other> '", 0, &r),
                     CONV_OK);
    conv_result_free(&r);
    assert_int_equal(conv_command(c, "exit", &sh, &r), CONV_OK);
    conv_result_free(&r);
    conv_free(c);
    job_free(j);
}

/* A local menu: its end is the program blocked reading its terminal with everything it wrote
 * read (no settle: here longer than any command may take); a prompt-shaped line while the
 * program is still busy is not taken for the question. */
static void test_menu_ends_when_the_program_reads(void **state)
{
    struct fixture *f = *state;
    const char *argv[] = {"/bin/sh", "-c", "printf 'Menu:'; sleep 1; printf '\\n 1 device\\n"
                          "Enter a number:'; read x; printf 'got %s\\nAgain or X:' \"$x\"; "
                          "read y", NULL};
    struct job_spec spec = {.argv = argv};
    char err[256];
    struct job *j = job_start(&spec, err, sizeof(err));
    assert_non_null(j);
    struct conv *c = start_conv(f, j, "rbs");
    struct conv_timeouts t;
    conv_timeouts_default(&t, 1.0 / 20);
    t.prompt_settle_ms = 600000;
    conv_set_timeouts(c, &t);
    struct conv_opts menu = {.end = CONV_END_INPUT_PROMPT};
    struct conv_result r;
    assert_int_equal(conv_command(c, NULL, &menu, &r), CONV_OK);
    assert_non_null(strstr(r.output, "Menu:\n 1 device\n"));  /* not ended at "Menu:" */
    conv_result_free(&r);
    assert_int_equal(conv_command(c, "1", &menu, &r), CONV_OK);
    assert_string_equal(r.output, "got 1\n");
    conv_result_free(&r);
    struct conv_opts x = {.end = CONV_END_CLOSED};
    assert_int_equal(conv_command(c, "X", &x, &r), CONV_OK);
    conv_result_free(&r);
    conv_free(c);
    job_free(j);
}

static void test_helper_password_then_quiet(void **state)
{
    struct fixture *f = *state;
    const char *argv[] = {"/bin/sh", "-c",
                          "printf 'Enter the RBS password: '; stty -echo; read p; stty echo; "
                          "echo; echo \"got ${#p} characters\"; printf 'serving> '; sleep 30",
                          NULL};
    struct job_spec spec = {.argv = argv};
    char err[256];
    struct job *j = job_start(&spec, err, sizeof(err));
    assert_non_null(j);
    struct conv *c = start_conv(f, j, "rbs");
    struct conv_result r;
    struct conv_opts o = {.end = CONV_END_SECRETS_TYPED, .end_after_typed = 1,
                          .answers = {{LUNA_SK_RBS, "co_password"}}};
    assert_int_equal(conv_command(c, NULL, &o, &r), CONV_OK);
    assert_int_equal(r.secrets_typed, 1);
    conv_result_free(&r);
    struct conv_opts q = {.end = CONV_END_QUIET};
    assert_int_equal(conv_command(c, NULL, &q, &r), CONV_OK);
    if (!strstr(r.output, "got 11 characters\n"))
        fail_msg("output: [%s]", r.output);
    assert_non_null(strstr(r.output, "serving> "));          /* the partial line is kept */
    conv_result_free(&r);
    assert_true(find_line(f, 0, "rbs", TX_RECEIVED, "Enter the RBS password:") >= 0);
    assert_true(find_line(f, 0, "rbs", TX_RECEIVED, "serving> ") >= 0);
    assert_true(find_line(f, 0, "rbs", TX_SENT, "********") >= 0);
    assert_false(transcript_contains(f, PASSWORD));
    conv_free(c);
    job_free(j);
}

/* A helper starts with the default signal dispositions and nothing blocked, whatever rotwiz
 * ignores (SIGPIPE) or inherited ignored (SIGINT and SIGQUIT, started in the background of a
 * script): else it would not leave a prompt on the Ctrl-C typed into its pty. */
static void test_helper_gets_default_signals(void **state)
{
    struct fixture *f = *state;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    const char *argv[] = {"/bin/cat", "/proc/self/status", NULL};
    struct job_spec spec = {.argv = argv};
    char err[256];
    struct job *j = job_start(&spec, err, sizeof(err));
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    assert_non_null(j);
    struct conv *c = start_conv(f, j, "rbs");
    struct conv_opts x = {.end = CONV_END_CLOSED};
    struct conv_result r;
    assert_int_equal(conv_command(c, NULL, &x, &r), CONV_OK);
    const char *ignored = strstr(r.output, "SigIgn:"), *blocked = strstr(r.output, "SigBlk:");
    assert_non_null(ignored);
    assert_non_null(blocked);
    unsigned long long mask = 1ULL << (SIGINT - 1) | 1ULL << (SIGQUIT - 1) | 1ULL << (SIGPIPE - 1);
    assert_int_equal(strtoull(ignored + 7, NULL, 16) & mask, 0);
    assert_int_equal(strtoull(blocked + 7, NULL, 16), 0);
    conv_result_free(&r);
    conv_free(c);
    job_free(j);
}

static void test_missing_program_exits_127(void **state)
{
    (void)state;
    const char *argv[] = {"/nonexistent/rbs", NULL};
    struct job_spec spec = {.argv = argv};
    char err[256];
    struct job *j = job_start(&spec, err, sizeof(err));
    assert_non_null(j);
    int st = 0;
    struct timespec dl = waitset_deadline_in(5000);
    while (!job_exited(j, &st) && waitset_ms_until(&dl) > 0)
        usleep(10000);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 127);
    job_free(j);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_startup_banner_and_prompt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slot_list_partial_lines_and_crlf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confirm_quit_unless_confirmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_typed_never_shown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_prompt_without_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_password_not_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_as_option_masked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prompts_answered_by_meaning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmatched_prompt_types_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmatched_prompt_answered_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_kind_twice_not_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_characters_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ped_and_background_job_drained, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_names_wait_and_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_fd_aborts_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_marker_and_exit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exit_ends_on_the_shell_prompt_seen_before, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_menu_ends_when_the_program_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helper_password_then_quiet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helper_gets_default_signals, setup, teardown),
        cmocka_unit_test(test_missing_program_exits_127),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
