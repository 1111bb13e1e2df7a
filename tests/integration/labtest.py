"""labtest.py: helpers for integration tests: a private lab per test, the real binaries, the
lab's state as JSON. Each lab lives in its own temporary folder on free loopback ports."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

BUILD = os.environ.get("ROTWIZ_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
ROTWIZ = os.path.join(BUILD, "rotwiz")
SIM = os.path.join(BUILD, "rotwiz-sim")


class Lab:
    """A running rotwiz-sim lab; stop() removes it."""

    def __init__(self, auth="password", faults=(), extra=()):
        self.dir = tempfile.mkdtemp(prefix="rotwiz-it-")
        self.state_dir = os.path.join(self.dir, "state")
        self.auth = auth
        args = [SIM, "lab", "--dir", self.dir, "--auth", auth, "--ped-time-scale", "0.02"]
        for f in faults:
            args += ["--fault", f]
        args += list(extra)
        out = subprocess.run(args, capture_output=True, text=True, timeout=30)
        if out.returncode != 0 or out.stdout.strip() != "ready":
            self.stop()
            raise RuntimeError("lab did not start: %r %r" % (out.stdout, out.stderr))
        self.config = os.path.join(self.dir, "rotwiz.conf")
        self.secrets = os.path.join(self.dir, "secrets.conf")

    def state(self):
        out = subprocess.run([SIM, "state", "--dir", self.dir, "--json"], capture_output=True,
                             text=True, timeout=30, check=True)
        return json.loads(out.stdout)

    def objects(self, hsm, partition=0):
        parts = self.state()["hsms"][hsm]["partitions"]
        return parts[partition]["objects"] if len(parts) > partition else []

    def rotwiz(self, *args, timeout=300, env=None):
        # ROTWIZ_WRAPPER (e.g. a valgrind command line) runs rotwiz under a checker
        wrapper = os.environ.get("ROTWIZ_WRAPPER", "").split()
        cmd = [*wrapper, ROTWIZ, *args, "--state-dir", self.state_dir]
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=e,
                              stdin=subprocess.DEVNULL)

    def batch(self, command, *extra, secrets=True, init_rpv=True):
        """A batch run. A PED lab's HSMs start without a Remote PED Vector: INIT_RPV gives the
        operator's consent to create them (--init-rpv for the Backup HSM and both k570s)."""
        args = [command, "--config", self.config, "--batch"]
        if secrets:
            args += ["--secrets", self.secrets]
        if self.auth == "ped" and init_rpv:
            for which in ("backup-hsm", self.host("source"), self.host("target")):
                args += ["--init-rpv", which]
        return self.rotwiz(*args, *extra)

    def host(self, role):
        """The host the lab's rotwiz.conf names for ROLE ("source"/"target")."""
        import re
        with open(self.config) as f:
            conf = f.read()
        group = re.search(role + r"\s*=\s*\{(.*?)\}", conf, re.S).group(1)
        return re.search(r'host\s*=\s*"([^"]*)"', group).group(1)

    def secret_values(self):
        """Every secret value of the lab's secrets file (simple 'key = "value";' lines)."""
        values = []
        with open(self.secrets) as f:
            for line in f:
                if '"' in line:
                    values += line.split('"')[1::2]
        return [v for v in values if v and v != "..."]

    def rewrite_secret(self, key, value):
        """Sets KEY in the lab's secrets file (a top-level 'key = "value";' line)."""
        with open(self.secrets) as f:
            text = f.read()
        text, n = re.subn(r'(?m)^%s\s*=\s*"[^"]*";' % re.escape(key),
                          '%s = "%s";' % (key, value), text)
        assert n == 1, key
        with open(self.secrets, "w") as f:
            f.write(text)

    def files_under(self, top):
        for root, _, files in os.walk(top):
            for name in files:
                yield os.path.join(root, name)

    def stop(self):
        subprocess.run([SIM, "stop", "--dir", self.dir], capture_output=True, timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def fingerprints(objs):
    return sorted(o["fingerprint"] for o in objs)


def reads_only(text):
    """lunacm's read-only lines: `help`, `<command> -help`, `slot list` (core/flow_io.c)."""
    return text in ("help", "slot list") or text.endswith(" -help")


def sessions_sent(state_dir, with_step=False):
    """{session folder: [(host, text)]}: the lines typed, in order, per session; WITH_STEP:
    [(host, text, step)]."""
    out = {}
    for path in sorted(glob.glob(os.path.join(state_dir, "sessions", "*", "transcript.jsonl"))):
        with open(path) as f:
            out[os.path.dirname(path)] = [
                (r["host"], r["text"], r.get("step", "")) if with_step else (r["host"], r["text"])
                for r in map(json.loads, f) if r["dir"] == "sent"]
    return out


def slot_lists_again(state_dir):
    """[(session, host, index)] of every `slot list` rotwiz typed for its own checks on a host
    with nothing but read-only lines typed anywhere since the previous listing there (it could
    have been reused): a `slot list`, or a lunacm start (lunacm lists the slots as it starts).
    The vendor's own `slot list` (step list_slots) is typed where the vendor types it."""
    bad = []
    for session, lines in sessions_sent(state_dir, with_step=True).items():
        listed = set()   # hosts whose last listing only read-only lines followed
        for i, (host, text, step) in enumerate(lines):
            if text == "slot list":
                if host in listed and step != "list_slots":
                    bad.append((os.path.basename(session), host, i))
                listed.add(host)
            elif not reads_only(text):
                listed = set()
                if text.endswith("/lunacm"):
                    listed.add(host)
    return bad


class LabCase(unittest.TestCase):
    """A test case with a lab per test (self.lab), stopped even when the test fails."""
    auth = "password"
    faults = ()

    def setUp(self):
        self.lab = Lab(self.auth, self.faults)
        self.addCleanup(self.lab.stop)

    def assertExit(self, proc, code):
        if proc.returncode != code:
            self.fail("exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                      % (proc.returncode, code, proc.stdout, proc.stderr))
