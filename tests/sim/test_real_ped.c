/* test_real_ped.c: the k570 lunacm with the workstation's real PED (ped_device.c), in manual
 * mode (keys presented with `rotwiz-sim ped insert`), and through a real PEDServer
 * (`pedserver -mode start` on a free port) for the Remote PED link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state_model.h"
#include "testlab.h"

/* Waits (bounded, to avoid a hang; not a timing assertion) until the PED asks for a key. */
static bool wait_pending(struct testlab *t, char *colour, size_t len)
{
    for (int i = 0; i < 400; i++) {
        json_t *root = testlab_state(t);
        json_t *pend = json_object_get(json_object_get(root, "ped"), "pending");
        if (json_is_object(pend)) {
            snprintf(colour, len, "%s", sm_str(pend, "key"));
            json_decref(root);
            return true;
        }
        json_decref(root);
        usleep(50000);
    }
    return false;
}

static char *read_all(int fd)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd, buf + len, cap - len - 1)) > 0)
        len += (size_t)r;
    buf[len] = '\0';
    close(fd);
    return buf;
}

static void test_manual_ped_at_the_appliance(void **state)
{
    (void)state;
    struct testlab t;
    char err[256], colour[16];
    int st = -1, fd = -1;
    assert_int_equal(testlab_make(&t, "ped", NULL), 0);
    snprintf(t.p.ped_mode, sizeof t.p.ped_mode, "manual");
    t.p.ped_time_scale = 1.0; /* the key prompt waits up to 200 s: the insert comes first */
    assert_int_equal(lab_params_save(&t.p, err, sizeof err), 0);
    const char *mode[] = {"ped", "--dir", "@DIR", "mode", "manual", NULL};
    free(testlab_run(&t, mode, NULL, &st));
    assert_int_equal(st, 0);
    /* The PED is at the workstation: the appliance has none plugged in. */
    char *out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co\n");
    assert_non_null(strstr(out, "Command Result : 0x8000002e (CKR_PED_UNPLUGGED)"));
    free(out);
    const char *plug[] = {"ped", "--dir", "@DIR", "plug", "source", NULL};
    free(testlab_run(&t, plug, NULL, &st));
    assert_int_equal(st, 0);
    const char *args[] = {"k570-lunacm", "--dir", "@DIR", "--appliance", "source", NULL};
    pid_t pid = testlab_spawn(&t, args, "slot set -s 3\nrole login -n co\n", &fd);
    assert_true(pid > 0);
    assert_true(wait_pending(&t, colour, sizeof colour));
    assert_string_equal(colour, "black");
    const char *insert[] = {"ped", "--dir", "@DIR", "insert", "black", NULL};
    free(testlab_run(&t, insert, NULL, &st));
    assert_int_equal(st, 0);
    out = read_all(fd);
    waitpid(pid, NULL, 0);
    assert_non_null(strstr(out, "\tPlease attend to the PED.\n\nCommand Result : No Error"));
    free(out);
    testlab_destroy(&t);
}

static void test_remote_ped_through_pedserver(void **state)
{
    (void)state;
    struct testlab t;
    int st = -1;
    char input[512];
    assert_int_equal(testlab_make(&t, "ped", NULL), 0);
    const char *start[] = {"pedserver", "--dir", "@DIR", "-mode", "start", "-port", "0", NULL};
    free(testlab_run(&t, start, NULL, &st));
    assert_int_equal(st, 0);
    json_t *root = testlab_state(&t);
    int port = (int)sm_int(json_object_get(root, "pedserver"), "port");
    json_decref(root);
    assert_true(port > 0);
    snprintf(input, sizeof input,
             "ped vector init -force\nped set -ip 127.0.0.1 -port %d\nped connect\nped get\n"
             "slot set -s 3\nrole login -n co\n", port);
    char *out = testlab_lunacm(&t, "source", input);
    assert_int_equal(testlab_count(out, "Command Result : No Error"), 6);
    assert_non_null(strstr(out, "listening to remote PED"));
    free(out);
    root = testlab_state(&t);
    json_t *ps = json_object_get(sm_hsm(root, "source"), "ped_server");
    assert_true(sm_bool(ps, "connected"));
    assert_int_equal(sm_int(ps, "port"), port);
    json_decref(root);
    const char *stop[] = {"pedserver", "--dir", "@DIR", "-mode", "stop", NULL};
    free(testlab_run(&t, stop, NULL, &st));
    assert_int_equal(st, 0);
    /* The server is gone: a key asked through the link cannot be had. */
    out = testlab_lunacm(&t, "source", "slot set -s 3\nrole login -n co\n");
    assert_non_null(strstr(out, "Command Result : 0x8000002d (CKR_PED_CLIENT_NOT_RUNNING)"));
    free(out);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manual_ped_at_the_appliance),
        cmocka_unit_test(test_remote_ped_through_pedserver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
