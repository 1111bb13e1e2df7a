/* k570_shell.c: the login shell of ksadmin on a simulated k570 (shell --dir DIR --appliance
 * NAME [-c CMD]). A tiny bash look-alike: cd, ls, pwd, cat, echo, exit, and the Luna client
 * programs, which run as child processes on the same terminal. */
#include "k570_fs.h"
#include "lab_params.h"
#include "modes.h"
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SH_MAX_WORDS 64

struct shell {
    struct sim_lab_params p;
    char appliance[32];
    char home_real[512];
    char cwd[1024];
    char exe[512];
    bool tty;
    int status;
};

/* Splits one simple command into words: quotes group, an unquoted leading ~ is expanded. */
static int split_words(char *s, char **w, int max)
{
    int n = 0;
    while (*s && n < max - 1) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        char *start = s, *d = s;
        char quote = 0;
        while (*s && (quote || !isspace((unsigned char)*s))) {
            if (!quote && (*s == '"' || *s == '\''))
                quote = *s;
            else if (quote && *s == quote)
                quote = 0;
            else
                *d++ = *s;
            s++;
        }
        if (*s)
            s++;
        *d = '\0';
        w[n++] = start;
    }
    w[n] = NULL;
    return n;
}

static const char *prompt_dir(const struct shell *sh)
{
    if (strcmp(sh->cwd, KFS_HOME) == 0)
        return "~";
    if (strcmp(sh->cwd, "/") == 0)
        return "/";
    return strrchr(sh->cwd, '/') + 1;
}

static int sh_cd(struct shell *sh, char **w, int n)
{
    char v[1024];
    kfs_normalize(sh->cwd, n > 1 ? w[1] : "~", v, sizeof v);
    enum kfs_kind k = kfs_stat(sh->home_real, v);
    if (k == KFS_DIR) {
        snprintf(sh->cwd, sizeof sh->cwd, "%s", v);
        return 0;
    }
    printf("bash: cd: %s: %s\n", w[1], k == KFS_NONE ? "No such file or directory"
                                                      : "Not a directory");
    return 1;
}

static void ls_long(struct shell *sh, const char *vdir, const char *name)
{
    char v[1024], real[1100], when[32] = "Nov 27 09:00";
    struct stat st;
    long long size = 4096;
    const char *mode = "drwxr-xr-x", *owner = "root";
    snprintf(v, sizeof v, "%.700s/%.255s", strcmp(vdir, "/") == 0 ? "" : vdir, name);
    enum kfs_kind k = kfs_stat(sh->home_real, v);
    if (k == KFS_PROGRAM) {
        mode = "-rwxr-xr-x";
        size = 1048576;
    }
    if (kfs_real(sh->home_real, v, real, sizeof real) == 0 && stat(real, &st) == 0) {
        owner = "ksadmin";
        size = (long long)st.st_size;
        mode = S_ISDIR(st.st_mode) ? "drwx------" : "-rw-r--r--";
        strftime(when, sizeof when, "%b %e %H:%M", localtime(&st.st_mtime));
    }
    printf("%s 1 %-7s %-7s %8lld %s %s\n", mode, owner, owner, size, when, name);
}

static int sh_ls(struct shell *sh, char **w, int n)
{
    bool lng = false, all = false;
    int paths = 0, rc = 0;
    static char names[256][256];
    for (int i = 1; i < n; i++) {
        if (w[i][0] == '-') {
            lng |= strchr(w[i], 'l') != NULL;
            all |= strchr(w[i], 'a') != NULL;
        }
    }
    for (int i = 1; i <= n; i++) {
        const char *arg = i < n ? w[i] : NULL;
        if (arg && arg[0] == '-')
            continue;
        if (!arg && paths > 0)
            break;
        paths++;
        char v[1024];
        kfs_normalize(sh->cwd, arg ? arg : ".", v, sizeof v);
        enum kfs_kind k = kfs_stat(sh->home_real, v);
        if (k == KFS_NONE) {
            printf("ls: cannot access '%s': No such file or directory\n", arg ? arg : ".");
            rc = 2;
            continue;
        }
        if (k != KFS_DIR) {
            printf("%s\n", arg);
            continue;
        }
        int cnt = kfs_list(sh->home_real, v, all, names, 256);
        for (int j = 0; j < cnt; j++) {
            if (lng)
                ls_long(sh, v, names[j]);
            else
                printf(sh->tty ? "%s%s" : "%s\n", names[j], j + 1 < cnt ? "  " : "");
        }
        if (!lng && sh->tty && cnt > 0)
            printf("\n");
    }
    return rc;
}

