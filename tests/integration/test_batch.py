"""test_batch.py: the headless flows against the lab over real SSH, proven by the lab's state."""
import glob
import json
import os
import shutil
import subprocess
import sys
import unittest

from labtest import Lab, LabCase, fingerprints, SIM


class PasswordFlows(LabCase):
    auth = "password"

    def test_backup_then_restore(self):
        source = self.lab.objects("source")
        self.assertGreater(len(source), 0)
        self.assertEqual(self.lab.objects("target"), [])
        self.assertExit(self.lab.batch("backup"), 0)
        backup_parts = self.lab.state()["hsms"]["backup"]["partitions"]
        self.assertEqual(len(backup_parts), 1)
        self.assertEqual(fingerprints(backup_parts[0]["objects"]), fingerprints(source))
        self.assertExit(self.lab.batch("restore"), 0)
        self.assertEqual(fingerprints(self.lab.objects("target")), fingerprints(source))

    def test_no_secret_in_any_file_the_run_leaves(self):
        self.assertExit(self.lab.batch("backup"), 0)
        sessions = glob.glob(os.path.join(self.lab.state_dir, "sessions", "*"))
        self.assertEqual(len(sessions), 1)
        for fmt in ("text", "jsonl", "cast"):
            out = os.path.join(self.lab.dir, "export." + fmt)
            self.assertExit(self.lab.rotwiz("export", sessions[0], "--format", fmt, "-o", out), 0)
        secrets = self.lab.secret_values()
        self.assertGreater(len(secrets), 3)
        files = list(self.lab.files_under(self.lab.state_dir))
        files += glob.glob(os.path.join(self.lab.dir, "export.*"))
        self.assertGreater(len(files), 4)
        for path in files:
            with open(path, "rb") as f:
                data = f.read()
            for s in secrets:
                self.assertNotIn(s.encode(), data, "secret found in %s" % path)

    def test_missing_secret_without_a_terminal_is_exit_2(self):
        # no secrets file and no terminal to ask on (a new session has no controlling tty)
        proc = subprocess.run([*os.environ.get("ROTWIZ_WRAPPER", "").split(), self.lab_rotwiz(),
                               "backup", "--config", self.lab.config, "--batch", "--state-dir",
                               self.lab.state_dir], capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL, start_new_session=True)
        self.assertExit(proc, 2)
        self.assertIn("rbs_password", proc.stdout)
        self.assertEqual(self.lab.state()["hsms"]["backup"]["partitions"], [])

    def lab_rotwiz(self):
        from labtest import ROTWIZ
        return ROTWIZ

    def test_a_wrong_vtl_folder_stops_before_vtl(self):
        # `cd <luna_bin>` is typed into the k570's shell; its exit status is read (our marker),
        # so a folder that is not there stops the step before any ./vtl is typed
        with open(self.lab.config) as f:
            conf = f.read()
        conf = conf.replace('luna_bin = "/usr/safenet/lunaclient/bin";',
                            'luna_bin = "/usr/safenet/nowhere/bin";', 1)
        with open(self.lab.config, "w") as f:
            f.write(conf)
        proc = self.lab.batch("backup")
        self.assertExit(proc, 4)
        self.assertIn("cd /usr/safenet/nowhere/bin` failed on the source k570", proc.stdout)
        sent = []
        for path in glob.glob(os.path.join(self.lab.state_dir, "sessions", "*",
                                           "transcript.jsonl")):
            with open(path) as f:
                sent += [json.loads(line)["text"] for line in f
                         if json.loads(line)["dir"] == "sent"]
        self.assertTrue(any(t.startswith("cd /usr/safenet/nowhere/bin") for t in sent), sent)
        self.assertFalse(any("vtl" in t for t in sent), sent)

    def test_restore_refused_without_a_backup(self):
        proc = self.lab.batch("restore")
        self.assertExit(proc, 4)
        self.assertEqual(self.lab.objects("target"), [])


