/* fuzz_session.c: reading a session back (session_load, journal_verify) from any journal. */
#include "fuzz_util.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file(SESSION_JOURNAL, data, size, 0600);
    static struct session_summary sum;
    char err[512];
    if (session_load(fuzz_dir(), &sum, err, sizeof err) == 0) {
        for (size_t i = 0; i < sum.step_count; i++)
            session_step_state(&sum, sum.steps[i].id);
        session_summary_free(&sum);
    }
    return 0;
}
