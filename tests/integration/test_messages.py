#!/usr/bin/env python3
"""test_messages.py: failures said in words against the lab: a fix never shows an unfilled
{placeholder}, RBS that exits is named with its last line, a cloning-domain mismatch is said in
words (not only 0x8000000b), and the lab's domain-mismatch fault does what `lab --help` says."""
import re
import subprocess
import unittest

from labtest import Lab, SIM


class Messages(unittest.TestCase):
    def lab(self, *faults):
        lab = Lab("password", faults)
        self.addCleanup(lab.stop)
        return lab

    def test_rbs_down_names_the_exit_and_its_last_line_with_filled_fix(self):
        lab = self.lab("rbs-down")
        proc = lab.batch("backup")
        self.assertEqual(proc.returncode, 4, proc.stdout)
        error = proc.stdout[proc.stdout.index("error:"):]
        self.assertIn("RBS exited", error)
        self.assertIn("RBS service failed to start", error.split("\n")[0])
        fix = [l for l in error.split("\n") if l.startswith("  fix:")][0]
        self.assertNotRegex(fix, r"\{[a-z_]+\}")           # {rbs_port} filled
        self.assertRegex(fix, r"port \d+ is free")

    def test_domain_mismatch_is_said_in_words(self):
        lab = self.lab("domain-mismatch")
        self.assertEqual(lab.batch("backup").returncode, 0)
        before = lab.objects("target")
        proc = lab.batch("restore")
        self.assertEqual(proc.returncode, 5, proc.stdout)
        error = proc.stdout[proc.stdout.index("error:"):].split("\n")[0]
        self.assertIn("cloning domain", error)
        self.assertIn("differ", error)
        self.assertNotRegex(proc.stdout, r"\{[a-z_]+\}")
        self.assertEqual(lab.objects("target"), before)

    def test_lab_help_says_what_domain_mismatch_does(self):
        out = subprocess.run([SIM, "lab", "--help"], capture_output=True, text=True).stdout
        line = [l for l in out.splitlines() if "domain-mismatch" in l][0]
        self.assertIn("target partition", line)         # the fault's effect (state_model.c)
        self.assertIn("restore fails", line)


if __name__ == "__main__":
    unittest.main()
