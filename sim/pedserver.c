/* pedserver.c: the simulated PEDServer of the workstation (`pedserver -mode start|stop|show
 * [-port P]`). `start` prints what the real one prints (FORMATS.md §5, SEEN), then a daemon
 * (setsid, double fork) serves the PED protocol of ped_device.h on the lab's ped_port, asking the
 * PED at the workstation. Fault pedserver-down: start prints its usual text, exits 0, and no
 * server runs (the port stays closed). `show` and `stop` texts are invented (sim/README.md). */
#include "modes.h"
#include "ped_device.h"
#include "ped_tool.h"
#include "state_store.h"
#include "ws_net.h"
#include "ws_util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PEDS_VERSION "Ped Server Version 1.0.6 (10006)"
#define PEDS_READ_MS 10000

static volatile sig_atomic_t peds_stop;

static void on_stop(int sig)
{
    (void)sig;
    peds_stop = 1;
}

static const char *ws_addr(const struct sim_lab_params *p)
{
    return p->ws_address[0] ? p->ws_address : "127.0.0.1";
}

static int handle_client(int fd, void *ud)
{
    const struct sim_lab_params *p = ud;
    char line[256], colour[16], device[64], presented[16];
    int timeout = 0;
    if (wsnet_read_line(fd, line, sizeof line, PEDS_READ_MS) < 0)
        return 1;
    const char *ans = "ERROR unknown request\n";
    char buf[64];
    if (strcmp(line, "PING") == 0) {
        ans = "PONG\n";
    } else if (sscanf(line, "KEY %15s %63s %d", colour, device, &timeout) >= 2) {
        if (timeout <= 0)
            timeout = (int)(PED_DEFAULT_TIMEOUT_MS * p->ped_time_scale);
        if (!ped_colour_valid(colour)) {
            ans = "ERROR unknown key colour\n";
        } else {
            printf("pedserver: %s asks for the %s key\n", device, colour);
            int rc = ped_device_request(p->dir, "workstation", device, colour, timeout,
                                        presented, sizeof presented);
            if (rc == PED_OK) {
                snprintf(buf, sizeof buf, "PRESENTED %s\n", presented);
                ans = buf;
            } else {
                ans = rc == PED_NOT_HERE ? "NOTHERE\n" : "TIMEOUT\n";
            }
            printf("pedserver: answered %s", ans);
        }
    }
    lab_latency(p);
    return wsnet_write_all(fd, ans, strlen(ans)) == 0 ? 0 : 1;
}

static void record(const char *dir, pid_t pid, int port)
{
    json_t *v = json_integer(pid);
    ws_state_set(dir, "pedserver", "running_pid", v);
    json_decref(v);
    v = json_integer(port);
    ws_state_set(dir, "pedserver", "port", v);
    json_decref(v);
    v = json_integer((json_int_t)time(NULL));
    ws_state_set(dir, "pedserver", "started", v);
    json_decref(v);
}

/* The daemon body (grandchild): listens, reports "OK" or "ERR why" on REPORT, serves. */
static void daemon_main(const struct sim_lab_params *p, int port, int report)
{
    char err[300], path[600], msg[400];
    int bound = 0;
    int lfd = wsnet_listen(ws_addr(p), port, &bound, err, sizeof err);
    if (lfd < 0) {
        snprintf(msg, sizeof msg, "ERR %s\n", err);
        wsnet_write_all(report, msg, strlen(msg));
        _exit(1);
    }
    peds_stop = 0;
    if (chdir("/") != 0)
        _exit(1);
    wsnet_on_stop_signals(on_stop);
    ws_pid_write(p->dir, "pedserver");
    record(p->dir, getpid(), bound);
    /* Detach from the caller's terminal or pipe: a daemon holding it open would keep whoever
     * reads start's output waiting for an end of file. The log goes to DIR/run. */
    snprintf(path, sizeof path, "%s/run/pedserver.log", p->dir);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int log = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (null >= 0)
        dup2(null, STDIN_FILENO);
    if (log >= 0) {
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
    }
    if (null > 2)
        close(null);
    if (log > 2)
        close(log);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("pedserver: listening on %s:%d\n", ws_addr(p), bound);
    snprintf(msg, sizeof msg, "OK %d\n", bound);
    wsnet_write_all(report, msg, strlen(msg));
    close(report);
    wsnet_serve(lfd, handle_client, (void *)p, &peds_stop);
    close(lfd);
    ws_pid_path(p->dir, "pedserver", path, sizeof path);
    unlink(path);
    record(p->dir, 0, 0);
    printf("pedserver: stopped\n");
    _exit(0);
}

