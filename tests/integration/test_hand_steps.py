"""test_hand_steps.py: batch mode never calls a hand step done that it cannot check: the journal
says hand-step-unverified, the closing summary lists it under "Left for you to do", and every
export shows it as unverified (issue 7 part 4)."""
import glob
import json
import os
import unittest

from labtest import LabCase

UNCHECKABLE = ("configure_rot", "rotate_rot")      # action "none" in steps.conf


class BatchHandSteps(LabCase):
    auth = "password"

    def restore_session(self):
        self.assertExit(self.lab.batch("backup"), 0)
        before = set(glob.glob(os.path.join(self.lab.state_dir, "sessions", "*")))
        proc = self.lab.batch("restore")
        self.assertExit(proc, 0)
        new = set(glob.glob(os.path.join(self.lab.state_dir, "sessions", "*"))) - before
        self.assertEqual(len(new), 1)
        return proc, new.pop()

    def test_restore_leaves_the_console_steps_to_the_operator(self):
        proc, session = self.restore_session()
        with open(os.path.join(session, "journal.jsonl")) as f:
            records = [json.loads(line) for line in f]
        for step in UNCHECKABLE:
            kinds = [r["type"] for r in records if r.get("step") == step]
            self.assertIn("hand-step-unverified", kinds, step)
            self.assertNotIn("step-done", kinds, step)
            self.assertNotIn("confirmation", kinds, step)
        # a hand step with a check of its own is verified by its effect
        cabling = [r["type"] for r in records if r.get("step") == "cable_devices"]
        self.assertIn("hand-step-verified-by-effect", cabling)
        self.assertIn("step-done", cabling)

        out = proc.stdout
        self.assertIn("Left for you to do", out)
        todo = out[out.index("Left for you to do"):]
        titles = {r["step"]: r["title"] for r in records if r["type"] == "hand-step-unverified"}
        for step in UNCHECKABLE:
            self.assertIn(titles[step], todo)
        self.assertIn("CipherTrust Manager console", todo)    # the instructions' first line
        for line in out.splitlines():
            if titles["configure_rot"] in line and line.startswith("["):
                self.assertNotIn(" done ", line)

        text = self.lab.rotwiz("export", session, "--format", "text")
        self.assertExit(text, 0)
        for line in text.stdout.splitlines():
            if "configure_rot" in line and line.lstrip().startswith("["):
                self.assertIn("[to do]", line)
                self.assertIn("unverified", line)
        self.assertIn("=== UNVERIFIED configure_rot", text.stdout)
        self.assertIn("=== UNVERIFIED rotate_rot", text.stdout)
        self.assertNotIn("=== DONE configure_rot", text.stdout)
        self.assertNotIn("=== DONE rotate_rot", text.stdout)

        jsonl = self.lab.rotwiz("export", session, "--format", "jsonl")
        self.assertExit(jsonl, 0)
        lines = [json.loads(line) for line in jsonl.stdout.splitlines()]
        states = {s["id"]: s["state"] for s in lines[0]["steps"]}
        for step in UNCHECKABLE:
            self.assertEqual(states[step], "unverified")
            kinds = [r.get("type") for r in lines[1:] if r.get("step") == step]
            self.assertIn("hand-step-unverified", kinds)
            self.assertNotIn("step-done", kinds)
        self.assertEqual(states["cable_devices"], "done")


if __name__ == "__main__":
    unittest.main()
