/* secret_store.c: secrets in locked, non-dumpable memory, wiped on free. */
#include "secret_store.h"
#include "secrets_file.h"
#include "validate.h"
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define SECRET_KEY_MAX 40
#define SECRET_SLOTS 16
/* Answers that break validate.h's rule before the question gives up (a script answering the
 * same wrong text forever must not loop). Asking again is no HSM login: nothing is lost. */
#define SECRET_ASK_TRIES 3

struct secret_entry {
    bool used;
    bool forgotten;          /* wiped by secret_forget: ask again, never fall back to shared */
    int role;
    char key[SECRET_KEY_MAX];
    char value[CORE_ANSWER_MAX];
};

/* Lives in its own mmap'd pages: mlock'd when allowed and excluded from core dumps. */
struct secret_store {
    pthread_mutex_t lock;
    const struct core_sink *sink;
    bool locked;                         /* mlock succeeded */
    size_t map_len;
    enum secret_status status;
    char error[1400];
    char path[1024];                     /* the secrets file, "" when none */
    struct secret_entry entries[SECRET_SLOTS];
};

struct secret_store *secret_store_new(const struct core_sink *sink)
{
    size_t page = 4096, len = (sizeof(struct secret_store) + page - 1) / page * page;
    void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return NULL;
    struct secret_store *s = mem;   /* mmap gives zeroed memory */
    s->map_len = len;
    s->locked = mlock(mem, len) == 0;   /* best effort: RLIMIT_MEMLOCK may forbid it */
#ifdef MADV_DONTDUMP
    madvise(mem, len, MADV_DONTDUMP);
#endif
    s->sink = sink;
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

/* The entry for KEY and ROLE exactly, or NULL. Called with the lock held. */
static struct secret_entry *find(struct secret_store *s, const char *key, int role)
{
    for (size_t i = 0; i < SECRET_SLOTS; i++)
        if (s->entries[i].used && s->entries[i].role == role &&
            strcmp(s->entries[i].key, key) == 0)
            return &s->entries[i];
    return NULL;
}

static void wipe_entry(struct secret_entry *e)
{
    OPENSSL_cleanse(e, sizeof *e);
}

/* Stores a value; called with the lock held. */
static bool set_locked(struct secret_store *s, const char *key, int role, const char *value)
{
    if (strlen(key) >= SECRET_KEY_MAX || strlen(value) >= CORE_ANSWER_MAX)
        return false;
    struct secret_entry *e = find(s, key, role);
    for (size_t i = 0; e == NULL && i < SECRET_SLOTS; i++)
        if (!s->entries[i].used)
            e = &s->entries[i];
    if (e == NULL)
        return false;
    wipe_entry(e);
    e->used = true;
    e->role = role;
    snprintf(e->key, sizeof e->key, "%s", key);
    memcpy(e->value, value, strlen(value) + 1);
    return true;
}

bool secret_store_set(struct secret_store *s, const char *key, int role, const char *value)
{
    pthread_mutex_lock(&s->lock);
    bool ok = set_locked(s, key, role, value);
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* secrets_file_load callback: the load's ud is a struct load_ctx. */
struct load_ctx {
    struct secret_store *store;
    bool ok;
};

static void load_one(void *ud, const char *key, int role, const char *value)
{
    struct load_ctx *ctx = ud;
    if (!set_locked(ctx->store, key, role, value))
        ctx->ok = false;
}

bool secret_store_load_file(struct secret_store *s, const char *path, char *err, size_t len)
{
    struct load_ctx ctx = {s, true};
    pthread_mutex_lock(&s->lock);
    snprintf(s->path, sizeof s->path, "%s", path);
    bool ok = secrets_file_load(path, load_one, &ctx, err, len);
    if (ok && !ctx.ok) {
        snprintf(err, len, "%s: too many or too long secrets", path);
        ok = false;
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* What the operator is told when KEY is asked for. */
static void describe(const char *key, int role, char *title, size_t tlen, char *prompt,
                     size_t plen)
{
    const char *who = role == ROLE_SOURCE ? "source" : role == ROLE_TARGET ? "target" : NULL;
    if (strcmp(key, "co_password") == 0) {
        snprintf(title, tlen, "Crypto Officer password");
        snprintf(prompt, plen, "Crypto Officer password (challenge secret on PED HSMs) of the "
                 "root-of-trust partition%s%s%s", who ? " on the " : "", who ? who : "",
                 who ? " k570" : "");
    } else if (strcmp(key, "backup_so_password") == 0) {
        snprintf(title, tlen, "Backup HSM SO password");
        snprintf(prompt, plen, "Security Officer password of the Luna Backup HSM");
    } else if (strcmp(key, "backup_partition_password") == 0) {
        snprintf(title, tlen, "Backup partition password");
        snprintf(prompt, plen, "Password of the partition on the Luna Backup HSM");
    } else if (strcmp(key, "rbs_password") == 0) {
        snprintf(title, tlen, "RBS password");
        snprintf(prompt, plen, "Password of the Remote Backup Server (RBS) key");
    } else {
        snprintf(title, tlen, "Secret");
        snprintf(prompt, plen, "Value of %s", key);
    }
}

/* Asks the operator for KEY; called WITHOUT the lock (ask may block for minutes). An answer
 * that breaks the rule of its kind (validate.h) is refused and asked again, the rule in the
 * prompt; WHY gets the last rule broken when every try was refused (SECRET_FAILED). */
static enum secret_status ask(struct secret_store *s, const char *key, int role,
                              struct core_answer *a, char *why, size_t whylen)
{
    char title[64], base[256], prompt[768];
    describe(key, role, title, sizeof title, base, sizeof base);
    snprintf(prompt, sizeof prompt, "%s", base);
    enum value_kind kind = strcmp(key, "rbs_password") == 0 ? VK_RBS_SECRET : VK_SECRET;
    why[0] = '\0';
    for (int tries = 0; tries < SECRET_ASK_TRIES; tries++) {
        struct core_ask q = {.type = ASK_SECRET, .title = title, .prompt = prompt, .key = key};
        OPENSSL_cleanse(a, sizeof *a);
        int rc = core_ask(s->sink, &q, a);
        if (rc != ASK_ANSWERED)
            return rc == ASK_CANCELLED ? SECRET_CANCELLED : SECRET_UNAVAILABLE;
        if (a->text[0] == '\0')
            return SECRET_CANCELLED;
        a->text[sizeof a->text - 1] = '\0';
        if (validate_value(kind, a->text, why, whylen))
            return SECRET_OK;
        snprintf(prompt, sizeof prompt, "That secret was refused before use: it %s.\n%s", why,
                 base);
    }
    OPENSSL_cleanse(a, sizeof *a);
    return SECRET_FAILED;
}

const char *secret_get(struct secret_store *s, const char *key, int role)
{
    struct secret_entry *e = NULL;
    struct core_answer a;
    const char *value = NULL;

    pthread_mutex_lock(&s->lock);
    s->status = SECRET_OK;
    s->error[0] = '\0';
    e = find(s, key, role);
    if (e == NULL && role != SECRET_NO_ROLE)
        e = find(s, key, SECRET_NO_ROLE);
    if (e != NULL && !e->forgotten) {
        value = e->value;
        goto out;
    }
    pthread_mutex_unlock(&s->lock);
    char why[400];
    enum secret_status st = ask(s, key, role, &a, why, sizeof why);
    pthread_mutex_lock(&s->lock);
    if (st == SECRET_OK) {
        /* kept for this role only: another appliance may have another password */
        if (set_locked(s, key, role, a.text)) {
            value = find(s, key, role)->value;
        } else {
            st = SECRET_FAILED;
            snprintf(s->error, sizeof s->error, "cannot keep secret %s: store full", key);
        }
    } else if (st == SECRET_FAILED) {
        st = SECRET_UNAVAILABLE;   /* like a missing secret: exit 2, nothing was tried */
        snprintf(s->error, sizeof s->error, "secret %s refused %d times before use: it %s", key,
                 SECRET_ASK_TRIES, why);
    } else if (st == SECRET_UNAVAILABLE) {
        if (s->path[0] != '\0')
            snprintf(s->error, sizeof s->error, "missing secret %s: add it to the secrets file "
                     "%s or run on a terminal", key, s->path);
        else
            snprintf(s->error, sizeof s->error, "missing secret %s: add it to a secrets file "
                     "(--secrets FILE) or run on a terminal", key);
    } else {
        snprintf(s->error, sizeof s->error, "cancelled: secret %s was not given", key);
    }
    s->status = st;
    OPENSSL_cleanse(&a, sizeof a);
out:
    pthread_mutex_unlock(&s->lock);
    return value;
}

bool secret_store_adopt(struct secret_store *dst, struct secret_store *src, const char *key,
                        int role)
{
    char value[CORE_ANSWER_MAX];
    pthread_mutex_lock(&src->lock);
    const struct secret_entry *e = find(src, key, role);
    bool have = e != NULL && !e->forgotten;
    if (have)
        memcpy(value, e->value, sizeof value);
    pthread_mutex_unlock(&src->lock);
    bool copied = false;
    if (have) { /* one lock at a time: no order between two stores' locks */
        pthread_mutex_lock(&dst->lock);
        copied = find(dst, key, role) == NULL && set_locked(dst, key, role, value);
        pthread_mutex_unlock(&dst->lock);
    }
    OPENSSL_cleanse(value, sizeof value);
    return copied;
}

enum secret_status secret_store_status(const struct secret_store *s)
{
    return s->status;
}

const char *secret_store_error(const struct secret_store *s)
{
    return s->error;
}

void secret_forget(struct secret_store *s, const char *key, int role)
{
    pthread_mutex_lock(&s->lock);
    struct secret_entry *e = find(s, key, role);
    if (e != NULL) {
        wipe_entry(e);
    } else if (role != SECRET_NO_ROLE) {
        /* the value came from the shared key: keep it for the other appliance, but make this
         * one ask (a tombstone entry) */
        for (size_t i = 0; e == NULL && i < SECRET_SLOTS; i++)
            if (!s->entries[i].used)
                e = &s->entries[i];
    }
    if (e != NULL && role != SECRET_NO_ROLE) {
        e->used = true;
        e->forgotten = true;
        e->role = role;
        snprintf(e->key, sizeof e->key, "%s", key);
    }
    pthread_mutex_unlock(&s->lock);
}

void secret_store_values(struct secret_store *s, void (*cb)(void *ud, const char *value),
                         void *ud)
{
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < SECRET_SLOTS; i++)
        if (s->entries[i].used && !s->entries[i].forgotten && s->entries[i].value[0] != '\0')
            cb(ud, s->entries[i].value);
    pthread_mutex_unlock(&s->lock);
}

void secret_store_free(struct secret_store *s)
{
    if (s == NULL)
        return;
    size_t len = s->map_len;
    bool locked = s->locked;
    pthread_mutex_destroy(&s->lock);
    OPENSSL_cleanse(s, len);
    if (locked)
        munlock(s, len);
    munmap(s, len);
}

bool secure_init(void)
{
    struct rlimit no_core = {0, 0};
    bool ok = setrlimit(RLIMIT_CORE, &no_core) == 0;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        ok = false;
    return ok;
}
