#!/usr/bin/env python3
"""The vendor procedure to the letter: every command the vendor document spells is carried out
by some step of assets/flows/steps.conf (its `vendor` field quotes it), every quote of a step
is in the document word for word, and every quoted step is used by a flow.

usage: vendor_coverage.py SOURCE_DIR VENDOR_DOCUMENT"""
import re
import sys

# The vendor's command language, as the document writes it: tools and lunacm commands with
# their options and <placeholders>. Each match is one command the vendor has the operator type.
COMMAND = re.compile(
    r"(rbs (?:--config|--genkey|s -port \d+)|pedserver -mode \w+"
    r"|\./vtl \w+(?: -n <[^>]+> -c <[^>]+>)?|/usr/safenet/lunaclient/bin/lunacm"
    r"|slot (?:list|set -\w+ <[^>]+>)|role login [-\u2013]\w+ \w+(?: -p <[^>]+>)?"
    r"|partition (?:clear|contents|archive (?:backup|restore) -s <[^>]+> -partition <[^>]+>"
    r"(?: -do <[^>]+> -sop <[^>]+> -pas <[^>]+>)?)"
    r"|ped (?:vector -init|set -ip <[^>]+> -port \d+|connect|get|show)|hsm ped vector init)")


def libconfig_strings(block):
    """The string literals of a libconfig list or value (adjacent literals joined)."""
    out = []
    for item in re.split(r'"\s*,\s*"', block.strip().strip("[]").strip()):
        item = item.strip()
        if item.startswith('"'):
            item = item[1:]
        if item.endswith('"'):
            item = item[:-1]
        if item:
            out.append(re.sub(r'"\s*\n\s*"', "", item))
    return out


def steps_with_vendor(text):
    """{step id: [vendor quotes]} from steps.conf."""
    steps = {}
    for m in re.finditer(r"^  (\w+) = \{(.*?)^  \};", text, re.S | re.M):
        v = re.search(r"\bvendor = (\[.*?\]|\".*?\");", m.group(2), re.S)
        steps[m.group(1)] = libconfig_strings(v.group(1)) if v else None
    return steps


def main():
    src, doc_path = sys.argv[1], sys.argv[2]
    doc = open(doc_path, encoding="utf-8").read()
    flat = re.sub(r"\s+", " ", doc)
    steps = steps_with_vendor(open(src + "/assets/flows/steps.conf").read())
    used = set()
    for flow in ("backup-password", "backup-ped", "restore-password", "restore-ped",
                 "prepare-target-password", "prepare-target-ped", "topology", "migrate-password",
                 "migrate-ped"):
        text = open("%s/assets/flows/%s.conf" % (src, flow)).read()
        used |= set(re.findall(r'"(?:source:|target:)?(\w+)"',
                               re.search(r"steps = \[(.*?)\];", text, re.S)[1]))
    failures = []
    quoted = {}
    for sid, quotes in sorted(steps.items()):
        if quotes is None:
            failures.append("step %s has no vendor field (use [] for rotwiz's own steps)" % sid)
            continue
        for q in quotes:
            if re.sub(r"\s+", " ", q) not in flat:
                failures.append("step %s quotes %r, which the vendor document does not say"
                                % (sid, q))
            if sid in used:
                quoted.setdefault(q, []).append(sid)
    commands = []
    for m in COMMAND.finditer(doc):
        if m.group(1) not in commands:
            commands.append(m.group(1))
    if len(commands) < 20:
        failures.append("only %d vendor commands found: the pattern no longer reads the "
                        "document" % len(commands))
    for c in commands:
        if not any(c in q for q in quoted):
            failures.append("the vendor command %r is carried out by no step of any flow" % c)
    for f in failures:
        print("FAIL:", f)
    print("%d vendor commands, %d quoted by steps; %d passed, %d failed"
          % (len(commands), len(quoted), len(commands) - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
