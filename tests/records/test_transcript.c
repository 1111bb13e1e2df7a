/* Transcript: masked before stored, bounded ring drops the oldest, file lines, escaping,
 * events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>
#include <jansson.h>
#include "rec_test.h"
#include "transcript.h"

static void test_ring_drops_oldest(void **state)
{
    (void)state;
    struct transcript *tx = tx_new(NULL, 3);
    char buf[64], text[64];
    struct tx_entry e;
    for (int i = 1; i <= 5; i++) {
        snprintf(buf, sizeof(buf), "line %d", i);
        assert_int_equal(tx_append_line(tx, "source", TX_RECEIVED, buf, NULL, 0), 0);
    }
    assert_int_equal(tx_count(tx), 3);
    assert_int_equal(tx_total(tx), 5);
    assert_int_equal(tx_get(tx, 0, &e, text, sizeof(text)), 0);
    assert_string_equal(text, "line 3");
    assert_int_equal(e.number, 3);
    assert_string_equal(e.host, "source");
    assert_int_equal(e.dir, TX_RECEIVED);
    assert_int_equal(tx_get(tx, 2, &e, text, sizeof(text)), 0);
    assert_string_equal(text, "line 5");
    assert_int_equal(tx_get(tx, 3, &e, text, sizeof(text)), -1);
    tx_free(tx);
}

static void test_masked_before_stored(void **state)
{
    (void)state;
    struct masker *m = mask_new();
    mask_add_secret(m, "hunter2");
    struct transcript *tx = tx_new(m, 0);
    char masked[128], text[128];
    tx_set_step(tx, "login");
    tx_append_line(tx, "source", TX_SENT, "role login -name co -password hunter2", masked,
                   sizeof(masked));
    assert_string_equal(masked, "role login -name co -password ********");
    tx_append_line(tx, "source", TX_RECEIVED, "echo: hunter2!", NULL, 0);
    struct tx_entry e;
    tx_get(tx, 1, &e, text, sizeof(text));
    assert_string_equal(text, "echo: ********!");
    assert_string_equal(e.step, "login");
    tx_free(tx);
    mask_free(m);
}

struct recorder {
    int count;
    char texts[8][128];
    enum tx_direction dirs[8];
};

static void on_event(void *ud, const struct core_event *ev)
{
    struct recorder *r = ud;
    assert_int_equal(ev->type, EV_TRANSCRIPT_LINE);
    assert_string_equal(ev->u.line.host, "target");
    if (r->count < 8) {
        snprintf(r->texts[r->count], sizeof(r->texts[0]), "%s", ev->u.line.text);
        r->dirs[r->count] = ev->u.line.dir;
    }
    r->count++;
}

static void test_split_and_emit(void **state)
{
    (void)state;
    struct masker *m = mask_new();
    mask_add_secret(m, "s3cr3t");
    struct transcript *tx = tx_new(m, 0);
    struct recorder r = {0};
    struct core_sink sink = {.on_event = on_event, .ud = &r};
    int n = tx_append(tx, &sink, "target", TX_RECEIVED, "one\r\ntwo s3cr3t\n\nthree\n");
    assert_int_equal(n, 4);
    assert_int_equal(r.count, 4);
    assert_string_equal(r.texts[0], "one");
    assert_string_equal(r.texts[1], "two ********");
    assert_string_equal(r.texts[2], "");
    assert_string_equal(r.texts[3], "three");
    assert_int_equal(tx_count(tx), 4);
    assert_int_equal(tx_append_secret(tx, &sink, "target"), 1);
    assert_string_equal(r.texts[4], "********");
    assert_int_equal(r.dirs[4], TX_SENT);
    tx_free(tx);
    mask_free(m);
}

static void test_file_lines(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX + 32], err[256];
    rt_tempdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/transcript.jsonl", dir);
    struct masker *m = mask_new();
    mask_add_secret(m, "topsecret");
    struct transcript *tx = tx_new(m, 2);
    assert_int_equal(tx_open_file(tx, path, err, sizeof(err)), 0);
    tx_set_step(tx, "connect");
    tx_append(tx, NULL, "source", TX_SENT, "slot list");
    tx_append(tx, NULL, "source", TX_RECEIVED, "pw topsecret\n\x1b[1mbold");
    tx_append(tx, NULL, "workstation", TX_INFO, "done");
    assert_int_equal(tx_sync(tx), 0);
    tx_free(tx);
    /* All four lines reach the file even though the ring keeps two. */
    size_t len = 0;
    char *buf = rt_slurp(path, &len);
    assert_non_null(buf);
    assert_null(strstr(buf, "topsecret"));
    int lines = 0;
    for (char *p = buf, *nl; (nl = strchr(p, '\n')); p = nl + 1, lines++) {
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, NULL);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "step")), "connect");
        assert_non_null(json_string_value(json_object_get(o, "time")));
        if (lines == 1) {
            assert_string_equal(json_string_value(json_object_get(o, "text")), "pw ********");
            assert_string_equal(json_string_value(json_object_get(o, "dir")), "received");
        }
        if (lines == 2)
            assert_string_equal(json_string_value(json_object_get(o, "text")), "\x1b[1mbold");
        if (lines == 3)
            assert_string_equal(json_string_value(json_object_get(o, "host")), "workstation");
        json_decref(o);
    }
    assert_int_equal(lines, 4);
    free(buf);
    /* A crash left half a line: reopening cuts it and goes on cleanly. */
    FILE *f = fopen(path, "ab");
    fputs("{\"time\":\"2026-", f);
    fclose(f);
    tx = tx_new(m, 0);
    assert_int_equal(tx_open_file(tx, path, err, sizeof(err)), 0);
    tx_append(tx, NULL, "source", TX_SENT, "after");
    tx_free(tx);
    buf = rt_slurp(path, &len);
    assert_null(strstr(buf, "{\"time\":\"2026-{"));
    assert_non_null(strstr(buf, "\"after\""));
    free(buf);
    mask_free(m);
    rt_rmtree(dir);
}

