/* vtl.c: the k570's vtl (vtl --dir DIR --appliance NAME [--cwd VPATH] COMMAND ...):
 * addServer, listservers, deleteServer, verify (FORMATS.md 4). The server list lives in the
 * appliance's "vtl_servers" in the state; verify asks the RBS link which slots answer. */
#include "k570_fs.h"
#include "lab_params.h"
#include "modes.h"
#include "rbs_link.h"
#include "state_model.h"
#include "state_store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VTL_TIMEOUT_MS 3000

struct vtl {
    struct sim_lab_params p;
    const char *appliance;
    const char *cwd;
};

static void usage(void)
{
    printf("vtl (64-bit) v10.4.0-275. Copyright (c) 2022 Thales Group. All rights reserved.\n\n");
    printf("Usage: vtl <command> [options]\n\n");
    printf("  addServer -n <server address> -c <server certificate file> [-htl]\n");
    printf("  deleteServer -n <server address>\n");
    printf("  listservers\n");
    printf("  verify\n");
}

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcasecmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

/* Opens the state and finds our appliance's server list. */
static json_t *open_servers(struct vtl *v, struct state_handle *h)
{
    char err[512];
    if (state_open(v->p.dir, h, err, sizeof err) != 0) {
        printf("Error: %s\n", err);
        return NULL;
    }
    json_t *hsm = sm_hsm(h->root, v->appliance);
    json_t *list = json_object_get(hsm, "vtl_servers");
    if (!list) {
        printf("Error: this appliance has no Luna client configuration\n");
        state_close(h);
        return NULL;
    }
    return list;
}

static int find_server(json_t *list, const char *address)
{
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) {
        if (strcmp(sm_str(s, "address"), address) == 0)
            return (int)i;
    }
    return -1;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = malloc(65536);
    size_t n = buf ? fread(buf, 1, 65535, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static int vtl_add(struct vtl *v, int argc, char **argv)
{
    const char *ip = opt(argc, argv, "-n"), *file = opt(argc, argv, "-c");
    char vpath[1024], home[600], real[1100], sha[65];
    struct state_handle h;
    if (!ip || !file) {
        printf("Error: addServer needs -n <server address> and -c <server certificate file>\n");
        return 1;
    }
    kfs_normalize(v->cwd, file, vpath, sizeof vpath);
    snprintf(home, sizeof home, "%s/appliances/%s/home", v->p.dir, v->appliance);
    char *pem = kfs_real(home, vpath, real, sizeof real) == 0 ? read_file(real) : NULL;
    if (!pem) {
        printf("Error: Unable to open certificate file %s\n", file);
        return 1;
    }
    if (rbs_cert_sha256_file(real, sha) != 0) {
        printf("Error: %s is not a valid PEM certificate\n", file);
        free(pem);
        return 1;
    }
    json_t *list = open_servers(v, &h);
    if (!list) {
        free(pem);
        return 1;
    }
    if (find_server(list, ip) >= 0) {
        state_close(&h);
        free(pem);
        printf("Error: Server %s is already in the server list.\n", ip);
        return 1;
    }
    json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "address", ip, "cert_sha256", sha,
                                          "pem", pem));
    free(pem);
    if (state_commit(&h) != 0) {
        printf("Error: cannot save the server list\n");
        return 1;
    }
    printf("\nNew server %s successfully added to server list.\n\n", ip);
    return 0;
}

static int vtl_delete(struct vtl *v, int argc, char **argv)
{
    const char *ip = opt(argc, argv, "-n");
    struct state_handle h;
    if (!ip) {
        printf("Error: deleteServer needs -n <server address>\n");
        return 1;
    }
    json_t *list = open_servers(v, &h);
    if (!list)
        return 1;
    int i = find_server(list, ip);
    if (i < 0) {
        state_close(&h);
        printf("Error: Server %s is not in the server list.\n", ip);
        return 1;
    }
    json_array_remove(list, (size_t)i);
    state_commit(&h);
    printf("\nServer %s successfully removed from server list.\n\n", ip);
    return 0;
}

