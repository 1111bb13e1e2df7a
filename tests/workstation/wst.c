/* wst.c: workstation test helpers. */
#include "wst.h"
#include "modes.h"
#include "state_store.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *wst_sim;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int wst_lab_make(struct wst_lab *lab, const char *ped_mode, bool without_backup,
                 const char *const *faults)
{
    char err[300];
    memset(lab, 0, sizeof *lab);
    snprintf(lab->dir, sizeof lab->dir, "/tmp/rotwiz-wst-XXXXXX");
    if (!mkdtemp(lab->dir))
        return -1;
    struct sim_lab_params *p = &lab->p;
    snprintf(p->dir, sizeof p->dir, "%s", lab->dir);
    snprintf(p->auth, sizeof p->auth, "password");
    for (size_t i = 0; faults && faults[i]; i++)
        snprintf(p->faults[p->fault_count++], sizeof p->faults[0], "%s", faults[i]);
    snprintf(p->ped_mode, sizeof p->ped_mode, "%s", ped_mode);
    p->ped_time_scale = 0.01;
    p->ped_auto_delay_ms = 1000; /* 10 ms once scaled */
    snprintf(p->ws_address, sizeof p->ws_address, "127.0.0.1");
    p->rbs_port = 0;
    p->ped_port = 0;
    p->appliance_count = 2;
    snprintf(p->appliances[0].name, sizeof p->appliances[0].name, "source");
    snprintf(p->appliances[0].address, sizeof p->appliances[0].address, "127.0.0.2");
    snprintf(p->appliances[1].name, sizeof p->appliances[1].name, "target");
    snprintf(p->appliances[1].address, sizeof p->appliances[1].address, "127.0.0.3");
    snprintf(p->sim_path, sizeof p->sim_path, "%s", wst_sim ? wst_sim : "");
    snprintf(p->domain, sizeof p->domain, "test-domain");
    snprintf(p->backup_partition, sizeof p->backup_partition, "rot-backup");
    if (lab_params_save(p, err, sizeof err) != 0)
        return -1;
    /* The real initial state of a lab (sim-k570's model), so the tools meet its shape. */
    struct sim_secrets secrets;
    memset(&secrets, 0, sizeof secrets);
    snprintf(secrets.backup_so_password, sizeof secrets.backup_so_password, "so-pw");
    snprintf(secrets.source_co_password, sizeof secrets.source_co_password, "co-pw");
    snprintf(secrets.target_co_password, sizeof secrets.target_co_password, "co-pw");
    if (sim_state_create(p, &secrets, err, sizeof err) != 0)
        return -1;
    struct state_handle h;
    if (state_open(lab->dir, &h, err, sizeof err) != 0)
        return -1;
    json_t *hsms = json_object_get(h.root, "hsms");
    const char *serial = json_string_value(json_object_get(json_object_get(hsms, "backup"),
                                                           "serial"));
    snprintf(lab->backup_serial, sizeof lab->backup_serial, "%s", serial ? serial : "");
    if (without_backup)
        json_object_del(hsms, "backup");
    return state_commit(&h);
}

int wst_stop(struct wst_lab *lab, pid_t pid)
{
    int status = 0;
    if (pid <= 0)
        return -1;
    kill(pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || r < 0)
            goto done;
        struct timespec ts = {0, 50000000L};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    if (waitpid(pid, &status, 0) != pid)
        return -1;
done:
    for (size_t i = 0; i < lab->nspawned; i++)
        if (lab->spawned[i] == pid)
            lab->spawned[i] = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void wst_lab_destroy(struct wst_lab *lab)
{
    for (size_t i = 0; i < lab->nspawned; i++)
        if (lab->spawned[i] > 0)
            wst_stop(lab, lab->spawned[i]);
    lab->nspawned = 0;
    /* The pedserver daemon is nobody's child: find it through its pid file. */
    char path[600];
    snprintf(path, sizeof path, "%s/run/pedserver.pid", lab->dir);
    FILE *f = fopen(path, "r");
    long pid = 0;
    if (f) {
        if (fscanf(f, "%ld", &pid) == 1 && pid > 1)
            kill((pid_t)pid, SIGKILL);
        fclose(f);
    }
    if (lab->dir[0] && strncmp(lab->dir, "/tmp/rotwiz-wst-", 16) == 0) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", lab->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", lab->dir);
    }
}

