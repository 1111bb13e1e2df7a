/* test_rbs.c: the simulated `rbs` (genkey, config, serve) and the RBS link client, through the
 * real rotwiz-sim binary (argv[1]). */
#include "rbs_cert.h"
#include "rbs_link.h"
#include "wst.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define PW "correct horse 7"

static char out[65536];

static int setup_plain(void **state)
{
    static struct wst_lab lab;
    *state = &lab;
    return wst_lab_make(&lab, "auto", false, NULL);
}

static int teardown(void **state)
{
    wst_lab_destroy(*state);
    return 0;
}

static void paths(struct wst_lab *lab, char *cert, char *key)
{
    snprintf(cert, 600, "%s/lunaclient/rbs/server/server.pem", lab->dir);
    snprintf(key, 600, "%s/lunaclient/rbs/server/server.key", lab->dir);
}

static void genkey(struct wst_lab *lab)
{
    int rc = wst_run(lab, PW "\n" PW "\n", out, sizeof out, "rbs", "--genkey", NULL);
    assert_int_equal(rc, 0);
}

static void configure(struct wst_lab *lab, const char *input)
{
    assert_int_equal(wst_run(lab, input, out, sizeof out, "rbs", "--config", NULL), 0);
}

/* A port nobody listens on right now (bound then released). */
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

/* Starts `rbs s -port 0` and returns its pid; *port gets the port it printed. */
static pid_t serve(struct wst_lab *lab, int *port)
{
    pid_t pid = wst_spawn_until(lab, PW "\n", "RBS is running", out, sizeof out, "rbs", "s",
                                "-port", "0", NULL);
    if (pid < 0)
        print_error("rbs s output:\n%s\n", out);
    assert_true(pid > 0);
    const char *at = strstr(out, "listening on 127.0.0.1:");
    assert_non_null(at);
    *port = atoi(at + strlen("listening on 127.0.0.1:"));
    assert_true(*port > 0);
    return pid;
}

static void test_genkey_writes_cert_and_encrypted_key(void **state)
{
    struct wst_lab *lab = *state;
    char cert_path[600], key_path[600], err[300], fp[65];
    genkey(lab);
    assert_null(strstr(out, PW)); /* the password never appears in the output */
    paths(lab, cert_path, key_path);
    struct stat st;
    assert_int_equal(stat(key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *f = fopen(key_path, "r");
    assert_non_null(f);
    char first[128] = "";
    assert_non_null(fgets(first, sizeof first, f));
    fclose(f);
    assert_string_equal(first, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n");
    assert_null(rbs_cert_load_key(key_path, "wrong password", err, sizeof err));
    EVP_PKEY *key = rbs_cert_load_key(key_path, PW, err, sizeof err);
    assert_non_null(key);
    X509 *cert = rbs_cert_load_cert(cert_path, err, sizeof err);
    assert_non_null(cert);
    assert_int_equal(X509_check_private_key(cert, key), 1);
    assert_int_equal(rbs_cert_sha256_file(cert_path, fp), 0);
    assert_int_equal(strlen(fp), 64);
    X509_free(cert);
    EVP_PKEY_free(key);
}

static void test_genkey_mismatch(void **state)
{
    struct wst_lab *lab = *state;
    char cert_path[600], key_path[600];
    paths(lab, cert_path, key_path);
    int rc = wst_run(lab, "a1\nb1\na2\nb2\na3\nb3\n", out, sizeof out, "rbs", "--genkey", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "do not match"));
    assert_int_not_equal(access(key_path, F_OK), 0);
    /* A mismatch, then a match: asked again, and it works. */
    rc = wst_run(lab, "a1\nb1\n" PW "\n" PW "\n", out, sizeof out, "rbs", "--genkey", NULL);
    assert_int_equal(rc, 0);
    assert_int_equal(access(key_path, F_OK), 0);
}

static void test_genkey_overwrite_asks(void **state)
{
    struct wst_lab *lab = *state;
    char cert_path[600], key_path[600], fp1[65], fp2[65], fp3[65];
    paths(lab, cert_path, key_path);
    genkey(lab);
    assert_int_equal(rbs_cert_sha256_file(cert_path, fp1), 0);
    assert_int_equal(wst_run(lab, "n\n", out, sizeof out, "rbs", "--genkey", NULL), 1);
    assert_non_null(strstr(out, "Overwrite it? (y/N)"));
    assert_int_equal(rbs_cert_sha256_file(cert_path, fp2), 0);
    assert_string_equal(fp1, fp2);
    assert_int_equal(wst_run(lab, "y\nnew pw\nnew pw\n", out, sizeof out, "rbs", "--genkey",
                             NULL), 0);
    assert_int_equal(rbs_cert_sha256_file(cert_path, fp3), 0);
    assert_string_not_equal(fp1, fp3);
}

static void test_config_select_and_save(void **state)
{
    struct wst_lab *lab = *state;
    char serial[64];
    assert_true(strlen(lab->backup_serial) > 0);
    assert_int_equal(wst_state_int(lab, "rbs", "configured"), 0);
    configure(lab, "1\nX\n");
    assert_non_null(strstr(out, lab->backup_serial));
    wst_state_str(lab, "rbs", "device_serial", serial, sizeof serial);
    assert_string_equal(serial, lab->backup_serial);
    /* Selecting again keeps it selected (running the procedure twice is harmless) ... */
    configure(lab, "1\nx\n");
    wst_state_str(lab, "rbs", "device_serial", serial, sizeof serial);
    assert_string_equal(serial, lab->backup_serial);
    /* ... and -1 deselects it. */
    configure(lab, "-1\nx\n");
    wst_state_str(lab, "rbs", "device_serial", serial, sizeof serial);
    assert_string_equal(serial, "");
    /* End of input without X: nothing saved, failure. */
    assert_int_equal(wst_run(lab, "1\n", out, sizeof out, "rbs", "--config", NULL), 1);
    wst_state_str(lab, "rbs", "device_serial", serial, sizeof serial);
    assert_string_equal(serial, "");
}

static void test_serve_wrong_password(void **state)
{
    struct wst_lab *lab = *state;
    genkey(lab);
    configure(lab, "1\nX\n");
    int rc = wst_run(lab, "not the password\n", out, sizeof out, "rbs", "s", "-port", "0",
                     NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "incorrect RBS password"));
    assert_null(strstr(out, "listening"));
}

static void test_serve_needs_config(void **state)
{
    struct wst_lab *lab = *state;
    genkey(lab);
    int rc = wst_run(lab, PW "\n", out, sizeof out, "rbs", "s", "-port", "0", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "rbs --config"));
}