static int vtl_list(struct vtl *v)
{
    struct state_handle h;
    json_t *list = open_servers(v, &h);
    if (!list)
        return 1;
    size_t i;
    json_t *s;
    if (json_array_size(list) == 0)
        printf("No servers are registered.\n");
    json_array_foreach(list, i, s) {
        printf("Server: %s  HTL required: no\n", sm_str(s, "address"));
    }
    state_close(&h);
    return 0;
}

static int vtl_verify(struct vtl *v)
{
    struct state_handle h;
    json_t *list = open_servers(v, &h);
    if (!list)
        return 1;
    json_t *copy = json_deep_copy(list);
    json_t *slot = sm_slot_by_desc(sm_hsm(h.root, v->appliance), "Net Admin Token Slot");
    int slot_id = (int)sm_int(slot, "id");
    json_t *bak = sm_hsm(h.root, "backup");
    char label[64];
    snprintf(label, sizeof label, "%s", sm_bool(bak, "zeroized") ? "" : sm_str(bak, "label"));
    state_close(&h); /* never hold the lock across the network */
    if (json_array_size(copy) == 0) {
        printf("Error: No servers are registered (use vtl addServer).\n");
        json_decref(copy);
        return 1;
    }
    size_t i, found = 0;
    json_t *s;
    json_array_foreach(copy, i, s) {
        struct rbs_hsm_info info;
        char err[256] = "";
        memset(&info, 0, sizeof info);
        int rc = rbs_link_query(sm_str(s, "address"), v->p.rbs_port, sm_str(s, "cert_sha256"),
                                VTL_TIMEOUT_MS, &info, err, sizeof err);
        if (rc != RBS_LINK_OK) {
            printf("Error: Unable to connect to server %s (%s).\n", sm_str(s, "address"),
                   rc == RBS_LINK_BAD_CERT ? "server certificate mismatch"
                   : rc == RBS_LINK_NO_HSM ? "no Backup HSM attached"
                                           : "no answer");
            continue;
        }
        if (found++ == 0) {
            printf("The following Luna SA Slots/Partitions were found:\n\n");
            printf("Slot\tSerial #        \tLabel\n");
            printf("====\t================\t=====\n");
        }
        printf("%4d\t%16s \t%s\n", slot_id, info.serial, label);
    }
    json_decref(copy);
    return found ? 0 : 1;
}

int mode_vtl(int argc, char **argv)
{
    struct vtl v = {.appliance = NULL, .cwd = KFS_HOME};
    const char *dir = NULL;
    char err[512];
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--appliance") == 0 && i + 1 < argc)
            v.appliance = argv[++i];
        else if (strcmp(argv[i], "--cwd") == 0 && i + 1 < argc)
            v.cwd = argv[++i];
        else
            break;
    }
    if (!dir || !v.appliance) {
        fprintf(stderr, "usage: rotwiz-sim vtl --dir DIR --appliance NAME [--cwd P] COMMAND\n");
        return 2;
    }
    if (lab_params_load(dir, &v.p, err, sizeof err) != 0) {
        fprintf(stderr, "vtl: %s\n", err);
        return 2;
    }
    lab_latency(&v.p);
    int rc;
    if (i >= argc) {
        usage();
        rc = 1;
    } else if (strcasecmp(argv[i], "addServer") == 0)
        rc = vtl_add(&v, argc - i, argv + i);
    else if (strcasecmp(argv[i], "deleteServer") == 0)
        rc = vtl_delete(&v, argc - i, argv + i);
    else if (strcasecmp(argv[i], "listservers") == 0 || strcasecmp(argv[i], "list") == 0)
        rc = vtl_list(&v);
    else if (strcasecmp(argv[i], "verify") == 0)
        rc = vtl_verify(&v);
    else {
        printf("Error: Unknown command '%s'.\n\n", argv[i]);
        usage();
        rc = 1;
    }
    fflush(stdout);
    return rc;
}
