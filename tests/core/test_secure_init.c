/* test_secure_init.c: secure_init() turns core dumps off for the whole process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include "secret_store.h"

static void test_no_core_dumps(void **state)
{
    (void)state;
    struct rlimit rl;
    assert_true(secure_init());
    assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
    assert_int_equal(rl.rlim_cur, 0);
    assert_int_equal(rl.rlim_max, 0);
    assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_core_dumps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
