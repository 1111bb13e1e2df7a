/* Journal and session read-back: the chain, tampering, a crash, resuming, listing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include "rec_test.h"
#include "session.h"

/* Independent of rec_util: hex SHA-256 straight from OpenSSL. */
static void sha_hex(const char *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned n = 0;
    assert_true(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL));
    for (unsigned i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

static const char *const flow_steps[] = {"check-source", "login-source", "backup", "verify"};

/* A session that got to "backup" and recorded objects; returns its folder in DIR. */
static void record_session(const char *state, struct masker *m, char *dir, size_t len,
                           bool end)
{
    char err[256];
    struct session *s = session_create(state, "backup", m, 0, err, sizeof(err));
    assert_non_null(s);
    struct journal *j = session_journal(s);
    assert_int_equal(journal_operator(j, "alice"), 0);
    assert_int_equal(journal_witness(j, "bob"), 0);
    assert_int_equal(journal_witness(j, "carol"), 0);
    struct journal_appliance a = {.role = "source", .host = "k570-a", .serial = "1238696044912",
                                  .client_version = "10.4.0"};
    assert_int_equal(journal_appliance(j, &a), 0);
    assert_int_equal(session_step_start(s, "check-source", "Check the source"), 0);
    tx_append(session_transcript(s), NULL, "source", TX_SENT, "slot list");
    assert_int_equal(session_step_done(s, "check-source", NULL), 0);
    assert_int_equal(session_step_start(s, "login-source", "Log in as Crypto Officer"), 0);
    tx_append(session_transcript(s), NULL, "source", TX_SENT,
              "role login -name co -password Tr0ub4dor");
    assert_int_equal(session_step_failed(s, "login-source", "wrong password", 5), 0);
    assert_int_equal(session_step_start(s, "login-source", "Log in as Crypto Officer"), 0);
    assert_int_equal(session_step_done(s, "login-source", "logged in"), 0);
    struct journal_object objs[] = {{"rot-key-1", "Symmetric Key", "42", NULL},
                                    {"rot-key-2", "Private Key", "43", "7a2f-0043"}};
    assert_int_equal(journal_objects(j, "login-source", "source", objs, 2), 0);
    assert_int_equal(journal_decision(j, "backup", "Replace the backup?", "append"), 0);
    assert_int_equal(journal_confirmation(j, "backup", "PED keys inserted", NULL), 0);
    assert_int_equal(journal_note(j, "backup", "secret is Tr0ub4dor"), 0);
    assert_int_equal(session_step_start(s, "backup", "Back up the partition"), 0);
    if (end)
        assert_int_equal(session_end(s, 0, "done"), 0);
    snprintf(dir, len, "%s", session_path(s));
    session_close(s);
}

static void test_chain_written_and_verified(void **state)
{
    (void)state;
    char tmp[PATH_MAX], dir[SESSION_PATH_MAX], jp[SESSION_PATH_MAX + 32];
    rt_tempdir(tmp, sizeof(tmp));
    struct masker *m = mask_new();
    mask_add_secret(m, "Tr0ub4dor");
    record_session(tmp, m, dir, sizeof(dir), true);
    snprintf(jp, sizeof(jp), "%s/%s", dir, SESSION_JOURNAL);
    struct journal_report r;
    assert_int_equal(journal_verify(jp, &r), 0);
    assert_true(r.ok);
    assert_false(r.truncated);
    assert_int_equal(r.records, 17);
    /* Check the chain by hand, the way an outside auditor would. */
    size_t len;
    char *buf = rt_slurp(jp, &len);
    char prev[65] = JOURNAL_GENESIS;
    long seq = 1;
    for (char *p = buf, *nl; (nl = strchr(p, '\n')); p = nl + 1, seq++) {
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, NULL);
        assert_non_null(o);
        assert_int_equal(json_integer_value(json_object_get(o, "seq")), seq);
        assert_string_equal(json_string_value(json_object_get(o, "prev")), prev);
        assert_int_equal(strlen(json_string_value(json_object_get(o, "time"))), 24);
        char hash[65], want[65];
        snprintf(hash, sizeof(hash), "%s", json_string_value(json_object_get(o, "hash")));
        json_object_del(o, "hash");
        char *body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        sha_hex(body, strlen(body), want);
        assert_string_equal(hash, want);
        free(body);
        json_decref(o);
        sha_hex(p, (size_t)(nl - p), prev);
    }
    assert_int_equal(seq, 18);
    assert_null(strstr(buf, "Tr0ub4dor"));
    assert_non_null(strstr(buf, "\"type\":\"session-start\""));
    free(buf);
    mask_free(m);
    rt_rmtree(tmp);
}

