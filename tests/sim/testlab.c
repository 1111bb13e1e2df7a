/* testlab.c: see testlab.h. */
#include "testlab.h"
#include "modes.h"
#include "state_model.h"
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

int testlab_make(struct testlab *t, const char *auth, const char *const *faults)
{
    char err[256];
    memset(t, 0, sizeof *t);
    t->exe = ROTWIZ_SIM_PATH;
    snprintf(t->dir, sizeof t->dir, "/tmp/rotwiz-simtest-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    struct sim_lab_params *p = &t->p;
    snprintf(p->dir, sizeof p->dir, "%s", t->dir);
    snprintf(p->auth, sizeof p->auth, "%s", auth);
    for (size_t i = 0; faults && faults[i] && i < SIM_MAX_FAULTS; i++)
        snprintf(p->faults[p->fault_count++], sizeof p->faults[0], "%s", faults[i]);
    snprintf(p->ped_mode, sizeof p->ped_mode, "auto");
    p->ped_time_scale = 0.01;
    snprintf(p->ws_address, sizeof p->ws_address, "127.0.0.1");
    p->rbs_port = 1;  /* nothing listens there: the RBS link is unreachable in unit tests */
    p->ped_port = 1;
    p->appliance_count = 2;
    snprintf(p->appliances[0].name, sizeof p->appliances[0].name, "source");
    snprintf(p->appliances[0].address, sizeof p->appliances[0].address, "127.0.0.2");
    snprintf(p->appliances[1].name, sizeof p->appliances[1].name, "target");
    snprintf(p->appliances[1].address, sizeof p->appliances[1].address, "127.0.0.3");
    snprintf(p->sim_path, sizeof p->sim_path, "%s", ROTWIZ_SIM_PATH);
    snprintf(p->domain, sizeof p->domain, "k570-rot");
    snprintf(p->backup_partition, sizeof p->backup_partition, "rot-backup");
    snprintf(t->s.source_co_password, sizeof t->s.source_co_password, "SourceCo-1");
    snprintf(t->s.target_co_password, sizeof t->s.target_co_password, "TargetCo-2");
    snprintf(t->s.backup_so_password, sizeof t->s.backup_so_password, "BackupSo-3");
    snprintf(t->s.backup_partition_password, sizeof t->s.backup_partition_password, "BakPart-4");
    snprintf(t->s.rbs_password, sizeof t->s.rbs_password, "RbsPass-5");
    char home[400];
    snprintf(home, sizeof home, "%s/appliances", t->dir);
    mkdir(home, 0700);
    for (size_t i = 0; i < p->appliance_count; i++) {
        snprintf(home, sizeof home, "%s/appliances/%s", t->dir, p->appliances[i].name);
        mkdir(home, 0700);
        strcat(home, "/home");
        mkdir(home, 0700);
    }
    if (lab_params_save(p, err, sizeof err) != 0 || sim_state_create(p, &t->s, err, sizeof err))
        return -1;
    return 0;
}

int testlab_vary(struct testlab *t, const char *name, const char *value)
{
    char err[256];
    if (lab_set_knob(&t->p, name, value) != 0)
        return -1;
    return lab_params_save(&t->p, err, sizeof err);
}

void testlab_destroy(struct testlab *t)
{
    char cmd[400];
    if (!t->dir[0] || strncmp(t->dir, "/tmp/rotwiz-simtest-", 20) != 0)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", t->dir);
}

int testlab_spawn(struct testlab *t, const char *const *args, const char *input, int *out_fd)
{
    int in[2], out[2];
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)"rotwiz-sim";
    for (size_t i = 0; args[i] && n < 30; i++)
        argv[n++] = (char *)(strcmp(args[i], "@DIR") == 0 ? t->dir : args[i]);
    argv[n] = NULL;
    if (pipe(in) != 0)
        return -1;
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        setenv("ROTWIZ_TEST_LAB_DIR", t->dir, 1);
        unsetenv("ROTWIZ_SIM_CONN_PID");
        execv(t->exe, argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    signal(SIGPIPE, SIG_IGN);
    /* Inputs are small: the pipe buffer holds them. */
    if (input && write(in[1], input, strlen(input)) < 0)
        perror("write");
    close(in[1]);
    *out_fd = out[0];
    return pid;
}

char *testlab_run(struct testlab *t, const char *const *args, const char *input, int *status)
{
    int fd = -1;
    pid_t pid = testlab_spawn(t, args, input, &fd);
    if (pid < 0)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)r;
        if (cap - len < 1024)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    close(fd);
    int st = 0;
    waitpid(pid, &st, 0);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return buf;
}