struct writer {
    struct transcript *tx;
    const char *host;
};

static void *write_lines(void *arg)
{
    struct writer *w = arg;
    char line[128];
    for (int i = 0; i < 500; i++) {
        snprintf(line, sizeof(line), "%s line %d key%d", w->host, i, i % 50);
        tx_append_line(w->tx, w->host, TX_RECEIVED, line, NULL, 0);
    }
    return NULL;
}

/* Two writers and a masker growing meanwhile: every line whole, every line in the file. */
static void test_threads(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX + 32], err[256];
    rt_tempdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/transcript.jsonl", dir);
    struct masker *m = mask_new();
    struct transcript *tx = tx_new(m, 100);
    assert_int_equal(tx_open_file(tx, path, err, sizeof(err)), 0);
    struct writer a = {tx, "source"}, b = {tx, "target"};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, write_lines, &a);
    pthread_create(&tb, NULL, write_lines, &b);
    char key[16];
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        mask_add_secret(m, key);
    }
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(tx_total(tx), 1000);
    assert_int_equal(tx_count(tx), 100);
    tx_free(tx);
    mask_free(m);
    char *buf = rt_slurp(path, NULL);
    int lines = 0;
    for (char *p = buf, *nl; (nl = strchr(p, '\n')); p = nl + 1, lines++) {
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, NULL);
        assert_non_null(o);
        const char *text = json_string_value(json_object_get(o, "text"));
        const char *host = json_string_value(json_object_get(o, "host"));
        assert_memory_equal(text, host, strlen(host));    /* never another writer's text */
        json_decref(o);
    }
    assert_int_equal(lines, 1000);
    free(buf);
    rt_rmtree(dir);
}

static void expect_escaped(const char *in, const char *want)
{
    char out[256];
    size_t n = tx_escape_controls(in, out, sizeof(out));
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_escape_controls(void **state)
{
    (void)state;
    expect_escaped("plain text", "plain text");
    expect_escaped("\x1b[31mred\x1b[0m", "^[[31mred^[[0m");
    expect_escaped("a\rb\x07" "c\x7f", "a\\x0Db\\x07c\\x7F");
    expect_escaped("\tSlot Id ->\t3", "        Slot Id ->      3");
    expect_escaped("caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac");     /* UTF-8 kept */
    expect_escaped("bad \xff\xc3 end", "bad \\xFF\\xC3 end");
    expect_escaped("c1 \xc2\x9b", "c1 \\x9B");
    /* Never cut inside an escape. */
    char small[6];
    size_t n = tx_escape_controls("ab\x1b\x1b", small, sizeof(small));
    assert_string_equal(small, "ab^[");
    assert_int_equal(n, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_drops_oldest),
        cmocka_unit_test(test_masked_before_stored),
        cmocka_unit_test(test_split_and_emit),
        cmocka_unit_test(test_file_lines),
        cmocka_unit_test(test_escape_controls),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