class TargetNotEmpty(LabCase):
    faults = ("target-not-empty",)

    def test_restore_onto_non_empty_target_is_refused(self):
        before = self.lab.objects("target")
        self.assertGreater(len(before), 0)
        self.assertExit(self.lab.batch("backup"), 0)
        proc = self.lab.batch("restore")
        self.assertExit(proc, 4)
        self.assertIn("prepare-target", proc.stdout)
        self.assertEqual(fingerprints(self.lab.objects("target")), fingerprints(before))

    def test_prepare_target_needs_the_right_name(self):
        before = self.lab.objects("target")
        proc = self.lab.batch("prepare-target", "--confirm-clear", "not-the-target")
        self.assertExit(proc, 2)
        self.assertEqual(fingerprints(self.lab.objects("target")), fingerprints(before))

    def test_prepare_target_clears_then_restore_works(self):
        host = self.lab.host("target")
        self.assertExit(self.lab.batch("prepare-target", "--confirm-clear", host), 0)
        self.assertEqual(self.lab.objects("target"), [])
        self.assertExit(self.lab.batch("backup"), 0)
        self.assertExit(self.lab.batch("restore"), 0)
        self.assertEqual(fingerprints(self.lab.objects("target")),
                         fingerprints(self.lab.objects("source")))


class PedTargetNotEmpty(LabCase):
    auth = "ped"
    faults = ("target-not-empty",)

    def test_prepare_target_clears_a_non_empty_target(self):
        self.assertGreater(len(self.lab.objects("target")), 0)
        self.assertExit(self.lab.batch("prepare-target", "--confirm-clear",
                                       self.lab.host("target")), 0)
        self.assertEqual(self.lab.objects("target"), [])


class PedFlows(LabCase):
    auth = "ped"

    def test_backup_then_restore_with_the_automatic_ped(self):
        source = self.lab.objects("source")
        self.assertExit(self.lab.batch("backup"), 0)
        self.assertExit(self.lab.batch("restore"), 0)
        self.assertEqual(fingerprints(self.lab.objects("target")), fingerprints(source))


