"""test_vendor_safety.py: issue 7's safety interlocks met by the real binary against the lab.

- Every line rotwiz types into lunacm is the vendor's command as the vendor spells it, or one of
  rotwiz's documented checks (the README's procedure table), never anything else.
- `-replace` is never used on a backup partition whose listing rotwiz cannot read completely.
- A new Remote PED Vector needs the operator's consent (batch: --init-rpv), and is never made
  again once one works.
- A prompt whose words do not name a secret this step gives gets nothing typed."""
import glob
import json
import os
import re
import unittest

from labtest import Lab, LabCase, fingerprints, sessions_sent, slot_lists_again

# The vendor's lunacm commands with their placeholders as patterns (what the vendor document
# spells), and rotwiz's own read-only checks and `exit` (README, "beyond the vendor").
VENDOR = [r"slot list", r"slot set -s \d+", r"slot set -slot \d+",
          r"role login -n co -p \*{8}", r"role login -name co", r"role login -n so",
          r"role login -name SO", r"partition clear", r"partition contents",
          r"partition archive (backup|restore) -s \d+ -partition \S+ -do \S+ -sop \*{8} "
          r"-pas \*{8}( -replace)?",
          r"partition archive (backup|restore) -s \d+ -partition \S+( -replace)?",
          r"ped vector -init", r"hsm ped vector init", r"ped set -ip \S+ -port \d+",
          r"ped get", r"ped show", r"ped connect", r"proceed"]
EXTRA = [r"partition archive contents -s \d+ -partition \S+( -password \*{8})?", r"exit",
         r"\*{8}",   # a secret typed at a prompt whose words named it
         # the syntax preflight (read-only): `help`, and `-help` of the commands with options
         r"help", r"(slot set|role login|ped set|ped vector|"
         r"partition archive (backup|restore|contents)) -help"]
# typed into the k570's shell as the vendor does (`cd` to the vtl folder, then ./vtl), each with
# the marker that reports its exit status; lunacm's start; the transcript's notes of ssh/scp
MARK = r"; echo __RW_DONE_\$\?__"
SHELL = [r"cd \S+" + MARK,
         r"\./vtl (addserver -n \S+ -c ~/server\.pem|listservers|deleteServer -n \S+)" + MARK,
         r"/\S+/lunacm", r"ssh .*", r"scp server\.pem .*"]


def sent_lines(state_dir):
    out = []
    for path in glob.glob(os.path.join(state_dir, "sessions", "*", "transcript.jsonl")):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if rec["dir"] == "sent" and rec["host"] in ("source", "target", "workstation"):
                    out.append((rec["host"], rec["text"]))
    return out


class VendorSpelling(unittest.TestCase):
    def check_lab(self, auth):
        lab = Lab(auth)
        self.addCleanup(lab.stop)
        for command in ("backup", "restore"):
            proc = lab.batch(command)
            self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = lab.batch("prepare-target", "--confirm-clear", lab.host("target"))
        self.assertEqual(proc.returncode, 0, proc.stdout)
        lines = sent_lines(lab.state_dir)
        self.assertGreater(len(lines), 20)
        allowed = re.compile("^(%s)$" % "|".join(VENDOR + EXTRA + SHELL))
        for host, text in lines:
            self.assertRegex(text, allowed, "%s: typed %r, which is neither the vendor's "
                             "command nor a documented check" % (host, text))
        typed = " ".join(t for _, t in lines)
        # the vendor's own spellings, not ours
        self.assertIn("slot set -s ", typed)
        # vtl typed into the k570's shell after `cd` to its folder, as the vendor does
        shell = [t for h, t in lines if h in ("source", "target") and "vtl" in t]
        self.assertIn("./vtl addserver -n ", typed)
        self.assertTrue(shell and all(t.startswith(("cd ", "./vtl ")) for t in shell), shell)
        if auth == "password":
            self.assertIn(" -do ", typed)
            self.assertIn("role login -n co -p ********", typed)
        else:
            self.assertIn("ped get", typed)
            self.assertIn("ped vector -init", typed)
        self.assertEqual(lab.state()["wrong_secret_events"], [])
        # one `slot list` per lunacm start: never again while only read-only lines were typed
        self.assertEqual(slot_lists_again(lab.state_dir), [])
        self.check_slot_lists_where_the_vendor_types_them(lab, auth)

    def check_slot_lists_where_the_vendor_types_them(self, lab, auth):
        """lunacm lists the slots as it starts ("Identify the three visible slots"): a k570's
        `slot list` is typed only where the vendor types it, right before the switch to the
        User Token Slot (a PED backup; preparing a target), never in a password backup or a
        restore."""
        where = {}
        for session, lines in sessions_sent(lab.state_dir, with_step=True).items():
            flow = re.search(r"-(backup|restore|prepare-target)-", os.path.basename(session))[1]
            k570 = [(t, s) for h, t, s in lines if h in ("source", "target")]
            for i, (text, step) in enumerate(k570):
                if text == "slot list":
                    where.setdefault(flow, []).append(step)
                    self.assertRegex(k570[i + 1][0], r"^slot set -s(lot)? \d+$",
                                     "%s: the vendor's slot list comes right before the switch "
                                     "to the User Token Slot" % flow)
        want = {"prepare-target": ["list_slots"]}
        if auth == "ped":
            want["backup"] = ["list_slots"]
        self.assertEqual(where, want)

    def test_password_flows_type_only_vendor_commands(self):
        self.check_lab("password")

    def test_ped_flows_type_only_vendor_commands(self):
        self.check_lab("ped")


