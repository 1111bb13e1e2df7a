"""test_deb.py: the built Debian package, unpacked into a clean folder (dpkg -x, no root
needed), works from there: `rotwiz --version`, `rotwiz topology --simulate --json` (which must
find the installed rotwiz-sim beside the installed rotwiz, not the build's), and `man -l` of the
installed, compressed rotwiz.1.gz. The package is built by .ci/package (into build/deb, or
ROTWIZ_DEB_DIR); without one the test is reported as skipped (exit 77), not passed."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import pkgtest

DEB_DIR = os.environ.get("ROTWIZ_DEB_DIR") or os.path.join(pkgtest.BUILD, "deb")


def find_deb():
    """The newest rotwiz_*.deb, unless it is older than the build's rotwiz (a package left by
    an earlier run, not built from these sources): then None."""
    debs = sorted(glob.glob(os.path.join(DEB_DIR, "rotwiz_*.deb")), key=os.path.getmtime)
    if not debs:
        return None
    if os.path.exists(pkgtest.ROTWIZ) and os.path.getmtime(debs[-1]) < os.path.getmtime(
            pkgtest.ROTWIZ):
        return None
    return debs[-1]


class InstalledPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deb = find_deb()
        cls.root = tempfile.mkdtemp(prefix="rotwiz-deb-")
        subprocess.run(["dpkg", "-x", cls.deb, cls.root], check=True)
        cls.bin = os.path.join(cls.root, "usr/bin")
        # nothing of the build on PATH: only the system's programs and the unpacked ones
        cls.env = pkgtest.env(PATH=cls.bin + ":/usr/bin:/bin", TMPDIR=cls.root,
                              XDG_STATE_HOME=os.path.join(cls.root, "state"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def run_installed(self, *args, timeout=120):
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                              env=self.env, stdin=subprocess.DEVNULL)

    def test_version_is_the_package_version(self):
        version = subprocess.run(["dpkg-deb", "-f", self.deb, "Version"], capture_output=True,
                                 text=True, check=True).stdout.strip()
        out = self.run_installed(os.path.join(self.bin, "rotwiz"), "--version")
        self.assertEqual((out.returncode, out.stdout.strip()), (0, "rotwiz " + version))

    def test_topology_simulate_uses_the_installed_lab(self):
        out = self.run_installed(os.path.join(self.bin, "rotwiz"), "topology", "--simulate",
                                 "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        doc = json.loads(out.stdout)
        self.assertEqual([a["role"] for a in doc["appliances"]], ["source", "target"])
        self.assertTrue(all(a["reachable"] for a in doc["appliances"]))
        # the lab's wrappers name the rotwiz-sim that ran: the unpacked one
        self.assertNotIn(pkgtest.BUILD, out.stderr)

    def test_installed_man_page_renders_without_warnings(self):
        page = os.path.join(self.root, "usr/share/man/man1/rotwiz.1.gz")
        out = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, text=True,
                             env=dict(self.env, MANWIDTH="80", MANPAGER="cat", PAGER="cat"))
        self.assertEqual((out.returncode, out.stderr), (0, ""))
        self.assertIn("acknowledge a failed HSM SO login".lower(), out.stdout.lower()
                      .replace("\n", " ").replace("  ", " ").replace("  ", " "))

    def test_everything_is_where_debian_expects_it(self):
        for path in ["usr/bin/rotwiz", "usr/bin/rotwiz-sim", "usr/share/man/man1/rotwiz-sim.1.gz",
                     "usr/share/man/man5/rotwiz.conf.5.gz",
                     "usr/share/bash-completion/completions/rotwiz",
                     "usr/share/bash-completion/completions/rotwiz-sim",
                     "usr/share/doc/rotwiz/examples/rotwiz.conf",
                     "usr/share/doc/rotwiz/examples/secrets.conf",
                     "usr/share/doc/rotwiz/examples/ansible/backup-fleet.yml",
                     "usr/share/doc/rotwiz/schemas/topology.schema.json",
                     "usr/share/doc/rotwiz/copyright"]:
            self.assertTrue(os.path.exists(os.path.join(self.root, path)), path)
        depends = subprocess.run(["dpkg-deb", "-f", self.deb, "Depends"], capture_output=True,
                                 text=True, check=True).stdout
        for lib in ["libssh", "libconfig", "libjansson", "libncursesw"]:
            self.assertIn(lib, depends)


if __name__ == "__main__":
    if not find_deb():
        print("no rotwiz_*.deb newer than the build in %s: build one with .ci/package "
              "(skipped)" % DEB_DIR)
        sys.exit(77)
    unittest.main()
