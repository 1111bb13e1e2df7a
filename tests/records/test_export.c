/* Export: text order, JSON Lines, asciicast v2, the manifest, a broken chain, and that a
 * registered secret appears in no file of the session folder or of any export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include "export.h"
#include "rec_test.h"
#include "session.h"

#define SECRET "Zq9!hunter2-xyzzy"

struct fixture {
    char tmp[1024];
    char dir[SESSION_PATH_MAX];
    struct masker *m;
};

/* A backup session: three steps with lines in each, the secret in many shapes. */
static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    char err[256];
    rt_tempdir(fx->tmp, sizeof(fx->tmp));
    fx->m = mask_new();
    mask_add_secret(fx->m, SECRET);
    struct session *s = session_create(fx->tmp, "backup", fx->m, 0, err, sizeof(err));
    assert_non_null(s);
    struct journal *j = session_journal(s);
    struct transcript *tx = session_transcript(s);
    journal_operator(j, "alice");
    journal_witness(j, "bob");
    struct journal_appliance a = {.role = "source", .host = "k570-a", .serial = "1234"};
    journal_appliance(j, &a);
    session_step_start(s, "check-source", "Check the source");
    tx_append(tx, NULL, "source", TX_SENT, "slot list");
    tx_append(tx, NULL, "source", TX_RECEIVED, "\tSlot Id ->              3\n\tLabel -> rot");
    session_step_done(s, "check-source", NULL);
    session_step_start(s, "login-source", "Log in");
    tx_append(tx, NULL, "source", TX_SENT, "role login -name co -password " SECRET);
    tx_append(tx, NULL, "source", TX_RECEIVED, "Enter password for Crypto Officer: " SECRET);
    tx_append(tx, NULL, "source", TX_RECEIVED, "echo " SECRET " \x1b[0m");
    tx_append(tx, NULL, "rotwiz", TX_INFO, "logged in");
    session_step_done(s, "login-source", "value " SECRET);
    session_step_start(s, "backup", "Back up the partition");
    tx_append(tx, NULL, "source", TX_SENT, "partition archive backup -slot 5 -sopassword '"
                                           SECRET "' -password=" SECRET);
    struct journal_object objs[] = {{"rot-" SECRET, "Symmetric Key", "42", NULL}};
    journal_objects(j, "backup", "backup", objs, 1);
    journal_note(j, "backup", "typed " SECRET);
    session_step_done(s, "backup", NULL);
    session_end(s, 0, "ok");
    snprintf(fx->dir, sizeof(fx->dir), "%s", session_path(s));
    session_close(s);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    mask_free(fx->m);
    if (!getenv("ROTWIZ_TEST_KEEP"))    /* keep the files to look at them */
        rt_rmtree(fx->tmp);
    free(fx);
    return 0;
}

static void export_to(struct fixture *fx, enum export_format fmt, const char *name, char *path,
                      size_t len, int want)
{
    char err[512];
    snprintf(path, len, "%s/%s", fx->tmp, name);
    int rc = export_session(fx->dir, fmt, path, err, sizeof(err));
    if (rc != want)
        fail_msg("export %s gave %d: %s", name, rc, err);
}

/* Each NEEDLE appears in TEXT, in this order. */
static void assert_in_order(const char *text, const char *const *needles, size_t n)
{
    const char *at = text;
    for (size_t i = 0; i < n; i++) {
        const char *hit = strstr(at, needles[i]);
        if (!hit)
            fail_msg("\"%s\" missing or out of order", needles[i]);
        at = hit + strlen(needles[i]);
    }
}

