"""test_matrix.py: a lab that disagrees with the core. Every flow (backup, restore,
prepare-target, in both authentication modes) against a lab with ONE knob at a non-default value
(`rotwiz-sim lab --vary KNOB=VALUE`), and against every preset (`--dialect NAME`).

Each cell ends in success or in a documented stop, and in EVERY cell, after every run:
wrong_secret_events is empty (no secret typed into a prompt of another kind, nothing typed into
a pending prompt by clean-up), no failed-login counter is raised, nothing is zeroised, the
source is unchanged, and the target is unchanged or equal to the source key by key.

Cells are read from `rotwiz-sim lab --help`, so a new knob or value is covered as soon as the
lab has it. Run one cell: `python3 test_matrix.py password vary prompt-words=terse`; one mode:
`python3 test_matrix.py ped`; its presets only: `python3 test_matrix.py ped presets`; the
whole matrix: `ctest -L matrix` (README "Tests")."""
import json
import re
import subprocess
import sys

from labtest import Lab, fingerprints, SIM

# Documented stops a cell may end in (INTERFACE.md exit codes): a precondition (4) or an HSM
# command that did not succeed (5) -- e.g. a prompt rotwiz will not answer.
STOPS = (4, 5)


def cells():
    """[("vary", "knob=value") for every non-default value] + [("dialect", name)]."""
    help_text = subprocess.run([SIM, "lab", "--help"], capture_output=True, text=True).stdout
    knobs = help_text.split("Knobs (")[1].split("Dialects (")[0]
    dialects = help_text.split("Dialects (")[1]
    out = []
    for m in re.finditer(r"^  ([a-z-]+)\s+(.+)$", knobs, re.M):
        for value in m.group(2).split("|"):
            value = value.strip()
            if not value.endswith("(default)"):
                out.append(("vary", "%s=%s" % (m.group(1), value)))
    for m in re.finditer(r"^  ([a-z0-9-]+)\s+\S", dialects, re.M):
        out.append(("dialect", m.group(1)))
    return out


class Cell:
    def __init__(self, auth, how, what):
        arg = ["--vary", what] if how == "vary" else ["--dialect", what]
        self.name = "%s %s %s" % (auth, how, what)
        self.lab = Lab(auth, extra=arg)
        self.source = fingerprints(self.lab.objects("source"))
        self.failures = []

    def check(self, after, target_allowed):
        state = self.lab.state()
        where = "%s, after %s" % (self.name, after)
        if state["wrong_secret_events"]:
            self.failures.append("%s: wrong_secret_events %s"
                                 % (where, json.dumps(state["wrong_secret_events"])))
        raised = {h: c for h, c in state["failed_logins"].items() if any(c.values())}
        if raised:
            self.failures.append("%s: failed-login counters raised %s" % (where, raised))
        for name, hsm in state["hsms"].items():
            if hsm.get("zeroized"):
                self.failures.append("%s: %s zeroised" % (where, name))
        if fingerprints(self.lab.objects("source")) != self.source:
            self.failures.append("%s: the source changed" % where)
        target = fingerprints(self.lab.objects("target"))
        if target not in target_allowed:
            self.failures.append("%s: the target holds %d objects, neither unchanged nor the "
                                 "source's" % (where, len(target)))
        return target

    def run(self, command, *extra):
        proc = self.lab.batch(command, *extra)
        if proc.returncode not in (0,) + STOPS:
            self.failures.append("%s: %s ended %d (not a documented stop)\n%s"
                                 % (self.name, command, proc.returncode, proc.stdout[-3000:]))
        return proc.returncode

    def play(self):
        try:
            before = fingerprints(self.lab.objects("target"))
            backup = self.run("backup")
            self.check("backup", [before])
            restore = self.run("restore")
            after_restore = self.check("restore", [before, self.source])
            clear = self.run("prepare-target", "--confirm-clear", self.lab.host("target"))
            self.check("prepare-target", [after_restore, []])
            return "%s: backup %d, restore %d, prepare-target %d" % (self.name, backup, restore,
                                                                     clear)
        finally:
            self.lab.stop()


def main(argv):
    if len(argv) == 4:
        todo = [(argv[1], argv[2], argv[3])]
    else:
        modes = argv[1:2] or ["password", "ped"]
        # "presets": only the --dialect cells (the representative part CI runs under ASan)
        only = "dialect" if argv[2:3] == ["presets"] else None
        todo = [(a, h, w) for a in modes for h, w in cells() if only in (None, h)]
    failures, lines, bad = [], [], 0
    for auth, how, what in todo:
        cell = Cell(auth, how, what)
        lines.append(cell.play())
        failures += cell.failures
        bad += 1 if cell.failures else 0
    for line in lines:
        print(line)
    for f in failures:
        print("FAIL:", f)
    print("%d passed, %d failed" % (len(todo) - bad, bad))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
