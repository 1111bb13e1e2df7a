/* k570_fs.h: the little file system a k570 shows its ksadmin user. The Luna client's bin
 * folder is virtual (lunacm, vtl); ksadmin's home is the real folder
 * DIR/appliances/NAME/home, so files uploaded with scp/sftp appear there. */
#ifndef SIM_K570_FS_H
#define SIM_K570_FS_H
#include <stddef.h>

#define KFS_BIN "/usr/safenet/lunaclient/bin"
#define KFS_HOME "/home/ksadmin"

enum kfs_kind { KFS_NONE, KFS_DIR, KFS_FILE, KFS_PROGRAM };

/* Makes PATH absolute and canonical (no ".", "..", "~" or double slashes) against CWD. */
void kfs_normalize(const char *cwd, const char *path, char *out, size_t len);
/* What the absolute virtual path VPATH is, given ksadmin's real home folder HOME_REAL. */
enum kfs_kind kfs_stat(const char *home_real, const char *vpath);
/* The real path behind VPATH (only under KFS_HOME). Returns 0 or -1. */
int kfs_real(const char *home_real, const char *vpath, char *out, size_t len);
/* Lists the entries of directory VPATH, sorted, hidden ones only when ALL. Returns the count
 * (at most MAX) or -1 when VPATH is not a directory. */
int kfs_list(const char *home_real, const char *vpath, int all, char names[][256], int max);

#endif