static void test_text(void **state)
{
    struct fixture *fx = *state;
    char path[PATH_MAX];
    export_to(fx, EXPORT_TEXT, "record.txt", path, sizeof(path), EXPORT_OK);
    char *t = rt_slurp(path, NULL);
    assert_non_null(t);
    const char *order[] = {
        "Flow:        backup", "Operator:    alice", "Witnesses:   bob",
        "Appliance:   source k570-a, serial 1234", "Ended:", "hash chain verified",
        "[done]     check-source: Check the source",
        "=== STEP check-source: Check the source ===",
        "[source] > slot list",
        "[source] <         Slot Id ->              3",
        "[source] < ",
        "=== DONE check-source",
        "=== STEP login-source: Log in ===",
        "[source] > role login -name co -password ********",
        "[source] < Enter password for Crypto Officer: ********",
        "[source] < echo ******** ^[[0m",
        "[rotwiz] - logged in",
        "=== DONE login-source detail=value ********",
        "=== STEP backup",
        "-sopassword ******** -password=********",
        "--- objects [backup] where=backup",
        "object: label=rot-******** type=Symmetric Key handle=42",
        "--- note [backup] text=typed ********",
        "=== DONE backup",
        "--- session-end exit_code=0 message=ok",
    };
    assert_in_order(t, order, sizeof(order) / sizeof(order[0]));
    assert_null(strstr(t, "WARNING"));
    assert_null(strchr(t, '\x1b'));
    free(t);
}

static void test_jsonl(void **state)
{
    struct fixture *fx = *state;
    char path[PATH_MAX];
    export_to(fx, EXPORT_JSONL, "record.jsonl", path, sizeof(path), EXPORT_OK);
    char *t = rt_slurp(path, NULL);
    int n = 0, journal = 0, lines = 0;
    long last_seq = 0;
    char step_open[64] = "";
    for (char *p = t, *nl; (nl = strchr(p, '\n')); p = nl + 1, n++) {
        json_error_t e;
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, &e);
        if (!o)
            fail_msg("line %d is not JSON: %s", n + 1, e.text);
        const char *kind = json_string_value(json_object_get(o, "kind"));
        assert_non_null(kind);
        if (n == 0) {
            assert_string_equal(kind, "export");
            assert_true(json_is_true(json_object_get(o, "chain_ok")));
        } else if (!strcmp(kind, "journal")) {
            long seq = (long)json_integer_value(json_object_get(o, "seq"));
            assert_int_equal(seq, last_seq + 1);
            last_seq = seq;
            journal++;
            const char *type = json_string_value(json_object_get(o, "type"));
            if (!strcmp(type, "step-start"))
                snprintf(step_open, sizeof(step_open), "%s",
                         json_string_value(json_object_get(o, "step")));
            else if (!strcmp(type, "step-done"))
                step_open[0] = '\0';
        } else {
            assert_string_equal(kind, "transcript");
            /* Every line sits between its step's start and done. */
            assert_string_not_equal(step_open, "");
            assert_string_equal(json_string_value(json_object_get(o, "step")), step_open);
            lines++;
        }
        json_decref(o);
    }
    assert_int_equal(journal, 13);
    assert_int_equal(lines, 8);
    free(t);
}

