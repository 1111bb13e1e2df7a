/* fixture_util.h: loads test fixtures from tests/core/fixtures (FIXTURE_DIR). */
#ifndef ROTWIZ_TEST_FIXTURE_UTIL_H
#define ROTWIZ_TEST_FIXTURE_UTIL_H
#include <stddef.h>

/* Reads FIXTURE_DIR/NAME whole into a malloc'd, NUL-terminated string; aborts the test when
 * the file cannot be read. */
char *fixture_load(const char *name);
/* Same, then turns every "\n" into "\r\n" (for CRLF variants of a fixture). */
char *fixture_load_crlf(const char *name);
/* Same, then replaces every TAB at the start of a line by INDENT (for indentation variants). */
char *fixture_load_indent(const char *name, const char *indent);

#endif