static void test_serve_answers_hello(void **state)
{
    struct wst_lab *lab = *state;
    char cert_path[600], key_path[600], fp[65], err[300], pidfile[600];
    struct rbs_hsm_info info;
    int port;
    genkey(lab);
    configure(lab, "1\nX\n");
    pid_t pid = serve(lab, &port);
    paths(lab, cert_path, key_path);
    assert_int_equal(rbs_cert_sha256_file(cert_path, fp), 0);
    int rc = rbs_link_query("127.0.0.1", port, fp, 5000, &info, err, sizeof err);
    assert_int_equal(rc, RBS_LINK_OK);
    assert_string_equal(info.serial, lab->backup_serial);
    assert_string_equal(info.model, "Luna Backup HSM 7");
    assert_string_equal(info.firmware, "7.7.1");
    assert_int_equal(wst_state_int(lab, "rbs", "serving_pid"), pid);
    snprintf(pidfile, sizeof pidfile, "%s/run/rbs.pid", lab->dir);
    assert_int_equal(access(pidfile, F_OK), 0);
    /* Another registered certificate: the server is refused. */
    char other[65];
    memcpy(other, fp, sizeof other);
    other[0] = other[0] == '0' ? '1' : '0';
    rc = rbs_link_query("127.0.0.1", port, other, 5000, &info, err, sizeof err);
    assert_int_equal(rc, RBS_LINK_BAD_CERT);
    /* A client that connects and says nothing does not block the others. */
    int idle = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(idle, (struct sockaddr *)&sa, sizeof sa), 0);
    rc = rbs_link_query("127.0.0.1", port, fp, 5000, &info, err, sizeof err);
    close(idle);
    assert_int_equal(rc, RBS_LINK_OK);
    /* A second server on the same port fails clearly and leaves the first one alone. */
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    static char out2[16384];
    assert_int_equal(wst_run(lab, PW "\n", out2, sizeof out2, "rbs", "s", "-port", portstr,
                             NULL), 1);
    assert_non_null(strstr(out2, "cannot listen"));
    rc = rbs_link_query("127.0.0.1", port, fp, 5000, &info, err, sizeof err);
    assert_int_equal(rc, RBS_LINK_OK);
    assert_int_equal(wst_stop(lab, pid), 0);
    assert_int_not_equal(access(pidfile, F_OK), 0);
    assert_int_equal(wst_state_int(lab, "rbs", "serving_pid"), 0);
    rc = rbs_link_query("127.0.0.1", port, fp, 2000, &info, err, sizeof err);
    assert_int_equal(rc, RBS_LINK_UNREACHABLE);
}

