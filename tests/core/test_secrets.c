/* test_secrets.c: the secrets file (mode refusal, FILE:LINE errors) and the secret store
 * (resolution order, asking, ASK_UNAVAILABLE / cancel messages, forget, enumeration). */
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
#include "secret_store.h"
#include "secrets_file.h"

static char tmpdir[] = "/tmp/rotwiz-secrets-XXXXXX";

/* Writes TEXT to DIR/NAME with MODE; returns the path (static buffer per call site). */
static void write_file(char *path, size_t len, const char *name, const char *text, mode_t mode)
{
    snprintf(path, len, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd);
}

static const char full_file[] =
    "co_password = \"shared-co\";\n"
    "source = { co_password = \"source-co\"; };\n"
    "backup_so_password = \"backup-so\";\n"
    "backup_partition_password = \"backup-part\";\n"
    "rbs_password = \"rbs-pw\";\n";

/* A sink that answers ASK_SECRET from a script and counts the questions. */
struct fake_ui {
    int rc;                    /* ASK_ANSWERED / ASK_CANCELLED / ASK_UNAVAILABLE */
    const char *answer;
    int asked;
    char last_key[64];
    char last_prompt[256];
    enum core_ask_type last_type;
    struct secret_store *store;   /* enumerated during ask: must not deadlock */
    int values_during_ask;
};

static void count_value(void *ud, const char *value)
{
    (void)value;
    (*(int *)ud)++;
}

static int fake_ask(void *ud, const struct core_ask *q, struct core_answer *a)
{
    struct fake_ui *ui = ud;
    ui->asked++;
    ui->last_type = q->type;
    snprintf(ui->last_key, sizeof ui->last_key, "%s", q->key ? q->key : "");
    snprintf(ui->last_prompt, sizeof ui->last_prompt, "%s", q->prompt ? q->prompt : "");
    if (ui->store != NULL) {
        ui->values_during_ask = 0;
        secret_store_values(ui->store, count_value, &ui->values_during_ask);
    }
    if (ui->rc == ASK_ANSWERED)
        snprintf(a->text, sizeof a->text, "%s", ui->answer);
    return ui->rc;
}

static void count_secret(void *ud, const char *key, int role, const char *value)
{
    (void)key;
    (void)role;
    count_value(ud, value);
}

static void test_file_values(void **state)
{
    (void)state;
    char path[512], err[1024] = "";
    write_file(path, sizeof path, "full.conf", full_file, 0600);
    struct secret_store *s = secret_store_new(NULL);
    assert_non_null(s);
    assert_true(secret_store_load_file(s, path, err, sizeof err));
    /* the appliance's own value wins over the shared one */
    assert_string_equal(secret_get(s, "co_password", ROLE_SOURCE), "source-co");
    /* the target has none of its own: the shared one */
    assert_string_equal(secret_get(s, "co_password", ROLE_TARGET), "shared-co");
    assert_string_equal(secret_get(s, "co_password", SECRET_NO_ROLE), "shared-co");
    assert_string_equal(secret_get(s, "backup_so_password", SECRET_NO_ROLE), "backup-so");
    assert_string_equal(secret_get(s, "backup_partition_password", SECRET_NO_ROLE), "backup-part");
    assert_string_equal(secret_get(s, "rbs_password", SECRET_NO_ROLE), "rbs-pw");
    assert_int_equal(secret_store_status(s), SECRET_OK);
    assert_string_equal(secret_store_error(s), "");
    secret_store_free(s);
}

static void test_target_override(void **state)
{
    (void)state;
    char path[512], err[1024] = "";
    write_file(path, sizeof path, "target.conf",
               "target = { co_password = \"target-co\"; };\nco_password = \"shared-co\";\n", 0400);
    struct secret_store *s = secret_store_new(NULL);
    assert_true(secret_store_load_file(s, path, err, sizeof err));
    assert_string_equal(secret_get(s, "co_password", ROLE_TARGET), "target-co");
    assert_string_equal(secret_get(s, "co_password", ROLE_SOURCE), "shared-co");
    secret_store_free(s);
}

static void test_mode_refused(void **state)
{
    (void)state;
    static const mode_t modes[] = {0640, 0604, 0644, 0660, 0610};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char path[512], err[1024] = "", want[1400];
        int called = 0;
        write_file(path, sizeof path, "loose.conf", full_file, modes[i]);
        assert_false(secrets_file_load(path, count_secret, &called, err, sizeof err));
        snprintf(want, sizeof want, "%s: refused: group or others may read it (mode %04o): run "
                 "chmod 600 %s", path, (unsigned)modes[i], path);
        assert_string_equal(err, want);
        assert_int_equal(called, 0);
    }
}

