/* test_config.c: the configuration file: every error paired with its exact message
 * (config_errors/NAME.conf, expected message on the first comment line), a complete file,
 * defaults, ~ expansion and what each command requires. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"

#define FIXTURE(name) FIXTURE_DIR "/" name

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The expected message: first line without "# ", every "FILE" replaced by PATH. */
static void expected_message(const char *path, char *out, size_t len)
{
    char line[1024], *p = line;
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    assert_true(strncmp(line, "# ", 2) == 0);
    p += 2;
    out[0] = '\0';
    for (char *hit; (hit = strstr(p, "FILE")) != NULL; p = hit + 4) {
        strncat(out, p, (size_t)(hit - p));
        strncat(out, path, len - strlen(out) - 1);
    }
    strncat(out, p, len - strlen(out) - 1);
}

static void test_error_pairs(void **state)
{
    (void)state;
    DIR *d = opendir(CONFIG_ERRORS_DIR);
    char *names[128];
    size_t n = 0;
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL && n < 128)
        if (strstr(e->d_name, ".conf") != NULL)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    assert_true(n >= 20);
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        char path[1024], want[2048], err[1024] = "";
        struct rotwiz_config cfg;
        snprintf(path, sizeof path, "%s/%s", CONFIG_ERRORS_DIR, names[i]);
        expected_message(path, want, sizeof want);
        bool ok = config_load(path, &cfg, err, sizeof err);
        if (ok || strcmp(err, want) != 0) {
            fprintf(stderr, "%s:\n  want: %s\n  got:  %s\n", names[i], want,
                    ok ? "(loaded)" : err);
            failures++;
        }
        assert_null(cfg.path);   /* a failed load leaves nothing behind */
        config_free(&cfg);
        free(names[i]);
    }
    assert_int_equal(failures, 0);
}

static void test_good_config(void **state)
{
    (void)state;
    struct rotwiz_config cfg;
    char err[512] = "";
    setenv("HOME", "/home/tester", 1);
    assert_true(config_load(FIXTURE("good.conf"), &cfg, err, sizeof err));
    assert_string_equal(err, "");
    assert_string_equal(cfg.path, FIXTURE("good.conf"));
    assert_int_equal(cfg.auth, CONFIG_AUTH_PED);
    assert_string_equal(config_auth_name(cfg.auth), "ped");
    assert_int_equal(cfg.auth_line, 2);
    assert_string_equal(cfg.workstation.address, "192.0.2.10");
    assert_string_equal(cfg.workstation.luna_client_dir, "/home/tester/lunaclient");
    assert_int_equal(cfg.workstation.rbs_port, 11792);
    assert_int_equal(cfg.workstation.ped_port, 11503);
    const struct config_appliance *s = &cfg.appliance[ROLE_SOURCE];
    assert_true(s->present);
    assert_int_equal(s->line, 9);
    assert_string_equal(s->host, "k570-a.example.net");
    assert_int_equal(s->port, 2222);
    assert_string_equal(s->user, "admin2");
    assert_string_equal(s->identity, "/home/tester/.ssh/id_ed25519");
    assert_string_equal(s->known_hosts, "/etc/rotwiz/known_hosts");
    assert_string_equal(s->luna_bin, "/opt/luna+7/bin");   /* a path on the appliance */
    const struct config_appliance *t = &cfg.appliance[ROLE_TARGET];
    assert_true(t->present);
    assert_string_equal(t->host, "2001:db8::7");
    assert_int_equal(t->port, 22);
    assert_string_equal(t->user, "ksadmin");
    assert_null(t->identity);
    assert_string_equal(t->known_hosts, "/home/tester/.ssh/known_hosts");
    assert_string_equal(t->luna_bin, "/usr/safenet/lunaclient/bin");
    assert_string_equal(cfg.backup.partition, "rot-backup-2026-11");
    assert_string_equal(cfg.backup.domain, "k570-rot");
    assert_true(config_require(&cfg, true, true, err, sizeof err));
    assert_true(config_require_backup(&cfg, err, sizeof err));
    config_free(&cfg);
    assert_null(cfg.path);
    assert_null(cfg.appliance[ROLE_SOURCE].host);
}

