/* rec_util.h: small helpers shared by the record keepers (journal, transcript, session, export):
 * timestamps, SHA-256 in hex, durable writes, folder creation. */
#ifndef ROTWIZ_REC_UTIL_H
#define ROTWIZ_REC_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include <jansson.h>
#include "mask.h"

/* "2026-11-27T09:31:36.123Z" plus NUL. */
#define REC_TIME_LEN 25
/* 64 hex digits plus NUL. */
#define REC_SHA256_HEX 65

/* Formats T (CLOCK_REALTIME) as RFC 3339 UTC with milliseconds into BUF (REC_TIME_LEN). */
void rec_time_format(const struct timespec *t, char buf[REC_TIME_LEN]);

/* The current realtime clock, formatted as above. */
void rec_time_now(char buf[REC_TIME_LEN]);

/* Parses what rec_time_format writes (the fraction is optional) into *T. Returns 0 or -1. */
int rec_time_parse(const char *s, struct timespec *t);

/* Lower-case hex SHA-256 of LEN bytes. Returns 0, or -1 when OpenSSL fails. */
int rec_sha256_hex(const void *data, size_t len, char hex[REC_SHA256_HEX]);

/* Lower-case hex SHA-256 of a file's contents. Returns 0, or -1 with errno set. */
int rec_sha256_file(const char *path, char hex[REC_SHA256_HEX]);

/* write(2) until all of BUF is written or an error other than EINTR. Returns 0 or -1. */
int rec_write_all(int fd, const void *buf, size_t len);

/* mkdir -p with MODE for every folder it creates. Returns 0 or -1 with errno set. */
int rec_mkdirs(const char *path, mode_t mode);

/* Reads a whole file into a NUL-terminated malloc'd buffer; *LEN gets its size. NULL with
 * errno set on failure. */
char *rec_read_file(const char *path, size_t *len);

/* A deep copy of V with every string (at any depth) run through the masker M (NULL: patterns
 * only). NULL when out of memory. */
json_t *rec_json_masked(const json_t *v, const struct masker *m);

/* json_stringn / json_string that never fail on bad UTF-8 (such bytes become '?'). */
json_t *rec_json_stringn(const char *s, size_t len);
json_t *rec_json_string(const char *s);

#endif
