/* test_pedserver.c: `pedserver -mode start|show|stop` of the real rotwiz-sim (argv[1]) and the
 * PEDServer link client. */
#include "ped_device.h"
#include "wst.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[16384];
static struct wst_lab lab;

static int setup_lab(void **state, const char *mode, const char *fault)
{
    const char *faults[] = {fault, NULL};
    *state = &lab;
    return wst_lab_make(&lab, mode, false, faults);
}
static int setup_auto(void **state) { return setup_lab(state, "auto", NULL); }
static int setup_manual(void **state) { return setup_lab(state, "manual", NULL); }
static int setup_down(void **state) { return setup_lab(state, "auto", "pedserver-down"); }
static int setup_wrong(void **state) { return setup_lab(state, "auto", "ped-wrong-key"); }

static int teardown(void **state)
{
    wst_lab_destroy(*state);
    return 0;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static const char *const start_text[] = {
    "Ped Server Version 1.0.6 (10006)\n", "Ped Server launched in startup mode.\n",
    "Starting background process\n", "Background process started\n",
    "Ped Server Process created, exiting this process.\n"};

static void assert_start_text(void)
{
    const char *at = out;
    for (size_t i = 0; i < 5; i++) {
        const char *hit = strstr(at, start_text[i]);
        if (!hit)
            print_error("missing '%s' in:\n%s\n", start_text[i], out);
        assert_non_null(hit);
        at = hit + strlen(start_text[i]);
    }
}

/* Starts the server on a port of its choosing; returns that port. */
static int start(struct wst_lab *l)
{
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "pedserver", "-mode", "start", "-port",
                             "0", NULL), 0);
    assert_start_text();
    int port = (int)wst_state_int(l, "pedserver", "port");
    assert_true(port > 0);
    return port;
}

static void test_lifecycle(void **state)
{
    struct wst_lab *l = *state;
    char pidfile[600], got[16];
    int port = start(l);
    long pid = wst_state_int(l, "pedserver", "running_pid");
    assert_true(pid > 1);
    assert_int_equal(kill((pid_t)pid, 0), 0);
    snprintf(pidfile, sizeof pidfile, "%s/run/pedserver.pid", l->dir);
    FILE *f = fopen(pidfile, "r");
    assert_non_null(f);
    long filepid = 0;
    assert_int_equal(fscanf(f, "%ld", &filepid), 1);
    fclose(f);
    assert_int_equal(filepid, pid);
    assert_int_equal(ped_link_ping("127.0.0.1", port, 2000), 1);

    assert_int_equal(wst_run(l, NULL, out, sizeof out, "pedserver", "-mode", "show", NULL), 0);
    assert_non_null(strstr(out, "Server Information:"));
    assert_non_null(strstr(out, "Ped2 Connection Status:"));
    assert_non_null(strstr(out, "Connected"));

    int rc = ped_link_request("127.0.0.1", port, "source", "orange", 5000, got, sizeof got);
    assert_int_equal(rc, PED_OK);
    assert_string_equal(got, "orange");

    /* A second start finds it running and starts nothing else. */
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "pedserver", "-mode", "start", NULL), 0);
    assert_non_null(strstr(out, "already running"));
    assert_int_equal(wst_state_int(l, "pedserver", "running_pid"), pid);

    assert_int_equal(wst_run(l, NULL, out, sizeof out, "pedserver", "-mode", "stop", NULL), 0);
    assert_int_not_equal(access(pidfile, F_OK), 0);
    assert_int_equal(ped_link_ping("127.0.0.1", port, 1000), 0);
    rc = ped_link_request("127.0.0.1", port, "source", "orange", 1000, got, sizeof got);
    assert_int_equal(rc, PED_UNREACHABLE);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "pedserver", "-mode", "show", NULL), 1);
    assert_null(strstr(out, "Server Information:"));
}

static void test_wrong_key_through_link(void **state)
{
    struct wst_lab *l = *state;
    char got[16];
    int port = start(l);
    int rc = ped_link_request("127.0.0.1", port, "target", "red", 5000, got, sizeof got);
    assert_int_equal(rc, PED_OK);
    assert_string_not_equal(got, "red");
}

static void test_manual_not_at_workstation(void **state)
{
    struct wst_lab *l = *state;
    char got[16];
    int port = start(l);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "plug", "source", NULL), 0);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "pedserver", "-mode", "show", NULL), 0);
    assert_non_null(strstr(out, "Disconnected"));
    int rc = ped_link_request("127.0.0.1", port, "target", "blue", 5000, got, sizeof got);
    assert_int_equal(rc, PED_NOT_HERE);
    /* At the workstation, no key inserted: the server answers TIMEOUT. */
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "plug", "workstation", NULL), 0);
    rc = ped_link_request("127.0.0.1", port, "target", "blue", 200, got, sizeof got);
    assert_int_equal(rc, PED_TIMEOUT);
    /* While one client waits for a key, the server still answers others. */
    pid_t waiter = fork();
    if (waiter == 0)
        _exit(ped_link_request("127.0.0.1", port, "target", "black", 20000, got, sizeof got) ==
              PED_OK && strcmp(got, "black") == 0 ? 0 : 1);
    int polls = 0;
    do {
        assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "status", NULL), 0);
        usleep(20000);
    } while (!strstr(out, "the black key") && ++polls < 500);
    assert_int_equal(ped_link_ping("127.0.0.1", port, 2000), 1);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "insert", "black", NULL), 0);
    int status;
    assert_int_equal(waitpid(waiter, &status, 0), waiter);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_pedserver_down(void **state)
{
    struct wst_lab *l = *state;
    char got[16], portstr[16], pidfile[600];
    int port = free_port();
    snprintf(portstr, sizeof portstr, "%d", port);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "pedserver", "-mode", "start", "-port",
                             portstr, NULL), 0);
    assert_start_text();
    snprintf(pidfile, sizeof pidfile, "%s/run/pedserver.pid", l->dir);
    assert_int_not_equal(access(pidfile, F_OK), 0);
    assert_int_equal(ped_link_ping("127.0.0.1", port, 1000), 0);
    int rc = ped_link_request("127.0.0.1", port, "source", "blue", 1000, got, sizeof got);
    assert_int_equal(rc, PED_UNREACHABLE);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ROTWIZ_SIM\n", argv[0]);
        return 2;
    }
    wst_sim = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lifecycle, setup_auto, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_through_link, setup_wrong, teardown),
        cmocka_unit_test_setup_teardown(test_manual_not_at_workstation, setup_manual, teardown),
        cmocka_unit_test_setup_teardown(test_pedserver_down, setup_down, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
