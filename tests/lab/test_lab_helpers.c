/* test_lab_helpers.c: the pure helpers of the lab transport (path mapping, scp command parsing,
 * quoting, known_hosts lines, faults) and the scp protocol engine driven through pipes. */
#include "faults.h"
#include "lab_files.h"
#include "lab_keys.h"
#include "ssh_scp.h"
#include "ssh_sftp.h"
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_faults(void **state)
{
    (void)state;
    const char *names[] = {"rbs-down", "rbs-wrong-cert", "backup-hsm-missing",
                           "backup-partition-exists", "backup-hsm-full", "domain-mismatch",
                           "old-backup-firmware", "target-not-empty", "ssh-drop-during-backup",
                           "ssh-drop-during-restore", "ped-timeout", "ped-wrong-key",
                           "hostile-labels", "pedserver-down"};
    size_t n = 0;
    for (const struct sim_fault *f = sim_faults; f->name; f++) {
        n++;
        assert_true(strlen(f->description) > 10);
    }
    assert_int_equal(n, sizeof names / sizeof names[0]);
    for (size_t i = 0; i < n; i++)
        assert_true(faults_is_valid(names[i]));
    assert_false(faults_is_valid("rbs"));
    assert_false(faults_is_valid(""));
    assert_false(faults_is_valid("RBS-DOWN"));
}

static void test_resolve(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } ok[] = {
        {"", "/lab/home"}, {".", "/lab/home"}, {"~", "/lab/home"}, {"~/", "/lab/home"},
        {"f.pem", "/lab/home/f.pem"}, {"~/f.pem", "/lab/home/f.pem"},
        {"/home/ksadmin", "/lab/home"}, {"/home/ksadmin/", "/lab/home"},
        {"/home/ksadmin/a/b", "/lab/home/a/b"}, {"a/../b", "/lab/home/b"},
        {"./a//b/.", "/lab/home/a/b"}, {"/home/ksadmin/a/..", "/lab/home"},
    };
    static const char *const refused[] = {
        "..", "../x", "a/../../x", "/etc/passwd", "/home/ksadminx/f", "/home", "~root/x",
        "/home/ksadmin/../x", "~/../x",
    };
    char out[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(scp_resolve("/lab/home", ok[i].in, out, sizeof out), 0);
        assert_string_equal(out, ok[i].out);
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_int_equal(scp_resolve("/lab/home", refused[i], out, sizeof out), -1);
    assert_int_equal(scp_resolve("/lab/home", "averyveryverylongname", out, 12), -1);
}

static void test_parse_command(void **state)
{
    (void)state;
    struct scp_request r;
    assert_true(scp_parse_command("scp -t server.pem", &r));
    assert_true(r.sink);
    assert_false(r.preserve);
    assert_string_equal(r.path, "server.pem");
    assert_true(scp_parse_command("scp -v -p -f /home/ksadmin/a", &r));
    assert_false(r.sink);
    assert_true(r.preserve);
    assert_false(r.ambiguous);
    assert_string_equal(r.path, "/home/ksadmin/a");
    assert_true(scp_parse_command("scp -d -t -- -odd", &r));
    assert_string_equal(r.path, "-odd");
    assert_true(scp_parse_command("scp -t 'with space'", &r));
    assert_string_equal(r.path, "with space");
    assert_false(r.ambiguous);
    assert_true(scp_parse_command("scp -t 'it'\\''s' ", &r));
    assert_string_equal(r.path, "it's");
    assert_true(scp_parse_command("scp -t a\\ \"b c\"/\\\"d", &r));
    assert_string_equal(r.path, "a b c/\"d");
    assert_true(scp_parse_command("scp -t a b", &r));
    assert_true(r.ambiguous);
    assert_true(scp_parse_command("scp -r -t .", &r));
    assert_true(r.recursive);
    assert_true(scp_parse_command("scp -pt ~/x", &r));
    assert_true(r.sink && r.preserve);
    assert_false(scp_parse_command("scp server.pem", &r));
    assert_false(scp_parse_command("scp -x -t a", &r));
    assert_false(scp_parse_command("scpx -t a", &r));
    assert_false(scp_parse_command("ls -t", &r));
}

