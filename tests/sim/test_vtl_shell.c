/* test_vtl_shell.c: vtl's server list and verify, the k570 shell, and `state --json`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state_model.h"
#include "testlab.h"

static char *vtl(struct testlab *t, const char *app, const char *const *words, int *status)
{
    const char *args[16] = {"vtl", "--dir", "@DIR", "--appliance", app};
    int n = 5;
    for (int i = 0; words[i] && n < 15; i++)
        args[n++] = words[i];
    args[n] = NULL;
    return testlab_run(t, args, NULL, status);
}

static char *shell_c(struct testlab *t, const char *cmd, int *status)
{
    const char *args[] = {"shell", "--dir", "@DIR", "--appliance", "source", "-c", cmd, NULL};
    return testlab_run(t, args, NULL, status);
}

static void test_vtl_add_list_verify_delete(void **state)
{
    (void)state;
    struct testlab t;
    int st = -1;
    assert_int_equal(testlab_make_linked(&t, "password", NULL), 0);
    const char *list[] = {"listservers", NULL};
    char *out = vtl(&t, "source", list, &st);
    assert_non_null(strstr(out, "No servers are registered."));
    free(out);

    const char *add[] = {"addServer", "-n", "127.0.0.1", "-c", "server.pem", NULL};
    out = vtl(&t, "source", add, &st);
    assert_int_equal(st, 0);
    assert_string_equal(out, "\nNew server 127.0.0.1 successfully added to server list.\n\n");
    free(out);
    json_t *root = testlab_state(&t);
    json_t *srv = json_array_get(json_object_get(sm_hsm(root, "source"), "vtl_servers"), 0);
    assert_string_equal(sm_str(srv, "address"), "127.0.0.1");
    assert_int_equal(strlen(sm_str(srv, "cert_sha256")), 64);
    assert_non_null(strstr(sm_str(srv, "pem"), "BEGIN CERTIFICATE"));
    char serial[64];
    snprintf(serial, sizeof serial, "%16s \tBackupHSM7\n", sm_str(sm_hsm(root, "backup"),
                                                                 "serial"));
    json_decref(root);

    out = vtl(&t, "source", add, &st);
    assert_int_equal(st, 1);
    assert_non_null(strstr(out, "already in the server list"));
    free(out);

    out = vtl(&t, "source", list, &st);
    assert_string_equal(out, "Server: 127.0.0.1  HTL required: no\n");
    free(out);

    const char *verify[] = {"verify", NULL};
    out = vtl(&t, "source", verify, &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "The following Luna SA Slots/Partitions were found:\n\n"
                                "Slot\tSerial #        \tLabel\n"
                                "====\t================\t=====\n   6\t"));
    assert_non_null(strstr(out, serial));
    free(out);

    const char *del[] = {"deleteServer", "-n", "127.0.0.1", NULL};
    out = vtl(&t, "source", del, &st);
    assert_int_equal(st, 0);
    free(out);
    out = vtl(&t, "source", list, &st);
    assert_non_null(strstr(out, "No servers are registered."));
    free(out);
    testlab_destroy(&t);
}

static void test_vtl_errors(void **state)
{
    (void)state;
    struct testlab t;
    int st = -1;
    char path[400];
    assert_int_equal(testlab_make_linked(&t, "password", NULL), 0);
    const char *missing[] = {"addServer", "-n", "127.0.0.1", "-c", "nope.pem", NULL};
    char *out = vtl(&t, "source", missing, &st);
    assert_int_equal(st, 1);
    assert_non_null(strstr(out, "Unable to open certificate file nope.pem"));
    free(out);
    /* A certificate other than the workstation's: registered, but verify cannot reach. */
    snprintf(path, sizeof path, "%s/appliances/source/home/other.pem", t.dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("not a certificate\n", f);
    fclose(f);
    const char *bad[] = {"addServer", "-n", "127.0.0.1", "-c", "/home/ksadmin/other.pem", NULL};
    out = vtl(&t, "source", bad, &st);
    assert_int_equal(st, 1);
    assert_non_null(strstr(out, "not a valid PEM certificate"));
    free(out);
    /* Another workstation's certificate: registered, but the link refuses it. */
    struct testlab other;
    char cmd[1000];
    assert_int_equal(testlab_make_linked(&other, "password", NULL), 0);
    snprintf(cmd, sizeof cmd, "cp '%s/lunaclient/rbs/server/server.pem' '%s'", other.dir, path);
    assert_int_equal(system(cmd), 0);
    testlab_destroy(&other);
    out = vtl(&t, "source", bad, &st);
    assert_int_equal(st, 0);
    free(out);
    const char *verify[] = {"verify", NULL};
    out = vtl(&t, "source", verify, &st);
    assert_int_equal(st, 1);
    assert_non_null(strstr(out, "Unable to connect to server 127.0.0.1 (server certificate "
                                "mismatch)."));
    free(out);
    out = testlab_lunacm(&t, "source", "slot list\n");
    assert_null(strstr(out, "Net Admin Token Slot"));
    free(out);
    testlab_destroy(&t);
}

