/* assets.h: read-only access to the data files embedded from assets/ at build time. */
#ifndef ROTWIZ_ASSETS_H
#define ROTWIZ_ASSETS_H
#include <stddef.h>

/* Returns the NUL-terminated contents of the embedded file NAME (path relative to assets/,
 * e.g. "flows/backup-password.conf") and stores its length in *len (may be NULL); NULL when
 * absent. */
const char *assets_get(const char *name, size_t *len);

#endif
