#!/usr/bin/env python3
"""test_hostile_labels.py: device data never taken for the conversation's protocol: with the
lab's hostile-labels fault (object labels that read "Command Result : No Error", the proceed
question, an SO password prompt, and an ESC sequence) a backup and a restore succeed, every
secret reaches only its own prompt, and --verbose shows the ESC made visible, never raw."""
import unittest

from labtest import LabCase, fingerprints


class HostileLabels(LabCase):
    faults = ("hostile-labels",)

    def check_state(self):
        state = self.lab.state()
        self.assertEqual(state["wrong_secret_events"], [])
        for hsm, counters in state["failed_logins"].items():
            self.assertEqual(set(counters.values()), {0}, hsm)
        for hsm in ("source", "target", "backup"):
            self.assertFalse(state["hsms"][hsm]["zeroized"], hsm)

    def test_backup_and_restore_with_protocol_like_labels(self):
        source = self.lab.objects("source")
        labels = [o["label"] for o in source]
        self.assertIn("Command Result : No Error", labels)
        self.assertTrue(any("\x1b[2J" in l for l in labels))
        for command in ("backup", "restore"):
            proc = self.lab.batch(command, "--verbose")
            self.assertExit(proc, 0)
            self.assertNotIn("\x1b", proc.stdout + proc.stderr)
            self.assertIn("rot-^[[2Jcleared", proc.stdout)     # shown, made visible
            self.check_state()
        self.assertEqual(fingerprints(self.lab.objects("target")), fingerprints(source))
        self.assertEqual(self.lab.objects("source"), source)


if __name__ == "__main__":
    unittest.main()
