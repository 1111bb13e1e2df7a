/* test_ped.c: the simulated PED (ped_device_request in this process) and the `ped` command of
 * the real rotwiz-sim binary (argv[1]). */
#include "ped_device.h"
#include "state_store.h"
#include "wst.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[16384];
static struct wst_lab lab;

static int setup_auto(void **state)
{
    *state = &lab;
    return wst_lab_make(&lab, "auto", false, NULL);
}

static int setup_manual(void **state)
{
    *state = &lab;
    return wst_lab_make(&lab, "manual", false, NULL);
}

static int setup_wrong_key(void **state)
{
    const char *faults[] = {"ped-wrong-key", NULL};
    *state = &lab;
    return wst_lab_make(&lab, "auto", false, faults);
}

static int setup_timeout(void **state)
{
    const char *faults[] = {"ped-timeout", NULL};
    *state = &lab;
    return wst_lab_make(&lab, "auto", false, faults);
}

static int teardown(void **state)
{
    wst_lab_destroy(*state);
    return 0;
}

static void assert_not_pending(struct wst_lab *l)
{
    char path[600];
    snprintf(path, sizeof path, "%s/state.json", l->dir);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "status", NULL), 0);
    assert_non_null(strstr(out, "Waiting for:  nothing"));
}

static void test_auto_presents_key(void **state)
{
    struct wst_lab *l = *state;
    char got[16], where[32];
    int rc = ped_device_request(l->dir, "source", "source", "blue", 5000, got, sizeof got);
    assert_int_equal(rc, PED_OK);
    assert_string_equal(got, "blue");
    wst_state_str(l, "ped", "location", where, sizeof where);
    assert_string_equal(where, "source"); /* the auto PED follows the operator */
    assert_not_pending(l);
}

static void test_wrong_key(void **state)
{
    struct wst_lab *l = *state;
    char got[16];
    int rc = ped_device_request(l->dir, "target", "target", "black", 5000, got, sizeof got);
    assert_int_equal(rc, PED_OK);
    assert_string_not_equal(got, "black");
    assert_true(strcmp(got, "blue") == 0 || strcmp(got, "red") == 0 ||
                strcmp(got, "orange") == 0);
}

static void test_timeout(void **state)
{
    struct wst_lab *l = *state;
    char got[16] = "x";
    int rc = ped_device_request(l->dir, "source", "source", "red", 150, got, sizeof got);
    assert_int_equal(rc, PED_TIMEOUT);
    assert_string_equal(got, "");
    assert_not_pending(l);
}

static void test_manual_not_here(void **state)
{
    struct wst_lab *l = *state;
    char got[16];
    int rc = ped_device_request(l->dir, "source", "source", "blue", 2000, got, sizeof got);
    assert_int_equal(rc, PED_NOT_HERE);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "plug", "source", NULL), 0);
    /* Plugged in now, but nobody presents a key: it times out and forgets the request. */
    rc = ped_device_request(l->dir, "source", "source", "blue", 150, got, sizeof got);
    assert_int_equal(rc, PED_TIMEOUT);
    assert_not_pending(l);
}

static void test_manual_insert_from_other_process(void **state)
{
    struct wst_lab *l = *state;
    char got[16];
    pid_t child = fork();
    if (child == 0) {
        /* The operator: waits until the PED asks, then inserts the black key. */
        static char buf[16384];
        for (int i = 0; i < 400; i++) {
            if (wst_run(l, NULL, buf, sizeof buf, "ped", "status", NULL) == 0 &&
                strstr(buf, "Waiting for:  the black key, for source"))
                _exit(wst_run(l, NULL, buf, sizeof buf, "ped", "insert", "black", NULL));
            usleep(20000);
        }
        _exit(99);
    }
    int rc = ped_device_request(l->dir, "workstation", "source", "black", 20000, got,
                                sizeof got);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(rc, PED_OK);
    assert_string_equal(got, "black");
    assert_not_pending(l);
}

static void test_ped_command_errors(void **state)
{
    struct wst_lab *l = *state;
    char where[32];
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "insert", "black", NULL), 1);
    assert_non_null(strstr(out, "not waiting for a key"));
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "insert", "purple", NULL), 2);
    assert_non_null(strstr(out, "not a PED key colour"));
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "plug", "mars", NULL), 2);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "dance", NULL), 2);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "plug", "target", NULL), 0);
    wst_state_str(l, "ped", "location", where, sizeof where);
    assert_string_equal(where, "target");
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "status", NULL), 0);
    assert_non_null(strstr(out, "PED location: target"));
    assert_non_null(strstr(out, "PED mode:     manual"));
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "mode", "sideways", NULL), 2);
    assert_int_equal(wst_run(l, NULL, out, sizeof out, "ped", "mode", "auto", NULL), 0);
    wst_state_str(l, "ped", "mode", where, sizeof where);
    assert_string_equal(where, "auto");
}

/* Leaves a pending request owned by PID in the state, as a killed lunacm would. */
static void set_pending(struct wst_lab *l, pid_t pid)
{
    struct state_handle h;
    char err[300];
    assert_int_equal(state_open(l->dir, &h, err, sizeof err), 0);
    json_object_set_new(json_object_get(h.root, "ped"), "pending",
                        json_pack("{s:s, s:s, s:s, s:I, s:I}", "key", "blue", "for", "source",
                                  "where", "source", "id", (json_int_t)1, "pid",
                                  (json_int_t)pid));
    assert_int_equal(state_commit(&h), 0);
}

static void test_busy_and_stale_pending(void **state)
{
    struct wst_lab *l = *state;
    char got[16];
    /* A live owner: the PED is busy and the request times out. */
    set_pending(l, getpid());
    int rc = ped_device_request(l->dir, "source", "source", "red", 150, got, sizeof got);
    assert_int_equal(rc, PED_TIMEOUT);
    /* A dead owner: its request is taken over. */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    assert_int_equal(waitpid(child, NULL, 0), child);
    set_pending(l, child);
    rc = ped_device_request(l->dir, "source", "source", "red", 5000, got, sizeof got);
    assert_int_equal(rc, PED_OK);
    assert_string_equal(got, "red");
    assert_not_pending(l);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ROTWIZ_SIM\n", argv[0]);
        return 2;
    }
    wst_sim = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_auto_presents_key, setup_auto, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key, setup_wrong_key, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup_timeout, teardown),
        cmocka_unit_test_setup_teardown(test_manual_not_here, setup_manual, teardown),
        cmocka_unit_test_setup_teardown(test_manual_insert_from_other_process, setup_manual,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ped_command_errors, setup_manual, teardown),
        cmocka_unit_test_setup_teardown(test_busy_and_stale_pending, setup_auto, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