static void test_quoting(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(lab_shell_quote("/a b/it's", out, sizeof out), 0);
    assert_string_equal(out, "'/a b/it'\\''s'");
    assert_int_equal(lab_shell_quote("", out, sizeof out), 0);
    assert_string_equal(out, "''");
    assert_int_equal(lab_shell_quote("abcdef", out, 5), -1);
    assert_int_equal(lab_conf_quote("a\"b\\c", out, sizeof out), 0);
    assert_string_equal(out, "\"a\\\"b\\\\c\"");
    assert_int_equal(lab_conf_quote("abcdef", out, 6), -1);
}

static void test_known_hosts_line(void **state)
{
    (void)state;
    char out[128];
    assert_int_equal(lab_keys_known_hosts_line("127.0.0.2", 40022, "ssh-ed25519", "AAAAC3", out,
                                               sizeof out), 0);
    assert_string_equal(out, "[127.0.0.2]:40022 ssh-ed25519 AAAAC3");
    assert_int_equal(lab_keys_known_hosts_line("127.0.0.2", 1, "ssh-ed25519", "AAAA", out, 10),
                     -1);
}

/* A temporary home folder; its path in home. */
static void make_home(char *home, size_t len)
{
    snprintf(home, len, "/tmp/rotwiz-labtest-XXXXXX");
    assert_non_null(mkdtemp(home));
}

/* Runs scp_serve with INPUT (len bytes) as everything the client sends; returns what the
 * server answered in out (len in *outlen) and its exit status. */
static int run_scp(const char *home, const char *cmd, const char *input, size_t len, char *out,
                   size_t *outlen)
{
    struct scp_request req;
    int in[2], res[2];
    assert_true(scp_parse_command(cmd, &req));
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(res), 0);
    assert_int_equal(write(in[1], input, len), (ssize_t)len);
    close(in[1]);
    int rc = scp_serve(home, &req, in[0], res[1]);
    close(in[0]);
    close(res[1]);
    ssize_t n = read(res[0], out, 4096);
    close(res[0]);
    *outlen = n > 0 ? (size_t)n : 0;
    return rc;
}

