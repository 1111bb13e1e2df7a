/* scp_upload.h: copies a local file (e.g. the RBS server.pem) to an appliance over the
 * connection, with the legacy scp protocol on an exec channel (`scp -t`), then reads it back
 * (`scp -f`) and checks size and content. libssh's own scp API is deprecated in 0.10. */
#ifndef ROTWIZ_SCP_UPLOAD_H
#define ROTWIZ_SCP_UPLOAD_H
#include <stddef.h>

struct ssh_conn;
struct ssh_conn_error;

/* Uploads LOCAL_PATH into REMOTE_DIR (NULL or "." = the login directory, e.g. ksadmin's
 * home) under the same base name. REMOTE_PATH (LEN bytes) gets the path used on the
 * appliance ("server.pem" or "DIR/server.pem"). Waits at most TIMEOUT_MS (0 = 60 s) in all.
 * Returns 0, or -1 with ERR filled (category SSHC_E_TRANSFER, or a connection category). */
int scp_upload(struct ssh_conn *c, const char *local_path, const char *remote_dir,
               char *remote_path, size_t len, long timeout_ms, struct ssh_conn_error *err);

#endif
