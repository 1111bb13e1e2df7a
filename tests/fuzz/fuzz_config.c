/* fuzz_config.c: the configuration loader on any file: loads or refuses with one line. */
#include "config.h"
#include "fuzz_util.h"
#include "validate.h"

/* Every value a loaded configuration holds follows its rule (validate.h). */
static void check(const char *v, enum value_kind k)
{
    if (v != NULL && !validate_value(k, v, NULL, 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("rotwiz.conf", data, size, 0600);
    struct rotwiz_config cfg;
    char err[1024];
    if (config_load(path, &cfg, err, sizeof err)) {
        for (int i = 0; i < MODEL_ROLES; i++) {
            check(cfg.appliance[i].user, VK_USER);
            check(cfg.appliance[i].luna_bin, VK_REMOTE_PATH);
        }
        check(cfg.backup.partition, VK_PARTITION);
        check(cfg.backup.domain, VK_DOMAIN);
        config_require(&cfg, true, true, err, sizeof err);
        config_require_backup(&cfg, err, sizeof err);
    } else if (strchr(err, '\n') != NULL) {
        abort();   /* an error is one line */
    }
    config_free(&cfg);
    return 0;
}
