/* journal_verify.c: checking a journal's hash chain, record by record. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "journal.h"
#include "rec_util.h"

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

int journal_check_line(const char *line, size_t len, unsigned long expect_seq,
                       const char *expect_prev, char line_hash[65], char *reason,
                       size_t reasonlen)
{
    int rc = -1;
    char *body = NULL;
    json_t *rec = NULL;
    char want[REC_SHA256_HEX];
    if (len < JOURNAL_HASH_TAIL_LEN + 2) {
        snprintf(reason, reasonlen, "the record is too short to hold its hash");
        goto out;
    }
    const char *tail = line + len - JOURNAL_HASH_TAIL_LEN;
    const size_t key = strlen(JOURNAL_HASH_MEMBER);
    if (memcmp(tail, JOURNAL_HASH_MEMBER, key) != 0 || !all_hex(tail + key, 64) ||
        memcmp(line + len - 2, "\"}", 2) != 0) {
        snprintf(reason, reasonlen, "the record does not end with its hash");
        goto out;
    }
    rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(rec)) {
        snprintf(reason, reasonlen, "the record is not a JSON object");
        goto out;
    }
    size_t blen = len - JOURNAL_HASH_TAIL_LEN;
    body = malloc(blen + 1);
    if (!body) {
        snprintf(reason, reasonlen, "out of memory");
        goto out;
    }
    memcpy(body, line, blen);
    body[blen] = '}';
    if (rec_sha256_hex(body, blen + 1, want) != 0 ||
        memcmp(want, tail + key, 64) != 0) {
        snprintf(reason, reasonlen, "the record's hash does not match its contents");
        goto out;
    }
    json_t *seq = json_object_get(rec, "seq");
    if (!json_is_integer(seq) || json_integer_value(seq) != (json_int_t)expect_seq) {
        snprintf(reason, reasonlen, "seq is not %lu (a record was removed or inserted)",
                 expect_seq);
        goto out;
    }
    const char *prev = json_string_value(json_object_get(rec, "prev"));
    if (!prev || strcmp(prev, expect_prev) != 0) {
        snprintf(reason, reasonlen, "prev does not match the previous record");
        goto out;
    }
    if (!json_is_string(json_object_get(rec, "type")) ||
        !json_is_string(json_object_get(rec, "time"))) {
        snprintf(reason, reasonlen, "the record has no type or time");
        goto out;
    }
    rec_sha256_hex(line, len, line_hash);
    rc = 0;
out:
    json_decref(rec);
    free(body);
    return rc;
}

int journal_verify(const char *path, struct journal_report *r)
{
    size_t len = 0;
    memset(r, 0, sizeof(*r));
    r->bad_seq = -1;
    char *buf = rec_read_file(path, &len);
    if (!buf) {
        snprintf(r->reason, sizeof(r->reason), "%s: %s", path, strerror(errno));
        return -1;
    }
    char prev[REC_SHA256_HEX];
    memcpy(prev, JOURNAL_GENESIS, sizeof(prev));
    size_t pos = 0, lineno = 0;
    int rc = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl) {
            r->truncated = true;
            break;
        }
        size_t llen = (size_t)(nl - (buf + pos));
        char hash[REC_SHA256_HEX];
        lineno++;
        if (journal_check_line(buf + pos, llen, r->records + 1, prev, hash, r->reason,
                               sizeof(r->reason)) != 0) {
            json_t *rec = json_loadb(buf + pos, llen, 0, NULL);
            json_t *seq = json_object_get(rec, "seq");
            r->bad_seq = json_is_integer(seq) ? (long)json_integer_value(seq) : -1;
            json_decref(rec);
            r->bad_line = lineno;
            rc = 1;
            break;
        }
        memcpy(prev, hash, sizeof(prev));
        r->records++;
        pos += llen + 1;
    }
    r->ok = rc == 0;
    free(buf);
    return rc;
}
