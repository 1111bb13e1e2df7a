"""test_rbs_menu.py: batch mode at the rbs --config menu, judged by its shape: the one Backup HSM
already selected (lab knob rbs-saved=selected) is kept with X, its number never typed (which
deselects it under rbs-menu=toggle), in both menu layouts; one not selected gets its number."""
import glob
import json
import os
import unittest

from labtest import Lab, fingerprints


class RbsMenuBatch(unittest.TestCase):
    def run_backup(self, *vary):
        extra = []
        for v in vary:
            extra += ["--vary", v]
        lab = Lab("password", (), extra)
        self.addCleanup(lab.stop)
        proc = lab.batch("backup")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        session = glob.glob(os.path.join(lab.state_dir, "sessions", "*"))[0]
        with open(os.path.join(session, "journal.jsonl")) as f:
            journal = [json.loads(line) for line in f]
        with open(os.path.join(session, "transcript.jsonl")) as f:
            sent = [r["text"] for r in map(json.loads, f)
                    if r["host"] == "rbs" and r["dir"] == "sent" and r["step"] == "rbs_config"]
        answer = [r["answer"] for r in journal if r.get("question") == "rbs --config device"]
        state = lab.state()
        # the backup went through the RBS with the Backup HSM selected, key by key
        self.assertEqual(state["rbs"]["device_serial"], state["hsms"]["backup"]["serial"])
        self.assertEqual(fingerprints(state["hsms"]["backup"]["partitions"][0]["objects"]),
                         fingerprints(lab.objects("source")))
        self.assertEqual(state["wrong_secret_events"], [])
        return proc.stdout, sent[1:], answer

    def test_already_selected_is_kept_in_a_toggle_menu(self):
        out, sent, answer = self.run_backup("rbs-saved=selected", "rbs-menu=toggle")
        self.assertEqual(sent, ["X"])                      # never the device number
        self.assertEqual(answer, ["(the one Backup HSM, already selected: kept)"])
        self.assertIn("already selected", out)

    def test_already_selected_is_kept_in_a_table_menu(self):
        _, sent, answer = self.run_backup("rbs-saved=selected", "rbs-layout=table",
                                          "rbs-menu=toggle")
        self.assertEqual(sent, ["X"])
        self.assertEqual(answer, ["(the one Backup HSM, already selected: kept)"])

    def test_not_selected_gets_its_number(self):
        _, sent, answer = self.run_backup("rbs-saved=none", "rbs-menu=toggle")
        self.assertEqual(sent, ["1", "X"])
        self.assertEqual(answer, ["1"])


if __name__ == "__main__":
    unittest.main()
