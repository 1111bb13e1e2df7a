/* lab.c: `rotwiz-sim lab` (write a lab folder, start its daemon, print "ready") and
 * `rotwiz-sim stop`. The folder layout is in sim/README.md. */
#include "capture_replay.h"
#include "faults.h"
#include "knobs.h"
#include "lab_files.h"
#include "lab_keys.h"
#include "lab_params.h"
#include "lab_proc.h"
#include "modes.h"
#include "ssh_serve.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define LAB_READY_MS 5000

#define LAB_MAX_VARY 32

struct lab_opts {
    const char *dir;
    const char *secrets;
    const char *dialect;
    const char *capture;        /* --from-capture FILE */
    size_t vary_count;
    const char *vary[LAB_MAX_VARY];
};

static void lab_usage(FILE *out)
{
    fprintf(out,
            "usage: rotwiz-sim lab --dir DIR [options]\n"
            "Starts a simulated lab in DIR (created if absent) and prints 'ready'.\n"
            "  --dir DIR               the lab folder\n"
            "  --auth password|ped     how the HSMs authenticate (default password)\n"
            "  --secrets FILE          create the devices with these secrets (mode 0600 file;\n"
            "                          DIR/secrets.conf is then not written)\n"
            "  --fault NAME            simulate a fault (repeatable); see below\n"
            "  --latency MS            delay before every device reply (default 0)\n"
            "  --ped auto|manual       auto: the PED presents the requested key by itself;\n"
            "                          manual: wait for 'rotwiz-sim ped insert' (default auto)\n"
            "  --ped-time-scale F      multiply PED timeouts and delays by F (default 1.0)\n"
            "  --ped-delay-ms N        auto PED: delay before a key is presented (default 300)\n"
            "  --vary KNOB=VALUE       choose another of the lab's inventions (repeatable)\n"
            "  --dialect NAME          a preset of knob values (--vary wins over it)\n"
            "  --from-capture FILE     lunacm prints what a real device printed (a `rotwiz\n"
            "                          capture` file) for the read-only commands it covers\n"
            "  --help                  this text\n"
            "Faults:\n");
    faults_print(out);
    fprintf(out, "Knobs (--vary KNOB=VALUE; what no real capture shows):\n");
    knobs_print(out);
}

/* Prints "rotwiz-sim lab: MESSAGE" and returns the usage exit status. */
static int lab_fail(const char *msg)
{
    fprintf(stderr, "rotwiz-sim lab: %s\n", msg);
    return 2;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Sets KNOB=VALUE in P; 2 after listing the valid knobs or values. */
static int lab_vary(struct sim_lab_params *p, const char *setting)
{
    char name[64];
    const char *eq = strchr(setting, '=');
    snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - setting) : (int)strlen(setting),
             setting);
    const struct sim_knob *k = knob_find(name);
    if (!k) {
        fprintf(stderr, "rotwiz-sim lab: unknown knob '%s'; valid knobs and values:\n", name);
        knobs_print_valid(stderr, NULL);
        return 2;
    }
    if (!eq || !knob_value_ok(k, eq + 1)) {
        fprintf(stderr, "rotwiz-sim lab: knob '%s' has no value '%s'; valid values:\n", name,
                eq ? eq + 1 : "");
        knobs_print_valid(stderr, k);
        return 2;
    }
    return lab_set_knob(p, k->name, eq + 1) == 0 ? 0 : lab_fail("too many knobs");
}

/* The preset first, then every --vary in order: --vary always wins over --dialect. */
static int lab_apply_knobs(struct sim_lab_params *p, const struct lab_opts *o)
{
    if (o->dialect) {
        const struct sim_dialect *d = dialect_find(o->dialect);
        if (!d) {
            fprintf(stderr, "rotwiz-sim lab: unknown dialect '%s'; valid dialects:\n",
                    o->dialect);
            dialects_print_valid(stderr);
            return 2;
        }
        snprintf(p->dialect, sizeof p->dialect, "%s", d->name);
        for (size_t i = 0; d->settings[i]; i++)
            if (lab_vary(p, d->settings[i]) != 0)
                return 2;
    }
    for (size_t i = 0; i < o->vary_count; i++)
        if (lab_vary(p, o->vary[i]) != 0)
            return 2;
    return 0;
}

