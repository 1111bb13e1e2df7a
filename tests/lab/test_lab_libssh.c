/* test_lab_libssh.c: the lab's SSH server seen by a libssh client, the way rotwiz's core uses it:
 * known_hosts pinning, the lab key, exec with exit status, a "dumb" PTY shell conversation, and
 * an upload speaking the legacy scp protocol over an exec channel (libssh's own scp API is
 * deprecated; the core speaks the protocol itself). Starts and stops its own lab. */
#include <errno.h>
#include <libssh/libssh.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct lab {
    char tmp[64];
    char dir[128];
    int port;               /* the source appliance */
};

/* Runs `rotwiz-sim ARG1 --dir DIR` and returns its exit status; its stdout in out. */
static int sim(const char *mode, const char *dir, char *out, size_t len)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' %s --dir '%s'", ROTWIZ_SIM_PATH, mode, dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int lab_setup(void **state)
{
    static struct lab lab;
    char out[256];
    snprintf(lab.tmp, sizeof lab.tmp, "/tmp/rotwiz-libssh-XXXXXX");
    assert_non_null(mkdtemp(lab.tmp));
    snprintf(lab.dir, sizeof lab.dir, "%s/lab", lab.tmp);
    assert_int_equal(sim("lab", lab.dir, out, sizeof out), 0);
    assert_string_equal(out, "ready\n");
    char path[256];
    snprintf(path, sizeof path, "%s/lab.json", lab.dir);
    json_t *root = json_load_file(path, 0, NULL);
    assert_non_null(root);
    lab.port = (int)json_integer_value(json_object_get(json_array_get(
        json_object_get(root, "appliances"), 0), "port"));
    json_decref(root);
    assert_true(lab.port > 0);
    *state = &lab;
    return 0;
}

static int lab_teardown(void **state)
{
    struct lab *lab = *state;
    char out[256], cmd[256], log[65536];
    sim("stop", lab->dir, out, sizeof out);
    /* The handlers log to lab.log: a sanitizer report there is a failure. */
    snprintf(cmd, sizeof cmd, "%s/lab.log", lab->dir);
    FILE *f = fopen(cmd, "r");
    size_t n = f ? fread(log, 1, sizeof log - 1, f) : 0;
    if (f)
        fclose(f);
    log[n] = '\0';
    bool clean = !strstr(log, "Sanitizer") && !strstr(log, "runtime error");
    if (!clean)
        fprintf(stderr, "lab.log:\n%s\n", log);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", lab->tmp);
    return system(cmd) == 0 && clean ? 0 : -1;
}

/* A connected, host-key-verified, authenticated session as ksadmin (or USER). */
static ssh_session connect_as(const struct lab *lab, const char *user)
{
    char path[256];
    ssh_session s = ssh_new();
    ssh_key key = NULL;
    assert_non_null(s);
    long timeout = 20;
    ssh_options_set(s, SSH_OPTIONS_HOST, "127.0.0.2");
    ssh_options_set(s, SSH_OPTIONS_PORT, &lab->port);
    ssh_options_set(s, SSH_OPTIONS_USER, user);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
    snprintf(path, sizeof path, "%s/ssh/known_hosts", lab->dir);
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, path);
    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    assert_int_equal(ssh_connect(s), SSH_OK);
    assert_int_equal(ssh_session_is_known_server(s), SSH_KNOWN_HOSTS_OK);
    snprintf(path, sizeof path, "%s/ssh/client_ed25519", lab->dir);
    assert_int_equal(ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key), SSH_OK);
    int rc = ssh_userauth_publickey(s, NULL, key);
    ssh_key_free(key);
    if (rc != SSH_AUTH_SUCCESS) {
        ssh_disconnect(s);
        ssh_free(s);
        return NULL;
    }
    return s;
}