char *testlab_lunacm(struct testlab *t, const char *appliance, const char *input)
{
    const char *args[] = {"k570-lunacm", "--dir", "@DIR", "--appliance", appliance, NULL};
    return testlab_run(t, args, input, NULL);
}

json_t *testlab_state(struct testlab *t)
{
    char path[400];
    snprintf(path, sizeof path, "%s/state.json", t->dir);
    return json_load_file(path, 0, NULL);
}

json_t *testlab_objects(json_t *root, const char *hsm, const char *part)
{
    json_t *h = sm_hsm(root, hsm);
    json_t *p = part ? sm_partition(h, part) : sm_user_partition(h);
    return json_object_get(p, "objects");
}

int testlab_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *s = hay; (s = strstr(s, needle)); s += strlen(needle))
        n++;
    return n;
}

/* A self-signed certificate, as `rbs --genkey` would write. */
static int write_cert(const char *path)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    int rc = -1;
    if (!key || !x)
        goto out;
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"rbs-test", -1,
                               -1, 0);
    X509_set_issuer_name(x, name);
    if (!X509_sign(x, key, EVP_sha256()))
        goto out;
    FILE *f = fopen(path, "w");
    if (!f)
        goto out;
    rc = PEM_write_X509(f, x) == 1 ? 0 : -1;
    fclose(f);
out:
    X509_free(x);
    EVP_PKEY_free(key);
    return rc;
}

int testlab_make_linked(struct testlab *t, const char *auth, const char *const *faults)
{
    char path[600], cmd[1400];
    if (testlab_make(t, auth, faults) != 0)
        return -1;
    t->exe = ROTWIZ_SIM_FAKE_PATH;
    snprintf(t->p.sim_path, sizeof t->p.sim_path, "%s", ROTWIZ_SIM_FAKE_PATH);
    char err[256];
    if (lab_params_save(&t->p, err, sizeof err) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/lunaclient/rbs/server", t->dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    if (system(cmd) != 0)
        return -1;
    strcat(path, "/server.pem");
    if (write_cert(path) != 0)
        return -1;
    for (size_t i = 0; i < t->p.appliance_count; i++) {
        snprintf(cmd, sizeof cmd, "cp '%s' '%s/appliances/%s/home/server.pem'", path, t->dir,
                 t->p.appliances[i].name);
        if (system(cmd) != 0)
            return -1;
    }
    return 0;
}

int testlab_add_server(struct testlab *t, const char *appliance)
{
    const char *args[] = {"vtl", "--dir", "@DIR", "--appliance", appliance, "addServer", "-n",
                          t->p.ws_address, "-c", "server.pem", NULL};
    int st = -1;
    free(testlab_run(t, args, NULL, &st));
    return st;
}

char *testlab_ped_log(struct testlab *t)
{
    char path[400];
    snprintf(path, sizeof path, "%s/ped.log", t->dir);
    FILE *f = fopen(path, "r");
    char *buf = calloc(1, 65536);
    if (f && buf) {
        size_t n = fread(buf, 1, 65535, f);
        buf[n] = '\0';
    }
    if (f)
        fclose(f);
    return buf;
}
