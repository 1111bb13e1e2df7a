/* fuzz_secrets.c: the secrets file loader on any file: every secret it reports follows the
 * secret rule, and an error never holds a value. */
#include "fuzz_util.h"
#include "secrets_file.h"
#include "validate.h"

static void got(void *ud, const char *key, int role, const char *value)
{
    (void)ud;
    (void)role;
    enum value_kind k = strcmp(key, "rbs_password") == 0 ? VK_RBS_SECRET : VK_SECRET;
    if (!validate_value(k, value, NULL, 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("secrets.conf", data, size, 0600);
    char err[1024];
    if (!secrets_file_load(path, got, NULL, err, sizeof err) && strchr(err, '\n') != NULL)
        abort();
    return 0;
}
