/* rbs.c: the simulated Remote Backup Server program of the workstation's Luna client:
 * `rbs --config` (device menu), `rbs --genkey` (key pair and certificate), `rbs s -port P`
 * (serve, in rbs_serve.c). Every line it prints is invented (FORMATS.md §5: UNKNOWN); the list
 * is in sim/README.md. */
#include "modes.h"
#include "lab_words.h"
#include "rbs_cert.h"
#include "rbs_tool.h"
#include "secret_events.h"
#include "state_store.h"
#include "ws_util.h"
#include <errno.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RBS_BANNER "RBS (64-bit) v10.4.0-275. Copyright (c) 2022 Thales Group. " \
                   "All rights reserved."

void rbs_paths(const char *dir, char *cert, size_t certlen, char *key, size_t keylen)
{
    snprintf(cert, certlen, "%s/lunaclient/rbs/server/server.pem", dir);
    snprintf(key, keylen, "%s/lunaclient/rbs/server/server.key", dir);
}

int rbs_backup_attached(const struct sim_lab_params *p, struct rbs_hsm_info *info, char *err,
                        size_t errlen)
{
    struct state_handle h;
    int rc = -1;
    memset(info, 0, sizeof *info);
    if (lab_has_fault(p, "backup-hsm-missing")) {
        snprintf(err, errlen, "no Backup HSM is attached to the workstation");
        return -1;
    }
    if (state_open(p->dir, &h, err, errlen) != 0)
        return -1;
    json_t *b = json_object_get(json_object_get(h.root, "hsms"), "backup");
    const char *serial = json_string_value(json_object_get(b, "serial"));
    if (!json_is_object(b) || !serial || json_is_true(json_object_get(b, "missing")) ||
        json_is_false(json_object_get(b, "attached"))) {
        snprintf(err, errlen, "no Backup HSM is attached to the workstation");
        goto out;
    }
    const char *model = json_string_value(json_object_get(b, "model"));
    const char *fw = json_string_value(json_object_get(b, "firmware"));
    snprintf(info->serial, sizeof info->serial, "%s", serial);
    snprintf(info->model, sizeof info->model, "%s", model ? model : "Luna Backup HSM 7");
    snprintf(info->firmware, sizeof info->firmware, "%s", fw ? fw : "");
    rc = 0;
out:
    state_close(&h);
    return rc;
}

/* The serial enabled by a previous --config, or "" (and *configured false when never saved). */
static void read_config(const char *dir, bool *configured, char *serial, size_t len)
{
    struct state_handle h;
    char err[300];
    *configured = false;
    serial[0] = '\0';
    if (state_open(dir, &h, err, sizeof err) != 0)
        return;
    json_t *rbs = json_object_get(h.root, "rbs");
    *configured = json_is_true(json_object_get(rbs, "configured"));
    const char *s = json_string_value(json_object_get(rbs, "device_serial"));
    snprintf(serial, len, "%s", s ? s : "");
    state_close(&h);
}

void rbs_check_secret(const struct sim_lab_params *p, const char *prompt, const char *value)
{
    char words[160];
    snprintf(words, sizeof words, "%s", prompt);
    words[strcspn(words, "\n")] = '\0';
    size_t n = strlen(words);
    while (n > 0 && words[n - 1] == ' ')
        words[--n] = '\0';
    se_check(p->dir, "workstation-rbs", "prompt", words, SE_RBS, value);
}

/* Knob rbs-layout: rows (default) or a table. */
static void print_menu(const struct sim_lab_params *p, bool have, const struct rbs_hsm_info *hsm,
                       bool enabled)
{
    if (lab_knob_is(p, "rbs-layout", "table")) {
        printf("\nNo. | Sel | Model                | Serial       | Firmware\n"
               "----+-----+----------------------+--------------+---------\n");
        if (have)
            printf("  1 |  %c  | %-20s | %-12s | %s\n", enabled ? '*' : ' ', hsm->model,
                   hsm->serial, hsm->firmware);
        printf("%s\n", have ? "" : "(no Backup HSM found)\n");
        return;
    }
    printf("\nBackup HSMs attached to this workstation:\n\n");
    if (!have)
        printf("  (none found)\n");
    else
        printf("  1  [%c]  %-20s serial %-12s firmware %s\n", enabled ? 'x' : ' ', hsm->model,
               hsm->serial, hsm->firmware);
    printf("\n");
}

