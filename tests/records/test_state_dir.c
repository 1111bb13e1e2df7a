/* test_state_dir.c: the state folder is checked before anything is recorded: empty, the root
 * folder (also through a relative path), below a file, control characters; a good one is
 * created 0700 and left without a probe file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "rec_test.h"
#include "session.h"

static void refused(const char *dir, const char *part)
{
    char err[1024] = "";
    assert_int_equal(session_check_state_dir(dir, err, sizeof err), -1);
    if (strstr(err, part) == NULL)
        fail_msg("%s: want \"%s\" in: %s", dir, part, err);
    assert_non_null(strstr(err, "--state-dir"));   /* the fix */
}

static void test_bad_state_dirs(void **state)
{
    (void)state;
    char tmp[PATH_MAX], path[PATH_MAX + 32], cwd[PATH_MAX];
    rt_tempdir(tmp, sizeof tmp);
    refused("", "the state folder is empty (--state-dir \"\"); sessions would be written to "
            "/sessions");
    refused("/", "is the root folder /");
    refused("//.", "is the root folder /");
    /* relative: from a folder N deep, N+3 times ".." is still / */
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmp), 0);
    refused("../../../../../../../../..", "is the root folder /");
    assert_int_equal(chdir(cwd), 0);
    snprintf(path, sizeof path, "%s/file", tmp);
    rt_write(path, "x", 1);
    snprintf(path, sizeof path, "%s/file/state", tmp);
    refused(path, "cannot create the state folder");
    refused(path, "Not a directory");
    snprintf(path, sizeof path, "%s/st\nate", tmp);
    refused(path, "holds a control character");
    rt_rmtree(tmp);
}

static void test_good_state_dir_is_created(void **state)
{
    (void)state;
    char tmp[PATH_MAX], path[PATH_MAX + 32], err[512] = "";
    rt_tempdir(tmp, sizeof tmp);
    snprintf(path, sizeof path, "%s/a/b/state", tmp);
    assert_int_equal(session_check_state_dir(path, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(rmdir(path), 0);   /* empty: the probe is gone */
    /* the default folder, from HOME */
    snprintf(path, sizeof path, "%s/home", tmp);
    setenv("HOME", path, 1);
    unsetenv("XDG_STATE_HOME");
    assert_int_equal(session_check_state_dir(NULL, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/home/.local/state/rotwiz", tmp);
    assert_int_equal(access(path, W_OK), 0);
    rt_rmtree(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_state_dirs),
        cmocka_unit_test(test_good_state_dir_is_created),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
