/* lab_words.h: the words of the secret prompts every simulated device prints. None of them is
 * seen in a capture (FORMATS.md: UNKNOWN), so the knob prompt-words chooses among three
 * wordings: plain (the lab's own), luna (other plausible words that still name the secret) and
 * terse (words that do not say what is asked). */
#ifndef SIM_LAB_WORDS_H
#define SIM_LAB_WORDS_H
#include "lab_params.h"
#include <stddef.h>

enum lab_prompt {
    LP_LOGIN,           /* role login, no -password */
    LP_SO,              /* Backup HSM SO password (archive commands) */
    LP_NEW_PART,        /* password of the partition a backup creates */
    LP_NEW_PART_AGAIN,  /* ...re-entered */
    LP_NEW_DOMAIN,      /* cloning domain of the partition a backup creates */
    LP_NEW_DOMAIN_AGAIN,
    LP_PART,            /* password of an existing backup partition */
    LP_DOMAIN,          /* cloning domain of an existing backup partition (restore) */
    LP_RBS_NEW,         /* rbs --genkey */
    LP_RBS_CONFIRM,
    LP_RBS,             /* rbs s */
};

/* The words of prompt ID under P's prompt-words knob, with the partition name PART (may be
 * NULL) filled in, into BUF. Returns BUF. */
const char *lab_prompt_words(const struct sim_lab_params *p, enum lab_prompt id,
                             const char *part, char *buf, size_t len);

#endif