class Faults(unittest.TestCase):
    """Each lab fault, met by the headless flows: the exit code of INTERFACE.md, a message that
    names the cause, and the lab's state showing nothing unsafe happened."""

    def lab(self, *faults, auth="password"):
        lab = Lab(auth, faults)
        self.addCleanup(lab.stop)
        return lab

    def run_flow(self, lab, command, code, *extra):
        proc = lab.batch(command, *extra)
        if proc.returncode != code:
            self.fail("%s: exit %d, expected %d\n%s%s" % (command, proc.returncode, code,
                                                         proc.stdout, proc.stderr))
        return proc.stdout

    def test_rbs_down(self):
        lab = self.lab("rbs-down")
        self.assertIn("RBS exited", self.run_flow(lab, "backup", 4))
        self.assertEqual(lab.state()["hsms"]["backup"]["partitions"], [])

    def test_rbs_wrong_cert(self):
        lab = self.lab("rbs-wrong-cert")
        self.assertIn("cannot see the Backup HSM", self.run_flow(lab, "backup", 4))

    def test_backup_hsm_missing(self):
        lab = self.lab("backup-hsm-missing")
        self.assertIn("does not see the Backup HSM", self.run_flow(lab, "backup", 4))

    def test_backup_partition_exists(self):
        lab = self.lab("backup-partition-exists")
        before = lab.state()["hsms"]["backup"]["partitions"]
        self.assertIn("already holds a partition", self.run_flow(lab, "backup", 4))
        self.assertEqual(lab.state()["hsms"]["backup"]["partitions"], before)

    def test_backup_hsm_full(self):
        lab = self.lab("backup-hsm-full")
        self.assertIn("CKR_HSM_STORAGE_FULL", self.run_flow(lab, "backup", 5))

    def test_old_backup_firmware(self):
        lab = self.lab("old-backup-firmware")
        out = self.run_flow(lab, "backup", 4)
        self.assertIn("firmware", out)
        self.assertEqual(lab.state()["hsms"]["backup"]["partitions"], [])

    def test_domain_mismatch(self):
        lab = self.lab("domain-mismatch")
        self.run_flow(lab, "backup", 0)
        self.run_flow(lab, "restore", 5)
        self.assertEqual(lab.objects("target"), [])

    def test_ssh_drop_during_backup_then_resume(self):
        lab = self.lab("ssh-drop-during-backup")
        self.run_flow(lab, "backup", 3)
        partial = lab.state()["hsms"]["backup"]["partitions"][0]["objects"]
        self.assertLess(len(partial), len(lab.objects("source")))
        self.assertIn("PARTIAL backup", self.run_flow(lab, "backup", 0))
        self.assertEqual(fingerprints(lab.state()["hsms"]["backup"]["partitions"][0]["objects"]),
                         fingerprints(lab.objects("source")))

    def test_ssh_drop_during_restore_then_prepare_and_restore(self):
        lab = self.lab("ssh-drop-during-restore")
        self.run_flow(lab, "backup", 0)
        self.run_flow(lab, "restore", 3)
        partial = lab.objects("target")
        self.assertGreater(len(partial), 0)
        self.run_flow(lab, "restore", 4)           # never restores onto what is left
        self.assertEqual(fingerprints(lab.objects("target")), fingerprints(partial))
        self.run_flow(lab, "prepare-target", 0, "--confirm-clear", lab.host("target"))
        self.run_flow(lab, "restore", 0)
        self.assertEqual(fingerprints(lab.objects("target")), fingerprints(lab.objects("source")))

    def test_ped_timeout(self):
        lab = self.lab("ped-timeout", auth="ped")
        self.run_flow(lab, "backup", 7)

    def test_ped_wrong_key(self):
        lab = self.lab("ped-wrong-key", auth="ped")
        self.run_flow(lab, "backup", 5)
        self.assertEqual(lab.state()["hsms"]["backup"]["partitions"], [])

    def test_pedserver_down(self):
        lab = self.lab("pedserver-down", auth="ped")
        self.assertIn("PEDServer is not listening", self.run_flow(lab, "backup", 4))


class Resume(LabCase):
    def test_a_killed_run_is_continued_and_completed(self):
        from labtest import ROTWIZ
        cmd = [ROTWIZ, "backup", "--config", self.lab.config, "--secrets", self.lab.secrets,
               "--batch", "--state-dir", self.lab.state_dir]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                                stdin=subprocess.DEVNULL)
        for line in proc.stdout:
            if "Connect to the source k570" in line:
                proc.kill()             # the terminal closed, the workstation crashed...
                break
        proc.wait()
        sessions = glob.glob(os.path.join(self.lab.state_dir, "sessions", "*"))
        self.assertEqual(len(sessions), 1)
        with open(os.path.join(sessions[0], "journal.jsonl")) as f:
            self.assertNotIn("session-end", f.read())
        out = self.lab.batch("backup")
        self.assertExit(out, 0)
        self.assertIn("was interrupted at step", out.stdout)
        # the same record, continued: a resume record, then the end, and the chain holds
        self.assertEqual(glob.glob(os.path.join(self.lab.state_dir, "sessions", "*")), sessions)
        with open(os.path.join(sessions[0], "journal.jsonl")) as f:
            types = [json.loads(line)["type"] for line in f]
        self.assertIn("session-resume", types)
        self.assertEqual(types[-1], "session-end")
        text = os.path.join(self.lab.dir, "record.txt")
        exp = self.lab.rotwiz("export", sessions[0], "--format", "text", "-o", text)
        self.assertExit(exp, 0)
        self.assertNotIn("warning", exp.stderr)      # the hash chain verified
        self.assertEqual(fingerprints(self.lab.state()["hsms"]["backup"]["partitions"][0]
                                      ["objects"]), fingerprints(self.lab.objects("source")))


