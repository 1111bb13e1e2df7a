"""test_hostile.py: hostile input and interruptions (issue 8) against the lab: batch signals
cancel at the next safe point with the journal's end record written (exit 6), a closed stdout
does not end the ceremony, and values that would inject a command or an option, or a state
folder that resolves to /, are refused (exit 2) before any device is touched."""
import glob
import json
import os
import re
import signal
import subprocess
import unittest

from labtest import Lab, LabCase, ROTWIZ, fingerprints


def journal_records(state_dir):
    sessions = sorted(glob.glob(os.path.join(state_dir, "sessions", "*")))
    assert len(sessions) == 1, sessions
    with open(os.path.join(sessions[0], "journal.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


class Signals(LabCase):
    def cancel_with(self, sig):
        """Starts a batch backup, sends SIG once step 6 started, returns (exit code, output)."""
        args = [ROTWIZ, "backup", "--config", self.lab.config, "--batch", "--secrets",
                self.lab.secrets, "--state-dir", self.lab.state_dir]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True)
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if re.match(r"\[ ?6/", line):
                proc.send_signal(sig)
                break
        seen += proc.stdout.readlines()
        return proc.wait(timeout=120), "".join(seen)

    def check_cancelled(self, sig):
        rc, out = self.cancel_with(sig)
        self.assertEqual(rc, 6, out)
        records = journal_records(self.lab.state_dir)
        self.assertEqual(records[-1]["type"], "session-end", records[-1])
        self.assertEqual(records[-1]["exit_code"], 6)
        # a second run resumes and completes the backup
        self.assertExit(self.lab.batch("backup"), 0)

    def test_sigterm_cancels_at_a_safe_point_with_exit_6(self):
        self.check_cancelled(signal.SIGTERM)

    def test_sigint_cancels_at_a_safe_point_with_exit_6(self):
        self.check_cancelled(signal.SIGINT)

    def test_closed_stdout_does_not_end_the_backup(self):
        source = self.lab.objects("source")
        cmd = ("'%s' backup --config '%s' --batch --secrets '%s' --state-dir '%s' | head -1; "
               "exit ${PIPESTATUS[0]}" % (ROTWIZ, self.lab.config, self.lab.secrets,
                                          self.lab.state_dir))
        proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        self.assertExit(proc, 0)
        self.assertEqual(len(proc.stdout.splitlines()), 1)
        parts = self.lab.state()["hsms"]["backup"]["partitions"]
        self.assertEqual(len(parts), 1)
        self.assertEqual(sorted(o["uid"] for o in parts[0]["objects"]),
                         sorted(o["uid"] for o in source))
        self.assertEqual(fingerprints(parts[0]["objects"]), fingerprints(source))
        self.assertEqual(journal_records(self.lab.state_dir)[-1]["type"], "session-end")


class HostileValues(LabCase):
    def untouched(self):
        self.assertEqual(self.lab.state()["hsms"]["backup"]["partitions"], [])

    def test_injected_command_in_the_partition_is_refused(self):
        with open(self.lab.config) as f:
            conf = f.read()
        for bad in ('rot-backup\\npartition clear -force', 'rot-backup -replace'):
            with open(self.lab.config, "w") as f:
                f.write(re.sub(r'partition = "[^"]*"', 'partition = "%s"' % bad, conf))
            proc = self.lab.batch("backup")
            self.assertExit(proc, 2)
            self.assertIn("'backup.partition':", proc.stdout + proc.stderr)
            self.untouched()

    def test_state_dir_that_is_the_root_is_refused(self):
        for bad in ("", "/", "../../../../../../../../../.."):
            proc = subprocess.run([ROTWIZ, "backup", "--config", self.lab.config, "--batch",
                                   "--secrets", self.lab.secrets, "--state-dir", bad],
                                  capture_output=True, text=True, timeout=60,
                                  stdin=subprocess.DEVNULL, cwd=self.lab.dir)
            self.assertExit(proc, 2)
            self.assertIn("--state-dir", proc.stderr)
            self.assertFalse(os.path.exists("/sessions"))
            self.untouched()


if __name__ == "__main__":
    unittest.main()


class RecordFull(LabCase):
    """A state folder that fills up mid-run: the confirmation of `partition clear` cannot be
    written, so the flow stops with exit 8 BEFORE partition clear is sent (it used to clear the
    target and exit 0 while the journal stopped short). The file size limit (RLIMIT_FSIZE, with
    SIGXFSZ ignored) makes the journal's write of that record fail, as a full disk would."""
    faults = ("target-not-empty",)

    def clear(self, limit=None):
        def limited():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            if limit is not None:
                import resource
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        cmd = [ROTWIZ, "prepare-target", "--config", self.lab.config, "--batch", "--secrets",
               self.lab.secrets, "--confirm-clear", self.lab.host("target"), "--state-dir",
               self.lab.state_dir]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL, preexec_fn=limited)

    def test_a_journal_that_cannot_be_written_stops_before_the_clear(self):
        # a first run, to learn where in the journal the confirmation record starts
        before = fingerprints(self.lab.objects("target"))
        self.assertEqual(len(before), 2)
        probe = Lab("password", faults=["target-not-empty"])
        self.addCleanup(probe.stop)
        saved, self.lab = self.lab, probe
        self.assertExit(self.clear(), 0)
        sessions = glob.glob(os.path.join(probe.state_dir, "sessions", "*", "journal.jsonl"))
        with open(sessions[0], "rb") as f:
            data = f.read()
        at = data.index(b'"type":"confirmation"')
        offset = data.rfind(b"\n", 0, at) + 1
        self.lab = saved
        # the same run, on a fresh lab, with the journal unable to grow past that record
        proc = self.clear(limit=offset + 20)
        self.assertExit(proc, 8)
        self.assertIn("session record could not be written", proc.stdout)
        self.assertEqual(fingerprints(self.lab.objects("target")), before)
        # it got as far as the clear step: the failure was the confirmation's record
        types = [r["type"] + ":" + r.get("step", "") for r in journal_records(self.lab.state_dir)]
        self.assertIn("step-start:clear_target", types)
        self.assertNotIn("confirmation:clear_target", types)