/* The menu's question under the knobs rbs-menu and rbs-layout (table: ends in '>'). */
static const char *menu_prompt(const struct sim_lab_params *p, bool have)
{
    bool toggle = lab_knob_is(p, "rbs-menu", "toggle");
    if (lab_knob_is(p, "rbs-layout", "table"))
        return !have ? "Choice (X = save and exit) > "
               : toggle ? "Choice (number = toggle the device, X = save and exit) > "
                        : "Choice (number = select, -number = deselect, X = save and exit) > ";
    return !have ? "Enter X to save and exit: "
           : toggle ? "Enter a device number to select or deselect it, or X to save and exit: "
                    : "Enter a device number to select it (-number to deselect), or X to save "
                      "and exit: ";
}

static int rbs_config(const struct sim_lab_params *p)
{
    struct rbs_hsm_info hsm;
    char err[300], line[128], saved[64];
    bool configured;
    bool have = rbs_backup_attached(p, &hsm, err, sizeof err) == 0;
    read_config(p->dir, &configured, saved, sizeof saved);
    bool enabled = have && strcmp(saved, hsm.serial) == 0;
    printf("%s\n\nRemote Backup Server configuration\n", RBS_BANNER);
    for (;;) {
        lab_latency(p);
        print_menu(p, have, &hsm, enabled);
        if (ws_prompt_line(menu_prompt(p, have), line, sizeof line) != 0) {
            printf("\nConfiguration not saved.\n");
            return 1;
        }
        char *s = line + strspn(line, " \t");
        s[strcspn(s, " \t")] = '\0';
        if (strcmp(s, "X") == 0 || strcmp(s, "x") == 0)
            break;
        /* rbs-menu=select: selecting is idempotent (running the procedure twice never
         * deselects the device); rbs-menu=toggle: typing the number again deselects it. */
        if (have && (strcmp(s, "1") == 0 || strcmp(s, "-1") == 0)) {
            if (s[0] == '-')
                enabled = false;
            else
                enabled = lab_knob_is(p, "rbs-menu", "toggle") ? !enabled : true;
            printf("Device 1 (serial %s) %s.\n", hsm.serial, enabled ? "selected" : "deselected");
        } else if (*s) {
            printf("Invalid choice '%s'.\n", s);
        }
    }
    json_t *serial = enabled ? json_string(hsm.serial) : json_null();
    int rc = ws_state_set(p->dir, "rbs", "configured", json_true());
    if (rc == 0)
        rc = ws_state_set(p->dir, "rbs", "device_serial", serial);
    json_decref(serial);
    if (rc != 0) {
        fprintf(stderr, "Error: cannot save the RBS configuration in %s/state.json\n", p->dir);
        return 1;
    }
    printf("Configuration saved: %s.\n", enabled ? "1 device selected" : "no device selected");
    return 0;
}

static int make_dirs(const char *dir)
{
    const char *parts[] = {"lunaclient", "lunaclient/rbs", "lunaclient/rbs/server"};
    char path[600];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, parts[i]);
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* Asks for the new password twice, three attempts at most. 0 or -1. */
static int ask_new_password(const struct sim_lab_params *p, char *pw, size_t len)
{
    char again[256], first[128], second[128];
    lab_prompt_words(p, LP_RBS_NEW, NULL, first, sizeof first);
    lab_prompt_words(p, LP_RBS_CONFIRM, NULL, second, sizeof second);
    for (int attempt = 0; attempt < 3; attempt++) {
        if (ws_prompt_secret(first, pw, len) != 0)
            break;
        rbs_check_secret(p, first, pw);
        if (ws_prompt_secret(second, again, sizeof again) != 0)
            break;
        rbs_check_secret(p, second, again);
        bool same = strcmp(pw, again) == 0;
        OPENSSL_cleanse(again, sizeof again);
        if (!*pw)
            printf("The password must not be empty.\n");
        else if (!same)
            printf("The passwords do not match. Try again.\n");
        else
            return 0;
    }
    OPENSSL_cleanse(pw, len);
    return -1;
}

