"""test_sshd.py: rotwiz against OpenSSH's own sshd running the lab's device programs (the lab's
k570 shell as the forced command), so the core is proven against a real SSH server that we did
not write, not only against the lab's."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from labtest import LabCase, SIM

SSHD = "/usr/sbin/sshd"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(os.path.exists(SSHD) and os.geteuid() == 0,
                     "needs /usr/sbin/sshd and root (sshd checks its files' owners)")
class OpenSshTopology(LabCase):
    def start_sshd(self, role):
        d = tempfile.mkdtemp(prefix="rotwiz-sshd-")
        self.addCleanup(shutil.rmtree, d, True)
        os.makedirs("/run/sshd", exist_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", d + "/host"],
                       check=True)
        home = os.path.join(self.lab.dir, "appliances", role, "home")
        wrapper = os.path.join(d, "k570-shell")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\n'
                    'export HOME="%s"; cd "$HOME" || exit 1\n'
                    'if [ -n "$SSH_ORIGINAL_COMMAND" ]; then\n'
                    '  exec "%s" shell --dir "%s" --appliance %s -c "$SSH_ORIGINAL_COMMAND"\n'
                    'fi\n'
                    'exec "%s" shell --dir "%s" --appliance %s\n'
                    % (home, SIM, self.lab.dir, role, SIM, self.lab.dir, role))
        os.chmod(wrapper, 0o755)
        with open(os.path.join(self.lab.dir, "ssh", "client_ed25519.pub")) as f:
            pub = f.read().strip()
        with open(d + "/authorized_keys", "w") as f:
            f.write('command="%s" %s\n' % (wrapper, pub))
        port = free_port()
        with open(d + "/sshd_config", "w") as f:
            f.write("ListenAddress 127.0.0.1\nPort %d\nHostKey %s/host\n"
                    "AuthorizedKeysFile %s/authorized_keys\nStrictModes no\nUsePAM no\n"
                    "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                    "PermitRootLogin prohibit-password\nPidFile %s/sshd.pid\n"
                    "Subsystem sftp internal-sftp\n" % (port, d, d, d))
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", d + "/sshd_config"],
                                stderr=subprocess.DEVNULL)
        self.addCleanup(proc.kill)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        with open(d + "/host.pub") as f:
            key = " ".join(f.read().split()[:2])
        known = d + "/known_hosts"
        with open(known, "w") as f:
            f.write("[127.0.0.1]:%d %s\n" % (port, key))
        return port, known

    def test_topology_json_through_openssh(self):
        port, known = self.start_sshd("source")
        with open(self.lab.config) as f:
            conf = f.read()
        # only the source, reached through OpenSSH's sshd as root
        conf = re.sub(r"target\s*=\s*\{.*?\};", "", conf, flags=re.S)
        src = re.search(r"source\s*=\s*\{.*?\};", conf, re.S).group(0)
        new = re.sub(r'host = "[^"]*"', 'host = "127.0.0.1"', src)
        new = re.sub(r"port = \d+", "port = %d" % port, new)
        new = re.sub(r'user = "[^"]*"', 'user = "root"', new)
        new = re.sub(r'known_hosts = "[^"]*"', 'known_hosts = "%s"' % known, new)
        path = os.path.join(self.lab.dir, "openssh.conf")
        with open(path, "w") as f:
            f.write(conf.replace(src, new))
        proc = self.lab.rotwiz("topology", "--config", path, "--json")
        self.assertExit(proc, 0)
        topo = json.loads(proc.stdout)
        self.assertEqual(len(topo["appliances"]), 1)
        a = topo["appliances"][0]
        self.assertTrue(a["reachable"], a["error"])
        self.assertEqual(a["port"], port)
        lab = {s["description"]: s["id"] for s in self.lab.state()["hsms"]["source"]["slots"]}
        got = {s["description"]: s["id"] for s in a["slots"]}
        self.assertEqual(got["User Token Slot"], lab["User Token Slot"])
        self.assertEqual(got["Admin Token Slot"], lab["Admin Token Slot"])


if __name__ == "__main__":
    unittest.main()
