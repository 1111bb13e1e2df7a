"""test_migrate.py: `rotwiz migrate --batch` (backup and restore in one run) against the lab,
proven key by key by the lab's state."""
import glob
import json
import os
import re
import unittest

from labtest import LabCase, fingerprints, reads_only, slot_lists_again
from test_preflight import lunacm_lines, table, transcript

FLOWS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../assets/flows")


def role_steps(flow, role):
    """The step ids a flow on both k570s runs on ROLE ("target:co_login" in its list)."""
    with open(os.path.join(FLOWS, flow + ".conf")) as f:
        return set(re.findall(r'"%s:(\w+)"' % role, f.read()))


def command_of(text):
    """The command words of a typed lunacm line: those before its first option."""
    words = text.split()
    return " ".join(words[:next((i for i, w in enumerate(words) if w.startswith("-")),
                                len(words))])


def journal_records(lab):
    """The records of the one session's journal."""
    sessions = glob.glob(os.path.join(lab.state_dir, "sessions", "*"))
    assert len(sessions) == 1, sessions
    with open(os.path.join(sessions[0], "journal.jsonl")) as f:
        return [json.loads(line) for line in f]


def journal_steps(lab):
    """[(step id, record type)] of the one session's journal."""
    return [(r.get("step"), r["type"]) for r in journal_records(lab)]


def step_keys():
    """{step id: PED key colours its `ped` field names} from steps.conf."""
    with open(os.path.join(FLOWS, "steps.conf")) as f:
        lib = f.read()
    return {m.group(1): set(re.findall(r'"\w+:(\w+)"', (re.search(r"\bped = \[(.*?)\];",
                                                                 m.group(2), re.S) or [""])[0]))
            for m in re.finditer(r"^  (\w+) = \{(.*?)^  \};", lib, re.S | re.M)}


class MigrateFlows:
    def test_migrate(self):
        source = fingerprints(self.lab.objects("source"))
        self.assertGreater(len(source), 0)
        self.assertEqual(self.lab.objects("target"), [])
        self.assertExit(self.lab.batch("migrate"), 0)
        backup = self.lab.state()["hsms"]["backup"]["partitions"]
        self.assertEqual(len(backup), 1)
        self.assertEqual(fingerprints(backup[0]["objects"]), source)
        self.assertEqual(fingerprints(self.lab.objects("target")), source)
        self.assertEqual(fingerprints(self.lab.objects("source")), source)
        done = [s for s, t in journal_steps(self.lab) if t == "step-done"]
        # one set of workstation checks, each appliance connected once
        for once in ("client_check", "rbs_config", "rbs_genkey", "rbs_start"):
            self.assertEqual(done.count(once), 1, once)
        self.assertEqual(done.count("ssh_connect"), 2)
        self.assertEqual(done.count("archive_backup"), 1)
        self.assertEqual(done.count("archive_restore"), 1)
        self.assertLess(done.index("verify_backup"), done.index("check_target_empty"))
        # one `slot list` per lunacm start
        self.assertEqual(slot_lists_again(self.lab.state_dir), [])
        # each k570's syntax preflight asks -help of exactly what its own steps may type
        typed = lunacm_lines(transcript(self.lab.state_dir))
        # lunacm lists the slots as it starts: a k570's `slot list` is typed only where the
        # vendor types it, on the source of a PED migrate (its backup), right before `slot set`
        listed = []
        for role in ("source", "target"):
            own = [t for h, t in typed if h == role]
            listed += [(role, own[i + 1]) for i, t in enumerate(own) if t == "slot list"]
        self.assertEqual([h for h, _ in listed], ["source"] if self.auth == "ped" else [])
        for _, after in listed:
            self.assertRegex(after, r"^slot set -s \d+$")
        want = "PF_PED" if self.auth == "ped" else "PF_PASSWORD"
        for role in ("source", "target"):
            lines = [t for h, t in typed if h == role]
            # the preflight runs its own lunacm on the k570's second shell ("source-help")
            asked = {t[:-len(" -help")] for h, t in typed
                     if h == role + "-help" and t.endswith(" -help")}
            used = {command_of(t) for t in lines if not reads_only(t) and " -" in t}
            steps = role_steps("migrate-" + self.auth, role)
            may = {c for s, w, a, c, o in table() if w == "PF_APPLIANCE" and o and
                   a in ("PF_ANY", want) and s in steps}
            self.assertEqual(used - asked, set(), "%s: typed, never checked" % role)
            self.assertEqual(asked - may, set(), "%s: checked, never typed there" % role)
        # the target is prepared while the source backs up (core/flow_lanes.h): its vtl
        # registration starts before the source's backup ends, its restore only after the
        # source's verification; each k570's instance of a step says whose it is
        recs = journal_records(self.lab)
        at = {(r["type"], r.get("step"), r.get("title", r.get("detail", ""))): i
              for i, r in enumerate(recs)}
        started = {(s, "target" in t): i for (k, s, t), i in at.items() if k == "step-start"}
        ended = {(s, "target" in t): i for (k, s, t), i in at.items() if k == "step-done"}
        self.assertLess(started[("vtl_register", True)], ended[("logout", False)])
        self.assertLess(ended[("verify_backup", False)], started[("archive_restore", True)])
        self.assertEqual(len(ended), sum(r["type"] == "step-done" for r in recs),
                         "two step-done records that do not say whose")
        # a PED prompt names a key of the step that waits for it, whichever lane read it
        keys, named = step_keys(), set()
        for r in transcript(self.lab.state_dir):
            m = re.match(r"PED .*: present the (\w+) key", r["text"])
            if m and r["host"] == "rotwiz" and keys[r["step"]]:  # (else set by the action)
                self.assertIn(m.group(1), keys[r["step"]], r)
                named.add(r["step"])
        if self.auth == "ped":
            self.assertLessEqual({"co_login", "archive_backup", "archive_restore"}, named)
        self.assertNotIn(("source-help", "partition archive restore -help"), typed)
        self.assertNotIn(("target-help", "partition archive backup -help"), typed)


class MigratePassword(MigrateFlows, LabCase):
    auth = "password"


class MigratePed(MigrateFlows, LabCase):
    auth = "ped"


class MigrateTargetNotEmpty(LabCase):
    """A target that is not empty stops the migrate at the restore's interlock (exit 4) AFTER
    the source's backup was made and verified: that backup stays on the Backup HSM, so
    prepare-target and restore finish the job without backing up again."""
    faults = ("target-not-empty",)

    def test_refused_after_the_backup(self):
        before = fingerprints(self.lab.objects("target"))
        source = fingerprints(self.lab.objects("source"))
        self.assertGreater(len(before), 0)
        proc = self.lab.batch("migrate")
        self.assertExit(proc, 4)
        self.assertIn("prepare-target", proc.stdout)
        self.assertEqual(fingerprints(self.lab.objects("target")), before)
        backup = self.lab.state()["hsms"]["backup"]["partitions"]
        self.assertEqual(fingerprints(backup[0]["objects"]), source)
        steps = journal_steps(self.lab)
        self.assertIn(("check_target_empty", "step-failed"), steps)
        self.assertNotIn(("archive_restore", "step-start"), steps)
        host = self.lab.host("target")
        self.assertExit(self.lab.batch("prepare-target", "--confirm-clear", host), 0)
        self.assertExit(self.lab.batch("restore"), 0)
        self.assertEqual(fingerprints(self.lab.objects("target")), source)


if __name__ == "__main__":
    unittest.main()
