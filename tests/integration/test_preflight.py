"""test_preflight.py: issue 12 against the lab, with the real binaries.

- The syntax preflight passes in every help layout the lab prints (help-layout=table|usage).
- An option rotwiz types that the device does not list (drop-option=sop) stops the flow with
  exit 4 before any login: nothing but `help` and `-help` typed into lunacm after it started,
  no failed login, no `role login` typed.
- Help the device will not give (help-layout=none) is recorded as "not checked" (journal and
  topology), never as checked, and the flow still completes.
- The table of commands (core/preflight_cmds.h) holds every lunacm command the flows type, with
  every option they pass (checked against the transcripts of real runs).
- `rotwiz capture` holds no secret, no label unless --with-labels, no serial with
  --mask-serials, logs in nowhere; `rotwiz-sim lab --from-capture` replays it: the same
  `topology --json` from the captured lab and from a lab started from its capture."""
import glob
import json
import os
import re
import unittest

from labtest import Lab, SIM

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "../../core/preflight_cmds.h")
# each k570's shell, its second shell where the preflight runs its own lunacm, the workstation
LUNACM_HOSTS = ("source", "target", "source-help", "target-help", "workstation")


def transcript(state_dir):
    out = []
    for path in sorted(glob.glob(os.path.join(state_dir, "sessions", "*", "transcript.jsonl"))):
        with open(path) as f:
            out += [json.loads(line) for line in f]
    return out


def journal_text(state_dir):
    text = ""
    for path in glob.glob(os.path.join(state_dir, "sessions", "*", "journal.jsonl")):
        with open(path) as f:
            text += f.read()
    return text


def table():
    """[(step, where, auth, command, [options])] from the PF_CMD lines of the header."""
    with open(TABLE) as f:
        src = f.read()
    rows = re.findall(r'PF_CMD\("(\w+)",\s*(PF_\w+),\s*(PF_\w+),\s*"([^"]+)",\s*((?:"[^"]*"\s*)+)\)',
                      src)
    return [(s, w, a, c, "".join(re.findall(r'"([^"]*)"', o)).split())
            for s, w, a, c, o in rows]


def lunacm_lines(recs):
    """The lines typed into a lunacm, by host: everything sent after its start."""
    out, inside = [], {}
    for r in recs:
        if r["dir"] != "sent" or r["host"] not in LUNACM_HOSTS:
            continue
        t = r["text"]
        if t.endswith("/lunacm") or r["host"] == "workstation":
            inside[r["host"]] = True
            if t.endswith("/lunacm"):
                continue
        if t == "exit":
            inside[r["host"]] = False
            continue
        if inside.get(r["host"]):
            out.append((r["host"], t))
    return out


