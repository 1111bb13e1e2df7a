/* state_store.c: locked JSON state file. */
#include "state_store.h"
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

static int write_atomically(const char *path, json_t *root)
{
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int rc = json_dumpfd(root, fd, JSON_INDENT(1) | JSON_SORT_KEYS);
    if (rc == 0)
        rc = fsync(fd);
    close(fd);
    if (rc == 0)
        rc = rename(tmp, path);
    if (rc != 0)
        unlink(tmp);
    return rc;
}

int state_open(const char *dir, struct state_handle *h, char *err, size_t errlen)
{
    char lock[600];
    json_error_t jerr;
    snprintf(lock, sizeof lock, "%s/state.lock", dir);
    snprintf(h->path, sizeof h->path, "%s/state.json", dir);
    h->root = NULL;
    h->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (h->lock_fd < 0 || flock(h->lock_fd, LOCK_EX) != 0) {
        snprintf(err, errlen, "cannot lock %s", lock);
        if (h->lock_fd >= 0)
            close(h->lock_fd);
        h->lock_fd = -1;
        return -1;
    }
    h->root = json_load_file(h->path, 0, &jerr);
    if (!h->root) {
        snprintf(err, errlen, "%s: %s", h->path, jerr.text);
        state_close(h);
        return -1;
    }
    return 0;
}

int state_commit(struct state_handle *h)
{
    int rc = write_atomically(h->path, h->root);
    state_close(h);
    return rc;
}

void state_close(struct state_handle *h)
{
    json_decref(h->root);
    h->root = NULL;
    if (h->lock_fd >= 0) {
        flock(h->lock_fd, LOCK_UN);
        close(h->lock_fd);
    }
    h->lock_fd = -1;
}

int state_write_new(const char *dir, json_t *root, char *err, size_t errlen)
{
    char path[600];
    snprintf(path, sizeof path, "%s/state.json", dir);
    if (write_atomically(path, root) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}