static void test_scp_upload(void **state)
{
    (void)state;
    char home[64], path[128], out[4096], back[16] = "";
    size_t n;
    make_home(home, sizeof home);
    static const char up[] = "C0640 5 f.pem\nhello\0";
    assert_int_equal(run_scp(home, "scp -t /home/ksadmin", up, sizeof up - 1, out, &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "\0\0\0", 3);
    snprintf(path, sizeof path, "%s/f.pem", home);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_int_equal(fread(back, 1, sizeof back - 1, f), 5);
    fclose(f);
    assert_string_equal(back, "hello");

    /* A target outside the home is refused before anything is written. */
    assert_int_equal(run_scp(home, "scp -t ../x", up, sizeof up - 1, out, &n), 1);
    assert_true(n > 1);
    assert_int_equal(out[0], 2);
    assert_non_null(memmem(out, n, "outside the home", 16));

    /* A file name that climbs out is a protocol error. */
    static const char evil[] = "C0640 5 ../f.pem\nhello\0";
    assert_int_equal(run_scp(home, "scp -t .", evil, sizeof evil - 1, out, &n), 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 2);

    /* Download: the client acks the start, the C line and the data. */
    assert_int_equal(run_scp(home, "scp -f ~/f.pem", "\0\0\0", 3, out, &n), 0);
    static const char expect[] = "C0640 5 f.pem\nhello";
    assert_int_equal(n, sizeof expect);     /* with the final 0 byte */
    assert_memory_equal(out, expect, sizeof expect);
    assert_int_equal(run_scp(home, "scp -f /etc/passwd", "\0", 1, out, &n), 1);
    assert_int_equal(out[0], 1);

    unlink(path);
    rmdir(home);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_secrets_load(void **state)
{
    (void)state;
    char home[64], path[128], err[512];
    struct sim_secrets s;
    make_home(home, sizeof home);
    snprintf(path, sizeof path, "%s/secrets.conf", home);

    write_file(path, "co_password = \"co-pw-1\";\nbackup_so_password = \"so-pw\";\n", 0644);
    assert_int_equal(lab_secrets_load(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "chmod 600"));

    chmod(path, 0600);
    assert_int_equal(lab_secrets_load(path, &s, err, sizeof err), 0);
    assert_string_equal(s.source_co_password, "co-pw-1");
    assert_string_equal(s.target_co_password, "co-pw-1");
    assert_string_equal(s.backup_so_password, "so-pw");
    assert_string_equal(s.rbs_password, "");

    write_file(path, "co_password = \"co\";\ntarget = { co_password = \"tgt\"; };\n"
                     "backup_so_password = \"so\";\nrbs_password = \"rbs\";\n", 0600);
    assert_int_equal(lab_secrets_load(path, &s, err, sizeof err), 0);
    assert_string_equal(s.source_co_password, "co");
    assert_string_equal(s.target_co_password, "tgt");
    assert_string_equal(s.rbs_password, "rbs");

    write_file(path, "co_password = \"co\";\n", 0600);
    assert_int_equal(lab_secrets_load(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "backup_so_password"));

    write_file(path, "co_password = 12;\nbackup_so_password = \"so\";\n", 0600);
    assert_int_equal(lab_secrets_load(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "co_password"));

    write_file(path, "co_password = \"x\"\n", 0600);
    assert_int_equal(lab_secrets_load(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "secrets.conf:"));

    assert_int_equal(lab_secrets_generate(&s, err, sizeof err), 0);
    assert_int_equal(strlen(s.source_co_password), 16);
    assert_string_not_equal(s.source_co_password, s.target_co_password);
    unlink(path);
    rmdir(home);
}

/* A packet builder for the SFTP filter tests. */
static void b_u32(struct sftp_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    memcpy(b->data + b->len, x, 4);
    b->len += 4;
}

static void b_str(struct sftp_buf *b, const char *s)
{
    b_u32(b, (uint32_t)strlen(s));
    memcpy(b->data + b->len, s, strlen(s));
    b->len += strlen(s);
}

static void b_u8(struct sftp_buf *b, uint8_t v)
{
    b->data[b->len++] = v;
}

static uint32_t at_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The STATUS code of a filter answer (length-prefixed packet in out). */
static uint32_t status_code(const struct sftp_buf *out, uint32_t id)
{
    assert_true(out->len >= 4 + 1 + 8);
    assert_int_equal(out->data[4], 101);
    assert_int_equal(at_u32(out->data + 5), id);
    return at_u32(out->data + 9);
}

static void test_sftp_filter(void **state)
{
    (void)state;
    uint8_t raw[1024];
    char home[64], want[128];
    struct sftp_buf p = {.data = raw}, out = {0};
    make_home(home, sizeof home);

    /* OPEN /home/ksadmin/x.pem: mapped into the home, flags and attributes kept. */
    b_u8(&p, 3); b_u32(&p, 7); b_str(&p, "/home/ksadmin/x.pem"); b_u32(&p, 0x1a); b_u32(&p, 0);
    assert_int_equal(sftp_filter_request(home, p.data, p.len, &out), SFTP_FORWARD);
    snprintf(want, sizeof want, "%s/x.pem", home);
    assert_int_equal(at_u32(out.data), out.len - 4);
    assert_int_equal(out.data[4], 3);
    assert_int_equal(at_u32(out.data + 5), 7);
    assert_int_equal(at_u32(out.data + 9), strlen(want));
    assert_memory_equal(out.data + 13, want, strlen(want));
    assert_int_equal(at_u32(out.data + 13 + strlen(want)), 0x1a);
    assert_int_equal(out.len, 13 + strlen(want) + 8);
    sftp_buf_free(&out);

    /* STAT /etc/passwd and ../x: answered "permission denied", nothing forwarded. */
    const char *bad[] = {"/etc/passwd", "../x", "a/../../x"};
    for (size_t i = 0; i < 3; i++) {
        p.len = 0;
        b_u8(&p, 17); b_u32(&p, 9); b_str(&p, bad[i]);
        assert_int_equal(sftp_filter_request(home, p.data, p.len, &out), SFTP_ANSWER);
        assert_int_equal(status_code(&out, 9), 3);
        sftp_buf_free(&out);
    }
    /* SYMLINK is refused; an unknown extension is unsupported. */
    p.len = 0;
    b_u8(&p, 20); b_u32(&p, 2); b_str(&p, "l"); b_str(&p, "/etc");
    assert_int_equal(sftp_filter_request(home, p.data, p.len, &out), SFTP_ANSWER);
    assert_int_equal(status_code(&out, 2), 3);
    sftp_buf_free(&out);
    p.len = 0;
    b_u8(&p, 200); b_u32(&p, 4); b_str(&p, "home-directory"); b_str(&p, "root");
    assert_int_equal(sftp_filter_request(home, p.data, p.len, &out), SFTP_ANSWER);
    assert_int_equal(status_code(&out, 4), 8);
    sftp_buf_free(&out);
    /* posix-rename maps both paths; a truncated packet is broken. */
    p.len = 0;
    b_u8(&p, 200); b_u32(&p, 5); b_str(&p, "posix-rename@openssh.com"); b_str(&p, "a");
    b_str(&p, "~/b");
    assert_int_equal(sftp_filter_request(home, p.data, p.len, &out), SFTP_FORWARD);
    snprintf(want, sizeof want, "%s/b", home);
    assert_non_null(memmem(out.data, out.len, want, strlen(want)));
    sftp_buf_free(&out);
    assert_int_equal(sftp_filter_request(home, p.data, p.len - 3, &out), SFTP_BROKEN);
    sftp_buf_free(&out);

    /* A NAME reply naming a host path under the home is shown under /home/ksadmin. */
    p.len = 0;
    snprintf(want, sizeof want, "%s/big.bin", home);
    b_u8(&p, 104); b_u32(&p, 11); b_u32(&p, 2); b_str(&p, want); b_str(&p, "");
    b_u32(&p, 0x1); b_u32(&p, 0); b_u32(&p, 42);
    b_str(&p, "rel.pem"); b_str(&p, "-rw------- rel.pem"); b_u32(&p, 0);
    assert_int_equal(sftp_filter_reply(home, p.data, p.len, &out), 0);
    static const char shown[] = "/home/ksadmin/big.bin";
    assert_int_equal(at_u32(out.data), out.len - 4);
    assert_int_equal(at_u32(out.data + 13), strlen(shown));
    assert_memory_equal(out.data + 17, shown, strlen(shown));
    assert_int_equal(at_u32(out.data + 17 + strlen(shown) + 4 + 4 + 4), 42);
    assert_non_null(memmem(out.data, out.len, "-rw------- rel.pem", 18));
    assert_int_equal(out.len, 4 + p.len - strlen(want) + strlen(shown));
    sftp_buf_free(&out);
    assert_int_equal(sftp_filter_reply(home, p.data, 20, &out), -1);
    sftp_buf_free(&out);
    rmdir(home);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults),        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_parse_command), cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_known_hosts_line), cmocka_unit_test(test_scp_upload),
        cmocka_unit_test(test_secrets_load),  cmocka_unit_test(test_sftp_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
