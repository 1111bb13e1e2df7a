"""test_ansible.py: examples/ansible/backup-fleet.yml run by Debian's ansible-core against the
lab (connection: local; the workstation is this machine).

The lab has ONE source k570 and one target, so the "fleet" is the lab's source listed twice under
two inventory names, each with its own configuration naming its own backup partition
(rot-fleet-a, rot-fleet-b). That is honest about what is proven: the playbook reads each
appliance's topology, runs the backups one after another, each into its own partition, and acts
on rotwiz's exit codes; it does not prove that two different appliances' keys differ."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import pkgtest

PLAYBOOK = os.path.join(pkgtest.SRC, "examples/ansible/backup-fleet.yml")
PARTITIONS = {"k570-a": "rot-fleet-a", "k570-b": "rot-fleet-b"}


@unittest.skipUnless(shutil.which("ansible-playbook"), "ansible-core is not installed")
class Fleet(unittest.TestCase):
    def start(self, **lab_args):
        self.lab = pkgtest.Lab(**lab_args)
        self.addCleanup(self.lab.stop)
        self.tmp = tempfile.mkdtemp(prefix="rotwiz-ansible-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        with open(self.lab.config) as f:
            conf = f.read()
        hosts = []
        for name, part in PARTITIONS.items():
            path = os.path.join(self.tmp, name + ".conf")
            with open(path, "w") as f:
                f.write(re.sub(r'partition = "[^"]*"', 'partition = "%s"' % part, conf))
            hosts.append("        %s:\n          rotwiz_config: %s\n" % (name, path))
        self.inventory = os.path.join(self.tmp, "inventory.yml")
        with open(self.inventory, "w") as f:
            f.write("all:\n  vars:\n    ansible_connection: local\n"
                    "    ansible_python_interpreter: /usr/bin/python3\n"
                    "  children:\n    backup_workstation:\n      hosts:\n        localhost:\n"
                    "    k570:\n      vars:\n        rotwiz_secrets: %s\n"
                    "        rotwiz_bin: %s\n        rotwiz_state_dir: %s\n      hosts:\n%s"
                    % (self.lab.secrets, pkgtest.ROTWIZ, self.lab.state_dir, "".join(hosts)))

    def play(self):
        e = pkgtest.env(ANSIBLE_LOCAL_TEMP=os.path.join(self.tmp, "a-local"),
                        ANSIBLE_REMOTE_TEMP=os.path.join(self.tmp, "a-remote"),
                        ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
                        ANSIBLE_HOME=os.path.join(self.tmp, "a-home"))
        return subprocess.run(["ansible-playbook", "-i", self.inventory, PLAYBOOK],
                              capture_output=True, text=True, timeout=600, env=e)

    def backup_partitions(self):
        parts = self.lab.state()["hsms"]["backup"]["partitions"]
        return {p["name"]: p["objects"] for p in parts}

    def test_each_appliance_is_backed_up_into_its_own_partition(self):
        self.start()
        out = self.play()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        source = {(o["uid"], o["fingerprint"]) for o in self.lab.objects("source")}
        self.assertTrue(source)
        parts = self.backup_partitions()
        self.assertEqual(set(parts), set(PARTITIONS.values()))
        for name, objects in parts.items():
            self.assertEqual({(o["uid"], o["fingerprint"]) for o in objects}, source, name)
        # INTERFACE.md's wrong_secret_events (held when the lab reports them)
        self.assertEqual(self.lab.state().get("wrong_secret_events", []), [])

    def test_a_precondition_failure_stops_the_fleet(self):
        self.start(faults=["backup-hsm-missing"])
        out = self.play()
        self.assertNotEqual(out.returncode, 0, out.stdout)
        self.assertIn("k570-a: rotwiz backup exited 4", out.stdout)
        # the second appliance was never attempted
        self.assertNotIn("TASK [rotwiz backup --batch]\nchanged: [k570-b", out.stdout)
        self.assertNotRegex(out.stdout, r"k570-b.*exited")
        self.assertEqual(self.backup_partitions(), {})

    def test_a_ped_timeout_is_reported_and_the_fleet_goes_on(self):
        self.start(auth="ped", faults=["ped-timeout"])
        out = self.play()
        self.assertNotEqual(out.returncode, 0, out.stdout)
        for name in PARTITIONS:
            self.assertIn("PED TIMEOUT on %s" % name, out.stdout)
        self.assertIn("PED timeout, back these up again: k570-a, k570-b", out.stdout)


if __name__ == "__main__":
    unittest.main()
