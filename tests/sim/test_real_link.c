/* test_real_link.c: the k570 lunacm and vtl against the real RBS of the workstation tools
 * (rbs --genkey, rbs --config, rbs s on a free loopback port) and the real TLS link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state_model.h"
#include "testlab.h"

struct rbs_fixture {
    struct testlab t;
    pid_t rbs_pid;
    int rbs_fd;
};

/* Reads the rbs output until it says where it listens; returns the port or -1. */
static int wait_listening(int fd)
{
    char buf[4096];
    size_t len = 0;
    ssize_t r;
    while (len + 1 < sizeof buf && (r = read(fd, buf + len, sizeof buf - len - 1)) > 0) {
        len += (size_t)r;
        buf[len] = '\0';
        char *at = strstr(buf, "listening on ");
        char *colon = at ? strchr(at, ':') : NULL;
        if (colon && strchr(colon, '\n'))
            return atoi(colon + 1);
    }
    return -1;
}

static int teardown(void **state);

static int setup(void **state)
{
    struct rbs_fixture *f = calloc(1, sizeof *f);
    char err[256], cmd[1200];
    int st = -1;
    if (!f)
        return -1;
    *state = f;
    if (testlab_make(&f->t, "password", NULL) != 0)
        goto fail;
    const char *genkey[] = {"rbs", "--dir", "@DIR", "--genkey", NULL};
    const char *config[] = {"rbs", "--dir", "@DIR", "--config", NULL};
    free(testlab_run(&f->t, genkey, "RbsPass-5\nRbsPass-5\n", &st));
    if (st != 0)
        goto fail;
    free(testlab_run(&f->t, config, "1\nX\n", &st));
    if (st != 0)
        goto fail;
    const char *serve[] = {"rbs", "--dir", "@DIR", "s", "-port", "0", NULL};
    f->rbs_pid = testlab_spawn(&f->t, serve, "RbsPass-5\n", &f->rbs_fd);
    int port = f->rbs_pid > 0 ? wait_listening(f->rbs_fd) : -1;
    if (port <= 0)
        goto fail;
    f->t.p.rbs_port = port;
    if (lab_params_save(&f->t.p, err, sizeof err) != 0)
        goto fail;
    snprintf(cmd, sizeof cmd, "cp '%s/lunaclient/rbs/server/server.pem' "
             "'%s/appliances/source/home/server.pem'", f->t.dir, f->t.dir);
    if (system(cmd) != 0)
        goto fail;
    return 0;
fail:
    teardown(state);
    return -1;
}

static int teardown(void **state)
{
    struct rbs_fixture *f = *state;
    if (f->rbs_pid > 0) {
        kill(f->rbs_pid, SIGTERM);
        waitpid(f->rbs_pid, NULL, 0);
        close(f->rbs_fd);
    }
    testlab_destroy(&f->t);
    free(f);
    return 0;
}

static void test_backup_over_the_real_link(void **state)
{
    struct rbs_fixture *f = *state;
    struct testlab *t = &f->t;
    int st = -1;
    char input[512];
    char *out = testlab_lunacm(t, "source", "slot list\n");
    assert_null(strstr(out, "Net Admin Token Slot")); /* no vtl server yet */
    free(out);
    const char *add[] = {"vtl", "--dir", "@DIR", "--appliance", "source", "addServer", "-n",
                         "127.0.0.1", "-c", "server.pem", NULL};
    free(testlab_run(t, add, NULL, &st));
    assert_int_equal(st, 0);
    const char *verify[] = {"vtl", "--dir", "@DIR", "--appliance", "source", "verify", NULL};
    out = testlab_run(t, verify, NULL, &st);
    assert_int_equal(st, 0);
    json_t *root = testlab_state(t);
    assert_non_null(strstr(out, sm_str(sm_hsm(root, "backup"), "serial")));
    json_decref(root);
    free(out);
    snprintf(input, sizeof input,
             "slot set -s 3\nrole login -n co -p %s\npartition archive backup -slot 6 "
             "-partition rot-backup -sopassword %s -password pw -domain k570-rot\n",
             t->s.source_co_password, t->s.backup_so_password);
    out = testlab_lunacm(t, "source", input);
    assert_non_null(strstr(out, "\tSlot Description ->     Net Admin Token Slot\n"));
    assert_non_null(strstr(out, "\tModel ->                Luna Backup HSM 7\n"));
    assert_non_null(strstr(out, "Backup Complete."));
    root = testlab_state(t);
    json_t *src = testlab_objects(root, "source", NULL);
    json_t *bak = testlab_objects(root, "backup", "rot-backup");
    assert_int_equal(json_array_size(bak), json_array_size(src));
    for (size_t i = 0; i < json_array_size(src); i++)
        assert_string_equal(sm_str(json_array_get(src, i), "fingerprint"),
                            sm_str(json_array_get(bak, i), "fingerprint"));
    json_decref(root);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_backup_over_the_real_link, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
