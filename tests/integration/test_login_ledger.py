"""test_login_ledger.py: the failed-login ledger (STATE_DIR/ledger.json) met by the real binary:
an unacknowledged failed Backup HSM SO login stops `rotwiz backup --batch` with exit 4 naming
--acknowledge-failed-login SERIAL, and the flag lets it run; a damaged ledger stops every flow
and is left as it is; the flags' usage."""
import glob
import json
import os
import subprocess
import sys
import unittest

from labtest import LabCase, ROTWIZ

LEDGER = "ledger.json"


def seed(state_dir, serial, failures=1, acknowledged=False, device="Backup HSM"):
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    path = os.path.join(state_dir, LEDGER)
    doc = {"format": "rotwiz-login-ledger", "version": 1, "entries": [
        {"serial": serial, "role": "so", "device": device, "failures": failures,
         "last_failure": "2026-11-30T09:00:00.000Z",
         "what": "archive_backup: 0xa0 CKR_PIN_INCORRECT", "acknowledged": acknowledged,
         "acknowledged_time": "", "acknowledged_how": ""}]}
    with open(path, "w") as f:
        json.dump(doc, f)
    os.chmod(path, 0o600)
    return path


class AcknowledgeFailedLogin(LabCase):
    def journal_types(self):
        types = []
        for s in glob.glob(os.path.join(self.lab.state_dir, "sessions", "*")):
            with open(os.path.join(s, "journal.jsonl")) as f:
                types += [json.loads(line)["type"] for line in f]
        return types

    def test_unacknowledged_backup_hsm_so_failure_stops_batch_until_acknowledged(self):
        serial = self.lab.state()["hsms"]["backup"]["serial"]
        so_before = self.lab.state()["hsms"]["backup"].get("so_failures")
        path = seed(self.lab.state_dir, serial)
        proc = self.lab.batch("backup")
        self.assertExit(proc, 4)
        self.assertIn("--acknowledge-failed-login " + serial, proc.stdout)
        self.assertIn("1 of 3 tries used", proc.stdout)
        # nothing was tried on the Backup HSM: no SO login, no partition
        self.assertEqual(self.lab.state()["hsms"]["backup"].get("so_failures"), so_before)
        self.assertEqual(self.lab.state()["hsms"]["backup"]["partitions"], [])
        with open(path) as f:
            entry = json.load(f)["entries"][0]
        self.assertFalse(entry["acknowledged"])
        self.assertEqual(entry["failures"], 1)

        proc = self.lab.batch("backup", "--acknowledge-failed-login", serial)
        self.assertExit(proc, 0)
        self.assertIn("login-acknowledged", self.journal_types())
        with open(path) as f:
            entry = [e for e in json.load(f)["entries"] if e["serial"] == serial][0]
        # acknowledged, then reset by the successful SO login
        self.assertTrue(entry["acknowledged"])
        self.assertEqual(entry["failures"], 0)
        self.assertEqual(len(self.lab.state()["hsms"]["backup"]["partitions"]), 1)

    def test_a_real_failed_so_login_is_recorded_and_stops_the_next_run(self):
        """A wrong Backup HSM SO password: one failed login on the device, recorded; the next
        run tries no other login until the failure is acknowledged."""
        serial = self.lab.state()["hsms"]["backup"]["serial"]
        self.lab.rewrite_secret("backup_so_password", "not-the-so-password")
        proc = self.lab.batch("backup")
        self.assertExit(proc, 5)
        self.assertEqual(self.lab.state()["hsms"]["backup"]["so_failures"], 1)
        with open(os.path.join(self.lab.state_dir, LEDGER)) as f:
            entry = [e for e in json.load(f)["entries"] if e["serial"] == serial][0]
        self.assertEqual((entry["role"], entry["failures"], entry["acknowledged"]),
                         ("so", 1, False))
        proc = self.lab.batch("backup")
        self.assertExit(proc, 4)
        self.assertIn("--acknowledge-failed-login " + serial, proc.stdout)
        # the refused run sent nothing that could fail a second time
        self.assertEqual(self.lab.state()["hsms"]["backup"]["so_failures"], 1)
        self.assertFalse(self.lab.state()["hsms"]["backup"]["zeroized"])


class DamagedLedger(LabCase):
    def test_a_damaged_ledger_stops_the_flow_and_is_kept(self):
        os.makedirs(self.lab.state_dir, mode=0o700, exist_ok=True)
        path = os.path.join(self.lab.state_dir, LEDGER)
        with open(path, "w") as f:
            f.write('{"format": "rotwiz-login-ledger", "version": 1, "entries": [')
        with open(path, "rb") as f:
            before = f.read()
        proc = self.lab.batch("backup")
        self.assertExit(proc, 4)
        self.assertIn(path, proc.stdout)
        self.assertIn("never resets", proc.stdout)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(self.lab.state()["hsms"]["backup"]["partitions"], [])


class LedgerUsage(unittest.TestCase):
    def run_rotwiz(self, *args):
        return subprocess.run([ROTWIZ, *args], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def test_help_documents_the_flags(self):
        proc = self.run_rotwiz("--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("--acknowledge-failed-login SERIAL", proc.stdout)
        self.assertIn("--init-rpv WHICH", proc.stdout)

    def test_flags_go_with_batch_and_need_a_value(self):
        proc = self.run_rotwiz("--acknowledge-failed-login", "123")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--batch", proc.stderr)
        proc = self.run_rotwiz("backup", "--config", "x", "--batch",
                               "--acknowledge-failed-login")
        self.assertEqual(proc.returncode, 2)
        proc = self.run_rotwiz("backup", "--config", "x", "--batch", "--init-rpv")
        self.assertEqual(proc.returncode, 2)
        args = ["backup", "--config", "x", "--batch"]
        for i in range(5):
            args += ["--acknowledge-failed-login", str(i)]
        proc = self.run_rotwiz(*args)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("at most 4", proc.stderr)


if __name__ == "__main__":
    names = sys.argv[1:]
    loader = unittest.TestLoader()
    suite = (loader.loadTestsFromNames(names, sys.modules[__name__]) if names
             else loader.loadTestsFromModule(sys.modules[__name__]))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
