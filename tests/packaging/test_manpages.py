"""test_manpages.py: the man pages say the truth about the command lines and render cleanly.

Every option token (--xxx) that `rotwiz --help` prints is documented in the OPTIONS section of
rotwiz(1), and every option documented there is in --help; the same for rotwiz-sim(1) against
`rotwiz-sim --help`, `rotwiz-sim lab --help` and `rotwiz-sim stop --help`. Options are parsed
from the texts, so an option added to a --help later fails here by name until it is documented.
The one exception is pkgtest.PENDING_OPTIONS (documented ahead of their branches)."""
import os
import re
import subprocess
import unittest

import pkgtest

MAN = os.path.join(pkgtest.SRC, "man")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def help_options(*argvs):
    found = set()
    for argv in argvs:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=pkgtest.env())
        if out.returncode != 0:
            raise AssertionError("%s exited %d: %s" % (argv, out.returncode, out.stderr))
        found |= set(OPTION.findall(out.stdout))
    return found


def render(page):
    """PAGE as plain ASCII text (no overstriking), the way man shows it."""
    out = subprocess.run(["groff", "-man", "-Tascii", "-P-cbou", "-rLL=200n",
                          os.path.join(MAN, page)], capture_output=True, text=True, check=True,
                         env=pkgtest.env())
    return out.stdout


def section(text, name):
    """The text of section NAME (headings are the unindented lines)."""
    m = re.search(r"^%s\n(.*?)(?=^\S)" % re.escape(name), text, re.S | re.M)
    if not m:
        raise AssertionError("no %s section" % name)
    return m.group(1)


class Options(unittest.TestCase):
    def check(self, page, program, helps):
        in_help = help_options(*helps)
        in_man = set(OPTION.findall(section(render(page), "OPTIONS")))
        self.assertTrue(in_help, "no option found in --help")
        missing = sorted(in_help - in_man)
        self.assertFalse(missing, "%s: options of --help not documented in OPTIONS: %s"
                         % (page, ", ".join(missing)))
        stale = sorted(in_man - in_help - pkgtest.PENDING_OPTIONS[program])
        self.assertFalse(stale, "%s: documented options that %s no longer lists: %s"
                         % (page, " / ".join(" ".join(h[1:]) for h in helps), ", ".join(stale)))

    def test_rotwiz(self):
        self.check("rotwiz.1", "rotwiz", [[pkgtest.ROTWIZ, "--help"]])

    def test_rotwiz_sim(self):
        self.check("rotwiz-sim.1", "rotwiz-sim",
                   [[pkgtest.SIM, "--help"], [pkgtest.SIM, "lab", "--help"],
                    [pkgtest.SIM, "stop", "--help"]])

    def test_rotwiz_sim_faults(self):
        out = subprocess.run([pkgtest.SIM, "lab", "--help"], capture_output=True, text=True,
                             timeout=30, env=pkgtest.env()).stdout
        block = out.split("Faults:\n", 1)[1]
        in_help = set()
        for line in block.splitlines():
            if not line.startswith("  "):
                break  # the next section (knobs, dialects)
            if line[2:3].isalpha():
                in_help.add(line.split()[0])
        in_man = set(re.findall(r"^ {7}([a-z][a-z0-9-]+)$", section(render("rotwiz-sim.1"),
                                                                      "FAULTS"), re.M))
        self.assertTrue(in_help)
        self.assertEqual(sorted(in_help - in_man), [], "faults missing from rotwiz-sim(1)")
        self.assertEqual(sorted(in_man - in_help), [], "faults rotwiz-sim no longer has")

    def test_the_check_names_a_new_option(self):
        # the test itself: an option only --help knows is reported by name
        with self.assertRaisesRegex(AssertionError, "--brand-new"):
            self.check("rotwiz.1", "rotwiz", [["echo", "--brand-new --config"]])


class Rendering(unittest.TestCase):
    PAGES = ["rotwiz.1", "rotwiz-sim.1", "rotwiz.conf.5"]

    def test_groff_has_no_warnings(self):
        for page in self.PAGES:
            out = subprocess.run(["groff", "-ww", "-man", "-z", os.path.join(MAN, page)],
                                 capture_output=True, text=True, env=pkgtest.env())
            self.assertEqual((out.returncode, out.stderr), (0, ""), page)

    def test_man_renders_without_warnings(self):
        for page in self.PAGES:
            out = subprocess.run(["man", "--warnings", "-l", os.path.join(MAN, page)],
                                 capture_output=True, text=True,
                                 env=pkgtest.env(MANWIDTH="80", MANPAGER="cat", PAGER="cat"))
            self.assertEqual((out.returncode, out.stderr), (0, ""), page)
            self.assertIn("NAME", out.stdout)

    def test_lexgrog_finds_the_whatis_line(self):
        for page in self.PAGES:
            out = subprocess.run(["lexgrog", os.path.join(MAN, page)], capture_output=True,
                                 text=True, env=pkgtest.env())
            self.assertEqual(out.returncode, 0, page + out.stdout + out.stderr)
            name = page.rsplit(".", 1)[0]
            self.assertIn('"%s - ' % name, out.stdout)


if __name__ == "__main__":
    unittest.main()
