/* knobs.c: the table of the lab's inventions and their presets (see knobs.h, sim/README.md
 * "Knobs: what the lab invents"). */
#include "knobs.h"
#include <string.h>

const struct sim_knob sim_knobs[] = {
    {"prompt-order", {"so-first", "partition-first"},
     "archive backup/restore: the SO's secret asked first, or the partition's"},
    {"prompt-words", {"plain", "luna", "terse"},
     "words of the secret prompts (role login, archive commands, rbs)"},
    {"archive-prompts", {"options", "confirm", "ignore-options"},
     "secret options: used; also re-entered at backup; or ignored (prompted)"},
    {"restore-secrets", {"so-domain-partition", "partition-only"},
     "restore takes -domain -sopassword -password (vendor), or -password only"},
    {"contents-login", {"partition", "so", "none"},
     "archive contents logs in to the backup partition, as the HSM SO, or not"},
    {"archive-listing", {"fields", "table"},
     "archive contents: the partition contents fields, or a column table"},
    {"empty-wording", {"none-found", "count-zero", "silent"},
     "what partition / archive contents print for an empty partition"},
    {"rbs-menu", {"select", "toggle"},
     "the rbs configuration menu: a number selects (idempotent), or toggles the device"},
    {"rbs-layout", {"rows", "table"}, "the rbs configuration menu's layout and final prompt wording"},
    {"rbs-saved", {"none", "selected"},
     "the RBS configuration at the lab's start: none saved, or the Backup HSM already selected"},
    {"relogin", {"already", "again"},
     "role login while logged in: 0x100 (already logged in), or a new login"},
    {"help-layout", {"table", "usage", "none"},
     "<command> -help: a Parameter/Shortcut table, a usage line, or an error (no -help)"},
    {"drop-option", {"none", "sop"},
     "options lunacm knows: all, or the archive commands without -sopassword (-sop)"},
    {"shells", {"many", "one"},
     "interactive shells on one SSH connection at once: several, or one (a second is refused)"},
    {NULL, {NULL}, NULL},
};

const struct sim_dialect sim_dialects[] = {
    {"vendor", {NULL}, "every knob at its default (the vendor document)"},
    {"luna10",
     {"prompt-words=luna", "prompt-order=partition-first", "contents-login=so", "rbs-menu=toggle",
      "rbs-layout=table", "relogin=again", "empty-wording=count-zero", NULL},
     "Luna-like words and another order, SO-login contents, toggle menu, relogin"},
    {"terse",
     {"prompt-words=terse", "archive-prompts=ignore-options", "archive-listing=table",
      "empty-wording=silent", NULL},
     "prompts that do not say what they ask, options ignored, tables, silent empties"},
    {NULL, {NULL}, NULL},
};

const struct sim_knob *knob_find(const char *name)
{
    for (const struct sim_knob *k = sim_knobs; k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

const char *knob_default(const char *name)
{
    const struct sim_knob *k = knob_find(name);
    return k ? k->values[0] : "";
}

bool knob_value_ok(const struct sim_knob *k, const char *value)
{
    for (size_t i = 0; k->values[i]; i++)
        if (strcmp(k->values[i], value) == 0)
            return true;
    return false;
}

const struct sim_dialect *dialect_find(const char *name)
{
    for (const struct sim_dialect *d = sim_dialects; d->name; d++)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

static void print_values(FILE *out, const struct sim_knob *k)
{
    for (size_t i = 0; k->values[i]; i++)
        fprintf(out, "%s%s%s", i ? " | " : "", k->values[i], i == 0 ? " (default)" : "");
}

void knobs_print(FILE *out)
{
    for (const struct sim_knob *k = sim_knobs; k->name; k++) {
        fprintf(out, "  %-18s ", k->name);
        print_values(out, k);
        fprintf(out, "\n  %-18s   %s\n", "", k->description);
    }
    fprintf(out, "Dialects (--dialect NAME; --vary always wins over it):\n");
    for (const struct sim_dialect *d = sim_dialects; d->name; d++) {
        fprintf(out, "  %-18s %s\n", d->name, d->description);
        size_t col = 100; /* wraps the settings under the description, within 100 columns */
        if (!d->settings[0])
            fprintf(out, "  %-18s   (no settings)\n", "");
        for (size_t i = 0; d->settings[i]; i++) {
            if (col + 1 + strlen(d->settings[i]) > 100) {
                fprintf(out, "%s  %-18s  ", i ? "\n" : "", "");
                col = 22;
            }
            col += (size_t)fprintf(out, " %s", d->settings[i]);
        }
        if (d->settings[0])
            fprintf(out, "\n");
    }
}

void knobs_print_valid(FILE *out, const struct sim_knob *k)
{
    for (const struct sim_knob *v = k ? k : sim_knobs; v->name; v++) {
        fprintf(out, "  %-18s ", v->name);
        print_values(out, v);
        fprintf(out, "\n");
        if (k)
            break;
    }
}

void dialects_print_valid(FILE *out)
{
    for (const struct sim_dialect *d = sim_dialects; d->name; d++)
        fprintf(out, "  %s\n", d->name);
}
