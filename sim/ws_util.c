/* ws_util.c: arguments, prompts and pid files of the workstation tools. */
#include "ws_util.h"
#include "state_store.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

int ws_take_dir(int argc, char **argv, char *dir, size_t dirlen)
{
    const char *found = NULL;
    int out = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            found = argv[++i];
            continue;
        }
        if (strncmp(argv[i], "--dir=", 6) == 0) {
            found = argv[i] + 6;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    if (!found)
        found = getenv("ROTWIZ_SIM_DIR");
    if (!found || !*found)
        return -1;
    char abs[PATH_MAX];
    snprintf(dir, dirlen, "%s", realpath(found, abs) ? abs : found);
    return out;
}

int ws_prompt_line(const char *prompt, char *buf, size_t len)
{
    fputs(prompt, stdout);
    fflush(stdout);
    if (!fgets(buf, (int)len, stdin))
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

int ws_prompt_secret(const char *prompt, char *buf, size_t len)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    int rc = ws_prompt_line(prompt, buf, len);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    else
        fputc('\n', stdout); /* the operator's Enter was not echoed by a terminal */
    fflush(stdout);
    return rc;
}

void ws_pid_path(const char *dir, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/run", dir);
    mkdir(path, 0700);
    snprintf(path, len, "%s/run/%s.pid", dir, name);
}

int ws_pid_write(const char *dir, const char *name)
{
    char path[600], tmp[620];
    ws_pid_path(dir, name, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%ld\n", (long)getpid());
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

pid_t ws_pid_read_live(const char *dir, const char *name, const char *what)
{
    char path[600];
    long pid = 0;
    ws_pid_path(dir, name, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    if (pid <= 1 || kill((pid_t)pid, 0) != 0)
        return 0;
    /* A stale pid file may name an unrelated process now: check its command line. */
    char cmd[600], args[4096];
    snprintf(cmd, sizeof cmd, "/proc/%ld/cmdline", pid);
    FILE *c = fopen(cmd, "r");
    if (!c)
        return 0;
    size_t n = fread(args, 1, sizeof args - 1, c);
    fclose(c);
    for (size_t i = 0; i < n; i++)
        if (args[i] == '\0')
            args[i] = ' ';
    args[n] = '\0';
    return strstr(args, what) ? (pid_t)pid : 0;
}

int ws_state_set(const char *dir, const char *key1, const char *key2, json_t *value)
{
    struct state_handle h;
    char err[300];
    if (state_open(dir, &h, err, sizeof err) != 0)
        return -1;
    json_t *obj = json_object_get(h.root, key1);
    if (!json_is_object(obj)) {
        obj = json_object();
        json_object_set_new(h.root, key1, obj);
    }
    json_object_set(obj, key2, value);
    return state_commit(&h);
}