/* Changes the byte at the middle of line LINE (1-based) of PATH. */
static void tamper(const char *path, int line, char to)
{
    size_t len;
    char *buf = rt_slurp(path, &len);
    char *p = buf;
    for (int i = 1; i < line; i++)
        p = strchr(p, '\n') + 1;
    char *title = strstr(p, "\"title\":\"");
    assert_non_null(title);
    assert_true(title < strchr(p, '\n'));
    title[10] = to;
    rt_write(path, buf, len);
    free(buf);
}

static void test_tamper_names_record(void **state)
{
    (void)state;
    char tmp[PATH_MAX], dir[SESSION_PATH_MAX], jp[SESSION_PATH_MAX + 32];
    rt_tempdir(tmp, sizeof(tmp));
    record_session(tmp, NULL, dir, sizeof(dir), true);
    snprintf(jp, sizeof(jp), "%s/%s", dir, SESSION_JOURNAL);
    tamper(jp, 8, 'X');    /* record 8 is the second step-start, in the middle */
    struct journal_report r;
    assert_int_equal(journal_verify(jp, &r), 1);
    assert_false(r.ok);
    assert_int_equal(r.bad_line, 8);
    assert_int_equal(r.bad_seq, 8);
    assert_int_equal(r.records, 7);
    assert_non_null(strstr(r.reason, "hash"));
    struct session_summary sum;
    char err[256];
    assert_int_equal(session_load(dir, &sum, err, sizeof(err)), 0);
    assert_false(sum.chain_ok);
    assert_int_equal(sum.bad_line, 8);
    session_summary_free(&sum);
    rt_rmtree(tmp);
}

/* Flipping any single byte (but the final newline, which reads as a crash) breaks the record
 * that holds it, and verify names exactly that record. */
static void test_every_byte_flip_detected(void **state)
{
    (void)state;
    char tmp[PATH_MAX], dir[SESSION_PATH_MAX], jp[SESSION_PATH_MAX + 32];
    rt_tempdir(tmp, sizeof(tmp));
    record_session(tmp, NULL, dir, sizeof(dir), true);
    snprintf(jp, sizeof(jp), "%s/%s", dir, SESSION_JOURNAL);
    size_t len;
    char *orig = rt_slurp(jp, &len);
    char *buf = malloc(len);
    size_t line = 1;
    for (size_t i = 0; i + 1 < len; i++) {
        memcpy(buf, orig, len);
        buf[i] ^= 0x01;
        rt_write(jp, buf, len);
        struct journal_report r;
        if (journal_verify(jp, &r) != 1 || r.bad_line != line)
            fail_msg("byte %zu (line %zu): verify said line %zu", i, line, r.bad_line);
        if (orig[i] == '\n')
            line++;
    }
    rt_write(jp, orig, len);
    struct journal_report r;
    assert_int_equal(journal_verify(jp, &r), 0);
    free(buf);
    free(orig);
    rt_rmtree(tmp);
}

static void test_removed_record_is_seen(void **state)
{
    (void)state;
    char tmp[PATH_MAX], dir[SESSION_PATH_MAX], jp[SESSION_PATH_MAX + 32];
    rt_tempdir(tmp, sizeof(tmp));
    record_session(tmp, NULL, dir, sizeof(dir), true);
    snprintf(jp, sizeof(jp), "%s/%s", dir, SESSION_JOURNAL);
    size_t len;
    char *buf = rt_slurp(jp, &len);
    char *l5 = buf;
    for (int i = 1; i < 5; i++)
        l5 = strchr(l5, '\n') + 1;
    char *l6 = strchr(l5, '\n') + 1;
    memmove(l5, l6, len - (size_t)(l6 - buf));
    rt_write(jp, buf, len - (size_t)(l6 - l5));
    free(buf);
    struct journal_report r;
    assert_int_equal(journal_verify(jp, &r), 1);
    assert_int_equal(r.bad_line, 5);
    assert_int_equal(r.bad_seq, 6);
    rt_rmtree(tmp);
}

