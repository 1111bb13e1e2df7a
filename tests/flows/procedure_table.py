#!/usr/bin/env python3
"""The README's procedure table, made from the step library (assets/flows/steps.conf) and the
flows: one row per step, in flow order, with the vendor step it carries out (its `vendor`
quotes), how it is verified, and what rotwiz does beyond the vendor (`extra`).

usage: procedure_table.py SOURCE_DIR            prints the table
       procedure_table.py SOURCE_DIR --check    fails when README.md's table differs
       procedure_table.py SOURCE_DIR --write    rewrites README.md's table"""
import re
import sys

BEGIN = "<!-- procedure table: tests/flows/procedure_table.py --write -->"
END = "<!-- end of procedure table -->"
FLOWS = [("Backup, password", "backup-password"), ("Backup, PED", "backup-ped"),
         ("Restore, password", "restore-password"), ("Restore, PED", "restore-ped"),
         ("Prepare a target, password", "prepare-target-password"),
         ("Prepare a target, PED", "prepare-target-ped"),
         ("Migrate (backup and restore in one run), password", "migrate-password"),
         ("Migrate (backup and restore in one run), PED", "migrate-ped")]


# What the step texts' {placeholders} stand for in a table that covers every run.
PLACES = {"rbs_pem": "server.pem", "ws_address": "<workstation>", "rbs_port": "1792",
          "ped_port": "1503", "appliance_host": "<host>", "appliance_luna_bin": "<luna_bin>",
          "backup_partition": "<partition>", "appliance_user": "ksadmin",
          "appliance_port": "22", "appliance_known_hosts": "known_hosts"}


def field(body, name):
    m = re.search(r"\b%s = (\[.*?\]|\".*?\");" % name, body, re.S)
    if not m:
        return []
    joined = re.sub(r'"\s*\n\s*"', "", m.group(1))      # adjacent literals are one string
    return [x.replace("\\n", " ") for x in re.findall(r'"((?:[^"\\]|\\.)*)"', joined)]


def cell(text, appliance="k570"):
    text = text.replace("{appliance}", appliance)
    text = re.sub(r"\{(\w+)\}", lambda m: PLACES.get(m.group(1), m.group(0)), text)
    return re.sub(r"\s+", " ", text.replace("|", "\\|")).strip()


def table(src):
    steps = {}
    lib = open(src + "/assets/flows/steps.conf").read()
    for m in re.finditer(r"^  (\w+) = \{(.*?)^  \};", lib, re.S | re.M):
        body = m.group(2)
        title = " ".join(field(body, "title"))
        when = " ".join(field(body, "when"))
        steps[m.group(1)] = {
            "title": title + (" (only when %s)" % when.replace("_", " ") if when else ""),
            "vendor": field(body, "vendor"), "verifies": " ".join(field(body, "verifies")),
            "extra": " ".join(field(body, "extra")),
            "hand": re.search(r"\bhand = true;", body) is not None,
            "ped": bool(field(body, "ped")),
            # `needs = [...]` (possibly empty): the step may run beside other lanes' steps
            "needs": field(body, "needs") if re.search(r"\bneeds = \[", body) else None}
    out = []
    for heading, flow in FLOWS:
        text = open("%s/assets/flows/%s.conf" % (src, flow)).read()
        # "target:co_login": a migrate's step names its k570
        ids = re.findall(r'"(?:(source|target):)?(\w+)"',
                         re.search(r"steps = \[(.*?)\];", text, re.S)[1])
        out += ["", "**%s** (`assets/flows/%s.conf`)" % (heading, flow), "",
                "| # | vendor step | rotwiz step | verified by | beyond the vendor |",
                "|---|---|---|---|---|"]
        flow_who = "source" if flow.startswith("backup") else "target"
        for i, (role, sid) in enumerate(ids, 1):
            s = steps[sid]
            who = role or flow_who
            vendor = "<br>".join(cell(v) if v.endswith(".") else "`%s`" % cell(v)
                                 for v in s["vendor"]) or "(rotwiz's own check)"
            title = s["title"] + (" (by hand)" if s["hand"] else "")
            # core/flow_def.c: hand steps, and PED steps of PED flows, never run ahead
            if s["needs"] is not None and not s["hand"] and not (s["ped"] and "ped" in flow):
                title += " (runs while earlier steps of other lanes run; waits for %s)" % (
                    "its own lane" + "".join(" and %s" % n for n in s["needs"]))
            out.append("| %d | %s | %s | %s | %s |" % (i, vendor, cell(title, who),
                                                     cell(s["verifies"], who),
                                                     cell(s["extra"], who) or "-"))
    return "\n".join(out).strip() + "\n"


def main():
    src = sys.argv[1]
    want = table(src)
    if len(sys.argv) == 2:
        sys.stdout.write(want)
        return 0
    readme = open(src + "/README.md").read()
    a, b = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    if sys.argv[2] == "--write":
        open(src + "/README.md", "w").write(readme[:a] + "\n" + want + readme[b:])
        return 0
    if readme[a:b].strip() != want.strip():
        print("FAIL: README.md's procedure table differs from assets/flows; run "
              "tests/flows/procedure_table.py . --write")
        print("0 passed, 1 failed")
        return 1
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