static void test_cast(void **state)
{
    struct fixture *fx = *state;
    char path[PATH_MAX];
    export_to(fx, EXPORT_CAST, "record.cast", path, sizeof(path), EXPORT_OK);
    char *t = rt_slurp(path, NULL);
    char *nl = strchr(t, '\n');
    json_t *h = json_loadb(t, (size_t)(nl - t), 0, NULL);
    assert_non_null(h);
    assert_int_equal(json_integer_value(json_object_get(h, "version")), 2);
    assert_true(json_is_integer(json_object_get(h, "width")));
    assert_true(json_integer_value(json_object_get(h, "width")) > 0);
    assert_true(json_is_integer(json_object_get(h, "height")));
    assert_true(json_is_integer(json_object_get(h, "timestamp")));
    assert_true(json_is_object(json_object_get(h, "env")));
    assert_non_null(strstr(json_string_value(json_object_get(h, "title")), "backup"));
    json_decref(h);
    double last = 0;
    int markers = 0, out = 0, sent = 0;
    for (char *p = nl + 1; (nl = strchr(p, '\n')); p = nl + 1) {
        json_t *ev = json_loadb(p, (size_t)(nl - p), 0, NULL);
        assert_true(json_is_array(ev));
        assert_int_equal(json_array_size(ev), 3);
        assert_true(json_is_number(json_array_get(ev, 0)));
        double at = json_number_value(json_array_get(ev, 0));
        assert_true(at >= last);
        last = at;
        const char *code = json_string_value(json_array_get(ev, 1));
        const char *text = json_string_value(json_array_get(ev, 2));
        assert_non_null(text);
        if (!strcmp(code, "m")) {
            markers++;
        } else {
            assert_string_equal(code, "o");
            size_t len = strlen(text);
            assert_true(len >= 2 && !strcmp(text + len - 2, "\r\n"));
            sent += strncmp(text, "\x1b[1;36m> ", 9) == 0;
            out++;
        }
        json_decref(ev);
    }
    assert_int_equal(markers, 3);
    assert_int_equal(sent, 3);
    assert_true(out >= 8);
    assert_non_null(strstr(t, ", \"m\", \"Check the source\"]"));
    free(t);

    /* asciinema itself accepts it (it needs a terminal: script(1) provides one). */
    if (system("command -v asciinema >/dev/null && command -v script >/dev/null") != 0) {
        skip();
        return;
    }
    char cmd[3 * PATH_MAX], shown[PATH_MAX + 16];
    snprintf(shown, sizeof(shown), "%s.shown", path);
    snprintf(cmd, sizeof(cmd), "script -qec 'asciinema cat %s' /dev/null </dev/null >%s 2>&1",
             path, shown);
    assert_int_equal(system(cmd), 0);
    assert_true(rt_file_contains(shown, "role login -name co -password ********"));
    assert_false(rt_file_contains(shown, "Traceback"));
}

/* Checks FILE.sha256 with OpenSSL, line by line, from FILE's folder. */
static void check_manifest(const char *file, int want_lines)
{
    char mpath[PATH_MAX + 16], dir[PATH_MAX];
    snprintf(mpath, sizeof(mpath), "%s.sha256", file);
    snprintf(dir, sizeof(dir), "%s", file);
    *strrchr(dir, '/') = '\0';
    char *m = rt_slurp(mpath, NULL);
    assert_non_null(m);
    int n = 0;
    for (char *p = m, *nl; (nl = strchr(p, '\n')); p = nl + 1, n++) {
        *nl = '\0';
        assert_true(strlen(p) > 66);
        assert_memory_equal(p + 64, "  ", 2);
        char target[2 * PATH_MAX];
        snprintf(target, sizeof(target), "%s/%s", dir, p + 66);
        size_t len;
        char *data = rt_slurp(target, &len);
        assert_non_null(data);
        unsigned char md[32];
        char hex[65];
        unsigned mdlen;
        EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
        for (int i = 0; i < 32; i++)
            sprintf(hex + 2 * i, "%02x", md[i]);
        assert_memory_equal(p, hex, 64);
        free(data);
    }
    assert_int_equal(n, want_lines);
    free(m);
}

static void test_manifest(void **state)
{
    struct fixture *fx = *state;
    char path[PATH_MAX], err[256];
    export_to(fx, EXPORT_TEXT, "record.txt", path, sizeof(path), EXPORT_OK);
    check_manifest(path, 3);
    char *m = rt_slurp(path, NULL);
    free(m);
    m = rt_slurp(strcat(strcpy((char[PATH_MAX + 16]){0}, path), ".sha256"), NULL);
    assert_non_null(strstr(m, "  record.txt\n"));
    assert_non_null(strstr(m, "/journal.jsonl\n"));
    assert_non_null(strstr(m, "/transcript.jsonl\n"));
    free(m);
    /* Inside the session folder the session files go by their own names. */
    char inside[SESSION_PATH_MAX + 32];
    snprintf(inside, sizeof(inside), "%s/export.cast", fx->dir);
    assert_int_equal(export_session(fx->dir, EXPORT_CAST, inside, err, sizeof(err)), EXPORT_OK);
    check_manifest(inside, 3);
    snprintf(inside, sizeof(inside), "%s/export.cast.sha256", fx->dir);
    assert_true(rt_file_contains(inside, "  journal.jsonl\n"));

    if (system("command -v sha256sum >/dev/null") != 0)
        return;
    char cmd[3 * PATH_MAX];
    snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum -c --quiet record.txt.sha256 >/dev/null 2>&1",
             fx->tmp);
    assert_int_equal(system(cmd), 0);
    /* A changed export no longer checks. */
    FILE *f = fopen(path, "ab");
    fputs("forged\n", f);
    fclose(f);
    assert_int_not_equal(system(cmd), 0);
}

