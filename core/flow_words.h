/* flow_words.h: failures said in words, not only codes (internal to the core). */
#ifndef ROTWIZ_FLOW_WORDS_H
#define ROTWIZ_FLOW_WORDS_H
#include "flow_ctx.h"

/* CKR_CERTIFICATE_INVALID: what cloning between two cloning domains answers. */
#define LUNA_CKR_CERTIFICATE_INVALID 0x8000000bUL

/* The last non-blank line HOST printed (the transcript's received lines) into BUF; false when
 * none. */
bool flow_last_line(struct flow_ctx *fx, const char *host, char *buf, size_t len);

/* An archive command (VERB "backup" or "restore") ended with RC and result R: a mismatch of
 * cloning domains is reported in words (the cause and the fix replaced). Returns RC. */
int flow_archive_failed(struct flow_ctx *fx, const struct conv_result *r, const char *verb,
                        int rc);

#endif