/* Each bad file and its exact message; no message may contain a value. */
static void test_file_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"co_password = \"secret-zq1\";\nrbs_pasword = \"secret-zq2\";\n",
         ":2: unknown key 'rbs_pasword': remove it or correct its spelling (known keys: "
         "co_password, source, target, backup_so_password, backup_partition_password, "
         "rbs_password)"},
        {"source = {\n  co_password = \"secret-zq1\";\n  so_password = \"secret-zq2\";\n};\n",
         ":3: unknown key 'source.so_password': only co_password may be given per appliance"},
        {"co_password = 1234;\n", ":1: 'co_password' must be a string in double quotes, e.g. "
         "co_password = \"...\";"},
        {"target = \"secret-zq1\";\n", ":1: 'target' must be a group in braces, e.g. target = { "
         "co_password = \"...\"; };"},
        {"target = { co_password = 12; };\n", ":1: 'target.co_password' must be a string in "
         "double quotes, e.g. co_password = \"...\";"},
        {"\nrbs_password = \"\";\n", ":2: 'rbs_password' is empty: give the secret, or remove "
         "the line to be asked for it"},
        {"co_password = \"zq1 zq2 secret\";\n", ":1: 'co_password': holds a space: the device "
         "splits a command at spaces, so the rest would become another word, even an option; "
         "a secret may hold printable ASCII without spaces, quotes or backslashes, not "
         "starting with '-': it is typed into lunacm as an option value (-p, -sop, -pas); "
         "change the secret on the HSM"},
        {"source = { co_password = \"zq1-secret\\npartition clear -force\"; };\n",
         ":1: 'source.co_password': holds a control character (a newline, "
         "carriage return, tab, NUL or escape); remove it: a newline typed into a device ends "
         "the command and starts another one"},
        {"backup_so_password = \"zq1zq2\";\n", ":1: 'backup_so_password': is shorter than 7 "
         "characters; Luna HSMs refuse shorter passwords, and a refused login counts "
         "towards the HSM's lockout: give the full secret"},
        {"rbs_password = \"zq1\";\nco_password = \"zq2-secret\\x00-and-more\";\n",
         ":2: this line holds \\x00 (a NUL byte, a control character); remove it: libconfig "
         "would silently cut the secret short there"},
        {"co_password = \"secret-zq1\"\nrbs_password \"secret-zq2\";\n",
         ":2: syntax error: check the quotes, the '=' and the ';' that ends each setting "
         "(libconfig syntax)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512], err[1024] = "", want[1400];
        write_file(path, sizeof path, "bad.conf", cases[i].text, 0600);
        assert_false(secrets_file_load(path, NULL, NULL, err, sizeof err));
        snprintf(want, sizeof want, "%s%s", path, cases[i].msg);
        assert_string_equal(err, want);
        assert_null(strstr(err, "zq1"));
        assert_null(strstr(err, "zq2"));
    }
    /* a raw NUL byte: the secret would silently end there */
    char path[512], err[1024] = "", want[1400];
    static const char raw[] = "co_password = \"zq1-secret\0zq2\";\n";
    snprintf(path, sizeof path, "%s/nul.conf", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fwrite(raw, 1, sizeof raw - 1, f);
    fclose(f);
    chmod(path, 0600);
    assert_false(secrets_file_load(path, NULL, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s:1: this line holds a NUL byte (a control character); "
             "remove it: libconfig would silently cut the secret short there", path);
    assert_string_equal(err, want);
    assert_false(secrets_file_load("/nonexistent/secrets.conf", NULL, NULL, err, sizeof err));
    assert_string_equal(err, "/nonexistent/secrets.conf: cannot read the secrets file: "
                        "No such file or directory");
}

static void test_unavailable(void **state)
{
    (void)state;
    char path[512], err[1024] = "", want[1400];
    write_file(path, sizeof path, "partial.conf", "co_password = \"co-secret\";\n", 0600);
    struct fake_ui ui = {.rc = ASK_UNAVAILABLE};
    struct core_sink sink = {.ask = fake_ask, .ud = &ui};
    struct secret_store *s = secret_store_new(&sink);
    assert_true(secret_store_load_file(s, path, err, sizeof err));
    assert_null(secret_get(s, "rbs_password", SECRET_NO_ROLE));
    assert_int_equal(secret_store_status(s), SECRET_UNAVAILABLE);
    snprintf(want, sizeof want, "missing secret rbs_password: add it to the secrets file %s or "
             "run on a terminal", path);
    assert_string_equal(secret_store_error(s), want);
    assert_int_equal(ui.asked, 1);
    assert_string_equal(ui.last_key, "rbs_password");
    /* a later success clears the error */
    assert_string_equal(secret_get(s, "co_password", ROLE_TARGET), "co-secret");
    assert_string_equal(secret_store_error(s), "");
    secret_store_free(s);

    /* no sink at all, no secrets file */
    s = secret_store_new(NULL);
    assert_null(secret_get(s, "backup_so_password", SECRET_NO_ROLE));
    assert_int_equal(secret_store_status(s), SECRET_UNAVAILABLE);
    assert_string_equal(secret_store_error(s), "missing secret backup_so_password: add it to a "
                        "secrets file (--secrets FILE) or run on a terminal");
    secret_store_free(s);
}

static void test_ask_and_keep_per_role(void **state)
{
    (void)state;
    struct fake_ui ui = {.rc = ASK_ANSWERED, .answer = "typed-src"};
    struct core_sink sink = {.ask = fake_ask, .ud = &ui};
    struct secret_store *s = secret_store_new(&sink);
    ui.store = s;
    assert_true(secret_store_set(s, "rbs_password", SECRET_NO_ROLE, "r"));
    assert_string_equal(secret_get(s, "co_password", ROLE_SOURCE), "typed-src");
    assert_int_equal(ui.asked, 1);
    assert_int_equal(ui.last_type, ASK_SECRET);
    assert_string_equal(ui.last_key, "co_password");
    assert_non_null(strstr(ui.last_prompt, "source"));
    assert_int_equal(ui.values_during_ask, 1);   /* the store was usable while asking */
    /* kept: not asked again */
    assert_string_equal(secret_get(s, "co_password", ROLE_SOURCE), "typed-src");
    assert_int_equal(ui.asked, 1);
    /* the source's answer is never used for the target */
    ui.answer = "typed-tgt";
    assert_string_equal(secret_get(s, "co_password", ROLE_TARGET), "typed-tgt");
    assert_int_equal(ui.asked, 2);
    assert_non_null(strstr(ui.last_prompt, "target"));
    secret_store_free(s);
}

static void test_cancel(void **state)
{
    (void)state;
    struct fake_ui ui = {.rc = ASK_CANCELLED};
    struct core_sink sink = {.ask = fake_ask, .ud = &ui};
    struct secret_store *s = secret_store_new(&sink);
    assert_null(secret_get(s, "backup_partition_password", SECRET_NO_ROLE));
    assert_int_equal(secret_store_status(s), SECRET_CANCELLED);
    assert_string_equal(secret_store_error(s),
                        "cancelled: secret backup_partition_password was not given");
    /* an empty answer is no answer */
    ui.rc = ASK_ANSWERED;
    ui.answer = "";
    assert_null(secret_get(s, "backup_partition_password", SECRET_NO_ROLE));
    assert_int_equal(secret_store_status(s), SECRET_CANCELLED);
    secret_store_free(s);
}

/* An answer that breaks the rule is refused before use and asked again, the rule in the
 * prompt; three refusals give up like a missing secret (exit 2), naming the rule only. */
static void test_asked_again_when_refused(void **state)
{
    (void)state;
    struct fake_ui ui = {.rc = ASK_ANSWERED, .answer = "bad pass 1"};
    struct core_sink sink = {.ask = fake_ask, .ud = &ui};
    struct secret_store *s = secret_store_new(&sink);
    assert_null(secret_get(s, "co_password", ROLE_SOURCE));
    assert_int_equal(ui.asked, 3);
    assert_int_equal(secret_store_status(s), SECRET_UNAVAILABLE);
    assert_non_null(strstr(secret_store_error(s), "secret co_password refused 3 times before "
                           "use: it holds a space"));
    assert_null(strstr(secret_store_error(s), "bad pass"));
    assert_non_null(strstr(ui.last_prompt, "That secret was refused before use: it holds a "
                           "space"));
    ui.answer = "good-pass\nrole login";
    assert_null(secret_get(s, "co_password", ROLE_SOURCE));
    assert_non_null(strstr(secret_store_error(s), "control character"));
    ui.asked = 0;
    ui.answer = "good-pass-1";
    assert_string_equal(secret_get(s, "co_password", ROLE_SOURCE), "good-pass-1");
    assert_int_equal(ui.asked, 1);
    secret_store_free(s);
}

static void test_forget(void **state)
{
    (void)state;
    struct fake_ui ui = {.rc = ASK_ANSWERED, .answer = "retyped"};
    struct core_sink sink = {.ask = fake_ask, .ud = &ui};
    struct secret_store *s = secret_store_new(&sink);
    secret_store_set(s, "co_password", SECRET_NO_ROLE, "shared");
    assert_string_equal(secret_get(s, "co_password", ROLE_SOURCE), "shared");
    /* rejected on the source: the source asks, the target keeps the shared value */
    secret_forget(s, "co_password", ROLE_SOURCE);
    assert_string_equal(secret_get(s, "co_password", ROLE_SOURCE), "retyped");
    assert_int_equal(ui.asked, 1);
    assert_string_equal(secret_get(s, "co_password", ROLE_TARGET), "shared");
    assert_int_equal(ui.asked, 1);
    /* forgetting the shared value */
    secret_forget(s, "co_password", SECRET_NO_ROLE);
    ui.answer = "new-shared";
    assert_string_equal(secret_get(s, "co_password", ROLE_TARGET), "new-shared");
    assert_int_equal(ui.asked, 2);
    secret_store_free(s);
}

/* secret_store_adopt: only the exact key and role, never a forgotten value, never over a value
 * the destination holds, never by asking. */
static void test_adopt(void **state)
{
    (void)state;
    struct fake_ui ui = {.rc = ASK_UNAVAILABLE};
    struct core_sink sink = {.ask = fake_ask, .ud = &ui};
    struct secret_store *src = secret_store_new(NULL), *dst = secret_store_new(&sink);
    secret_store_set(src, "backup_so_password", SECRET_NO_ROLE, "so-pass-1");
    secret_store_set(src, "co_password", ROLE_SOURCE, "source-co-1");
    secret_store_set(src, "rbs_password", SECRET_NO_ROLE, "rbs-1");
    secret_store_set(dst, "rbs_password", SECRET_NO_ROLE, "rbs-from-file");
    assert_true(secret_store_adopt(dst, src, "backup_so_password", SECRET_NO_ROLE));
    assert_string_equal(secret_get(dst, "backup_so_password", SECRET_NO_ROLE), "so-pass-1");
    assert_false(secret_store_adopt(dst, src, "rbs_password", SECRET_NO_ROLE));
    assert_string_equal(secret_get(dst, "rbs_password", SECRET_NO_ROLE), "rbs-from-file");
    assert_false(secret_store_adopt(dst, src, "co_password", SECRET_NO_ROLE));
    assert_false(secret_store_adopt(dst, src, "backup_partition_password", SECRET_NO_ROLE));
    secret_forget(src, "backup_so_password", SECRET_NO_ROLE);
    struct secret_store *dst2 = secret_store_new(&sink);
    assert_false(secret_store_adopt(dst2, src, "backup_so_password", SECRET_NO_ROLE));
    assert_int_equal(ui.asked, 0);
    secret_store_free(dst2);
    secret_store_free(dst);
    secret_store_free(src);
}

struct collected {
    char all[512];
    int n;
};

static void collect(void *ud, const char *value)
{
    struct collected *c = ud;
    strncat(c->all, value, sizeof c->all - strlen(c->all) - 2);
    strcat(c->all, ",");
    c->n++;
}

static void test_values(void **state)
{
    (void)state;
    char path[512], err[1024] = "";
    write_file(path, sizeof path, "full.conf", full_file, 0600);
    struct secret_store *s = secret_store_new(NULL);
    assert_true(secret_store_load_file(s, path, err, sizeof err));
    struct collected c = {"", 0};
    secret_store_values(s, collect, &c);
    assert_int_equal(c.n, 5);
    assert_string_equal(c.all, "shared-co,source-co,backup-so,backup-part,rbs-pw,");
    secret_forget(s, "rbs_password", SECRET_NO_ROLE);
    c = (struct collected){"", 0};
    secret_store_values(s, collect, &c);
    assert_int_equal(c.n, 4);
    assert_null(strstr(c.all, "rbs-pw"));
    secret_store_free(s);
    secret_store_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_values),   cmocka_unit_test(test_target_override),
        cmocka_unit_test(test_mode_refused),  cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_unavailable),   cmocka_unit_test(test_ask_and_keep_per_role),
        cmocka_unit_test(test_cancel),        cmocka_unit_test(test_forget),
        cmocka_unit_test(test_values),        cmocka_unit_test(test_asked_again_when_refused),
        cmocka_unit_test(test_adopt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