static int rbs_genkey(const struct sim_lab_params *p)
{
    char cert_path[600], key_path[600], line[64], pw[256], err[400];
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    int status = 1;
    rbs_paths(p->dir, cert_path, sizeof cert_path, key_path, sizeof key_path);
    printf("%s\n\nRemote Backup Server key generation\n", RBS_BANNER);
    if (access(key_path, F_OK) == 0 || access(cert_path, F_OK) == 0) {
        printf("A server key already exists in %s/lunaclient/rbs/server.\n"
               "Clients registered with the old certificate will no longer connect.\n", p->dir);
        if (ws_prompt_line("Overwrite it? (y/N): ", line, sizeof line) != 0 ||
            (strcmp(line, "y") != 0 && strcmp(line, "Y") != 0 && strcmp(line, "yes") != 0)) {
            printf("Key generation cancelled; the existing key is kept.\n");
            return 1;
        }
    }
    if (ask_new_password(p, pw, sizeof pw) != 0) {
        fprintf(stderr, "Error: no RBS password set; key generation failed.\n");
        return 1;
    }
    lab_latency(p);
    printf("Generating an EC P-256 key pair and a self-signed certificate...\n");
    fflush(stdout);
    if (make_dirs(p->dir) != 0) {
        fprintf(stderr, "Error: cannot create %s/lunaclient/rbs/server: %s\n", p->dir,
                strerror(errno));
        goto out;
    }
    if (rbs_cert_make("Remote Backup Server", &key, &cert, err, sizeof err) != 0 ||
        rbs_cert_save(cert, key, cert_path, key_path, pw, err, sizeof err) != 0) {
        fprintf(stderr, "Error: %s\n", err);
        goto out;
    }
    se_learn(p->dir, SE_RBS, pw); /* from now on the lab knows this RBS password */
    printf("Certificate written to %s\n", cert_path);
    printf("Private key written to %s (encrypted with the RBS password)\n", key_path);
    status = 0;
out:
    OPENSSL_cleanse(pw, sizeof pw);
    EVP_PKEY_free(key);
    X509_free(cert);
    return status;
}

static void usage(void)
{
    fprintf(stderr, "usage: rbs --config | --genkey | s [-port P]\n"
                    "  --config   choose the Backup HSMs the server exposes\n"
                    "  --genkey   make the server key pair and certificate\n"
                    "  s          serve (asks for the RBS password)\n");
}

int mode_rbs(int argc, char **argv)
{
    char dir[SIM_TEXT], err[400];
    struct sim_lab_params p;
    argc = ws_take_dir(argc, argv, dir, sizeof dir);
    if (argc < 0) {
        fprintf(stderr, "rbs: no lab folder (--dir DIR)\n");
        return 2;
    }
    if (argc < 2) {
        usage();
        return 2;
    }
    if (lab_params_load(dir, &p, err, sizeof err) != 0) {
        fprintf(stderr, "rbs: %s\n", err);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--config") == 0 || strcmp(cmd, "-config") == 0)
        return rbs_config(&p);
    if (strcmp(cmd, "--genkey") == 0 || strcmp(cmd, "-genkey") == 0)
        return rbs_genkey(&p);
    if (strcmp(cmd, "s") == 0 || strcmp(cmd, "serve") == 0)
        return rbs_serve_main(&p, argc - 1, argv + 1);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage();
        return 0;
    }
    fprintf(stderr, "rbs: unknown command '%s'\n", cmd);
    usage();
    return 2;
}
