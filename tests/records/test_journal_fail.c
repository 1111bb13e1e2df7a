/* test_journal_fail.c: a journal whose writes fail (a state folder that fills up mid-run, an
 * I/O error at fsync) says so on the call and stays failed (journal_ok), and leaves no half
 * record behind. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "flow.h"
#include "rec_test.h"
#include "session.h"

/* Bytes the fake disk still takes before it is full; -1: unlimited. */
static long room = -1;

/* write(2) on a disk with ROOM bytes left: a short write, then ENOSPC. */
static ssize_t full_write(int fd, const void *buf, size_t len)
{
    if (room == 0) {
        errno = ENOSPC;
        return -1;
    }
    if (room > 0 && (long)len > room)
        len = (size_t)room;
    ssize_t n = write(fd, buf, len);
    if (n > 0 && room > 0)
        room -= n;
    return n;
}

static int failing_fsync(int fd)
{
    (void)fd;
    errno = EIO;
    return -1;
}

static int restore_io(void **state)
{
    (void)state;
    journal_set_io(NULL, NULL);
    room = -1;
    return 0;
}

static void test_full_disk_is_reported_and_sticky(void **state)
{
    (void)state;
    char tmp[PATH_MAX], err[256], why[1024], jp[SESSION_PATH_MAX + 32];
    rt_tempdir(tmp, sizeof tmp);
    struct session *s = session_create(tmp, "prepare-target", NULL, 0, err, sizeof err);
    assert_non_null(s);
    struct journal *j = session_journal(s);
    char dir[SESSION_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", session_path(s));
    snprintf(jp, sizeof jp, "%s/%s", dir, SESSION_JOURNAL);
    assert_true(journal_ok(j, why, sizeof why));
    assert_int_equal(journal_failed(j), 0);
    assert_int_equal(session_step_start(s, "check-target", "Check the target"), 0);

    /* the disk fills up in the middle of the next record */
    room = 40;
    journal_set_io(full_write, NULL);
    errno = 0;
    assert_int_equal(session_step_done(s, "check-target", "not empty"), -1);
    assert_int_equal(errno, ENOSPC);
    assert_false(journal_ok(j, why, sizeof why));
    assert_int_equal(journal_failed(j), ENOSPC);
    assert_non_null(strstr(why, jp));
    assert_non_null(strstr(why, "write of a step-done record: No space left on device"));
    assert_non_null(strstr(why, "nothing more is sent to any device"));
    assert_non_null(strstr(why, "--state-dir"));
    /* every later record fails too while the disk is full */
    assert_int_equal(journal_confirmation(j, "clear-target", "clear", "k570-b"), -1);

    /* space again: records are written, but the session stays failed (a record is missing) */
    journal_set_io(NULL, NULL);
    assert_int_equal(session_end(s, EXIT_RECORD, "the session record could not be written"),
                     0);
    assert_false(journal_ok(j, NULL, 0));
    session_close(s);

    /* no half record: the chain holds, and it ends with the end record */
    struct journal_report r;
    assert_int_equal(journal_verify(jp, &r), 0);
    assert_true(r.ok);
    assert_false(r.truncated);
    struct session_summary sum;
    assert_int_equal(session_load(dir, &sum, err, sizeof err), 0);
    assert_true(sum.ended);
    assert_int_equal(sum.exit_code, EXIT_RECORD);
    session_summary_free(&sum);
    rt_rmtree(tmp);
}

static void test_fsync_failure_is_reported(void **state)
{
    (void)state;
    char tmp[PATH_MAX], err[256], why[1024];
    rt_tempdir(tmp, sizeof tmp);
    struct session *s = session_create(tmp, "backup", NULL, 0, err, sizeof err);
    assert_non_null(s);
    struct journal *j = session_journal(s);
    journal_set_io(NULL, failing_fsync);
    assert_int_equal(journal_note(j, "backup", "archive started"), -1);
    assert_int_equal(errno, EIO);
    assert_false(journal_ok(j, why, sizeof why));
    assert_non_null(strstr(why, "fsync of a note record: Input/output error"));
    journal_set_io(NULL, NULL);
    session_close(s);
    rt_rmtree(tmp);
}

/* A journal that cannot even start: session_create fails and says why. */
static void test_full_disk_at_start(void **state)
{
    (void)state;
    char tmp[PATH_MAX], err[512];
    rt_tempdir(tmp, sizeof tmp);
    room = 0;
    journal_set_io(full_write, NULL);
    assert_null(session_create(tmp, "backup", NULL, 0, err, sizeof err));
    assert_non_null(strstr(err, "cannot write the journal: No space left on device"));
    journal_set_io(NULL, NULL);
    assert_false(journal_ok(NULL, err, sizeof err));
    rt_rmtree(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_full_disk_is_reported_and_sticky, restore_io),
        cmocka_unit_test_teardown(test_fsync_failure_is_reported, restore_io),
        cmocka_unit_test_teardown(test_full_disk_at_start, restore_io),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