#define WST_MAX_ARGS 16

/* Forks rotwiz-sim with stdin from a pipe (INPUT written, closed unless keep_open) and stdout
 * and stderr into another pipe. */
static pid_t start(struct wst_lab *lab, const char *input, bool keep_open, int *out_fd,
                   int *in_fd, const char *mode, va_list ap)
{
    const char *argv[WST_MAX_ARGS + 5];
    size_t n = 0;
    argv[n++] = wst_sim;
    argv[n++] = mode;
    argv[n++] = "--dir";
    argv[n++] = lab->dir;
    const char *a;
    while (n < WST_MAX_ARGS && (a = va_arg(ap, const char *)))
        argv[n++] = a;
    argv[n] = NULL;
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a crashed test */
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        execv(wst_sim, (char **)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    signal(SIGPIPE, SIG_IGN);
    if (input && write(in[1], input, strlen(input)) < 0)
        perror("write");
    if (keep_open)
        *in_fd = in[1];
    else
        close(in[1]);
    *out_fd = out[0];
    return pid;
}

/* Appends what is readable within wait_ms to out. Returns bytes read, 0 at EOF, -1 timeout. */
static int collect(int fd, char *out, size_t outlen, size_t *used, int wait_ms)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, wait_ms) <= 0)
        return -1;
    char buf[1024];
    ssize_t r = read(fd, buf, sizeof buf);
    if (r <= 0)
        return 0;
    size_t room = outlen - 1 - *used;
    size_t take = (size_t)r < room ? (size_t)r : room;
    memcpy(out + *used, buf, take);
    *used += take;
    out[*used] = '\0';
    return (int)r;
}

int wst_run(struct wst_lab *lab, const char *input, char *out, size_t outlen,
            const char *mode, ...)
{
    va_list ap;
    int fd, status;
    size_t used = 0;
    out[0] = '\0';
    va_start(ap, mode);
    pid_t pid = start(lab, input, false, &fd, NULL, mode, ap);
    va_end(ap);
    if (pid < 0)
        return -1;
    long deadline = now_ms() + 30000;
    while (now_ms() < deadline && collect(fd, out, outlen, &used, 200) != 0)
        ;
    close(fd);
    if (now_ms() >= deadline)
        kill(pid, SIGKILL);
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) && now_ms() < deadline ? WEXITSTATUS(status) : -1;
}

pid_t wst_spawn_until(struct wst_lab *lab, const char *input, const char *until, char *out,
                      size_t outlen, const char *mode, ...)
{
    va_list ap;
    int fd, in_fd = -1;
    size_t used = 0;
    out[0] = '\0';
    va_start(ap, mode);
    pid_t pid = start(lab, input, true, &fd, &in_fd, mode, ap);
    va_end(ap);
    if (pid < 0)
        return -1;
    if (lab->nspawned < sizeof lab->spawned / sizeof lab->spawned[0])
        lab->spawned[lab->nspawned++] = pid;
    long deadline = now_ms() + 20000;
    bool seen = false;
    while (!seen && now_ms() < deadline) {
        if (collect(fd, out, outlen, &used, 200) == 0)
            break;
        seen = strstr(out, until) != NULL;
    }
    /* The server's later output is not read: a pipe of 64 KiB is plenty for a test. */
    close(fd);
    if (in_fd >= 0)
        close(in_fd);
    if (!seen) {
        wst_stop(lab, pid);
        return -1;
    }
    return pid;
}

static json_t *state_get(struct wst_lab *lab, const char *key1, const char *key2, json_t **root)
{
    char path[600];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/state.json", lab->dir);
    *root = json_load_file(path, 0, &jerr);
    return json_object_get(json_object_get(*root, key1), key2);
}

long wst_state_int(struct wst_lab *lab, const char *key1, const char *key2)
{
    json_t *root;
    json_t *v_json = state_get(lab, key1, key2, &root);
    long v = json_is_boolean(v_json) ? (long)json_is_true(v_json)
                                     : (long)json_integer_value(v_json);
    json_decref(root);
    return v;
}

void wst_state_str(struct wst_lab *lab, const char *key1, const char *key2, char *out,
                   size_t len)
{
    json_t *root;
    const char *s = json_string_value(state_get(lab, key1, key2, &root));
    snprintf(out, len, "%s", s ? s : "");
    json_decref(root);
}