static void test_broken_chain_warns(void **state)
{
    struct fixture *fx = *state;
    char jp[SESSION_PATH_MAX + 32], path[PATH_MAX];
    snprintf(jp, sizeof(jp), "%s/%s", fx->dir, SESSION_JOURNAL);
    size_t len;
    char *buf = rt_slurp(jp, &len);
    char *title = strstr(buf, "\"Log in\"");
    assert_non_null(title);
    title[1] = 'F';    /* "Fog in" */
    rt_write(jp, buf, len);
    free(buf);
    export_to(fx, EXPORT_TEXT, "broken.txt", path, sizeof(path), EXPORT_WARNING);
    char *t = rt_slurp(path, NULL);
    assert_non_null(strstr(t, "!!! WARNING: THE JOURNAL'S HASH CHAIN IS BROKEN at line 7"));
    assert_true(strstr(t, "WARNING") < strstr(t, "Flow:"));
    assert_non_null(strstr(t, "hash chain BROKEN"));
    free(t);
    export_to(fx, EXPORT_JSONL, "broken.jsonl", path, sizeof(path), EXPORT_WARNING);
    assert_true(rt_file_contains(path, "{\"kind\":\"warning\",\"text\":\"THE JOURNAL"));
    assert_true(rt_file_contains(path, "\"chain_ok\":false"));
    export_to(fx, EXPORT_CAST, "broken.cast", path, sizeof(path), EXPORT_WARNING);
    assert_true(rt_file_contains(path, "WARNING: JOURNAL CHAIN BROKEN\""));
}