/* Parses the options into P and O. Returns 0, 1 for --help, or 2 after a message. */
static int lab_parse(int argc, char **argv, struct sim_lab_params *p, struct lab_opts *o)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},      {"auth", required_argument, NULL, 'a'},
        {"secrets", required_argument, NULL, 's'},  {"fault", required_argument, NULL, 'f'},
        {"latency", required_argument, NULL, 'l'},  {"ped", required_argument, NULL, 'p'},
        {"ped-time-scale", required_argument, NULL, 'T'},
        {"ped-delay-ms", required_argument, NULL, 'D'},
        {"vary", required_argument, NULL, 'v'},     {"dialect", required_argument, NULL, 'L'},
        {"from-capture", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},           {0}};
    char msg[512];
    int c;

    snprintf(p->auth, sizeof p->auth, "password");
    snprintf(p->ped_mode, sizeof p->ped_mode, "auto");
    p->ped_time_scale = 1.0;
    p->ped_auto_delay_ms = 300;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o->dir = optarg; break;
        case 's': o->secrets = optarg; break;
        case 'h': return 1;
        case 'L': o->dialect = optarg; break;
        case 'C': o->capture = optarg; break;
        case 'v':
            if (o->vary_count == LAB_MAX_VARY)
                return lab_fail("too many --vary options");
            o->vary[o->vary_count++] = optarg;
            break;
        case 'a':
            if (strcmp(optarg, "password") != 0 && strcmp(optarg, "ped") != 0)
                return lab_fail("--auth must be 'password' or 'ped'");
            snprintf(p->auth, sizeof p->auth, "%s", optarg);
            break;
        case 'p':
            if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "manual") != 0)
                return lab_fail("--ped must be 'auto' or 'manual'");
            snprintf(p->ped_mode, sizeof p->ped_mode, "%s", optarg);
            break;
        case 'l':
            if (parse_int(optarg, 0, 600000, &p->latency_ms) != 0)
                return lab_fail("--latency needs a number of milliseconds (0-600000)");
            break;
        case 'D':
            if (parse_int(optarg, 0, 600000, &p->ped_auto_delay_ms) != 0)
                return lab_fail("--ped-delay-ms needs a number of milliseconds (0-600000)");
            break;
        case 'T': {
            char *end;
            p->ped_time_scale = strtod(optarg, &end);
            if (end == optarg || *end || !(p->ped_time_scale > 0 && p->ped_time_scale <= 1000))
                return lab_fail("--ped-time-scale needs a number above 0 (e.g. 0.01)");
            break;
        }
        case 'f':
            if (!faults_is_valid(optarg)) {
                fprintf(stderr, "rotwiz-sim lab: unknown fault '%s'; valid faults:\n", optarg);
                faults_print(stderr);
                return 2;
            }
            if (!lab_has_fault(p, optarg)) {
                if (p->fault_count == SIM_MAX_FAULTS)
                    return lab_fail("too many --fault options");
                snprintf(p->faults[p->fault_count++], sizeof p->faults[0], "%s", optarg);
            }
            break;
        default:
            snprintf(msg, sizeof msg, "unknown or incomplete option '%s' (see 'rotwiz-sim lab "
                     "--help')", argv[optind - 1]);
            return lab_fail(msg);
        }
    }
    if (optind < argc) {
        snprintf(msg, sizeof msg, "unexpected argument '%s' (see 'rotwiz-sim lab --help')",
                 argv[optind]);
        return lab_fail(msg);
    }
    if (!o->dir || !o->dir[0])
        return lab_fail("--dir DIR is required (the folder the lab lives in)");
    return lab_apply_knobs(p, o);
}

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *s = buf + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return (mkdir(buf, 0755) != 0 && errno != EEXIST) ? -1 : 0;
}

/* A port nobody listens on right now (bound, read back and released). */
static int free_port(const char *address, char *err, size_t errlen)
{
    int port = 0;
    int fd = serve_listen(address, 0, &port, err, errlen);
    if (fd < 0)
        return -1;
    close(fd);
    return port;
}