static int sh_cat(struct shell *sh, char **w, int n)
{
    int rc = 0;
    for (int i = 1; i < n; i++) {
        char v[1024], real[1100], buf[4096];
        kfs_normalize(sh->cwd, w[i], v, sizeof v);
        FILE *f = kfs_real(sh->home_real, v, real, sizeof real) == 0 ? fopen(real, "r") : NULL;
        if (!f) {
            printf("cat: %s: No such file or directory\n", w[i]);
            rc = 1;
            continue;
        }
        size_t r;
        while ((r = fread(buf, 1, sizeof buf, f)) > 0)
            fwrite(buf, 1, r, stdout);
        fclose(f);
    }
    return rc;
}

/* Runs a Luna client program (MODE = k570-lunacm or vtl) as a child on our terminal. */
static int run_program(struct shell *sh, const char *mode, char **w, int n)
{
    char *argv[SH_MAX_WORDS + 12];
    int a = 0;
    argv[a++] = (char *)"rotwiz-sim";
    argv[a++] = (char *)mode;
    argv[a++] = (char *)"--dir";
    argv[a++] = sh->p.dir;
    argv[a++] = (char *)"--appliance";
    argv[a++] = sh->appliance;
    if (strcmp(mode, "vtl") == 0) {
        argv[a++] = (char *)"--cwd";
        argv[a++] = sh->cwd;
    }
    for (int i = 1; i < n; i++)
        argv[a++] = w[i];
    argv[a] = NULL;
    fflush(stdout);
    /* Like bash: whatever the program does to the terminal (echo off at a password prompt
     * when it is killed) is undone when it ends. */
    struct termios saved;
    bool have_tty = sh->tty && tcgetattr(0, &saved) == 0;
    pid_t pid = fork();
    if (pid < 0) {
        printf("bash: fork: %s\n", strerror(errno));
        return 126;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        execv(sh->exe, argv);
        fprintf(stderr, "bash: %s: %s\n", w[0], strerror(errno));
        _exit(126);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (have_tty)
        tcsetattr(0, TCSADRAIN, &saved);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Which Luna program WORD names from the current folder, or NULL. */
static const char *program_for(struct shell *sh, const char *word, bool *missing)
{
    *missing = false;
    if (strchr(word, '/')) {
        char v[1024];
        kfs_normalize(sh->cwd, word, v, sizeof v);
        if (strcmp(v, KFS_BIN "/lunacm") == 0)
            return "k570-lunacm";
        if (strcmp(v, KFS_BIN "/vtl") == 0)
            return "vtl";
        *missing = kfs_stat(sh->home_real, v) == KFS_NONE;
        return NULL;
    }
    if (strcmp(word, "lunacm") == 0) /* the Luna client's bin folder is on ksadmin's PATH */
        return "k570-lunacm";
    if (strcmp(word, "vtl") == 0 && strcmp(sh->cwd, KFS_BIN) == 0)
        return "vtl";
    return NULL;
}

/* Copies CMD to OUT (LEN bytes) with `$?` outside single quotes replaced by the last status,
 * as bash does (`cmd; echo done-$?`). */
static void expand_status(const struct shell *sh, const char *cmd, char *out, size_t len)
{
    size_t n = 0;
    char quote = 0;
    for (const char *p = cmd; *p && n + 12 < len; p++) {
        if (quote != '\'' && p[0] == '$' && p[1] == '?') {
            n += (size_t)snprintf(out + n, len - n, "%d", sh->status);
            p++;
            continue;
        }
        if (!quote && (*p == '"' || *p == '\''))
            quote = *p;
        else if (quote && *p == quote)
            quote = 0;
        out[n++] = *p;
    }
    out[n] = '\0';
}

/* Runs one simple command; sets *quit for exit/logout. Returns its status. */
static int run_simple(struct shell *sh, char *typed, bool *quit)
{
    char *w[SH_MAX_WORDS], cmd[4096];
    expand_status(sh, typed, cmd, sizeof cmd);
    int n = split_words(cmd, w, SH_MAX_WORDS);
    if (n == 0)
        return sh->status;
    for (int i = 0; i < n; i++) { /* tilde expansion, as bash does before running */
        static char exp[SH_MAX_WORDS][1024];
        if (w[i][0] == '~' && (w[i][1] == '\0' || w[i][1] == '/')) {
            snprintf(exp[i], sizeof exp[i], "%s%s", KFS_HOME, w[i] + 1);
            w[i] = exp[i];
        }
    }
    if (strcmp(w[0], "exit") == 0 || strcmp(w[0], "logout") == 0) {
        *quit = true;
        return n > 1 ? atoi(w[1]) : sh->status;
    }
    if (strcmp(w[0], "cd") == 0)
        return sh_cd(sh, w, n);
    if (strcmp(w[0], "pwd") == 0) {
        printf("%s\n", sh->cwd);
        return 0;
    }
    if (strcmp(w[0], "ls") == 0)
        return sh_ls(sh, w, n);
    if (strcmp(w[0], "cat") == 0)
        return sh_cat(sh, w, n);
    if (strcmp(w[0], "whoami") == 0) {
        printf("ksadmin\n");
        return 0;
    }
    if (strcmp(w[0], "hostname") == 0) {
        printf("k570-%s\n", sh->appliance);
        return 0;
    }
    if (strcmp(w[0], "true") == 0)
        return 0;
    if (strcmp(w[0], "echo") == 0) {
        for (int i = 1; i < n; i++)
            printf("%s%s", w[i], i + 1 < n ? " " : "");
        printf("\n");
        return 0;
    }
    bool missing;
    const char *mode = program_for(sh, w[0], &missing);
    if (mode)
        return run_program(sh, mode, w, n);
    if (missing)
        printf("bash: %s: No such file or directory\n", w[0]);
    else
        printf("bash: %s: command not found\n", w[0]);
    return 127;
}

/* The next unquoted ';' or "&&" in S (NULL when none); *len is its length. */
static char *next_separator(char *s, size_t *len)
{
    char quote = 0;
    for (; *s; s++) {
        if (quote) {
            quote = *s == quote ? 0 : quote;
        } else if (*s == '"' || *s == '\'') {
            quote = *s;
        } else if (*s == ';') {
            *len = 1;
            return s;
        } else if (s[0] == '&' && s[1] == '&') {
            *len = 2;
            return s;
        }
    }
    return NULL;
}

/* True for the builtin `echo`: a real shell runs it itself, in its own process, with no trip to
 * anything, so the lab's --latency (one delayed device reply per simple command) does not
 * charge it. Every other command is charged, `cd` included. */
static bool free_builtin(const char *s)
{
    s += strspn(s, " \t");
    return strncmp(s, "echo", 4) == 0 && (s[4] == '\0' || s[4] == ' ' || s[4] == '\t');
}

/* Runs a command line: simple commands joined by ';' or '&&'; each charged the lab's latency
 * but the builtin echo (free_builtin). */
static int run_line(struct shell *sh, char *line, bool *quit)
{
    char *s = line;
    bool skip = false;
    while (s && *s && !*quit) {
        size_t seplen = 0;
        char *sep = next_separator(s, &seplen), *next = NULL;
        bool and_next = sep && seplen == 2;
        if (sep) {
            *sep = '\0';
            next = sep + seplen;
        }
        if (!skip) {
            if (!free_builtin(s))
                lab_latency(&sh->p);
            sh->status = run_simple(sh, s, quit);
        }
        skip = and_next && sh->status != 0;
        s = next;
    }
    fflush(stdout);
    return sh->status;
}

int mode_shell(int argc, char **argv)
{
    struct shell sh;
    const char *dir = NULL, *name = NULL, *command = NULL;
    char err[512];
    memset(&sh, 0, sizeof sh);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--appliance") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            command = argv[++i];
    }
    if (!dir || !name) {
        fprintf(stderr, "usage: rotwiz-sim shell --dir DIR --appliance NAME [-c CMD]\n");
        return 2;
    }
    if (lab_params_load(dir, &sh.p, err, sizeof err) != 0) {
        fprintf(stderr, "shell: %s\n", err);
        return 2;
    }
    snprintf(sh.appliance, sizeof sh.appliance, "%s", name);
    snprintf(sh.home_real, sizeof sh.home_real, "%s/appliances/%s/home", dir, name);
    snprintf(sh.cwd, sizeof sh.cwd, "%s", KFS_HOME);
    if (sh.p.sim_path[0] && access(sh.p.sim_path, X_OK) == 0)
        snprintf(sh.exe, sizeof sh.exe, "%s", sh.p.sim_path);
    else {
        ssize_t l = readlink("/proc/self/exe", sh.exe, sizeof sh.exe - 1);
        sh.exe[l > 0 ? l : 0] = '\0';
    }
    sh.tty = isatty(0) == 1;
    /* Read our input a byte at a time so what follows a program's name stays in the pipe for
     * that program (a terminal hands out one line per read anyway). */
    setvbuf(stdin, NULL, _IONBF, 0);
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    bool quit = false;
    if (command) {
        char *copy = strdup(command);
        int rc = run_line(&sh, copy, &quit);
        free(copy);
        return rc;
    }
    char line[4096];
    for (;;) {
        printf("[ksadmin@k570-%s %s]$ ", sh.appliance, prompt_dir(&sh));
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin)) {
            printf(sh.tty ? "logout\n" : "");
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        run_line(&sh, line, &quit);
        if (quit) {
            if (sh.tty)
                printf("logout\n");
            break;
        }
    }
    fflush(stdout);
    return sh.status;
}