/* Runs CMD; returns its exit status and its output in out. */
static int exec(ssh_session s, const char *cmd, char *out, size_t len)
{
    ssh_channel ch = ssh_channel_new(s);
    size_t n = 0;
    assert_non_null(ch);
    assert_int_equal(ssh_channel_open_session(ch), SSH_OK);
    assert_int_equal(ssh_channel_request_exec(ch, cmd), SSH_OK);
    int r;
    while ((r = ssh_channel_read(ch, out + n, (uint32_t)(len - 1 - n), 0)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    ssh_channel_send_eof(ch);
    int status = ssh_channel_get_exit_status(ch);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    return status;
}

static void test_exec(void **state)
{
    struct lab *lab = *state;
    char out[4096];
    ssh_session s = connect_as(lab, "ksadmin");
    assert_non_null(s);
    assert_int_equal(exec(s, "pwd", out, sizeof out), 0);
    assert_string_equal(out, "/home/ksadmin\n");
    assert_int_equal(exec(s, "exit 3", out, sizeof out), 3);   /* a second channel, same session */
    ssh_disconnect(s);
    ssh_free(s);
    assert_null(connect_as(lab, "root"));
}

/* Reads from CH until NEEDLE shows up (or 20 s pass); the text read so far in buf. */
static bool read_until(ssh_channel ch, const char *needle, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < 200 && !strstr(buf, needle); i++) {
        int r = ssh_channel_read_timeout(ch, buf + n, (uint32_t)(len - 1 - n), 0, 100);
        if (r < 0 || (r == 0 && ssh_channel_is_eof(ch)))
            break;
        n += (size_t)r;
        buf[n] = '\0';
    }
    return strstr(buf, needle) != NULL;
}

static void test_pty_shell(void **state)
{
    struct lab *lab = *state;
    char buf[8192];
    ssh_session s = connect_as(lab, "ksadmin");
    assert_non_null(s);
    ssh_channel ch = ssh_channel_new(s);
    assert_int_equal(ssh_channel_open_session(ch), SSH_OK);
    assert_int_equal(ssh_channel_request_pty_size(ch, "dumb", 200, 50), SSH_OK);
    assert_int_equal(ssh_channel_request_shell(ch), SSH_OK);
    assert_true(read_until(ch, "]$ ", buf, sizeof buf));
    assert_int_equal(ssh_channel_change_pty_size(ch, 120, 40), SSH_OK);
    ssh_channel_write(ch, "cd /usr/safenet/lunaclient/bin\n", 31);
    assert_true(read_until(ch, "bin]$ ", buf, sizeof buf));
    ssh_channel_write(ch, "ls\n", 3);
    assert_true(read_until(ch, "]$ ", buf, sizeof buf));
    assert_non_null(strstr(buf, "lunacm"));
    assert_non_null(strstr(buf, "vtl"));
    ssh_channel_write(ch, "exit 4\n", 7);
    while (ssh_channel_read_timeout(ch, buf, sizeof buf, 0, 5000) > 0) {
    }
    assert_int_equal(ssh_channel_get_exit_status(ch), 4);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    ssh_disconnect(s);
    ssh_free(s);
}

static char ack(ssh_channel ch)
{
    char b = 9;
    assert_int_equal(ssh_channel_read_timeout(ch, &b, 1, 0, 10000), 1);
    return b;
}

static void test_scp_upload(void **state)
{
    struct lab *lab = *state;
    static const char data[] = "-----BEGIN CERTIFICATE-----\nnot really\n";
    char path[256], rec[128], back[128] = "";
    ssh_session s = connect_as(lab, "ksadmin");
    assert_non_null(s);
    ssh_channel ch = ssh_channel_new(s);
    assert_int_equal(ssh_channel_open_session(ch), SSH_OK);
    assert_int_equal(ssh_channel_request_exec(ch, "scp -t /home/ksadmin"), SSH_OK);
    assert_int_equal(ack(ch), 0);
    int n = snprintf(rec, sizeof rec, "C0644 %zu server.pem\n", sizeof data - 1);
    assert_int_equal(ssh_channel_write(ch, rec, (uint32_t)n), n);
    assert_int_equal(ack(ch), 0);
    assert_int_equal(ssh_channel_write(ch, data, sizeof data), sizeof data);  /* with the 0 */
    assert_int_equal(ack(ch), 0);
    ssh_channel_send_eof(ch);
    assert_int_equal(ssh_channel_get_exit_status(ch), 0);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    ssh_disconnect(s);
    ssh_free(s);
    snprintf(path, sizeof path, "%s/appliances/source/home/server.pem", lab->dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_int_equal(fread(back, 1, sizeof back - 1, f), sizeof data - 1);
    fclose(f);
    assert_string_equal(back, data);
}

/* rotwiz keeps lunacm open on one channel while it runs commands on others. */
static void test_concurrent_channels(void **state)
{
    struct lab *lab = *state;
    char buf[8192], out[1024];
    ssh_session s = connect_as(lab, "ksadmin");
    assert_non_null(s);
    ssh_channel sh = ssh_channel_new(s);
    assert_int_equal(ssh_channel_open_session(sh), SSH_OK);
    assert_int_equal(ssh_channel_request_pty_size(sh, "dumb", 200, 50), SSH_OK);
    assert_int_equal(ssh_channel_request_shell(sh), SSH_OK);
    assert_true(read_until(sh, "]$ ", buf, sizeof buf));
    ssh_channel_write(sh, "lunacm\n", 7);
    assert_true(read_until(sh, "lunacm:>", buf, sizeof buf));

    for (int i = 0; i < 10; i++) {      /* more channels in turn than slots: slots are reused */
        assert_int_equal(exec(s, "cd /usr/safenet/lunaclient/bin; ls", out, sizeof out), 0);
        assert_non_null(strstr(out, "vtl"));
    }
    ssh_channel other = ssh_channel_new(s);
    assert_int_equal(ssh_channel_open_session(other), SSH_OK);
    assert_int_equal(ssh_channel_request_exec(other, "pwd"), SSH_OK);

    ssh_channel_write(sh, "slot list\n", 10);
    assert_true(read_until(sh, "Command Result", buf, sizeof buf));
    assert_non_null(strstr(buf, "User Token Slot"));
    assert_true(read_until(other, "/home/ksadmin", out, sizeof out));
    assert_int_equal(ssh_channel_get_exit_status(other), 0);
    ssh_channel_close(other);
    ssh_channel_free(other);

    ssh_channel_write(sh, "exit\n", 5);
    assert_true(read_until(sh, "]$ ", buf, sizeof buf));
    ssh_channel_write(sh, "exit\n", 5);
    while (ssh_channel_read_timeout(sh, buf, sizeof buf, 0, 5000) > 0) {
    }
    assert_int_equal(ssh_channel_get_exit_status(sh), 0);
    ssh_channel_close(sh);
    ssh_channel_free(sh);
    ssh_disconnect(s);
    ssh_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_pty_shell),
        cmocka_unit_test(test_scp_upload),
        cmocka_unit_test(test_concurrent_channels),
    };
    return cmocka_run_group_tests(tests, lab_setup, lab_teardown);
}