static void test_shell_commands(void **state)
{
    (void)state;
    struct testlab t;
    int st = -1;
    assert_int_equal(testlab_make_linked(&t, "password", NULL), 0);
    char *out = shell_c(&t, "pwd", &st);
    assert_string_equal(out, "/home/ksadmin\n");
    free(out);
    out = shell_c(&t, "ls", &st);
    assert_string_equal(out, "server.pem\n");
    free(out);
    out = shell_c(&t, "cd /usr/safenet/lunaclient/bin && ls && pwd", &st);
    assert_string_equal(out, "lunacm\nvtl\n/usr/safenet/lunaclient/bin\n");
    free(out);
    out = shell_c(&t, "frob", &st);
    assert_int_equal(st, 127);
    assert_string_equal(out, "bash: frob: command not found\n");
    free(out);
    out = shell_c(&t, "vtl listservers", &st); /* vtl is not on the PATH outside bin */
    assert_int_equal(st, 127);
    free(out);
    out = shell_c(&t, "lunacm -c 'slot list'", &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "\tSlot Description ->     User Token Slot\n"));
    assert_null(strstr(out, "Copyright")); /* one command, no banner */
    free(out);
    out = shell_c(&t, "echo 'a;b' && echo \"c && d\"; echo e", &st);
    assert_string_equal(out, "a;b\nc && d\ne\n");
    free(out);
    out = shell_c(&t, "lunacm -c 'role logout'", &st);
    assert_int_equal(st, 1);
    free(out);
    out = shell_c(&t, "cd /nowhere", &st);
    assert_int_equal(st, 1);
    free(out);
    /* $? is the last status, as in bash (rotwiz's shell marker reads it); not in '...' */
    out = shell_c(&t, "frob; echo st-$?-; true; echo \"st-$?\" 'st-$?'", &st);
    assert_string_equal(out, "bash: frob: command not found\nst-127-\nst-0 st-$?\n");
    free(out);
    out = shell_c(&t, "cd /usr/safenet/lunaclient/bin; ./vtl addServer -n 127.0.0.1 -c "
                      "~/server.pem; ./vtl listservers", &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "successfully added"));
    assert_non_null(strstr(out, "Server: 127.0.0.1  HTL required: no\n"));
    free(out);
    testlab_destroy(&t);
}

/* How many latency charges the shell line CMD costs (the ROTWIZ_SIM_LATENCY_LOG hook). */
static int charges(struct testlab *t, const char *cmd)
{
    char log[400];
    int st = -1;
    snprintf(log, sizeof log, "%s/latency.log", t->dir);
    unlink(log);
    setenv("ROTWIZ_SIM_LATENCY_LOG", log, 1);
    free(shell_c(t, cmd, &st));
    unsetenv("ROTWIZ_SIM_LATENCY_LOG");
    FILE *f = fopen(log, "r");
    int n = 0;
    for (int ch; f && (ch = fgetc(f)) != EOF;)
        n += ch == '\n';
    if (f)
        fclose(f);
    return n;
}

