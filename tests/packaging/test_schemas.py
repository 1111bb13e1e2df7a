"""test_schemas.py: the JSON Schemas of docs/ hold for real output of the lab: `rotwiz topology
--json` and every line of `rotwiz export SESSION --format jsonl` of a backup (Debian's
python3-jsonschema, draft 2020-12). A schema that says too little fails too: every export kind
and the journal record types a backup writes must be met."""
import json
import os
import unittest

import jsonschema

import pkgtest

DOCS = os.path.join(pkgtest.SRC, "docs")


def validator(name):
    with open(os.path.join(DOCS, name)) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(v, doc):
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
            for e in v.iter_errors(doc)]


class Schemas(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lab = pkgtest.Lab()

    @classmethod
    def tearDownClass(cls):
        cls.lab.stop()

    def test_topology(self):
        out = self.lab.rotwiz("topology", "--config", self.lab.config, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        doc = json.loads(out.stdout)
        self.assertEqual(errors(validator("topology.schema.json"), doc), [])
        self.assertEqual([a["role"] for a in doc["appliances"]], ["source", "target"])
        for a in doc["appliances"]:
            self.assertGreater(a["syntax"]["checked"], 0, a["syntax"])
            self.assertEqual(a["syntax"]["missing"], [])
            self.assertEqual(a["syntax"]["unchecked"], [])

    def test_topology_schema_syntax_member(self):
        v = validator("topology.schema.json")
        app = {"role": "source", "host": "h", "port": 22, "reachable": True, "error": None,
               "lunacm_version": "10.4.0", "slots": [], "vtl_servers": []}
        doc = {"workstation": {"address": "a", "rbs": {"port": 1, "listening": True},
                               "pedserver": {"port": 2, "listening": False}},
               "appliances": [app]}
        self.assertEqual(errors(v, doc), [], "syntax stays optional (INTERFACE.md's members)")
        app["syntax"] = {"checked": 9, "missing": ["partition archive backup -sop"],
                         "unchecked": []}
        self.assertEqual(errors(v, doc), [])
        app["syntax"] = {"checked": 9, "missing": []}
        self.assertTrue(errors(v, doc), "unchecked is required: never folded into checked")

    def test_topology_schema_refuses_what_interface_md_forbids(self):
        v = validator("topology.schema.json")
        self.assertTrue(errors(v, {"workstation": {}, "appliances": []}))
        bad = {"workstation": {"address": "a", "rbs": {"port": 1, "listening": True},
                               "pedserver": {"port": 2, "listening": False}},
               "appliances": [{"role": "source", "host": "h", "port": 22, "reachable": False,
                               "error": None, "lunacm_version": None, "slots": [],
                               "vtl_servers": []}]}
        self.assertTrue(errors(v, bad), "an unreachable appliance must say why")

    def test_export_jsonl_of_a_backup(self):
        out = self.lab.batch("backup")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        sessions = os.path.join(self.lab.state_dir, "sessions")
        session = [d for d in os.listdir(sessions) if "backup" in d][0]
        out = self.lab.rotwiz("export", os.path.join(sessions, session), "--format", "jsonl")
        self.assertEqual(out.returncode, 0, out.stderr)
        v = validator("export-jsonl.schema.json")
        kinds, types = set(), set()
        for n, line in enumerate(out.stdout.splitlines(), 1):
            rec = json.loads(line)
            self.assertEqual(errors(v, rec), [], "line %d: %s" % (n, line[:300]))
            kinds.add(rec["kind"])
            if rec["kind"] == "journal":
                types.add(rec["type"])
        self.assertEqual(kinds, {"export", "journal", "transcript"})
        self.assertTrue({"session-start", "operator", "step-start", "step-done", "objects",
                         "session-end"} <= types, types)
        # SESSION may be its id with --state-dir (INTERFACE.md): the same export
        by_id = self.lab.rotwiz("export", session, "--format", "jsonl")  # adds --state-dir
        self.assertEqual(by_id.returncode, 0, by_id.stderr)
        self.assertEqual(len(by_id.stdout.splitlines()), len(out.stdout.splitlines()))
        missing = self.lab.rotwiz("export", "no-such-session", "--format", "jsonl")
        self.assertEqual(missing.returncode, 2)
        # the read-only view records no session
        self.assertEqual([d for d in os.listdir(sessions) if "topology" in d], [])

    def test_topology_reads_the_workstation(self):
        """The read-only view reads the workstation too (no login): the Luna client's version
        and the Backup HSM over USB."""
        out = self.lab.rotwiz("topology", "--config", self.lab.config, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        ws = json.loads(out.stdout)["workstation"]
        self.assertTrue(ws["client_version"])
        self.assertTrue(ws["backup_hsm"]["attached"])
        self.assertEqual(ws["backup_hsm"]["serial"], self.lab.state()["hsms"]["backup"]["serial"])
        plain = self.lab.rotwiz("topology", "--config", self.lab.config, "--plain")
        self.assertIn("backup hsm (usb) ", plain.stdout)
        self.assertIn("luna client ", plain.stdout)

    def test_export_schema_refuses_unknown_members(self):
        v = validator("export-jsonl.schema.json")
        rec = {"kind": "journal", "seq": 1, "time": "2026-11-30T11:11:23.389Z", "type": "note",
               "prev": "0" * 64, "hash": "0" * 64}
        self.assertEqual(errors(v, rec), [])
        self.assertTrue(errors(v, dict(rec, surprise=1)))
        self.assertTrue(errors(v, dict(rec, type="surprise")))
        self.assertTrue(errors(v, {"kind": "surprise"}))


if __name__ == "__main__":
    unittest.main()
