/* test_validate.c: the rules of every kind of value (validate.h) on the hostile inputs of
 * issue 8 (newlines, injected options, shell metacharacters, NUL bytes), the limits, and
 * sh_quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validate.h"

struct vcase {
    enum value_kind kind;
    const char *value;
    bool ok;
    const char *why_part;   /* a piece of the reason when refused */
};

static void check_cases(const struct vcase *c, size_t n)
{
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        char why[512] = "";
        bool ok = validate_value(c[i].kind, c[i].value, why, sizeof why);
        bool reason_ok = ok || c[i].why_part == NULL || strstr(why, c[i].why_part) != NULL;
        if (ok != c[i].ok || !reason_ok) {
            fprintf(stderr, "case %zu (%s, \"%s\"): got %s: %s\n", i,
                    validate_kind_name(c[i].kind), c[i].value, ok ? "ok" : "refused", why);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

static void test_command_words(void **state)
{
    (void)state;
    static const struct vcase cases[] = {
        {VK_PARTITION, "rot-backup-2026-11", true, NULL},
        {VK_PARTITION, "rot_backup.v2", true, NULL},
        {VK_PARTITION, "rot-backup\npartition clear -force", false, "control character"},
        {VK_PARTITION, "rot-backup -replace", false, "holds a space (character 11)"},
        {VK_PARTITION, "-replace", false, "starts with '-'"},
        {VK_PARTITION, "rot\"backup", false, "not allowed (character 4)"},
        {VK_PARTITION, "rot;backup", false, "letters, digits"},
        {VK_PARTITION, "", false, "is empty"},
        {VK_PARTITION, "a2345678901234567890123456789012", true, NULL},
        {VK_PARTITION, "a23456789012345678901234567890123", false, "longer than 32"},
        {VK_PARTITION, "r\xc3\xb6t", false, "not allowed"},
        {VK_DOMAIN, "k570-rot", true, NULL},
        {VK_DOMAIN, "Dom@in#1!", true, NULL},
        {VK_DOMAIN, "k570 rot", false, "space"},
        {VK_DOMAIN, "k570\rrot", false, "control character"},
        {VK_DOMAIN, "-x", false, "'-'"},
        {VK_DOMAIN, "a'b", false, "quotes"},
        {VK_HOST, "k570-a.example.net", true, NULL},
        {VK_HOST, "2001:db8::7", true, NULL},
        {VK_HOST, "-oProxyCommand=x", false, "'-'"},
        {VK_HOST, "k570 -p 23", false, "space"},
        {VK_USER, "ksadmin", true, NULL},
        {VK_USER, "ks admin", false, "space"},
        {VK_USER, "ks$admin", false, "not allowed"},
        {VK_USER, "-l", false, "'-'"},
        {VK_REMOTE_PATH, "/usr/safenet/lunaclient/bin", true, NULL},
        {VK_REMOTE_PATH, "/opt/luna+1/bin", true, NULL},
        {VK_REMOTE_PATH, "~/bin", false, "not an absolute path"},
        {VK_REMOTE_PATH, "bin", false, "absolute"},
        {VK_REMOTE_PATH, "/bin;rm -rf /", false, "not allowed"},
        {VK_REMOTE_PATH, "/bin/$(reboot)", false, "shell"},
        {VK_REMOTE_PATH, "/bin dir", false, "space"},
        {VK_REMOTE_PATH, "/a`b`", false, "not allowed"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_secrets_and_names(void **state)
{
    (void)state;
    static const struct vcase cases[] = {
        {VK_SECRET, "Source-CO-1", true, NULL},
        {VK_SECRET, "-leading!dash", false, "'-'"},   /* typed as an option value: -p -x... */
        {VK_SECRET, "quo\"ted12", false, "quotes"},
        {VK_SECRET, "back\\slash", false, "backslashes"},
        {VK_RBS_SECRET, "-leading!dash", true, NULL}, /* rbs asks for it at a prompt */
        {VK_SECRET, "abcdef", false, "shorter than 7"},
        {VK_SECRET, "abcdefg", true, NULL},
        {VK_SECRET, "pass word1", false, "space"},
        {VK_SECRET, "password\npartition clear -force", false, "control character"},
        {VK_SECRET, "p\xc3\xa4" "ssword", false, "printable ASCII"},
        {VK_RBS_SECRET, "rbs", true, NULL},
        {VK_RBS_SECRET, "rb s", false, "space"},
        {VK_PERSON, "Ana Mar\xc3\xad" "a Souza", true, NULL},
        {VK_PERSON, "-x", true, NULL},
        {VK_PERSON, "", false, "is empty"},
        {VK_PERSON, "Ana\x1b[2J", false, "control character"},
        {VK_PERSON, "Ana\xc2\x9b" "2J", false, "control character"},   /* C1 CSI */
        {VK_PERSON, "Ana\x7f", false, "control character"},
        {VK_LOCAL_PATH, "/home/op/My Keys/id_ed25519", true, NULL},
        {VK_LOCAL_PATH, "/tmp/a\nb", false, "control character"},
        {VK_LOCAL_PATH, "-rf", false, "'-'"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

/* A secret's reason never quotes the secret. */
static void test_reason_never_holds_the_value(void **state)
{
    (void)state;
    const char *bad[] = {"hunter2 with space", "hunter2\nnext", "hunt\xc3\xa4" "r2", "hunt"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char why[512];
        assert_false(validate_value(VK_SECRET, bad[i], why, sizeof why));
        assert_null(strstr(why, "hunt"));
        assert_true(strlen(why) > 20);
        assert_non_null(strchr(why, ';'));   /* rule; fix */
    }
}

static void test_embedded_nul(void **state)
{
    (void)state;
    char why[512];
    const char v[] = "rot-backup\0-replace";
    assert_true(validate_value(VK_PARTITION, v, why, sizeof why));   /* stops at the NUL */
    assert_false(validate_value_n(VK_PARTITION, v, sizeof v - 1, why, sizeof why));
    assert_non_null(strstr(why, "control character (character 11"));
    assert_false(validate_value(VK_PARTITION, NULL, why, sizeof why));
    assert_false(validate_value(VK_COUNT, "x", why, sizeof why));
    /* WHY may be NULL, or too short */
    assert_false(validate_value(VK_USER, "a b", NULL, 0));
    char tiny[8];
    assert_false(validate_value(VK_USER, "a b", tiny, sizeof tiny));
    assert_int_equal(strlen(tiny), 7);
}

static void test_limits(void **state)
{
    (void)state;
    assert_int_equal(validate_min_len(VK_SECRET), 7);
    assert_int_equal(validate_max_len(VK_SECRET), 255);
    assert_int_equal(validate_max_len(VK_PARTITION), 32);
    char big[300];
    memset(big, 'a', sizeof big);
    big[255] = '\0';
    assert_true(validate_value(VK_SECRET, big, NULL, 0));
    big[255] = 'a';
    big[256] = '\0';
    assert_false(validate_value(VK_SECRET, big, NULL, 0));
    /* names count characters, not bytes */
    char name[200] = "";
    for (int i = 0; i < 64; i++)
        strcat(name, "\xc3\xa9");
    assert_true(validate_value(VK_PERSON, name, NULL, 0));
    strcat(name, "e");
    assert_false(validate_value(VK_PERSON, name, NULL, 0));
}

static void test_sh_quote(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(sh_quote("/usr/bin", out, sizeof out), 10);
    assert_string_equal(out, "'/usr/bin'");
    assert_int_equal(sh_quote("it's", out, sizeof out), 9);
    assert_string_equal(out, "'it'\\''s'");
    assert_int_equal(sh_quote("", out, sizeof out), 2);
    assert_string_equal(out, "''");
    assert_int_equal(sh_quote("a;$(b)`c`", out, sizeof out), 11);
    assert_string_equal(out, "'a;$(b)`c`'");
    /* cut output: still terminated, length says what was needed */
    char small[5];
    assert_int_equal(sh_quote("abcdef", small, sizeof small), 8);
    assert_string_equal(small, "'abc");
    assert_int_equal(sh_quote("abc", NULL, 0), 5);
    /* the quoted text survives a real shell */
    char cmd[256], q[128];
    sh_quote("x'; echo injected; '", q, sizeof q);
    snprintf(cmd, sizeof cmd, "printf %%s %s", q);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char got[128] = "";
    assert_non_null(fgets(got, sizeof got, p));
    pclose(p);
    assert_string_equal(got, "x'; echo injected; '");
}

/* A plain path or address is typed as the vendor writes it; anything else is quoted. */
static void test_sh_word(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(sh_word("/usr/safenet/lunaclient/bin", out, sizeof out), 27);
    assert_string_equal(out, "/usr/safenet/lunaclient/bin");
    assert_int_equal(sh_word("192.0.2.10", out, sizeof out), 10);
    assert_string_equal(out, "192.0.2.10");
    sh_word("/opt/a b;rm", out, sizeof out);
    assert_string_equal(out, "'/opt/a b;rm'");
    sh_word("", out, sizeof out);
    assert_string_equal(out, "''");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_words),
        cmocka_unit_test(test_secrets_and_names),
        cmocka_unit_test(test_reason_never_holds_the_value),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_sh_quote),
        cmocka_unit_test(test_sh_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
