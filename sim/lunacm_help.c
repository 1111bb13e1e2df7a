/* lunacm_help.c: `help`, generated from the command table. */
#include "lunacm.h"
#include <string.h>

unsigned long lcm_cmd_help(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    lcm_say(c, "Commands available on this host (words may be shortened, e.g. 'par con'):");
    lcm_blank(c);
    for (size_t i = 0; i < lcm_command_count; i++) {
        const struct lcm_cmd *cmd = &lcm_commands[i];
        if (c->workstation ? !cmd->on_workstation : !cmd->on_k570)
            continue;
        char name[64] = "";
        for (int w = 0; w < 4 && cmd->words[w]; w++) {
            if (w)
                strcat(name, " ");
            strcat(name, cmd->words[w]);
        }
        fprintf(c->out, "\t%-28s%s\n", name, cmd->help);
    }
    fprintf(c->out, "\t%-28s%s\n", "exit | quit", "Leave lunacm");
    return LCM_OK;
}