static void test_defaults_and_require(void **state)
{
    (void)state;
    struct rotwiz_config cfg;
    char err[512] = "";
    setenv("HOME", "/home/tester", 1);
    assert_true(config_load(FIXTURE("minimal.conf"), &cfg, err, sizeof err));
    assert_int_equal(cfg.auth, CONFIG_AUTH_PASSWORD);
    assert_string_equal(cfg.workstation.address, "ws-01.lab");
    assert_string_equal(cfg.workstation.luna_client_dir, "/usr/safenet/lunaclient");
    assert_int_equal(cfg.workstation.rbs_port, 1792);
    assert_int_equal(cfg.workstation.ped_port, 1503);
    assert_true(cfg.appliance[ROLE_SOURCE].present);
    assert_int_equal(cfg.appliance[ROLE_SOURCE].port, 22);
    assert_string_equal(cfg.appliance[ROLE_SOURCE].user, "ksadmin");
    assert_false(cfg.appliance[ROLE_TARGET].present);
    assert_false(cfg.backup.present);

    assert_true(config_require(&cfg, true, false, err, sizeof err));
    assert_true(config_require(&cfg, false, false, err, sizeof err));
    assert_false(config_require(&cfg, true, true, err, sizeof err));
    assert_string_equal(err, FIXTURE("minimal.conf") ": missing group 'target': this command "
                        "needs the k570 that receives the keys; add target = { host = \"...\"; };");
    assert_false(config_require_backup(&cfg, err, sizeof err));
    assert_string_equal(err, FIXTURE("minimal.conf") ": missing group 'backup': add backup = { "
                        "partition = \"...\"; domain = \"...\"; };");
    config_free(&cfg);
}

static void test_require_backup_keys(void **state)
{
    (void)state;
    struct rotwiz_config cfg;
    char err[512] = "", path[] = "/tmp/rotwiz-cfg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("auth = \"password\";\nworkstation = { address = \"10.0.0.1\"; };\n"
          "backup = {\n  domain = \"d\";\n};\n", f);
    fclose(f);
    assert_true(config_load(path, &cfg, err, sizeof err));
    assert_false(config_require_backup(&cfg, err, sizeof err));
    char want[512];
    snprintf(want, sizeof want, "%s:3: missing key 'backup.partition': add partition = \"...\"; "
             "with the partition name on the Backup HSM", path);
    assert_string_equal(err, want);
    config_free(&cfg);

    f = fopen(path, "w");
    fputs("auth = \"password\";\nworkstation = { address = \"10.0.0.1\"; };\n"
          "backup = { partition = \"p\"; };\n", f);
    fclose(f);
    assert_true(config_load(path, &cfg, err, sizeof err));
    assert_false(config_require_backup(&cfg, err, sizeof err));
    snprintf(want, sizeof want, "%s:3: missing key 'backup.domain': password-authenticated HSMs "
             "need the cloning domain; add domain = \"...\";", path);
    assert_string_equal(err, want);
    config_free(&cfg);

    /* PED HSMs take the domain from the red key: no domain needed */
    f = fopen(path, "w");
    fputs("auth = \"ped\";\nworkstation = { address = \"10.0.0.1\"; };\n"
          "backup = { partition = \"p\"; };\n", f);
    fclose(f);
    assert_true(config_load(path, &cfg, err, sizeof err));
    assert_true(config_require_backup(&cfg, err, sizeof err));
    config_free(&cfg);
    unlink(path);
}

static void test_missing_file(void **state)
{
    (void)state;
    struct rotwiz_config cfg;
    char err[512];
    assert_false(config_load("/nonexistent/rotwiz.conf", &cfg, err, sizeof err));
    assert_string_equal(err, "/nonexistent/rotwiz.conf: cannot read the configuration: "
                        "No such file or directory");
    config_free(&cfg);
}

static void test_expand_path(void **state)
{
    (void)state;
    struct {
        const char *in, *out;
    } cases[] = {
        {"~", "/home/x"},          {"~/", "/home/x/"},       {"~/a/b", "/home/x/a/b"},
        {"~bob/a", "~bob/a"},      {"/abs/~/p", "/abs/~/p"}, {"rel", "rel"},
    };
    setenv("HOME", "/home/x", 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = config_expand_path(cases[i].in);
        assert_string_equal(p, cases[i].out);
        free(p);
    }
    assert_null(config_expand_path(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_pairs),
        cmocka_unit_test(test_good_config),
        cmocka_unit_test(test_defaults_and_require),
        cmocka_unit_test(test_require_backup_keys),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_expand_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