static void test_fault_wrong_cert(void **state)
{
    struct wst_lab *lab = *state;
    char cert_path[600], key_path[600], fp[65], err[300];
    struct rbs_hsm_info info;
    int port;
    wst_lab_destroy(lab);
    const char *faults[] = {"rbs-wrong-cert", NULL};
    assert_int_equal(wst_lab_make(lab, "auto", false, faults), 0);
    genkey(lab);
    configure(lab, "1\nX\n");
    serve(lab, &port);
    paths(lab, cert_path, key_path);
    assert_int_equal(rbs_cert_sha256_file(cert_path, fp), 0);
    int rc = rbs_link_query("127.0.0.1", port, fp, 5000, &info, err, sizeof err);
    assert_int_equal(rc, RBS_LINK_BAD_CERT);
    assert_string_equal(info.serial, "");
}

static void test_fault_rbs_down(void **state)
{
    struct wst_lab *lab = *state;
    char cert_path[600], key_path[600], fp[65], err[300], portstr[16];
    struct rbs_hsm_info info;
    wst_lab_destroy(lab);
    const char *faults[] = {"rbs-down", NULL};
    assert_int_equal(wst_lab_make(lab, "auto", false, faults), 0);
    genkey(lab);
    configure(lab, "1\nX\n");
    int port = free_port();
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = wst_run(lab, PW "\n", out, sizeof out, "rbs", "s", "-port", portstr, NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "failed to start"));
    paths(lab, cert_path, key_path);
    assert_int_equal(rbs_cert_sha256_file(cert_path, fp), 0);
    rc = rbs_link_query("127.0.0.1", port, fp, 2000, &info, err, sizeof err);
    assert_int_equal(rc, RBS_LINK_UNREACHABLE);
}

static void check_backup_missing(struct wst_lab *lab)
{
    char cert_path[600], key_path[600], fp[65], err[300], serial[64];
    struct rbs_hsm_info info;
    int port;
    genkey(lab);
    configure(lab, "1\nX\n"); /* there is no device 1 */
    assert_non_null(strstr(out, "(none found)"));
    assert_non_null(strstr(out, "Invalid choice '1'"));
    assert_int_equal(wst_state_int(lab, "rbs", "configured"), 1);
    wst_state_str(lab, "rbs", "device_serial", serial, sizeof serial);
    assert_string_equal(serial, "");
    serve(lab, &port);
    paths(lab, cert_path, key_path);
    assert_int_equal(rbs_cert_sha256_file(cert_path, fp), 0);
    int rc = rbs_link_query("127.0.0.1", port, fp, 5000, &info, err, sizeof err);
    assert_int_equal(rc, RBS_LINK_NO_HSM);
    assert_non_null(strstr(err, "Backup HSM"));
}

static void test_fault_backup_missing(void **state)
{
    struct wst_lab *lab = *state;
    wst_lab_destroy(lab);
    const char *faults[] = {"backup-hsm-missing", NULL};
    assert_int_equal(wst_lab_make(lab, "auto", false, faults), 0);
    check_backup_missing(lab);
}

static void test_backup_absent_from_state(void **state)
{
    struct wst_lab *lab = *state;
    wst_lab_destroy(lab);
    assert_int_equal(wst_lab_make(lab, "auto", true, NULL), 0);
    check_backup_missing(lab);
}

static void test_link_unreachable(void **state)
{
    (void)state;
    struct rbs_hsm_info info;
    char err[300];
    int rc = rbs_link_query("127.0.0.1", free_port(), "00", 1000, &info, err, sizeof err);
    assert_int_equal(rc, RBS_LINK_UNREACHABLE);
    assert_true(strlen(err) > 0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ROTWIZ_SIM\n", argv[0]);
        return 2;
    }
    wst_sim = argv[1];
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_plain, teardown)
        T(test_genkey_writes_cert_and_encrypted_key),
        T(test_genkey_mismatch),
        T(test_genkey_overwrite_asks),
        T(test_config_select_and_save),
        T(test_serve_wrong_password),
        T(test_serve_needs_config),
        T(test_serve_answers_hello),
        T(test_fault_wrong_cert),
        T(test_fault_rbs_down),
        T(test_fault_backup_missing),
        T(test_backup_absent_from_state),
        T(test_link_unreachable),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