/* True when something accepts a TCP connection on ADDRESS:PORT. */
static bool accepts(const char *address, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok = fd >= 0 && inet_pton(AF_INET, address, &sa.sin_addr) == 1 &&
              connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Writes the whole lab folder; FDS receive the appliances' listening sockets. */
static int lab_write(struct sim_lab_params *p, const struct lab_opts *o,
                     const struct sim_secrets *secrets, int *fds, char *err, size_t errlen)
{
    static const char *const names[] = {"source", "target"};
    static const char *const addrs[] = {"127.0.0.2", "127.0.0.3"};
    char path[SIM_TEXT + 64];

    snprintf(p->ws_address, sizeof p->ws_address, "127.0.0.1");
    snprintf(p->domain, sizeof p->domain, "k570-rot");
    snprintf(p->backup_partition, sizeof p->backup_partition, "rot-backup");
    if ((p->rbs_port = free_port(p->ws_address, err, errlen)) < 0 ||
        (p->ped_port = free_port(p->ws_address, err, errlen)) < 0)
        return -1;
    for (size_t i = 0; i < 2; i++) {
        struct sim_appliance_params *a = &p->appliances[p->appliance_count];
        snprintf(a->name, sizeof a->name, "%s", names[i]);
        snprintf(a->address, sizeof a->address, "%s", addrs[i]);
        fds[i] = serve_listen(a->address, 0, &a->port, err, errlen);
        if (fds[i] < 0)
            return -1;
        p->appliance_count++;
        snprintf(path, sizeof path, "%s/appliances/%s/home", p->dir, a->name);
        if (mkdir_p(path) != 0) {
            snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
            return -1;
        }
    }
    snprintf(path, sizeof path, "%s/run", p->dir);
    if (mkdir_p(path) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    if (lab_params_save(p, err, errlen) != 0 || lab_keys_generate(p->dir, err, errlen) != 0 ||
        lab_keys_write_known_hosts(p, err, errlen) != 0)
        return -1;
    if (sim_state_create(p, secrets, err, errlen) != 0)
        return -1;
    if (!o->secrets && lab_secrets_write(p->dir, secrets, err, errlen) != 0)
        return -1;
    if (lab_conf_write(p, err, errlen) != 0 || lab_wrappers_write(p, err, errlen) != 0)
        return -1;
    return 0;
}

/* Forks the daemon (new session, output to DIR/lab.log) on the listening FDS. Returns its pid
 * once it says it is serving, or -1 with a message in err. */
static pid_t lab_spawn(const struct sim_lab_params *p, const int *fds, char *err, size_t errlen)
{
    char path[SIM_TEXT + 64];
    int ready[2];
    snprintf(path, sizeof path, "%s/lab.log", p->dir);
    int log = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0 || pipe2(ready, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        if (log >= 0)
            close(log);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        setsid();
        prctl(PR_SET_NAME, LAB_PROC_DAEMON_NAME);
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
            _exit(1);
        close(null);
        close(log);
        /* Whatever else the caller left open (a terminal, a pipe it reads to EOF) must not be
         * held for the lab's lifetime. */
        int keep[SIM_MAX_APPLIANCES + 1];
        for (size_t i = 0; i < p->appliance_count; i++)
            keep[i] = fds[i];
        keep[p->appliance_count] = ready[1];
        lab_proc_close_fds_except(keep, p->appliance_count + 1);
        setvbuf(stderr, NULL, _IOLBF, 0);
        int rc = serve_run(p, fds, p->appliance_count, ready[1]);
        fflush(NULL);
        _exit(rc);
    }
    close(log);
    close(ready[1]);
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(ready[0]);
        return -1;
    }
    struct pollfd pfd = {.fd = ready[0], .events = POLLIN};
    char byte = 0;
    bool ok = poll(&pfd, 1, LAB_READY_MS) == 1 && read(ready[0], &byte, 1) == 1 && byte == 'R';
    close(ready[0]);
    if (!ok) {
        snprintf(err, errlen, "the lab daemon did not start (see %s)", path);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

int mode_lab(int argc, char **argv)
{
    struct sim_lab_params p;
    struct sim_secrets secrets;
    struct lab_opts o = {0};
    char err[1024], path[PATH_MAX + 16];
    int fds[SIM_MAX_APPLIANCES] = {-1, -1, -1, -1};
    memset(&p, 0, sizeof p);
    int rc = lab_parse(argc, argv, &p, &o);
    if (rc == 1) {
        lab_usage(stdout);
        return 0;
    }
    if (rc != 0)
        return rc;
    if (mkdir_p(o.dir) != 0 || !realpath(o.dir, path)) {
        fprintf(stderr, "rotwiz-sim lab: cannot create the lab folder %s: %s\n", o.dir,
                strerror(errno));
        return 2;
    }
    if (strlen(path) + 64 >= sizeof p.dir) {
        fprintf(stderr, "rotwiz-sim lab: the path %s is too long; choose a shorter folder\n",
                path);
        return 2;
    }
    snprintf(p.dir, sizeof p.dir, "%.*s", (int)sizeof p.dir - 1, path); /* length checked */
    pid_t running = lab_proc_running(p.dir);
    if (running) {
        fprintf(stderr, "rotwiz-sim lab: a lab is already running in %s (pid %d); stop it with "
                "'rotwiz-sim stop --dir %s' or choose another folder\n", p.dir, (int)running,
                p.dir);
        return 2;
    }
    /* realpath() may write PATH_MAX bytes: resolve into a buffer of that size, then copy */
    char exe[PATH_MAX];
    if (!realpath("/proc/self/exe", exe) || strlen(exe) >= sizeof p.sim_path) {
        fprintf(stderr, "rotwiz-sim lab: cannot find my own executable (or its path is longer "
                "than %zu characters)\n", sizeof p.sim_path - 1);
        return 1;
    }
    memcpy(p.sim_path, exe, strlen(exe) + 1);
    /* The secrets first: a bad --secrets file leaves the folder untouched (exit 2). */
    if (o.secrets ? lab_secrets_load(o.secrets, &secrets, err, sizeof err)
                  : lab_secrets_generate(&secrets, err, sizeof err)) {
        fprintf(stderr, "rotwiz-sim lab: %s\n", err);
        memset(&secrets, 0, sizeof secrets);
        return o.secrets ? 2 : 1;
    }
    rc = 1;
    if (lab_write(&p, &o, &secrets, fds, err, sizeof err) != 0) {
        fprintf(stderr, "rotwiz-sim lab: %s\n", err);
        goto out;
    }
    if (capture_install(o.capture, p.dir, err, sizeof err) != 0) {
        fprintf(stderr, "rotwiz-sim lab: %s\n", err);
        rc = 2;
        goto out;
    }
    pid_t pid = lab_spawn(&p, fds, err, sizeof err);
    if (pid < 0) {
        fprintf(stderr, "rotwiz-sim lab: %s\n", err);
        goto out;
    }
    snprintf(path, sizeof path, "%s/lab.pid", p.dir);
    if (lab_proc_write_pidfile(path, pid) != 0) {
        fprintf(stderr, "rotwiz-sim lab: cannot write %s\n", path);
        lab_proc_end(pid, 2000);
        goto out;
    }
    for (size_t i = 0; i < p.appliance_count; i++) {
        if (!accepts(p.appliances[i].address, p.appliances[i].port)) {
            fprintf(stderr, "rotwiz-sim lab: %s does not accept connections on %s:%d\n",
                    p.appliances[i].name, p.appliances[i].address, p.appliances[i].port);
            lab_proc_end(pid, 2000);
            unlink(path);
            goto out;
        }
    }
    printf("ready\n");
    fflush(stdout);
    rc = 0;
out:
    memset(&secrets, 0, sizeof secrets);
    for (size_t i = 0; i < SIM_MAX_APPLIANCES; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return rc;
}

/* Ends the programs the lab's workstation started in the background (DIR/run/NAME.pid). */
static void stop_run_pids(const char *dir)
{
    char path[PATH_MAX + 320];
    snprintf(path, sizeof path, "%s/run", dir);
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".pid") != 0)
            continue;
        snprintf(path, sizeof path, "%s/run/%s", dir, e->d_name);
        pid_t pid = lab_proc_read_pidfile(path);
        if (pid > 0 && lab_proc_alive(pid) && lab_proc_is_sim(pid)) {
            printf("stopping %.*s (pid %d)\n", (int)(n - 4), e->d_name, (int)pid);
            lab_proc_end(pid, 3000);
        }
        unlink(path);
    }
    closedir(d);
}

int mode_stop(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'}, {0}};
    const char *dir = NULL;
    char path[PATH_MAX + 16], real[PATH_MAX];
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd') {
            dir = optarg;
        } else {
            fprintf(c == 'h' ? stdout : stderr, "usage: rotwiz-sim stop --dir DIR\n"
                    "Stops the lab in DIR and the rbs/pedserver it started.\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (!dir || optind != argc) {
        fprintf(stderr, "rotwiz-sim stop: --dir DIR is required (see 'rotwiz-sim stop --help')\n");
        return 2;
    }
    if (!realpath(dir, real)) {
        printf("no lab is running in %s (no such folder)\n", dir);
        return 0;
    }
    stop_run_pids(real);
    pid_t pid = lab_proc_running(real);
    snprintf(path, sizeof path, "%s/lab.pid", real);
    if (!pid) {
        /* A daemon that died without cleaning up may have left handlers and shells behind. */
        pid_t old = lab_proc_read_pidfile(path);
        if (old > 0 && lab_proc_end_group(old, 2000) > 0)
            printf("ended what a dead lab daemon (pid %d) left behind\n", (int)old);
        unlink(path);
        printf("no lab is running in %s\n", real);
        return 0;
    }
    if (!lab_proc_end(pid, 5000)) {
        fprintf(stderr, "rotwiz-sim stop: the lab daemon (pid %d) would not end\n", (int)pid);
        return 1;
    }
    unlink(path);
    printf("stopped the lab in %s\n", real);
    return 0;
}