static void test_crash_then_load_and_resume(void **state)
{
    (void)state;
    char tmp[PATH_MAX], dir[SESSION_PATH_MAX], jp[SESSION_PATH_MAX + 32], err[256];
    rt_tempdir(tmp, sizeof(tmp));
    record_session(tmp, NULL, dir, sizeof(dir), false);
    snprintf(jp, sizeof(jp), "%s/%s", dir, SESSION_JOURNAL);
    /* A crash in the middle of writing "step-done backup". */
    FILE *f = fopen(jp, "ab");
    fputs("{\"seq\":17,\"time\":\"2026-11-27T10:00:00.000Z\",\"type\":\"step-do", f);
    fclose(f);
    struct journal_report r;
    assert_int_equal(journal_verify(jp, &r), 0);
    assert_true(r.truncated);
    assert_int_equal(r.records, 16);

    struct session_summary sum;
    assert_int_equal(session_load(dir, &sum, err, sizeof(err)), 0);
    assert_true(sum.truncated);
    assert_true(sum.chain_ok);
    assert_false(sum.ended);
    assert_int_equal(sum.records, 16);
    assert_string_equal(sum.flow, "backup");
    assert_string_equal(sum.operator_name, "alice");
    assert_int_equal(sum.witness_count, 2);
    assert_string_equal(sum.witnesses[1], "carol");
    assert_int_equal(sum.appliance_count, 1);
    assert_string_equal(sum.appliances[0].serial, "1238696044912");
    assert_string_equal(sum.appliances[0].client_version, "10.4.0");
    assert_string_equal(sum.last_step, "backup");
    assert_int_equal(sum.step_count, 3);
    assert_int_equal(session_step_state(&sum, "check-source"), STEP_DONE);
    assert_int_equal(session_step_state(&sum, "login-source"), STEP_DONE);
    assert_int_equal(session_step_state(&sum, "backup"), STEP_CURRENT);
    assert_int_equal(session_step_state(&sum, "verify"), STEP_PENDING);
    assert_int_equal(session_resume_index(&sum, flow_steps, 4), 2);
    assert_int_equal(sum.object_list_count, 1);
    assert_int_equal(sum.object_lists[0].count, 2);
    assert_string_equal(sum.object_lists[0].where, "source");
    assert_string_equal(sum.object_lists[0].objects[1].label, "rot-key-2");
    assert_string_equal(sum.object_lists[0].objects[1].type, "Private Key");
    assert_string_equal(sum.object_lists[0].objects[1].handle, "43");
    /* the Object UID is kept (a restore checks a backup's provenance by it) */
    assert_string_equal(sum.object_lists[0].objects[1].uid, "7a2f-0043");
    assert_string_equal(sum.object_lists[0].objects[0].uid, "");
    session_summary_free(&sum);

    /* Resume: the broken tail goes, the chain continues, the run can end. */
    struct session *s = session_reopen(dir, NULL, 0, err, sizeof(err));
    assert_non_null(s);
    assert_null(session_reopen(dir, NULL, 0, err, sizeof(err)));    /* one writer only */
    assert_int_equal(journal_last_seq(session_journal(s)), 17);
    assert_int_equal(session_step_done(s, "backup", NULL), 0);
    assert_int_equal(session_end(s, 0, "done"), 0);
    session_close(s);
    assert_int_equal(journal_verify(jp, &r), 0);
    assert_false(r.truncated);
    assert_int_equal(r.records, 19);
    assert_int_equal(session_load(dir, &sum, err, sizeof(err)), 0);
    assert_true(sum.ended);
    assert_int_equal(sum.resumes, 1);
    assert_int_equal(session_step_state(&sum, "backup"), STEP_DONE);
    assert_int_equal(session_resume_index(&sum, flow_steps, 4), 3);
    session_summary_free(&sum);
    rt_rmtree(tmp);
}

