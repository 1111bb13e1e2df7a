/* secret_events.c: classifies secret-bearing inputs and records wrong_secret_events (see
 * secret_events.h). Only hashes are compared; the value itself is never stored. */
#include "secret_events.h"
#include "state_model.h"
#include "state_store.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Words an operator types at the wrong prompt that are no secret: answers to other prompts,
 * and the first words of commands (lunacm, the k570 shell, the workstation tools). */
static const char *const non_secret_words[] = {
    "exit", "quit", "proceed", "logout", "y", "yes", "n", "no", "x", "help", "slot", "role",
    "partition", "par", "ped", "hsm", "cd", "ls", "pwd", "cat", "echo", "vtl", "./vtl",
    "lunacm", "./lunacm", "rbs", "pedserver", "scp", "ssh", "sudo", NULL};

static bool hash_in(json_t *obj, const char *key, const char *hash)
{
    return strcmp(sm_str(obj, key), hash) == 0;
}

/* True when VALUE (hash HASH) is a known secret of KIND in ROOT. */
static bool is_kind(json_t *root, const char *kind, const char *value, const char *hash)
{
    const char *name;
    json_t *hsm, *part, *k;
    size_t i;
    json_object_foreach(json_object_get(root, "hsms"), name, hsm) {
        bool backup = strcmp(sm_str(hsm, "kind"), "backup") == 0;
        if (strcmp(kind, SE_SO) == 0 && hash_in(hsm, "so_password_sha256", hash))
            return true;
        json_array_foreach(json_object_get(hsm, "partitions"), i, part) {
            const char *pk = backup ? SE_PART : SE_CO;
            if (strcmp(kind, pk) == 0 && hash_in(part, "co_password_sha256", hash))
                return true;
            if (strcmp(kind, SE_DOMAIN) == 0 && strcmp(sm_str(part, "domain"), value) == 0)
                return true;
        }
    }
    json_array_foreach(json_object_get(root, "known_secrets"), i, k) {
        if (strcmp(sm_str(k, "kind"), kind) == 0 && hash_in(k, "sha256", hash))
            return true;
    }
    return false;
}

static bool non_secret_word(const char *value)
{
    char first[32];
    size_t n = 0;
    while (isspace((unsigned char)*value))
        value++;
    while (value[n] && !isspace((unsigned char)value[n]) && n + 1 < sizeof first) {
        first[n] = value[n];
        n++;
    }
    first[n] = '\0';
    if (!n)
        return false;
    for (size_t i = 0; non_secret_words[i]; i++)
        if (strcasecmp(first, non_secret_words[i]) == 0)
            return true;
    return false;
}

bool se_check_root(json_t *root, const char *device, const char *where, const char *prompt,
                   const char *asked, const char *value)
{
    static const char *const kinds[] = {SE_SO, SE_CO, SE_PART, SE_DOMAIN, SE_RBS, NULL};
    char hash[65];
    const char *given = NULL;
    if (!value || !value[0])
        return false;
    sm_hash_password(value, hash);
    /* A value that is (also) a secret of the kind asked for is no event. */
    if (is_kind(root, asked, value, hash))
        return false;
    for (size_t i = 0; kinds[i] && !given; i++)
        if (is_kind(root, kinds[i], value, hash))
            given = kinds[i];
    if (!given && strcmp(where, "prompt") == 0 && strcmp(asked, SE_CONFIRM) != 0 &&
        non_secret_word(value))
        given = "other";
    if (!given)
        return false;
    json_t *events = json_object_get(root, "wrong_secret_events");
    if (!json_is_array(events)) {
        events = json_array();
        json_object_set_new(root, "wrong_secret_events", events);
    }
    json_array_append_new(events, json_pack("{s:s, s:s, s:s, s:s, s:s}", "device", device,
                                            "where", where, "prompt", prompt, "asked", asked,
                                            "given", given));
    return true;
}

void se_check(const char *dir, const char *device, const char *where, const char *prompt,
              const char *asked, const char *value)
{
    struct state_handle h;
    char err[512];
    if (!value || !value[0] || state_open(dir, &h, err, sizeof err) != 0)
        return;
    if (se_check_root(h.root, device, where, prompt, asked, value))
        state_commit(&h);
    else
        state_close(&h);
}

static json_t *known(const char *kind, const char *value)
{
    char hash[65];
    sm_hash_password(value, hash);
    return json_pack("{s:s, s:s}", "kind", kind, "sha256", hash);
}

json_t *se_known_new(const struct sim_lab_params *p, const struct sim_secrets *s)
{
    json_t *a = json_array();
    if (s->backup_partition_password[0])
        json_array_append_new(a, known(SE_PART, s->backup_partition_password));
    if (s->rbs_password[0])
        json_array_append_new(a, known(SE_RBS, s->rbs_password));
    if (p->domain[0])
        json_array_append_new(a, known(SE_DOMAIN, p->domain));
    return a;
}

void se_learn(const char *dir, const char *kind, const char *value)
{
    struct state_handle h;
    char err[512], hash[65];
    if (!value || !value[0] || state_open(dir, &h, err, sizeof err) != 0)
        return;
    json_t *a = json_object_get(h.root, "known_secrets");
    if (!json_is_array(a)) {
        a = json_array();
        json_object_set_new(h.root, "known_secrets", a);
    }
    sm_hash_password(value, hash);
    size_t i;
    json_t *k;
    json_array_foreach(a, i, k) {
        if (strcmp(sm_str(k, "kind"), kind) == 0 && strcmp(sm_str(k, "sha256"), hash) == 0) {
            state_close(&h);
            return;
        }
    }
    json_array_append_new(a, known(kind, value));
    state_commit(&h);
}