static void test_not_ended_and_stdout(void **state)
{
    struct fixture *fx = *state;
    char err[256], path[PATH_MAX];
    struct session *s = session_create(fx->tmp, "restore", fx->m, 0, err, sizeof(err));
    session_step_start(s, "connect", "Connect");
    tx_append(session_transcript(s), NULL, "target", TX_SENT, "slot list");
    char dir[SESSION_PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", session_path(s));
    session_close(s);
    snprintf(path, sizeof(path), "%s/stdout.txt", fx->tmp);
    fflush(stdout);
    int saved = dup(1);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    close(fd);
    int rc = export_session(dir, EXPORT_TEXT, NULL, err, sizeof(err));
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    assert_int_equal(rc, EXPORT_OK);
    assert_true(rt_file_contains(path, "NOT ENDED - the run was interrupted (last step "
                                       "started: connect)"));
    assert_true(rt_file_contains(path, "[target] > slot list"));
    assert_int_equal(export_session(fx->tmp, EXPORT_TEXT, NULL, err, sizeof(err)),
                     EXPORT_FAILED);    /* not a session folder */
    /* Never over the session's own record. */
    char jp[SESSION_PATH_MAX + 32];
    snprintf(jp, sizeof(jp), "%s/%s", dir, SESSION_JOURNAL);
    size_t before = 0, after = 0;
    free(rt_slurp(jp, &before));
    assert_int_equal(export_session(dir, EXPORT_TEXT, jp, err, sizeof(err)), EXPORT_FAILED);
    assert_non_null(strstr(err, "refusing"));
    free(rt_slurp(jp, &after));
    assert_int_equal(before, after);
    enum export_format f;
    assert_int_equal(export_format_parse("cast", &f), 0);
    assert_int_equal(f, EXPORT_CAST);
    assert_int_equal(export_format_parse("pdf", &f), -1);
}

/* The sessions to pick from, newest first with task, time and result; SESSION by its id. */
static void test_list_and_resolve_sessions(void **state)
{
    struct fixture *fx = *state;
    char err[256], buf[SESSION_PATH_MAX + 64];
    struct session *s = session_create(fx->tmp, "restore", fx->m, 0, err, sizeof(err));
    assert_non_null(s);
    session_step_start(s, "connect", "Connect");
    session_close(s);       /* never ended: interrupted */
    struct export_pick picks[8];
    assert_int_equal(export_list_sessions(fx->tmp, picks, 8), 2);
    assert_string_equal(picks[0].flow, "restore");
    assert_true(picks[0].resumable);
    assert_non_null(strstr(picks[0].label, "interrupted (can be resumed)"));
    assert_string_equal(picks[1].flow, "backup");
    assert_false(picks[1].resumable);
    assert_non_null(strstr(picks[1].label, "done (exit 0)"));
    assert_string_equal(picks[1].dir, fx->dir);
    assert_int_equal(export_list_sessions(fx->tmp, picks, 1), 1);
    /* a folder as it is; an id under STATE_DIR/sessions; anything else refused */
    assert_int_equal(export_resolve_session(fx->dir, NULL, buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, fx->dir);
    const char *id = strrchr(fx->dir, '/') + 1;
    assert_int_equal(export_resolve_session(id, fx->tmp, buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, fx->dir);
    assert_int_equal(export_resolve_session("no-such", fx->tmp, buf, sizeof buf, err,
                                            sizeof err), -1);
    assert_non_null(strstr(err, "no-such"));
    assert_int_equal(export_resolve_session("../x", fx->tmp, buf, sizeof buf, err, sizeof err),
                     -1);
}

/* Fails when SECRET is in any file under PATH. */
static void assert_no_secret_under(const char *path, int *files)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[2 * PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
        DIR *sub = opendir(p);
        if (sub) {
            closedir(sub);
            assert_no_secret_under(p, files);
            continue;
        }
        if (rt_file_contains(p, SECRET) || rt_file_contains(p, "hunter2"))
            fail_msg("the secret is in %s", p);
        (*files)++;
    }
    closedir(d);
}

static void test_secret_never_written(void **state)
{
    struct fixture *fx = *state;
    char path[PATH_MAX];
    export_to(fx, EXPORT_TEXT, "s.txt", path, sizeof(path), EXPORT_OK);
    export_to(fx, EXPORT_JSONL, "s.jsonl", path, sizeof(path), EXPORT_OK);
    export_to(fx, EXPORT_CAST, "s.cast", path, sizeof(path), EXPORT_OK);
    int files = 0;
    assert_no_secret_under(fx->tmp, &files);
    assert_int_equal(files, 2 + 6);    /* the session's two files, three exports, manifests */
    /* And the check itself can fail. */
    snprintf(path, sizeof(path), "%s/leak.txt", fx->tmp);
    rt_write(path, "x" SECRET, strlen(SECRET) + 1);
    assert_true(rt_file_contains(path, SECRET));
}

static void test_short_secret_keeps_envelope(void **state)
{
    struct fixture *fx = *state;
    char path[PATH_MAX], err[256];
    struct masker *m = mask_new();
    mask_add_secret(m, "2");    /* appears in every timestamp and many hashes */
    snprintf(path, sizeof(path), "%s/short.jsonl", fx->tmp);
    assert_int_equal(export_session_masked(fx->dir, EXPORT_JSONL, path, m, err, sizeof(err)),
                     EXPORT_OK);
    mask_free(m);
    char *t = rt_slurp(path, NULL);
    int n = 0;
    for (char *p = t, *nl; (nl = strchr(p, '\n')); p = nl + 1, n++) {
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, NULL);
        if (n > 0) {
            const char *time = json_string_value(json_object_get(o, "time"));
            assert_int_equal(strlen(time), 24);    /* untouched */
            const char *hash = json_string_value(json_object_get(o, "hash"));
            if (hash)
                assert_int_equal(strlen(hash), 64);
        }
        const char *text = json_string_value(json_object_get(o, "text"));
        if (text)
            assert_null(strchr(text, '2'));        /* but every other string is masked */
        json_decref(o);
    }
    assert_int_equal(n, 1 + 13 + 8);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jsonl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_chain_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_ended_and_stdout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_never_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_secret_keeps_envelope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_and_resolve_sessions, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