static int peds_start(const struct sim_lab_params *p, int port)
{
    pid_t running = ws_pid_read_live(p->dir, "pedserver", "pedserver");
    lab_latency(p);
    printf("%s\n", PEDS_VERSION);
    if (running) {
        printf("Ped Server is already running (process %ld).\n", (long)running);
        return 0;
    }
    printf("Ped Server launched in startup mode.\n");
    printf("Starting background process\n");
    fflush(stdout);
    if (lab_has_fault(p, "pedserver-down")) {
        /* The injected symptom: everything looks fine, nothing listens. */
        printf("Background process started\n");
        printf("Ped Server Process created, exiting this process.\n");
        return 0;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        fprintf(stderr, "Error: cannot start the background process: %s\n", strerror(errno));
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "Error: cannot start the background process: %s\n", strerror(errno));
        return 1;
    }
    if (child == 0) {
        close(fds[0]);
        setsid();
        pid_t grandchild = fork();
        if (grandchild == 0)
            daemon_main(p, port, fds[1]);
        _exit(grandchild < 0 ? 1 : 0);
    }
    close(fds[1]);
    waitpid(child, NULL, 0);
    char line[400];
    int n = wsnet_read_line(fds[0], line, sizeof line, 10000);
    close(fds[0]);
    if (n < 0 || strncmp(line, "OK ", 3) != 0) {
        fprintf(stderr, "Error: the background process did not start: %s\n",
                n >= 0 && strncmp(line, "ERR ", 4) == 0 ? line + 4 : "no report");
        return 1;
    }
    printf("Background process started\n");
    printf("Ped Server Process created, exiting this process.\n");
    return 0;
}

static int peds_stop_cmd(const struct sim_lab_params *p)
{
    lab_latency(p);
    printf("%s\n", PEDS_VERSION);
    printf("Ped Server launched in stop mode.\n");
    pid_t pid = ws_pid_read_live(p->dir, "pedserver", "pedserver");
    if (!pid) {
        printf("Ped Server is not running.\n");
        return 0;
    }
    printf("Stopping background process\n");
    kill(pid, SIGTERM);
    for (int i = 0; i < 100 && ws_pid_read_live(p->dir, "pedserver", "pedserver"); i++)
        wsnet_sleep_ms(50);
    if (ws_pid_read_live(p->dir, "pedserver", "pedserver")) {
        kill(pid, SIGKILL);
        char path[600];
        ws_pid_path(p->dir, "pedserver", path, sizeof path);
        unlink(path);
        record(p->dir, 0, 0);
    }
    printf("Background process stopped\n");
    return 0;
}

static void row(const char *name, const char *value)
{
    printf("   %-32s%s\n", name, value);
}

static int peds_show(const struct sim_lab_params *p)
{
    struct state_handle h;
    char err[300], host[128] = "workstation", buf[64];
    json_int_t port = 0, started = 0;
    const char *status = "Disconnected";
    printf("%s\n", PEDS_VERSION);
    printf("Ped Server launched in status mode.\n");
    pid_t pid = ws_pid_read_live(p->dir, "pedserver", "pedserver");
    if (state_open(p->dir, &h, err, sizeof err) == 0) {
        json_t *ps = json_object_get(h.root, "pedserver");
        port = json_integer_value(json_object_get(ps, "port"));
        started = json_integer_value(json_object_get(ps, "started"));
        const char *loc = json_string_value(json_object_get(ped_state_get(h.root, p),
                                                            "location"));
        if (loc && strcmp(loc, "workstation") == 0)
            status = "Connected";
        state_close(&h);
    }
    lab_latency(p);
    if (!pid || !ped_link_ping(ws_addr(p), (int)port, 2000)) {
        printf("Failed to connect to the Ped Server: it is not running.\n");
        printf("Show command failed.\n");
        return 1;
    }
    gethostname(host, sizeof host - 1);
    printf("Server Information:\n");
    row("Hostname:", host);
    row("IP Address:", ws_addr(p));
    snprintf(buf, sizeof buf, "%lld", (long long)port);
    row("Port:", buf);
    row("Firmware Version:", "2.7.4-5");
    row("PedII Protocol Version:", "1.0.1-0");
    row("Software Version:", "1.0.6 (10006)");
    row("Ped2 Connection Status:", status);
    row("Ped2 RPK Count:", "1");
    printf("\nOperating Information:\n");
    row("Server Port:", buf);
    row("External Server Interface:", "Yes");
    snprintf(buf, sizeof buf, "%lld (secs)", (long long)(time(NULL) - started));
    printf("\n");
    row("Server Up Time:", buf);
    row("Idle Timeout Value:", "1800 (secs)");
    printf("\nShow command passed.\n");
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: pedserver -mode start|stop|show [-port P]\n");
}

int mode_pedserver(int argc, char **argv)
{
    char dir[SIM_TEXT], err[400];
    struct sim_lab_params p;
    const char *mode = NULL;
    argc = ws_take_dir(argc, argv, dir, sizeof dir);
    if (argc < 0) {
        fprintf(stderr, "pedserver: no lab folder (--dir DIR)\n");
        return 2;
    }
    if (lab_params_load(dir, &p, err, sizeof err) != 0) {
        fprintf(stderr, "pedserver: %s\n", err);
        return 2;
    }
    int port = p.ped_port;
    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if ((strcmp(argv[i], "-mode") == 0 || strcmp(argv[i], "-m") == 0) && has_value) {
            mode = argv[++i];
        } else if ((strcmp(argv[i], "-port") == 0 || strcmp(argv[i], "-p") == 0) && has_value) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 0 || v > 65535) {
                fprintf(stderr, "pedserver: bad port '%s'\n", argv[i]);
                return 2;
            }
            port = (int)v;
        } else {
            usage();
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (mode && strcmp(mode, "start") == 0)
        return peds_start(&p, port);
    if (mode && strcmp(mode, "stop") == 0)
        return peds_stop_cmd(&p);
    if (mode && strcmp(mode, "show") == 0)
        return peds_show(&p);
    usage();
    return 2;
}
