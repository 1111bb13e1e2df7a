/* lunacm_arcsec.c: collecting the secrets of the archive commands. What is prompted for, with
 * which words and whether options count are the lab's inventions, varied by the knobs
 * prompt-words, archive-prompts (and, in lunacm_archive.c, prompt-order). */
#include "lab_words.h"
#include "lunacm.h"
#include "secret_events.h"
#include <string.h>

const char *lcm_arc_opt(struct lcm *c, const struct lcm_args *a, const char *name)
{
    if (lab_knob_is(&c->p, "archive-prompts", "ignore-options"))
        return NULL;
    return lcm_arg(a, name);
}

void lcm_arc_option_events(struct lcm *c, const struct lcm_args *a)
{
    lcm_check_option(c, a, "sopassword", "backup", SE_SO);
    lcm_check_option(c, a, "password", "backup", SE_PART);
    lcm_check_option(c, a, "domain", "backup", SE_DOMAIN);
}

unsigned long lcm_arc_so_login(struct lcm *c, const struct lcm_args *a, int slot)
{
    struct lcm_cred cred;
    char prompt[160];
    lcm_say(c, "Logging in as the SO on slot %d.", slot);
    lab_prompt_words(&c->p, LP_SO, NULL, prompt, sizeof prompt);
    unsigned long rc = lcm_get_cred(c, "backup", lcm_arc_opt(c, a, "sopassword"), prompt,
                                    "blue", &cred);
    if (rc == LCM_OK)
        rc = lcm_verify_so(c, "backup", &cred);
    memset(&cred, 0, sizeof cred);
    return rc;
}

unsigned long lcm_arc_part_cred(struct lcm *c, const struct lcm_args *a, const char *part,
                                int slot, struct lcm_cred *cred)
{
    char prompt[160];
    lcm_say(c, "Logging in to partition %s on slot %d.", part, slot);
    lab_prompt_words(&c->p, LP_PART, part, prompt, sizeof prompt);
    return lcm_get_cred(c, "backup", lcm_arc_opt(c, a, "password"), prompt, "black", cred);
}

unsigned long lcm_arc_domain(struct lcm *c, const struct lcm_args *a, char *out, size_t len)
{
    char prompt[160];
    const char *given = lcm_arc_opt(c, a, "domain");
    if (given) {
        snprintf(out, len, "%s", given);
        return LCM_OK;
    }
    lab_prompt_words(&c->p, LP_DOMAIN, NULL, prompt, sizeof prompt);
    if (lcm_ask_secret(c, "backup", SE_DOMAIN, prompt, out, len) != 0) {
        lcm_error(c, "No input");
        return LCM_CANCELLED;
    }
    return LCM_OK;
}

/* A new secret of kind KIND (password or domain): from the option GIVEN, re-entered once under
 * archive-prompts=confirm; else prompted twice. WHAT names it in error messages. */
static unsigned long new_secret(struct lcm *c, const char *given, const char *kind,
                                enum lab_prompt first, const char *part, const char *what,
                                char *out, size_t len)
{
    char again[128], prompt[160];
    bool confirm = lab_knob_is(&c->p, "archive-prompts", "confirm");
    if (given && !confirm) {
        snprintf(out, len, "%s", given);
        return LCM_OK;
    }
    if (given) {
        snprintf(out, len, "%s", given);
    } else {
        lab_prompt_words(&c->p, first, part, prompt, sizeof prompt);
        if (lcm_ask_secret(c, "backup", kind, prompt, out, len) != 0)
            return LCM_CANCELLED;
    }
    lab_prompt_words(&c->p, (enum lab_prompt)(first + 1), part, prompt, sizeof prompt);
    if (lcm_ask_secret(c, "backup", kind, prompt, again, sizeof again) != 0)
        return LCM_CANCELLED;
    bool same = strcmp(out, again) == 0;
    memset(again, 0, sizeof again);
    if (!same || !out[0]) {
        lcm_error(c, !out[0] ? "The %s may not be empty" : "The two entries of the %s differ",
                  what);
        return LCM_ARGUMENTS_BAD;
    }
    return LCM_OK;
}

unsigned long lcm_arc_new_secrets(struct lcm *c, const struct lcm_args *a, const char *part,
                                  char *password, size_t plen, char *domain, size_t dlen)
{
    struct lcm_cred cred;
    if (lcm_hsm_is_ped(c, "backup")) {
        /* PED: the black key becomes the partition's secret, the red key its domain. */
        unsigned long rc = lcm_get_cred(c, "backup", NULL, NULL, "red", &cred);
        if (rc == LCM_OK && !cred.right_key)
            rc = LCM_PIN_INCORRECT;
        if (rc != LCM_OK)
            return rc;
        snprintf(domain, dlen, "%s", c->p.domain);
        rc = lcm_get_cred(c, "backup", NULL, NULL, "black", &cred);
        if (rc == LCM_OK && !cred.right_key)
            rc = LCM_PIN_INCORRECT;
        snprintf(password, plen, "black-key");
        return rc;
    }
    unsigned long rc = new_secret(c, lcm_arc_opt(c, a, "password"), SE_PART, LP_NEW_PART, part,
                                  "password", password, plen);
    if (rc == LCM_OK)
        rc = new_secret(c, lcm_arc_opt(c, a, "domain"), SE_DOMAIN, LP_NEW_DOMAIN, part,
                        "cloning domain", domain, dlen);
    return rc;
}