/* --latency charges every simple command of a line but the builtin echo (rotwiz's marker). */
static void test_shell_latency_spares_echo(void **state)
{
    (void)state;
    struct testlab t;
    char err[256];
    assert_int_equal(testlab_make_linked(&t, "password", NULL), 0);
    t.p.latency_ms = 1;
    assert_int_equal(lab_params_save(&t.p, err, sizeof err), 0);
    assert_int_equal(charges(&t, "echo __RW_DONE_$?__"), 0);
    assert_int_equal(charges(&t, "pwd"), 1);
    assert_int_equal(charges(&t, "cd /usr/safenet/lunaclient/bin; echo __RW_DONE_$?__"), 1);
    assert_int_equal(charges(&t, "cd /usr/safenet/lunaclient/bin; pwd; echo x"), 2);
    assert_int_equal(charges(&t, "  echo a && echoes"), 1); /* `echoes` is no builtin */
    /* ./vtl: the shell's command and vtl's own reply */
    assert_int_equal(charges(&t, "cd /usr/safenet/lunaclient/bin; ./vtl listservers; "
                                 "echo __RW_DONE_$?__"), 3);
    t.p.latency_ms = 0;
    assert_int_equal(lab_params_save(&t.p, err, sizeof err), 0);
    assert_int_equal(charges(&t, "pwd"), 0); /* no latency: nothing charged */
    testlab_destroy(&t);
}

static void test_interactive_shell_runs_lunacm(void **state)
{
    (void)state;
    struct testlab t;
    int st = -1;
    const char *args[] = {"shell", "--dir", "@DIR", "--appliance", "source", NULL};
    assert_int_equal(testlab_make_linked(&t, "password", NULL), 0);
    char *out = testlab_run(&t, args, "cd /usr/safenet/lunaclient/bin\n./lunacm\nslot list\n"
                                      "exit\npwd\n/usr/safenet/lunaclient/bin/lunacm\nexit\n"
                                      "exit 3\n", &st);
    assert_int_equal(st, 3);
    assert_true(strncmp(out, "[ksadmin@k570-source ~]$ ", 25) == 0);
    assert_non_null(strstr(out, "[ksadmin@k570-source bin]$ lunacm (64-bit) v10.4.0-275."));
    assert_non_null(strstr(out, "lunacm:>[ksadmin@k570-source bin]$ "
                                "/usr/safenet/lunaclient/bin\n"));
    assert_int_equal(testlab_count(out, "Available HSMs:"), 2);
    free(out);
    testlab_destroy(&t);
}

static void test_state_json(void **state)
{
    (void)state;
    struct testlab t;
    int st = -1;
    const char *args[] = {"state", "--dir", "@DIR", "--json", NULL};
    assert_int_equal(testlab_make(&t, "password", NULL), 0);
    char *out = testlab_run(&t, args, NULL, &st);
    assert_int_equal(st, 0);
    json_t *root = json_loads(out, 0, NULL);
    assert_non_null(root);
    json_t *objs = testlab_objects(root, "source", NULL);
    assert_true(json_array_size(objs) >= 4);
    assert_non_null(json_object_get(json_array_get(objs, 0), "fingerprint"));
    assert_non_null(json_object_get(root, "ped"));
    assert_string_equal(sm_str(sm_hsm(root, "backup"), "kind"), "backup");
    json_decref(root);
    free(out);
    testlab_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vtl_add_list_verify_delete),
        cmocka_unit_test(test_vtl_errors),
        cmocka_unit_test(test_shell_commands),
        cmocka_unit_test(test_shell_latency_spares_echo),
        cmocka_unit_test(test_interactive_shell_runs_lunacm),
        cmocka_unit_test(test_state_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
