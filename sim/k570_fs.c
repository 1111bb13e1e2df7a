/* k570_fs.c: see k570_fs.h. */
#include "k570_fs.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct kfs_fixed {
    const char *path;
    const char *children[3];
};

/* The virtual part of the tree: each folder and what it holds. */
static const struct kfs_fixed fixed[] = {
    {"/", {"home", "usr", NULL}},
    {"/home", {"ksadmin", NULL, NULL}},
    {"/usr", {"safenet", NULL, NULL}},
    {"/usr/safenet", {"lunaclient", NULL, NULL}},
    {"/usr/safenet/lunaclient", {"bin", NULL, NULL}},
    {KFS_BIN, {"lunacm", "vtl", NULL}},
};

void kfs_normalize(const char *cwd, const char *path, char *out, size_t len)
{
    char buf[1024];
    if (path[0] == '~' && (path[1] == '\0' || path[1] == '/'))
        snprintf(buf, sizeof buf, "%s%s", KFS_HOME, path + 1);
    else if (path[0] == '/')
        snprintf(buf, sizeof buf, "%s", path);
    else
        snprintf(buf, sizeof buf, "%s/%s", cwd, path);
    /* Rebuild component by component. */
    char res[1024] = "";
    size_t rlen = 0;
    char *save = NULL;
    for (char *comp = strtok_r(buf, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            char *slash = strrchr(res, '/');
            rlen = slash ? (size_t)(slash - res) : 0;
            res[rlen] = '\0';
            continue;
        }
        int w = snprintf(res + rlen, sizeof res - rlen, "/%s", comp);
        if (w > 0 && (size_t)w < sizeof res - rlen)
            rlen += (size_t)w;
    }
    snprintf(out, len, "%s", rlen ? res : "/");
}

static const struct kfs_fixed *fixed_dir(const char *vpath)
{
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(fixed[i].path, vpath) == 0)
            return &fixed[i];
    return NULL;
}

int kfs_real(const char *home_real, const char *vpath, char *out, size_t len)
{
    size_t hl = strlen(KFS_HOME);
    if (strncmp(vpath, KFS_HOME, hl) != 0 || (vpath[hl] != '\0' && vpath[hl] != '/'))
        return -1;
    snprintf(out, len, "%s%s", home_real, vpath + hl);
    return 0;
}

enum kfs_kind kfs_stat(const char *home_real, const char *vpath)
{
    char real[1024];
    struct stat st;
    if (fixed_dir(vpath))
        return KFS_DIR;
    if (strcmp(vpath, KFS_BIN "/lunacm") == 0 || strcmp(vpath, KFS_BIN "/vtl") == 0)
        return KFS_PROGRAM;
    if (kfs_real(home_real, vpath, real, sizeof real) != 0 || stat(real, &st) != 0)
        return KFS_NONE;
    return S_ISDIR(st.st_mode) ? KFS_DIR : KFS_FILE;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int kfs_list(const char *home_real, const char *vpath, int all, char names[][256], int max)
{
    const struct kfs_fixed *f = fixed_dir(vpath);
    int n = 0;
    if (f) {
        for (int i = 0; i < 3 && f->children[i] && n < max; i++)
            snprintf(names[n++], 256, "%s", f->children[i]);
        return n;
    }
    char real[1024];
    if (kfs_real(home_real, vpath, real, sizeof real) != 0)
        return -1;
    DIR *d = opendir(real);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        if (e->d_name[0] == '.' && !all)
            continue;
        snprintf(names[n++], 256, "%s", e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, 256, cmp_names);
    return n;
}
