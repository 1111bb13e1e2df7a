/* capture_replay.c: `rotwiz-sim lab --from-capture FILE`: a dialect capture (`rotwiz capture`,
 * core/flow_act_capture.c) copied into the lab as DIR/capture.json; the lab's lunacm then
 * prints, for every read-only command the capture covers on that device (its start-up banner
 * and slot list, `slot list`, `help`, `<command> -help`, `ped show`, `hsm show`, `partition
 * show`), what the real device printed instead of its own text. Everything else (logins,
 * archive commands, the state) stays the lab's. */
#include "capture_replay.h"
#include "lunacm.h"
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CAPTURE_NAME "capture.json"

/* Read-only commands a capture may answer (never one that changes or logs in). */
static const char *const covered[] = {"slot list", "help", "ped show", "hsm show",
                                      "partition show", NULL};

int capture_install(const char *src, const char *dir, char *err, size_t errlen)
{
    char dst[600];
    snprintf(dst, sizeof dst, "%s/" CAPTURE_NAME, dir);
    if (!src) {
        if (unlink(dst) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove %s: %s", dst, strerror(errno));
            return -1;
        }
        return 0;
    }
    json_error_t je;
    json_t *root = json_load_file(src, 0, &je);
    if (!root || !json_is_array(json_object_get(root, "devices")) ||
        !json_integer_value(json_object_get(root, "rotwiz_capture"))) {
        snprintf(err, errlen, "%s is not a rotwiz capture (%s)", src,
                 root ? "no rotwiz_capture and devices members" : je.text);
        json_decref(root);
        return -1;
    }
    int rc = json_dump_file(root, dst, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0)
        snprintf(err, errlen, "cannot write %s", dst);
    return rc ? -1 : 0;
}

/* Collapses runs of blanks, trims: "slot  list " -> "slot list". */
static void normalize(const char *in, char *out, size_t len)
{
    size_t n = 0;
    bool space = false;
    for (; *in && n + 1 < len; in++) {
        if (isspace((unsigned char)*in)) {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < len)
            out[n++] = ' ';
        space = false;
        out[n++] = *in;
    }
    out[n] = '\0';
}

static bool is_covered(const char *cmd)
{
    for (size_t i = 0; covered[i]; i++)
        if (strcasecmp(cmd, covered[i]) == 0)
            return true;
    size_t l = strlen(cmd);
    return l > 6 && strcasecmp(cmd + l - 6, " -help") == 0;
}

/* The capture's record of this lunacm's device, or NULL (the caller owns *root). */
static json_t *device(const struct lcm *c, json_t **root)
{
    char path[600];
    snprintf(path, sizeof path, "%s/" CAPTURE_NAME, c->p.dir);
    *root = json_load_file(path, 0, NULL);
    const char *role = c->workstation ? "workstation" : c->device;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(*root, "devices"), i, d)
        if (json_is_string(json_object_get(d, "role")) &&
            strcmp(json_string_value(json_object_get(d, "role")), role) == 0)
            return d;
    return NULL;
}

static void print_text(struct lcm *c, const char *text)
{
    fputs(text, c->out);
    size_t l = strlen(text);
    if (l && text[l - 1] != '\n')
        fputc('\n', c->out);
    fflush(c->out);
}

bool capture_replay_command(struct lcm *c, const char *line)
{
    char want[1024];
    normalize(line, want, sizeof want);
    if (!is_covered(want))
        return false;
    json_t *root = NULL, *d = device(c, &root), *rec;
    bool done = false;
    size_t i;
    json_array_foreach(json_object_get(d, "commands"), i, rec) {
        const char *cmd = json_string_value(json_object_get(rec, "command"));
        const char *out = json_string_value(json_object_get(rec, "output"));
        char have[1024];
        if (!cmd || !out)
            continue;
        normalize(cmd, have, sizeof have);
        if (strcasecmp(have, want) == 0) {
            print_text(c, out);
            done = true;
            break;
        }
    }
    json_decref(root);
    return done;
}

bool capture_replay_startup(struct lcm *c)
{
    json_t *root = NULL, *d = device(c, &root);
    const char *text = json_string_value(json_object_get(d, "startup"));
    if (text)
        print_text(c, text);
    json_decref(root);
    return text != NULL;
}
