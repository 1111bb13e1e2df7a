/* test_pty.c: the k570 shell and lunacm on a real terminal, as an SSH session sees them: the
 * terminal echoes commands, but a password is never echoed, only one '*' per character, and
 * the terminal's echo is back on afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlab.h"

struct term {
    int fd;
    pid_t pid;
    char buf[65536];
    size_t len;
};

/* Reads until NEEDLE appears after offset FROM (a generous deadline only guards against a
 * hang; it is not what the test checks). Returns the offset after the needle or -1. */
static long expect(struct term *t, size_t from, const char *needle)
{
    for (int waited = 0; waited < 20000; waited += 50) {
        t->buf[t->len] = '\0';
        char *hit = strstr(t->buf + from, needle);
        if (hit)
            return (long)(hit - t->buf) + (long)strlen(needle);
        struct pollfd p = {t->fd, POLLIN, 0};
        if (poll(&p, 1, 50) > 0) {
            ssize_t r = read(t->fd, t->buf + t->len, sizeof t->buf - t->len - 1);
            if (r <= 0)
                return -1;
            t->len += (size_t)r;
        }
    }
    return -1;
}

static void type(struct term *t, const char *s)
{
    assert_int_equal(write(t->fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void test_password_not_echoed_on_a_terminal(void **state)
{
    (void)state;
    struct testlab lab;
    struct term *t = calloc(1, sizeof *t);
    assert_int_equal(testlab_make(&lab, "password", NULL), 0);
    t->pid = forkpty(&t->fd, NULL, NULL, NULL);
    assert_true(t->pid >= 0);
    if (t->pid == 0) {
        execl(lab.exe, "rotwiz-sim", "shell", "--dir", lab.dir, "--appliance", "target",
              (char *)NULL);
        _exit(127);
    }
    long at = expect(t, 0, "[ksadmin@k570-target ~]$ ");
    assert_true(at > 0);
    type(t, "lunacm\r");
    at = expect(t, (size_t)at, "lunacm:>");
    assert_true(at > 0);
    type(t, "slot set -s 0\r");
    at = expect(t, (size_t)at, "lunacm:>");
    type(t, "role login -n co\r");
    at = expect(t, (size_t)at, "Enter password: ");
    assert_true(at > 0);
    char line[128];
    snprintf(line, sizeof line, "%s\r", lab.s.target_co_password);
    type(t, line);
    at = expect(t, (size_t)at, "Command Result : ");
    assert_true(at > 0);
    long end = expect(t, (size_t)at, "lunacm:>");
    assert_true(end > 0);
    /* What came back after the prompt: stars only, then the result. */
    char stars[80];
    size_t n = strlen(lab.s.target_co_password);
    memset(stars, '*', n);
    stars[n] = '\0';
    assert_non_null(strstr(t->buf, stars));
    assert_null(strstr(t->buf, lab.s.target_co_password));
    assert_non_null(strstr(t->buf + at, "No Error"));
    /* Echo is back: the next command is echoed by the terminal. */
    type(t, "exit\r");
    at = expect(t, (size_t)end, "[ksadmin@k570-target ~]$ ");
    assert_true(at > 0);
    type(t, "echo visible\r");
    assert_true(expect(t, (size_t)at, "echo visible") > 0);
    type(t, "exit\r");
    int st = 0;
    waitpid(t->pid, &st, 0);
    close(t->fd);
    free(t);
    testlab_destroy(&lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_not_echoed_on_a_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