class ReplaceNeedsProof(LabCase):
    """A foreign backup whose listing is a layout rotwiz cannot read: it used to be taken as
    empty and replaced."""

    def setUp(self):
        self.lab = Lab("password", faults=["backup-partition-exists"],
                       extra=["--vary", "archive-listing=table"])
        self.addCleanup(self.lab.stop)

    def test_replace_refused_on_an_unreadable_listing(self):
        before = self.lab.state()["hsms"]["backup"]["partitions"]
        self.assertGreater(len(before[0]["objects"]), 0)
        proc = self.lab.batch("backup")
        self.assertExit(proc, 4)
        self.assertIn("could not be read completely", proc.stdout)
        self.assertEqual(self.lab.state()["hsms"]["backup"]["partitions"], before)
        self.assertNotIn("-replace", " ".join(t for _, t in sent_lines(self.lab.state_dir)))


class RemotePedVector(LabCase):
    auth = "ped"

    def test_batch_needs_consent_to_make_one(self):
        proc = self.lab.batch("backup", init_rpv=False)
        self.assertExit(proc, 4)
        self.assertIn("--init-rpv backup-hsm", proc.stdout)
        self.assertFalse(self.lab.state()["hsms"]["backup"]["rpv_initialized"])
        self.assertNotIn("ped vector -init", [t for _, t in sent_lines(self.lab.state_dir)])

    def test_one_that_works_is_not_made_again(self):
        self.assertExit(self.lab.batch("backup"), 0)
        made = [t for _, t in sent_lines(self.lab.state_dir)
                if "vector" in t and not t.endswith(" -help")]  # the preflight reads its help
        self.assertEqual(made, ["ped vector -init"])
        # without the consent now: it would stop (exit 4) if it tried to make one again
        self.assertExit(self.lab.batch("restore", init_rpv=False), 0)
        made = [t for _, t in sent_lines(self.lab.state_dir)
                if "vector" in t and not t.endswith(" -help")]  # the preflight reads its help
        self.assertEqual(made, ["ped vector -init"])
        self.assertEqual(fingerprints(self.lab.objects("target")),
                         fingerprints(self.lab.objects("source")))


class UnmatchedPrompt(LabCase):
    """A lab whose archive commands ignore the secret options and prompt for each secret: the
    SO prompt after -sop is a second try of a secret already given, so nothing is typed."""

    def setUp(self):
        self.lab = Lab("password", extra=["--vary", "archive-prompts=ignore-options"])
        self.addCleanup(self.lab.stop)

    def test_nothing_typed_and_the_command_is_abandoned(self):
        proc = self.lab.batch("backup")
        self.assertExit(proc, 5)
        self.assertIn("is not typed a second time", proc.stdout)
        self.assertIn("^C", proc.stdout)
        state = self.lab.state()
        self.assertEqual(state["wrong_secret_events"], [])
        self.assertEqual(state["hsms"]["backup"]["so_failures"], 0)
        self.assertEqual(state["hsms"]["backup"]["partitions"], [])


if __name__ == "__main__":
    unittest.main()
