/* lunacm_syntax.c: `<command> -help` (the command's own syntax, printed without running it) in
 * the layout of knob help-layout (table: a Parameter / Shortcut / Description table; usage: one
 * usage line with shortcuts after `|`; none: -help is refused), and knob drop-option (sop: the
 * archive commands neither list nor accept -sopassword). */
#include "lunacm.h"
#include <string.h>
#include <strings.h>

bool lcm_opt_dropped(const struct lcm *c, const struct lcm_opt *o)
{
    return o && lab_knob_is(&c->p, "drop-option", "sop") && strcmp(o->name, "sopassword") == 0;
}

bool lcm_help_requested(char **tok, int ntok)
{
    for (int i = 0; i < ntok; i++)
        if (strcasecmp(tok[i], "-help") == 0 || strcmp(tok[i], "-?") == 0)
            return true;
    return false;
}

static void command_name(const struct lcm_cmd *cmd, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int w = 0; w < 4 && cmd->words[w]; w++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", w ? " " : "", cmd->words[w]);
    }
}

/* CMD's help line, without the options knob drop-option removes. */
static void help_line(const struct lcm *c, const struct lcm_cmd *cmd, char *buf, size_t len)
{
    snprintf(buf, len, "%s", cmd->help);
    const char *cut = " [-sopassword <pw>]";
    char *at = lab_knob_is(&c->p, "drop-option", "sop") ? strstr(buf, cut) : NULL;
    if (at)
        memmove(at, at + strlen(cut), strlen(at + strlen(cut)) + 1);
}

unsigned long lcm_cmd_syntax(struct lcm *c, const struct lcm_cmd *cmd)
{
    char help[512];
    help_line(c, cmd, help, sizeof help);
    if (lab_knob_is(&c->p, "help-layout", "none")) {
        lcm_error(c, "Invalid parameter '-help'");
        return LCM_ARGUMENTS_BAD;
    }
    char name[96];
    command_name(cmd, name, sizeof name);
    if (lab_knob_is(&c->p, "help-layout", "usage")) {
        fprintf(c->out, "Usage: %s", name);
        for (const struct lcm_opt *o = cmd->opts; o->name; o++) {
            if (lcm_opt_dropped(c, o))
                continue;
            fprintf(c->out, " [-%s%s%s%s]", o->name, o->alias ? "|-" : "",
                    o->alias ? o->alias : "", o->has_value ? " <value>" : "");
        }
        fprintf(c->out, "\n\n%s\n", help);
        return LCM_OK;
    }
    lcm_say(c, "%s - %s", name, help);
    lcm_blank(c);
    if (!cmd->opts[0].name) {
        lcm_say(c, "This command takes no parameters.");
        return LCM_OK;
    }
    fprintf(c->out, "\t%-16s%-12s%s\n", "Parameter", "Shortcut", "Description");
    for (const struct lcm_opt *o = cmd->opts; o->name; o++) {
        if (lcm_opt_dropped(c, o))
            continue;
        fprintf(c->out, "\t%-16s%-12s%s\n", o->name, o->alias ? o->alias : "",
                o->has_value ? "takes a value" : "a flag, no value");
    }
    return LCM_OK;
}