class Topology(LabCase):
    def test_json_matches_the_lab(self):
        proc = self.lab.rotwiz("topology", "--config", self.lab.config, "--json")
        self.assertExit(proc, 0)
        topo = json.loads(proc.stdout)
        state = self.lab.state()
        apps = {a["role"]: a for a in topo["appliances"]}
        self.assertEqual(set(apps), {"source", "target"})
        for role in ("source", "target"):
            a = apps[role]
            self.assertTrue(a["reachable"])
            self.assertIsNone(a["error"])
            self.assertRegex(a["lunacm_version"], r"^\d+\.\d+\.\d+$")
            ids = {s["description"]: s["id"] for s in a["slots"]}
            lab_ids = {s["description"]: s["id"] for s in state["hsms"][role]["slots"]}
            self.assertEqual(ids["User Token Slot"], lab_ids["User Token Slot"])
            self.assertEqual(ids["Admin Token Slot"], lab_ids["Admin Token Slot"])
        self.assertFalse(topo["workstation"]["rbs"]["listening"])

    def test_topology_changes_nothing(self):
        before = self.lab.state()
        self.assertExit(self.lab.rotwiz("topology", "--config", self.lab.config, "--plain"), 0)
        after = self.lab.state()
        for role in ("source", "target"):
            self.assertEqual(before["hsms"][role]["partitions"], after["hsms"][role]["partitions"])

    def test_unknown_host_key_is_refused_in_batch(self):
        with open(self.lab.config) as f:
            conf = f.read()
        empty = os.path.join(self.lab.dir, "empty_known_hosts")
        open(empty, "w").close()
        known = os.path.join(self.lab.dir, "ssh", "known_hosts")
        other = os.path.join(self.lab.dir, "other.conf")
        with open(other, "w") as f:
            f.write(conf.replace(known, empty))
        proc = self.lab.rotwiz("topology", "--config", other, "--json")
        self.assertExit(proc, 3)
        topo = json.loads(proc.stdout)
        self.assertFalse(topo["appliances"][0]["reachable"])
        self.assertIn("SHA256:", topo["appliances"][0]["error"])
        self.assertEqual(os.path.getsize(empty), 0)

    def test_changed_host_key_is_refused(self):
        known = os.path.join(self.lab.dir, "ssh", "known_hosts")
        with open(known) as f:
            lines = f.read().splitlines()
        # a different key for the same hosts: what a changed host key looks like
        bogus = subprocess.run(["ssh-keygen", "-t", "ed25519", "-N", "", "-q", "-f",
                                os.path.join(self.lab.dir, "bogus")], check=True)
        with open(os.path.join(self.lab.dir, "bogus.pub")) as f:
            key = " ".join(f.read().split()[:2])
        with open(known, "w") as f:
            for line in lines:
                f.write(line.split()[0] + " " + key + "\n")
        proc = self.lab.rotwiz("topology", "--config", self.lab.config, "--json")
        self.assertExit(proc, 3)
        for app in json.loads(proc.stdout)["appliances"]:
            self.assertFalse(app["reachable"])
            self.assertIn("does not match", app["error"].lower())
            self.assertIn(known, app["error"])


class Usage(unittest.TestCase):
    def test_batch_without_config_is_a_usage_error(self):
        from labtest import ROTWIZ
        proc = subprocess.run([ROTWIZ, "backup", "--batch"], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--config", proc.stderr)

    def test_prepare_target_needs_confirm_clear(self):
        from labtest import ROTWIZ
        proc = subprocess.run([ROTWIZ, "prepare-target", "--config", "x", "--batch"],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--confirm-clear", proc.stderr)


if __name__ == "__main__":
    unittest.main()