class Preflight(unittest.TestCase):
    def lab(self, *extra, auth="password"):
        lab = Lab(auth, extra=extra)
        self.addCleanup(lab.stop)
        return lab

    def topology(self, lab):
        out = lab.rotwiz("topology", "--config", lab.config, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def test_passes_in_every_help_layout(self):
        for layout in ("table", "usage"):
            with self.subTest(layout=layout):
                lab = self.lab("--vary", "help-layout=" + layout)
                proc = lab.batch("backup")
                self.assertEqual(proc.returncode, 0, proc.stdout)
                self.assertIn("syntax checked: 6 commands", journal_text(lab.state_dir))
                for a in self.topology(lab)["appliances"]:
                    self.assertEqual(a["syntax"]["missing"], [], layout)
                    self.assertEqual(a["syntax"]["unchecked"], [], layout)
                    self.assertGreaterEqual(a["syntax"]["checked"], 8, layout)

    def test_ped_flow_passes(self):
        lab = self.lab("--vary", "help-layout=usage", auth="ped")
        proc = lab.batch("backup")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("lunacm on the workstation: syntax checked", proc.stdout)

    def test_a_missing_option_stops_before_any_login(self):
        lab = self.lab("--vary", "drop-option=sop")
        for command in ("backup", "restore"):
            proc = lab.batch(command)
            self.assertEqual(proc.returncode, 4, proc.stdout)
            self.assertIn("does not list the option -sop of 'partition archive %s'" % command,
                          proc.stdout)
        state = lab.state()
        self.assertFalse([h for h, c in state["failed_logins"].items() if any(c.values())],
                         state["failed_logins"])
        typed = lunacm_lines(transcript(lab.state_dir))
        self.assertTrue(typed)
        for host, text in typed:
            self.assertNotRegex(text, r"^role login(?! -help$)", "a login was typed")
            self.assertRegex(text, r"^(slot list|help|[a-z ]+ -help)$",
                             "%s: typed %r after lunacm started" % (host, text))
        self.assertIn("NOT LISTED: partition archive backup -sop", journal_text(lab.state_dir))
        doc = self.topology(lab)
        self.assertIn("partition archive backup -sop", doc["appliances"][0]["syntax"]["missing"])

    def test_one_shell_checks_in_the_first_shell(self):
        """A k570 that refuses a second shell: the preflight runs in its first shell once
        lunacm runs there, before anything it checks is typed; the flow goes on."""
        for auth in ("password", "ped"):
            lab = self.lab("--vary", "shells=one", auth=auth)
            proc = lab.batch("backup")
            self.assertEqual(proc.returncode, 0, proc.stdout)
            self.assertIn("refused a second shell", journal_text(lab.state_dir))
            self.assertIn("lunacm on the source k570: syntax checked", proc.stdout)
            typed = [t for h, t in lunacm_lines(transcript(lab.state_dir)) if h == "source"]
            self.assertNotIn("source-help", {h for h, _ in lunacm_lines(
                transcript(lab.state_dir))})
            first_help = typed.index("help")
            checked = [i for i, t in enumerate(typed) if " -" in t and
                       not t.endswith(" -help")]
            self.assertTrue(checked and first_help < min(checked), typed)

    def test_unreadable_help_is_not_checked(self):
        lab = self.lab("--vary", "help-layout=none")
        proc = lab.batch("backup")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        j = journal_text(lab.state_dir)
        self.assertIn("not checked: slot set, role login", j)
        a = self.topology(lab)["appliances"][0]["syntax"]
        self.assertIn("partition archive backup", a["unchecked"])
        self.assertEqual(a["missing"], [])
        # only the commands without options (checked in `help`) count as checked
        self.assertLess(a["checked"], 8)
        out = lab.rotwiz("topology", "--config", lab.config, "--plain")
        self.assertIn("syntax: not checked: partition archive backup", out.stdout)

    def test_the_table_holds_every_command_the_flows_type(self):
        rows = table()
        self.assertGreater(len(rows), 20)
        for auth in ("password", "ped"):
            lab = self.lab(auth=auth)
            for command in ("backup", "restore"):
                self.assertEqual(lab.batch(command).returncode, 0)
            self.assertEqual(lab.batch("prepare-target", "--confirm-clear",
                                       lab.host("target")).returncode, 0)
            want = "PF_PED" if auth == "ped" else "PF_PASSWORD"
            seen = set()
            for host, text in lunacm_lines(transcript(lab.state_dir)):
                if text in ("help", "proceed") or text.endswith(" -help") or \
                        re.fullmatch(r"\*+", text):
                    continue
                words = text.split()
                cmd = " ".join(w for w in words if not w.startswith("-") and
                               words.index(w) < next((i for i, x in enumerate(words)
                                                      if x.startswith("-")), len(words)))
                opts = [w for w in words if w.startswith("-")]
                where = "PF_WORKSTATION" if host == "workstation" else "PF_APPLIANCE"
                match = [r for r in rows if r[1] == where and r[2] in ("PF_ANY", want) and
                         r[3] == cmd and set(opts) <= set(r[4])]
                self.assertTrue(match, "%s %s: %r is not in core/preflight_cmds.h"
                                % (auth, host, text))
                seen.add(cmd)
            self.assertIn("partition archive backup", seen)


class Capture(unittest.TestCase):
    def setUp(self):
        self.lab = Lab("password")
        self.addCleanup(self.lab.stop)

    def capture(self, *extra):
        path = os.path.join(self.lab.dir, "capture-%d.json" % len(extra))
        out = self.lab.rotwiz("capture", "--config", self.lab.config, "-o", path, *extra)
        self.assertEqual(out.returncode, 0, out.stderr)
        with open(path) as f:
            return path, f.read()

    def test_capture_holds_no_secret_label_or_masked_serial(self):
        before = self.lab.state()
        path, text = self.capture()
        for secret in self.lab.secret_values():
            self.assertNotIn(secret, text, "a secret of secrets.conf is in the capture")
        doc = json.loads(text)
        self.assertEqual(oct(os.stat(path).st_mode & 0o777), "0o600")
        roles = [d["role"] for d in doc["devices"]]
        self.assertEqual(roles, ["source", "target", "workstation"])
        src = doc["devices"][0]
        cmds = [c["command"] for c in src["commands"]]
        for c in ("slot list", "help", "partition archive backup -help", "ped show",
                  "hsm show", "partition show"):
            self.assertIn(c, cmds)
        self.assertEqual(src["shell"][0]["command"].split("&& ")[1], "./vtl listservers")
        self.assertIn("lunacm", src["startup"])
        self.assertNotIn("cm-rot-source", text, "a label without --with-labels")
        serial = src["serials"][0]
        self.assertIn(serial, text)
        _, masked = self.capture("--mask-serials")
        for dev in doc["devices"]:
            for s in dev["serials"]:
                self.assertNotIn(s, masked, "%s's serial with --mask-serials" % dev["role"])
        self.assertIn("SERIAL-1", masked)
        # read-only: never logged in anywhere, nothing typed but read-only commands
        after = self.lab.state()
        self.assertEqual(after["failed_logins"], before["failed_logins"])
        for host, t in lunacm_lines(transcript(self.lab.state_dir)):
            self.assertRegex(t, r"^(slot list|help|[a-z ]+ -help|ped show|hsm show|"
                                r"partition show|cd \S+ && \./vtl listservers)$", host)

    def test_round_trip_through_a_lab_started_from_the_capture(self):
        path, _ = self.capture("--with-labels")
        replay = Lab("password", extra=["--from-capture", path])
        self.addCleanup(replay.stop)

        def topo(lab):
            out = lab.rotwiz("topology", "--config", lab.config, "--json")
            self.assertEqual(out.returncode, 0, out.stderr)
            doc = json.loads(out.stdout)
            for k in ("address", "rbs", "pedserver"):
                doc["workstation"].pop(k)
            # the workstation's Backup HSM is each lab's own (a capture covers the k570s)
            doc["workstation"].pop("backup_hsm", None)
            for a in doc["appliances"]:
                a.pop("host")
                a.pop("port")
            return doc

        mine, theirs = topo(self.lab), topo(replay)
        self.assertEqual(mine, theirs)
        # the replay is what the capture says, not the replaying lab's own serials
        own = replay.state()["hsms"]["source"]["serial"]
        self.assertTrue(mine["appliances"][0]["slots"])
        self.assertNotIn(own, [x["serial"] for x in theirs["appliances"][0]["slots"]])

    def test_from_capture_refuses_a_file_that_is_not_one(self):
        bad = os.path.join(self.lab.dir, "bad.json")
        with open(bad, "w") as f:
            f.write("{}")
        import shutil
        import subprocess
        import tempfile
        d = tempfile.mkdtemp(prefix="rotwiz-it-")
        out = subprocess.run([SIM, "lab", "--dir", d, "--from-capture", bad],
                             capture_output=True, text=True, timeout=30)
        subprocess.run([SIM, "stop", "--dir", d], capture_output=True, timeout=30)
        shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("not a rotwiz capture", out.stderr)


if __name__ == "__main__":
    unittest.main()
