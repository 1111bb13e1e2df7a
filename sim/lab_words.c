/* lab_words.c: the three wordings of the secret prompts (lab_words.h; sim/README.md lists them
 * under "Knobs: what the lab invents"). */
#include "lab_words.h"
#include <stdio.h>
#include <string.h>

/* Per prompt: plain, luna, terse. "%s" is the partition name (luna only). */
static const char *const words[][3] = {
    [LP_LOGIN] = {"Enter password: ", "Please enter the password: ", "Password: "},
    [LP_SO] = {"Enter password for the SO: ",
               "Please enter the Security Officer (SO) password for the Backup HSM: ",
               "Password: "},
    [LP_NEW_PART] = {"Enter password for the new partition: ",
                     "Enter the password of backup partition '%s': ", "Password: "},
    [LP_NEW_PART_AGAIN] = {"Re-enter password to confirm: ", "Please re-enter it to confirm: ",
                           "Again: "},
    [LP_NEW_DOMAIN] = {"Enter cloning domain for the new partition: ",
                       "Please enter the cloning domain: ", "Value: "},
    [LP_NEW_DOMAIN_AGAIN] = {"Re-enter cloning domain to confirm: ",
                             "Please re-enter it to confirm: ", "Again: "},
    [LP_PART] = {"Enter password for the backup partition: ",
                 "Enter the password of backup partition '%s': ", "Password: "},
    [LP_DOMAIN] = {"Enter the cloning domain of the backup partition: ",
                   "Please enter the cloning domain: ", "Value: "},
    [LP_RBS_NEW] = {"Enter new RBS password: ",
                    "Please enter the password for the Remote Backup Server key: ",
                    "Password: "},
    [LP_RBS_CONFIRM] = {"Confirm RBS password: ", "Please re-enter the password: ", "Again: "},
    [LP_RBS] = {"Enter RBS password: ",
                "Please enter the password for the Remote Backup Server key: ", "Password: "},
};

const char *lab_prompt_words(const struct sim_lab_params *p, enum lab_prompt id,
                             const char *part, char *buf, size_t len)
{
    int style = lab_knob_is(p, "prompt-words", "luna") ? 1
                : lab_knob_is(p, "prompt-words", "terse") ? 2 : 0;
    const char *w = words[id][style];
    const char *hole = strstr(w, "%s");
    if (hole) /* not a printf format: the words come from a table */
        snprintf(buf, len, "%.*s%s%s", (int)(hole - w), w, part ? part : "", hole + 2);
    else
        snprintf(buf, len, "%s", w);
    return buf;
}
