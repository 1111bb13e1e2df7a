#!/usr/bin/env python3
"""test_resume.py: resuming from every boundary, against the lab: a restore interrupted after
`partition archive restore` is verified, never refused or redone; a partial restore is cleared
(typed confirmation: --confirm-clear) and restored in one run; a backup partition is restored
only when its Object UIDs are those of a recorded backup; an interrupted session is continued
only by a run against the same appliances (serials)."""
import glob
import json
import os
import re
import subprocess
import unittest

from labtest import LabCase, ROTWIZ, fingerprints


def sent(state_dir, needle):
    """How many lines holding NEEDLE were typed (the preflight's read-only `-help` aside)."""
    n = 0
    for path in glob.glob(os.path.join(state_dir, "sessions", "*", "transcript.jsonl")):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                n += (rec["dir"] == "sent" and needle in rec["text"] and
                      not rec["text"].endswith(" -help"))
    return n


def journal(session):
    with open(os.path.join(session, "journal.jsonl")) as f:
        return [json.loads(line) for line in f]


def edit_state(lab, fn):
    """Changes the lab's devices between runs (DIR/state.json), under the lab's own lock
    (DIR/state.lock), so a device program of a killed run that still ends cannot write an older
    state over the change."""
    import fcntl
    path = os.path.join(lab.dir, "state.json")
    with open(os.path.join(lab.dir, "state.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(path) as f:
            state = json.load(f)
        fn(state)
        with open(path, "w") as f:
            json.dump(state, f)


def kill_after(lab, command, marker, *extra):
    """A batch run SIGKILLed as soon as a stdout line matches the regex MARKER."""
    cmd = [ROTWIZ, command, "--config", lab.config, "--secrets", lab.secrets, "--batch",
           "--state-dir", lab.state_dir, *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    seen = False
    for line in proc.stdout:
        if re.search(marker, line):
            proc.kill()
            seen = True
            break
    proc.wait()
    return seen


class RestoreResume(LabCase):
    def test_restore_done_but_unverified_is_verified_not_refused(self):
        self.assertExit(self.lab.batch("backup"), 0)
        # killed right after partition archive restore finished, before its verification
        self.assertTrue(kill_after(self.lab, "restore", r"\] done +Restore the backup onto"))
        self.assertEqual(fingerprints(self.lab.objects("target")),
                         fingerprints(self.lab.objects("source")))
        restores = sent(self.lab.state_dir, "partition archive restore")
        proc = self.lab.batch("restore")
        self.assertExit(proc, 0)
        self.assertIn("restore already done, verifying", proc.stdout)
        self.assertIn("Restore verified", proc.stdout)
        self.assertEqual(sent(self.lab.state_dir, "partition archive restore"), restores)
        self.assertEqual(fingerprints(self.lab.objects("target")),
                         fingerprints(self.lab.objects("source")))
        self.assertEqual(self.lab.state()["wrong_secret_events"], [])

    def test_partial_restore_is_cleared_and_restored_in_one_run(self):
        self.lab.stop()
        from labtest import Lab
        self.lab = Lab("password", ("ssh-drop-during-restore",))
        self.addCleanup(self.lab.stop)
        self.assertExit(self.lab.batch("backup"), 0)
        self.assertExit(self.lab.batch("restore"), 3)
        partial = self.lab.objects("target")
        self.assertGreater(len(partial), 0)
        proc = self.lab.batch("restore")
        self.assertExit(proc, 4)                          # batch clears only when told to
        self.assertIn("PARTIAL restore", proc.stdout)
        self.assertIn("--confirm-clear", proc.stdout)
        self.assertEqual(fingerprints(self.lab.objects("target")), fingerprints(partial))
        proc = self.lab.batch("restore", "--confirm-clear", self.lab.host("target"))
        self.assertExit(proc, 0)
        self.assertEqual(fingerprints(self.lab.objects("target")),
                         fingerprints(self.lab.objects("source")))
        state = self.lab.state()
        self.assertEqual(state["wrong_secret_events"], [])
        self.assertFalse(state["hsms"]["target"]["zeroized"])


class BackupProvenance(LabCase):
    def test_unrecorded_backup_stops_batch_restore(self):
        self.assertExit(self.lab.batch("backup"), 0)
        # the backup was made from another workstation: this state folder has no record of it
        sessions = os.path.join(self.lab.state_dir, "sessions")
        os.rename(sessions, sessions + ".elsewhere")
        proc = self.lab.batch("restore")
        self.assertExit(proc, 4)
        self.assertIn("cannot tell", proc.stdout)
        self.assertEqual(self.lab.objects("target"), [])

    def test_backup_whose_uids_differ_from_the_record_is_refused(self):
        self.assertExit(self.lab.batch("backup"), 0)

        def swap(state):
            for o in state["hsms"]["backup"]["partitions"][0]["objects"]:
                o["uid"] = o["uid"][::-1]       # same labels and types, other keys
        edit_state(self.lab, swap)
        proc = self.lab.batch("restore")
        self.assertExit(proc, 4)
        self.assertIn("Object UIDs differ", proc.stdout)
        self.assertEqual(self.lab.objects("target"), [])


class SessionSerials(LabCase):
    def test_interrupted_session_is_continued_only_with_the_same_appliances(self):
        self.assertTrue(kill_after(self.lab, "backup", "Select the User Token Slot"))
        sessions = glob.glob(os.path.join(self.lab.state_dir, "sessions", "*"))
        self.assertEqual(len(sessions), 1)

        def new_serial(state):      # another k570 answers at the same address
            state["hsms"]["source"]["partitions"][0]["serial"] = "7777777"
        edit_state(self.lab, new_serial)
        proc = self.lab.batch("backup")
        self.assertExit(proc, 0)
        self.assertIn("it is not continued", proc.stdout)
        after = sorted(glob.glob(os.path.join(self.lab.state_dir, "sessions", "*")))
        self.assertEqual(len(after), 2)
        new = [s for s in after if s not in sessions][0]
        types = [r["type"] for r in journal(new)]
        self.assertEqual(types[0], "session-start")
        self.assertEqual(types[-1], "session-end")
        self.assertIn("7777777", [r.get("serial") for r in journal(new)])
        self.assertNotIn("session-end", [r["type"] for r in journal(sessions[0])])
        for s in after:
            exp = self.lab.rotwiz("export", s, "--format", "text", "-o",
                                  os.path.join(self.lab.dir, "x.txt"))
            self.assertExit(exp, 0)
            self.assertNotIn("warning", exp.stderr)

    def test_same_appliances_continue_the_session(self):
        self.assertTrue(kill_after(self.lab, "backup", "Select the User Token Slot"))
        proc = self.lab.batch("backup")
        self.assertExit(proc, 0)
        self.assertNotIn("it is not continued", proc.stdout)
        self.assertEqual(len(glob.glob(os.path.join(self.lab.state_dir, "sessions", "*"))), 1)


if __name__ == "__main__":
    unittest.main()
