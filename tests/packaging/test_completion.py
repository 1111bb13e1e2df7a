"""test_completion.py: the bash completion files, sourced by a real bash and called the way
bash calls them (COMP_WORDS / COMP_CWORD set), answer the expected candidates. The programs
are the build's (first on PATH), since the completion reads their --help texts."""
import os
import shutil
import subprocess
import tempfile
import unittest

import pkgtest

COMPLETION = os.path.join(pkgtest.SRC, "completion")
FAULTS = {"rbs-down", "rbs-wrong-cert", "backup-hsm-missing", "ped-timeout", "ped-wrong-key",
          "pedserver-down"}


def complete(*words, path=None):
    """The candidates for the last word of WORDS (the one being typed); PATH goes first."""
    prog = words[0]
    func = "_rotwiz_sim" if prog == "rotwiz-sim" else "_rotwiz"
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); %s; '
              'printf "%%s\\n" "${COMPREPLY[@]}"' % func)
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash",
                          os.path.join(COMPLETION, prog), *words],
                         capture_output=True, text=True, timeout=60,
                         env=pkgtest.env(**({"PATH": path} if path else {})))
    if out.returncode != 0 or out.stderr:
        raise AssertionError("completion of %r failed: %s" % (words, out.stderr))
    return [w for w in out.stdout.split("\n") if w]


class Rotwiz(unittest.TestCase):
    def test_commands(self):
        # at least these: commands added to --help later complete too
        self.assertTrue({"topology", "backup", "restore", "prepare-target", "export"}
                        <= set(complete("rotwiz", "")))
        self.assertEqual(complete("rotwiz", "--simulate", "pre"), ["prepare-target"])

    def test_options(self):
        opts = set(complete("rotwiz", "backup", "--"))
        self.assertTrue({"--config", "--batch", "--secrets", "--simulate", "--fault", "--format",
                         "--state-dir", "--help", "--version"} <= opts, opts)
        self.assertTrue({"--config", "--confirm-clear"} <= set(complete("rotwiz", "--con")))
        self.assertNotIn("--batch", complete("rotwiz", "--con"))

    def test_format_values(self):
        self.assertEqual(complete("rotwiz", "export", "S", "--format", ""),
                         ["text", "jsonl", "cast"])
        self.assertEqual(complete("rotwiz", "export", "S", "--format", "j"), ["jsonl"])

    def test_fault_names_come_from_the_lab(self):
        faults = set(complete("rotwiz", "--simulate", "--fault", ""))
        self.assertTrue(FAULTS <= faults, faults)
        self.assertEqual(complete("rotwiz", "--simulate", "--fault", "ped-w"), ["ped-wrong-key"])

    def test_auth_values(self):
        self.assertEqual(complete("rotwiz", "--auth", ""), ["password", "ped"])

    def test_no_command_after_a_command(self):
        self.assertEqual(complete("rotwiz", "backup", "res"), [])

    def test_config_completes_files(self):
        self.assertIn(pkgtest.SRC + "/README.md", complete("rotwiz", "--config",
                                                           pkgtest.SRC + "/READ"))


class RotwizSim(unittest.TestCase):
    def test_modes(self):
        modes = set(complete("rotwiz-sim", ""))
        self.assertTrue({"lab", "stop", "state", "ped"} <= modes, modes)
        self.assertFalse({"serve", "shell", "vtl", "rbs"} & modes, "device programs offered")

    def test_lab_options(self):
        opts = set(complete("rotwiz-sim", "lab", "--"))
        self.assertTrue({"--dir", "--auth", "--fault", "--latency", "--ped", "--secrets"} <= opts)

    def test_state_options(self):
        self.assertTrue({"--dir", "--json"} <= set(complete("rotwiz-sim", "state", "--")))
        self.assertNotIn("--fault", complete("rotwiz-sim", "state", "--"))

    def test_fault_names(self):
        self.assertTrue(FAULTS <= set(complete("rotwiz-sim", "lab", "--fault", "")))

    def test_ped_keys(self):
        self.assertEqual(complete("rotwiz-sim", "ped", "--dir", "/tmp", ""), ["insert"])
        self.assertEqual(complete("rotwiz-sim", "ped", "--dir", "/tmp", "insert", "b"),
                         ["blue", "black"])


class LabHelpFormat(unittest.TestCase):
    """Knobs and dialects, in the format of the sim-knobs branch's `lab --help` (a stand-in
    rotwiz-sim prints it), and faults followed by another section."""
    HELP = """usage: rotwiz-sim lab --dir DIR [options]
  --vary KNOB=VALUE       choose another of the lab's inventions (repeatable)
  --dialect NAME          a preset of knob values (--vary wins over it)
Faults:
  rbs-down                   rbs s fails to start on the workstation; its port never opens
  ped-timeout                the PED never presents the requested key
Knobs (--vary KNOB=VALUE; what no real capture shows):
  prompt-style       a (default) | b
                       how the prompt looks
  banner             old (default) | new
                       which banner
Dialects (--dialect NAME; --vary always wins over it):
  vendor-10.4        as the vendor documents it
                       prompt-style=b banner=new
  plain              nothing changed
                       (no settings)
"""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rotwiz-compl-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        sim = os.path.join(self.dir, "rotwiz-sim")
        with open(os.path.join(self.dir, "help.txt"), "w") as f:
            f.write(self.HELP)
        with open(sim, "w") as f:
            f.write('#!/bin/sh\ncat "$(dirname "$0")/help.txt"\n')
        os.chmod(sim, 0o755)
        self.path = self.dir + ":/usr/bin:/bin"

    def test_faults_stop_at_the_next_section(self):
        self.assertEqual(complete("rotwiz-sim", "lab", "--fault", "", path=self.path),
                         ["rbs-down", "ped-timeout"])

    def test_dialects(self):
        self.assertEqual(complete("rotwiz-sim", "lab", "--dialect", "", path=self.path),
                         ["vendor-10.4", "plain"])

    def test_vary_offers_knob_names(self):
        self.assertEqual(complete("rotwiz-sim", "lab", "--vary", "", path=self.path),
                         ["prompt-style=", "banner="])


if __name__ == "__main__":
    unittest.main()