static void test_folders_and_list(void **state)
{
    (void)state;
    char tmp[PATH_MAX], state_dir[PATH_MAX + 32], buf[2 * PATH_MAX], err[256];
    rt_tempdir(tmp, sizeof(tmp));
    snprintf(state_dir, sizeof(state_dir), "%s/deep/er/rotwiz", tmp);
    char d1[SESSION_PATH_MAX], d2[SESSION_PATH_MAX];
    record_session(state_dir, NULL, d1, sizeof(d1), true);
    struct session *s = session_create(state_dir, "restore", NULL, 0, err, sizeof(err));
    assert_non_null(s);
    snprintf(d2, sizeof(d2), "%s", session_path(s));
    const char *id = session_id(s);
    /* <YYYYmmdd-HHMMSSZ>-<flow>-<6 hex> */
    assert_int_equal(strlen(id), 16 + 1 + 7 + 1 + 6);
    assert_int_equal(id[8], '-');
    assert_int_equal(id[15], 'Z');
    assert_memory_equal(id + 16, "-restore-", 9);
    session_close(s);
    struct stat st;
    assert_int_equal(stat(d2, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(buf, sizeof(buf), "%s/sessions", state_dir);
    assert_int_equal(stat(buf, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(buf, sizeof(buf), "%s/%s", d2, SESSION_TRANSCRIPT);
    assert_int_equal(stat(buf, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    struct session_entry *list;
    size_t n;
    assert_int_equal(session_list(state_dir, &list, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 2);
    int backup = strcmp(list[0].flow, "backup") == 0 ? 0 : 1;
    assert_string_equal(list[backup].flow, "backup");
    assert_true(list[backup].ended);
    assert_string_equal(list[1 - backup].flow, "restore");
    assert_false(list[1 - backup].ended);
    assert_true(strcmp(list[0].id, list[1].id) < 0);
    free(list);
    assert_int_equal(session_list(tmp, &list, &n, err, sizeof(err)), 0);   /* no sessions/ */
    assert_int_equal(n, 0);
    free(list);
    rt_rmtree(tmp);
}

static void test_default_state_dir(void **state)
{
    (void)state;
    char buf[PATH_MAX];
    setenv("XDG_STATE_HOME", "/x/state", 1);
    assert_int_equal(session_default_state_dir(buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/x/state/rotwiz");
    setenv("XDG_STATE_HOME", "relative", 1);    /* the spec ignores relative paths */
    setenv("HOME", "/home/op", 1);
    assert_int_equal(session_default_state_dir(buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/home/op/.local/state/rotwiz");
}

static void test_bad_utf8_kept(void **state)
{
    (void)state;
    char tmp[PATH_MAX], jp[PATH_MAX + 32], err[256];
    rt_tempdir(tmp, sizeof(tmp));
    snprintf(jp, sizeof(jp), "%s/journal.jsonl", tmp);
    struct journal *j = journal_open(jp, NULL, err, sizeof(err));
    assert_non_null(j);
    assert_int_equal(journal_note(j, "s\xff", "bad \xc3 byte"), 0);
    journal_close(j);
    struct journal_report r;
    assert_int_equal(journal_verify(jp, &r), 0);
    assert_int_equal(r.records, 1);
    assert_true(rt_file_contains(jp, "\"text\":\"bad ? byte\""));
    assert_true(rt_file_contains(jp, "\"step\":\"s?\""));
    rt_rmtree(tmp);
}

/* Records written by an earlier build still verify and load. */
static void test_fixture_sessions(void **state)
{
    (void)state;
    struct journal_report r;
    struct session_summary sum;
    char err[256];
    assert_int_equal(journal_verify(REC_FIXTURES "/ended/journal.jsonl", &r), 0);
    assert_int_equal(r.records, 13);
    assert_int_equal(session_load(REC_FIXTURES "/ended", &sum, err, sizeof(err)), 0);
    assert_true(sum.chain_ok);
    assert_true(sum.ended);
    assert_string_equal(sum.operator_name, "alice");
    assert_int_equal(session_resume_index(&sum, flow_steps, 3), 3);
    session_summary_free(&sum);

    assert_int_equal(journal_verify(REC_FIXTURES "/crashed/journal.jsonl", &r), 0);
    assert_true(r.truncated);
    assert_int_equal(r.records, 12);
    assert_int_equal(session_load(REC_FIXTURES "/crashed", &sum, err, sizeof(err)), 0);
    assert_false(sum.ended);
    assert_true(sum.truncated);
    assert_string_equal(sum.last_step, "backup");
    assert_int_equal(session_step_state(&sum, "backup"), STEP_DONE);
    assert_int_equal(sum.object_list_count, 1);
    assert_string_equal(sum.object_lists[0].objects[0].label, "rot-********");
    session_summary_free(&sum);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_written_and_verified),
        cmocka_unit_test(test_tamper_names_record),
        cmocka_unit_test(test_every_byte_flip_detected),
        cmocka_unit_test(test_removed_record_is_seen),
        cmocka_unit_test(test_crash_then_load_and_resume),
        cmocka_unit_test(test_folders_and_list),
        cmocka_unit_test(test_default_state_dir),
        cmocka_unit_test(test_bad_utf8_kept),
        cmocka_unit_test(test_fixture_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
