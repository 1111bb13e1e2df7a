#!/usr/bin/env python3
"""Integration tests of the lab transport: `rotwiz-sim lab/stop` and the SSH servers of the
simulated k570s, driven with Debian's OpenSSH clients over loopback.

usage: lab_tests.py ROTWIZ_SIM TEST   (exit 0 pass, 1 fail, 77 skipped)
Every test starts its own labs in fresh temporary folders and stops them, even on failure."""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

SIM = None
SSH_TIMEOUT = 30


class Skip(Exception):
    pass


def check(cond, what, detail=""):
    if not cond:
        raise AssertionError(what + (("\n--- detail ---\n" + str(detail)) if detail else ""))


def run(args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", SSH_TIMEOUT)
    return subprocess.run(args, **kw)


def procs_mentioning(text):
    """Pids (other than ours) whose command line contains TEXT."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open("/proc/%s/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        if text in cmd:
            found.append((int(pid), cmd))
    return found


class Lab:
    """One lab in a temporary folder; use as a context manager."""

    def __init__(self, *options):
        self.tmp = tempfile.mkdtemp(prefix="rotwiz-labtest-")
        self.dir = os.path.join(self.tmp, "lab")     # absent: `lab` must create it
        self.options = list(options)
        self.params = None

    def __enter__(self):
        return self

    def __exit__(self, etype, *exc):
        self.stop()
        left = [] if etype else procs_mentioning(self.dir)
        try:
            with open(self.path("lab.log"), errors="replace") as f:
                log = f.read()
        except OSError:
            log = ""
        shutil.rmtree(self.tmp, ignore_errors=True)
        # The daemon and its handlers log to lab.log: a sanitizer report there fails the test.
        if etype is None:
            check(left == [], "stop leaves no process of the lab", left)
            check("Sanitizer" not in log and "runtime error" not in log,
                  "no sanitizer report in lab.log", log[-3000:])

    def start(self):
        r = run([SIM, "lab", "--dir", self.dir] + self.options)
        check(r.returncode == 0, "lab exits 0", r.stderr)
        check(r.stdout == "ready\n", "lab prints exactly 'ready'", repr(r.stdout) + r.stderr)
        with open(os.path.join(self.dir, "lab.json")) as f:
            self.params = json.load(f)
        return self

    def stop(self):
        return run([SIM, "stop", "--dir", self.dir])

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def home(self, name="source"):
        return self.path("appliances", name, "home")

    def appliance(self, name="source"):
        return next(a for a in self.params["appliances"] if a["name"] == name)

    def ssh_opts(self, name="source", key=None, known=None, port_flag="-p"):
        a = self.appliance(name)
        return ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + (known or self.path("ssh", "known_hosts")),
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
                "-o", "ConnectTimeout=10", "-F", "/dev/null",
                "-i", key or self.path("ssh", "client_ed25519"), port_flag, str(a["port"])]

    def target(self, name="source", user="ksadmin"):
        return "%s@%s" % (user, self.appliance(name)["address"])

    def ssh(self, command, name="source", user="ksadmin", extra=(), **kw):
        return run(["ssh"] + self.ssh_opts(name, **kw) + list(extra) +
                   [self.target(name, user), command])

    def scp(self, src, dst, legacy, name="source"):
        """Copies with scp; remote paths are written ':PATH'."""
        def remote(p):
            return self.target(name) + p if p.startswith(":") else p
        return run(["scp"] + (["-O"] if legacy else ["-s"]) +
                   self.ssh_opts(name, port_flag="-P") + [remote(src), remote(dst)])


def need_shell(lab):
    r = lab.ssh("pwd")
    if "not built yet" in r.stderr:
        raise Skip("the k570 shell (branch sim-k570) is not in this build")
    return r


def random_file(folder, name, size):
    p = os.path.join(folder, name)
    with open(p, "wb") as f:
        f.write(os.urandom(size))
    return p


def same(a, b):
    with open(a, "rb") as f, open(b, "rb") as g:
        return f.read() == g.read()


# --- tests -------------------------------------------------------------------------------------

def test_files():
    with Lab() as lab:
        lab.start()
        p = lab.params
        check(p["auth"] == "password" and p["faults"] == [], "defaults in lab.json", p)
        check(p["ped_time_scale"] == 1.0 and p["ped_auto_delay_ms"] == 300, "PED defaults", p)
        check(p["domain"] == "k570-rot" and p["backup_partition"] == "rot-backup", "names", p)
        check(p["sim_path"] == os.path.realpath(SIM), "sim_path is the executable", p)
        check(p["workstation"]["address"] == "127.0.0.1", "workstation address", p)
        ports = [p["workstation"]["rbs_port"], p["workstation"]["ped_port"]] + \
            [a["port"] for a in p["appliances"]]
        check(all(0 < x < 65536 for x in ports) and len(set(ports)) == 4, "distinct ports", p)
        check([(a["name"], a["address"]) for a in p["appliances"]] ==
              [("source", "127.0.0.2"), ("target", "127.0.0.3")], "appliances", p)
        for d in ["appliances/source/home", "appliances/target/home", "run",
                  "lunaclient/rbs/server", "lunaclient/bin"]:
            check(os.path.isdir(lab.path(d)), "folder " + d)
        check(os.path.isfile(lab.path("state.json")), "state.json written by the devices")
        pid = int(open(lab.path("lab.pid")).read())
        check(os.path.exists("/proc/%d" % pid), "the daemon in lab.pid runs")

        conf = open(lab.path("rotwiz.conf")).read()
        for line in ['auth = "password";', 'address = "127.0.0.1";',
                     'luna_client_dir = "%s";' % lab.path("lunaclient"),
                     "rbs_port = %d;" % p["workstation"]["rbs_port"],
                     "ped_port = %d;" % p["workstation"]["ped_port"],
                     'host = "127.0.0.2";', 'host = "127.0.0.3";', 'user = "ksadmin";',
                     'identity = "%s";' % lab.path("ssh", "client_ed25519"),
                     'known_hosts = "%s";' % lab.path("ssh", "known_hosts"),
                     'luna_bin = "/usr/safenet/lunaclient/bin";', 'partition = "rot-backup";',
                     'domain = "k570-rot";']:
            check(line in conf, "rotwiz.conf has " + line, conf)
        for a in p["appliances"]:
            check(re.search(r'%s = \{\s*host = "%s";\s*port = %d;' % (a["name"], a["address"],
                                                                    a["port"]), conf),
                  "rotwiz.conf block for " + a["name"], conf)

        sec = lab.path("secrets.conf")
        check(stat.S_IMODE(os.stat(sec).st_mode) == 0o600, "secrets.conf is 0600")
        text = open(sec).read()
        for key in ["co_password", "source = { co_password", "target = { co_password",
                    "backup_so_password", "backup_partition_password", "rbs_password"]:
            check(key in text, "secrets.conf has " + key)
        check(not re.search(r'= "";', text), "no empty secret", text)

        for k in ["host_ed25519", "client_ed25519", "client_ed25519.pub"]:
            check(stat.S_IMODE(os.stat(lab.path("ssh", k)).st_mode) == 0o600, k + " is 0600")
        check("BEGIN OPENSSH PRIVATE KEY" in open(lab.path("ssh", "client_ed25519")).read(),
              "client key in OpenSSH format")
        pub = run(["ssh-keygen", "-y", "-f", lab.path("ssh", "host_ed25519")]).stdout.split()
        lines = open(lab.path("ssh", "known_hosts")).read().splitlines()
        check(lines == ["[%s]:%d %s %s" % (a["address"], a["port"], pub[0], pub[1])
                        for a in p["appliances"]], "known_hosts pins the host key", lines)
        cpub = run(["ssh-keygen", "-y", "-f", lab.path("ssh", "client_ed25519")]).stdout.split()
        check(open(lab.path("ssh", "client_ed25519.pub")).read().split()[:2] == cpub[:2],
              ".pub matches the client key")

        for tool, mode in [("lunacm", "ws-lunacm"), ("rbs", "rbs"), ("pedserver", "pedserver")]:
            w = lab.path("lunaclient", "bin", tool)
            check(os.access(w, os.X_OK), tool + " wrapper is executable")
            body = open(w).read()
            check(body.startswith("#!/bin/sh\n") and
                  ("exec '%s' %s --dir '%s' \"$@\"" % (os.path.realpath(SIM), mode, lab.dir))
                  in body, tool + " wrapper execs the sim", body)


def test_no_fd_leak():
    """The daemon must not keep the caller's descriptors (a pipe read to EOF, a terminal)."""
    import select
    with Lab() as lab:
        rfd, wfd = os.pipe()
        r = run([SIM, "lab", "--dir", lab.dir], pass_fds=(wfd,))
        os.close(wfd)
        check(r.returncode == 0 and r.stdout == "ready\n", "lab starts", r.stderr)
        ready, _, _ = select.select([rfd], [], [], 5)
        check(ready and os.read(rfd, 1) == b"", "the caller's pipe sees EOF once lab exits")
        os.close(rfd)


def test_options():
    tmp = tempfile.mkdtemp(prefix="rotwiz-labtest-")
    try:
        d = os.path.join(tmp, "lab")
        bad = [([], "--dir"), (["--fault", "nope"], "unknown fault"),
               (["--auth", "smartcard"], "--auth"), (["--latency", "soon"], "--latency"),
               (["--ped", "sometimes"], "--ped"), (["--ped-time-scale", "0"], "--ped-time-scale"),
               (["--ped-delay-ms", "-4"], "--ped-delay-ms"), (["--bogus"], "--bogus"),
               (["extra"], "extra"), (["--latency"], "--latency")]
        for args, word in bad:
            r = run([SIM, "lab"] + (["--dir", d] if args and args[0] != "extra" or not args
                                    else ["--dir", d]) + args if args else [SIM, "lab"])
            check(r.returncode == 2, "exit 2 for lab %s" % args, r.stderr)
            check(word in r.stderr, "the message for %s names %s" % (args, word), r.stderr)
            check(r.stdout == "", "nothing on stdout for %s" % args, r.stdout)
        r = run([SIM, "lab", "--dir", d, "--fault", "nope"])
        for name in ["rbs-down", "ped-wrong-key", "pedserver-down", "target-not-empty"]:
            check(name in r.stderr, "an unknown fault lists the valid ones", r.stderr)
        check(not os.path.exists(os.path.join(d, "lab.pid")), "no lab started by a bad call")

        h = run([SIM, "lab", "--help"])
        check(h.returncode == 0, "lab --help exits 0")
        for opt in ["--dir", "--auth", "--secrets", "--fault", "--latency", "--ped ",
                    "--ped-time-scale", "--ped-delay-ms"]:
            check(opt in h.stdout, "--help lists " + opt, h.stdout)
        names = ["rbs-down", "rbs-wrong-cert", "backup-hsm-missing", "backup-partition-exists",
                 "backup-hsm-full", "domain-mismatch", "old-backup-firmware", "target-not-empty",
                 "ssh-drop-during-backup", "ssh-drop-during-restore", "ped-timeout",
                 "ped-wrong-key", "hostile-labels", "pedserver-down"]
        for n in names:
            check(re.search(r"^\s+%s\s+\S.{10,}$" % re.escape(n), h.stdout, re.M),
                  "--help describes fault " + n, h.stdout)

        r = run([SIM, "stop"])
        check(r.returncode == 2 and "--dir" in r.stderr, "stop without --dir", r.stderr)
        r = run([SIM, "stop", "--dir", os.path.join(tmp, "nothing-here")])
        check(r.returncode == 0 and "no lab is running" in r.stdout, "stop of no lab", r.stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    with Lab("--auth", "ped", "--fault", "rbs-down", "--fault", "ped-timeout", "--latency", "5",
             "--ped", "manual", "--ped-time-scale", "0.01", "--ped-delay-ms", "7") as lab:
        lab.start()
        p = lab.params
        check(p["auth"] == "ped" and p["faults"] == ["rbs-down", "ped-timeout"], "recorded", p)
        check(p["latency_ms"] == 5 and p["ped_mode"] == "manual", "recorded", p)
        check(p["ped_time_scale"] == 0.01 and p["ped_auto_delay_ms"] == 7, "recorded", p)
        check('auth = "ped";' in open(lab.path("rotwiz.conf")).read(), "rotwiz.conf auth")


def test_second_lab():
    with Lab() as lab:
        lab.start()
        r = run([SIM, "lab", "--dir", lab.dir])
        check(r.returncode == 2, "a second lab in the same folder is refused", r.stderr)
        check("already running" in r.stderr and "stop" in r.stderr,
              "the message names the cause and the fix", r.stderr)
        check(r.stdout == "", "no 'ready'", r.stdout)
        up = random_file(lab.tmp, "a.bin", 1000)
        check(lab.scp(up, ":", legacy=True).returncode == 0, "the first lab still serves")
        check(lab.stop().returncode == 0, "stop")
        lab.start()     # the same folder can hold a new lab once the old one is stopped
        check(lab.scp(up, ":b.bin", legacy=True).returncode == 0, "the restarted lab serves")


def test_secrets_file():
    with Lab() as lab:
        os.makedirs(lab.tmp, exist_ok=True)
        sec = os.path.join(lab.tmp, "my-secrets.conf")
        with open(sec, "w") as f:
            f.write('co_password = "Source-CO-1";\ntarget = { co_password = "Target-CO-2"; };\n'
                    'backup_so_password = "Backup-SO-3";\n')
        os.chmod(sec, 0o644)
        lab.options = ["--secrets", sec]
        r = run([SIM, "lab", "--dir", lab.dir, "--secrets", sec])
        check(r.returncode == 2, "a group/other-readable secrets file is refused", r.stderr)
        check("chmod 600" in r.stderr and sec in r.stderr, "message names the fix", r.stderr)
        check(not os.path.exists(lab.path("lab.json")), "nothing written for a bad secrets file")
        os.chmod(sec, 0o600)
        with open(sec, "a") as f:
            f.write("rbs_password = 12;\n")
        r = run([SIM, "lab", "--dir", lab.dir, "--secrets", sec])
        check(r.returncode == 2 and "rbs_password" in r.stderr, "a wrong type is refused",
              r.stderr)
        with open(sec, "w") as f:
            f.write('co_password = "Source-CO-1";\ntarget = { co_password = "Target-CO-2"; };\n'
                    'backup_so_password = "Backup-SO-3";\n')
        lab.start()
        check(not os.path.exists(lab.path("secrets.conf")), "no secrets.conf with --secrets")
        log = open(lab.path("lab.log")).read() + open(lab.path("lab.json")).read()
        for s in ["Source-CO-1", "Target-CO-2", "Backup-SO-3"]:
            check(s not in log, "secrets stay out of lab.log and lab.json")
        if "not built yet" in lab.ssh("pwd").stderr:
            return
        # The devices were created with these secrets: the CO logs in with them.
        for name, pw in [("source", "Source-CO-1"), ("target", "Target-CO-2")]:
            out = run(["ssh", "-T"] + lab.ssh_opts(name) + [lab.target(name)],
                      input="lunacm\nslot list\nexit\n").stdout
            m = re.search(r"Slot Id ->\s+(\d+)\n(?:.*\n){5}\s*Slot Description ->\s+User Token",
                          out)
            check(m, "slot list on " + name, out)
            r = run(["ssh", "-T"] + lab.ssh_opts(name) + [lab.target(name)],
                    input="lunacm\nslot set -slot %s\nrole login -name co -password %s\nexit\n"
                    % (m.group(1), pw))
            check(r.stdout.count("Command Result : No Error") == 2,
                  "the CO of %s logs in with the secrets file's password" % name, r.stdout)


def test_host_key():
    with Lab() as lab:
        lab.start()
        for name in ["source", "target"]:
            r = run(["ssh"] + lab.ssh_opts(name) + ["-v", lab.target(name), "exit 0"])
            check("Host key verification failed" not in r.stderr and
                  re.search(r"Host '\[127\.0\.0\.[23]\]:\d+' is known and matches", r.stderr),
                  "the lab's known_hosts verifies " + name, r.stderr)
        empty = os.path.join(lab.tmp, "empty_known_hosts")
        open(empty, "w").close()
        r = lab.ssh("exit 0", known=empty)
        check(r.returncode == 255 and "Host key verification failed" in r.stderr,
              "an unknown host key is refused with StrictHostKeyChecking=yes", r.stderr)
        other = os.path.join(lab.tmp, "other")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other])
        wrong = os.path.join(lab.tmp, "wrong_known_hosts")
        with open(wrong, "w") as f:
            f.write("[127.0.0.2]:%d %s" % (lab.appliance()["port"], open(other + ".pub").read()))
        r = lab.ssh("exit 0", known=wrong)
        check(r.returncode == 255 and "IDENTIFICATION HAS CHANGED" in r.stderr,
              "a different pinned key is refused", r.stderr)


def test_auth():
    with Lab() as lab:
        lab.start()
        up = random_file(lab.tmp, "probe.bin", 100)
        check(lab.scp(up, ":", legacy=True).returncode == 0, "the lab key logs in")
        other = os.path.join(lab.tmp, "other")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other])
        r = lab.ssh("exit 0", key=other)
        check(r.returncode == 255 and "Permission denied (publickey)" in r.stderr,
              "another key is refused", r.stderr)
        r = lab.ssh("exit 0", user="root")
        check(r.returncode == 255 and "Permission denied" in r.stderr,
              "another user with the lab key is refused", r.stderr)
        methods = "PreferredAuthentications=password,keyboard-interactive"
        r = run(["ssh"] + lab.ssh_opts() + ["-v", "-o", "PubkeyAuthentication=no", "-o",
                                            methods, lab.target(), "exit 0"])
        check(r.returncode == 255, "no login without the key", r.stderr)
        check("Authentications that can continue: publickey\n" in r.stderr and
              "Next authentication method: password" not in r.stderr,
              "the server offers publickey only (no password)", r.stderr)
        log = open(lab.path("lab.log")).read()
        check("refused publickey for user 'root'" in log, "the refusal is logged", log)


def transfer(lab, legacy):
    tag = "legacy" if legacy else "sftp"
    big = random_file(lab.tmp, "big-%s.bin" % tag, 700 * 1024)
    small = random_file(lab.tmp, "server-%s.pem" % tag, 1234)
    # upload: to the home (empty path), ~/NAME, /home/ksadmin/NAME, relative NAME
    cases = [(small, ":", "server-%s.pem" % tag), (big, ":~/big.bin", "big.bin"),
             (small, ":/home/ksadmin/abs.pem", "abs.pem"), (small, ":rel.pem", "rel.pem")]
    for src, dst, name in cases:
        r = lab.scp(src, dst, legacy)
        check(r.returncode == 0, "%s upload to %s" % (tag, dst), r.stderr)
        landed = os.path.join(lab.home(), name)
        check(os.path.isfile(landed) and same(src, landed),
              "%s upload to %s lands in the source home unchanged" % (tag, dst))
    # download
    back = os.path.join(lab.tmp, "back-%s.bin" % tag)
    for remote in [":big.bin", ":/home/ksadmin/big.bin", ":~/big.bin"]:
        if os.path.exists(back):
            os.unlink(back)
        r = lab.scp(remote, back, legacy)
        check(r.returncode == 0 and same(big, back), "%s download of %s" % (tag, remote),
              r.stderr)
    # the target is another appliance with its own home
    r = lab.scp(small, ":only-on-target.pem", legacy, name="target")
    check(r.returncode == 0 and os.path.isfile(os.path.join(lab.home("target"),
                                                            "only-on-target.pem")),
          "%s upload to the target" % tag, r.stderr)
    check(not os.path.exists(os.path.join(lab.home(), "only-on-target.pem")),
          "the source home is untouched")


def test_scp_legacy():
    with Lab() as lab:
        lab.start()
        transfer(lab, legacy=True)
        log = open(lab.path("lab.log")).read()
        check("scp upload started" in log and "scp download started" in log,
              "served by the in-process scp", log)
        # the remote path is a shell word on the remote side, as with sshd
        f = random_file(lab.tmp, "q.bin", 99)
        r = lab.scp(f, ":'it'\\''s here.pem'", legacy=True)
        landed = os.path.join(lab.home(), "it's here.pem")
        check(r.returncode == 0 and os.path.isfile(landed) and same(f, landed),
              "a quoted remote path", r.stderr)
        r = lab.scp(f, ":two words", legacy=True)
        check(r.returncode != 0 and "ambiguous target" in r.stderr, "two words are refused",
              r.stderr)


def test_scp_sftp():
    with Lab() as lab:
        lab.start()
        transfer(lab, legacy=False)
        r = run(["sftp", "-b", "-", "-P", str(lab.appliance()["port"])] +
                lab.ssh_opts(port_flag="-o")[:-2] + [lab.target()],
                input="pwd\nls\nls /home/ksadmin/big.bin\ncd /usr\n")
        check("Remote working directory: /home/ksadmin\n" in r.stdout,
              "sftp shows the appliance home", r.stdout + r.stderr)
        check("/home/ksadmin/big.bin" in r.stdout and "abs.pem" in r.stdout,
              "sftp lists the home with appliance paths", r.stdout)
        check(r.returncode != 0 and "/usr" in r.stderr, "sftp cannot leave the home", r.stderr)
        check("sftp" in open(lab.path("lab.log")).read(), "served over the sftp subsystem")


def test_escape():
    with Lab() as lab:
        lab.start()
        f = random_file(lab.tmp, "x.bin", 10)
        outside = os.path.join(lab.tmp, "outside")
        os.mkdir(outside)
        os.symlink(outside, os.path.join(lab.home(), "link"))
        secret = os.path.join(outside, "secret.txt")
        with open(secret, "w") as g:
            g.write("not for the k570\n")
        for legacy in [True, False]:
            tag = "scp -O" if legacy else "scp (sftp)"
            for dst in [":../escaped.bin", ":/home/ksadmin/../escaped.bin",
                        ":%s/escaped.bin" % lab.tmp, ":/tmp/rotwiz-escaped.bin",
                        ":link/escaped.bin"]:
                r = lab.scp(f, dst, legacy)
                check(r.returncode != 0, "%s refuses an upload to %s" % (tag, dst), r.stderr)
            for src in [":" + secret, ":/etc/hostname", ":../lab.json", ":link/secret.txt"]:
                back = os.path.join(lab.tmp, "stolen")
                r = lab.scp(src, back, legacy)
                check(r.returncode != 0 and not os.path.exists(back),
                      "%s refuses a download of %s" % (tag, src), r.stderr)
        for p in [os.path.join(lab.dir, "appliances", "source", "escaped.bin"),
                  os.path.join(lab.dir, "appliances", "escaped.bin"),
                  os.path.join(lab.tmp, "escaped.bin"), "/tmp/rotwiz-escaped.bin",
                  os.path.join(outside, "escaped.bin")]:
            check(not os.path.exists(p), "nothing written at " + p)


def test_stop():
    import pexpect
    with Lab() as lab:
        lab.start()
        # live sessions: an interactive shell (or, without the k570 shell, an sftp session)
        sessions = []
        sftp = pexpect.spawn("sftp", ["-P", str(lab.appliance()["port"])] +
                             lab.ssh_opts(port_flag="-o")[:-2] + [lab.target()],
                             encoding="utf-8", timeout=SSH_TIMEOUT)
        sftp.expect("sftp> ")
        sessions.append(sftp)
        if "not built yet" not in lab.ssh("pwd").stderr:
            sh = pexpect.spawn("ssh", ["-tt"] + lab.ssh_opts() + [lab.target()],
                               encoding="utf-8", timeout=SSH_TIMEOUT)
            sh.expect(r"\$ ")
            sessions.append(sh)
        # a workstation program registered in DIR/run (here: a k570 shell waiting for input)
        bg = subprocess.Popen([SIM, "shell", "--dir", lab.dir, "--appliance", "source"],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        with open(lab.path("run", "fake.pid"), "w") as g:
            g.write("%d\n" % bg.pid)
        time.sleep(0.2)
        running = procs_mentioning(lab.dir)
        check(any("sftp-server" in cmd for _, cmd in running), "sftp-server runs", running)
        check(len(running) >= 4, "the lab runs processes", running)
        r = lab.stop()
        check(r.returncode == 0 and "stopped" in r.stdout, "stop exits 0", r.stdout + r.stderr)
        bg.wait(timeout=5)
        sftp.expect("Connection closed")    # the clients see their connection end
        for s in sessions[1:]:
            s.expect(pexpect.EOF)
        for s in sessions:
            s.close(force=True)
        left = procs_mentioning(lab.dir)
        check(left == [], "no process of the lab is left", left)
        check(not os.path.exists(lab.path("lab.pid")), "lab.pid is removed")
        r = lab.stop()
        check(r.returncode == 0 and "no lab is running" in r.stdout, "a second stop", r.stdout)


def test_stop_after_crash():
    import pexpect
    import signal
    with Lab() as lab:
        lab.start()
        sftp = pexpect.spawn("sftp", ["-P", str(lab.appliance()["port"])] +
                             lab.ssh_opts(port_flag="-o")[:-2] + [lab.target()],
                             encoding="utf-8", timeout=SSH_TIMEOUT)
        sftp.expect("sftp> ")
        daemon = int(open(lab.path("lab.pid")).read())
        os.kill(daemon, signal.SIGKILL)
        time.sleep(0.2)
        left = [x for x in procs_mentioning(lab.dir) if not x[1].startswith(("/usr/bin/sftp",
                                                                             "/usr/bin/ssh"))]
        check(any("sftp-server" in cmd for _, cmd in left), "the session outlives the daemon",
              left)
        r = lab.stop()
        check(r.returncode == 0 and "no lab is running" in r.stdout and
              "left behind" in r.stdout, "stop cleans up after a dead daemon", r.stdout)
        sftp.expect("Connection closed")
        sftp.close(force=True)
        left = procs_mentioning(lab.dir)
        check(left == [], "nothing of the lab is left", left)
        r = run([SIM, "lab", "--dir", lab.dir])
        check(r.returncode == 0 and r.stdout == "ready\n", "a new lab starts in the folder",
              r.stderr)


def test_serve_foreground():
    """`serve --dir DIR` (debugging) serves a stopped lab's folder on the ports of lab.json."""
    import signal
    with Lab() as lab:
        lab.start()
        check(lab.stop().returncode == 0, "stop")
        d = subprocess.Popen([SIM, "serve", "--dir", lab.dir], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            f = random_file(lab.tmp, "s.bin", 500)
            ok = False
            for _ in range(100):
                if lab.scp(f, ":served.bin", legacy=True).returncode == 0:
                    ok = True
                    break
                time.sleep(0.05)
            check(ok, "the foreground server serves on the recorded port")
        finally:
            d.send_signal(signal.SIGTERM)
            out, err = d.communicate(timeout=10)
        check(d.returncode == 0, "SIGTERM ends serve cleanly", err)
        check("serve: stopping" in err, "serve logs to stderr", err)


def test_two_labs():
    with Lab() as a, Lab() as b:
        a.start()
        b.start()
        pa = {x["port"] for x in a.params["appliances"]}
        pb = {x["port"] for x in b.params["appliances"]}
        check(not (pa & pb), "two labs use different ports", (pa, pb))
        f = random_file(a.tmp, "x.bin", 4000)
        check(a.scp(f, ":a.bin", True).returncode == 0, "lab A serves")
        check(b.scp(f, ":b.bin", True).returncode == 0, "lab B serves")
        check(os.path.exists(os.path.join(a.home(), "a.bin")) and
              not os.path.exists(os.path.join(a.home(), "b.bin")) and
              os.path.exists(os.path.join(b.home(), "b.bin")), "each lab has its own homes")
        r = a.ssh("exit 0", known=b.path("ssh", "known_hosts"))
        check(r.returncode == 255, "lab B's known_hosts does not vouch for lab A", r.stderr)
        check(a.stop().returncode == 0, "stop lab A")
        check(b.scp(f, ":c.bin", True).returncode == 0, "lab B still serves")


def test_shell_exec():
    with Lab() as lab:
        lab.start()
        r = need_shell(lab)
        check(r.returncode == 0 and r.stdout == "/home/ksadmin\n", "pwd is the k570 home",
              r.stdout + r.stderr)
        r = lab.ssh("cd /usr/safenet/lunaclient/bin; ls")
        check("lunacm" in r.stdout.split() and "vtl" in r.stdout.split(), "ls shows the tools",
              r.stdout + r.stderr)
        r = lab.ssh("exit 7")
        check(r.returncode == 7, "the exit status propagates", r.returncode)
        r = lab.ssh("pwd", name="target")
        check(r.returncode == 0 and r.stdout == "/home/ksadmin\n", "the target has a shell too")
        r = lab.ssh("pwd", extra=["-tt"])
        check(r.returncode == 0 and r.stdout.strip() == "/home/ksadmin",
              "a command in a pty", r.stdout)
        # a shell without a terminal, its commands on stdin (ssh host < script)
        r = run(["ssh", "-T"] + lab.ssh_opts() + [lab.target()],
                input="cd /usr/safenet/lunaclient/bin\npwd\nexit 5\n")
        check(r.returncode == 5 and "/usr/safenet/lunaclient/bin\n" in r.stdout,
              "a shell reading stdin through pipes", r.stdout + r.stderr)
        r = lab.ssh("nosuchcommand")
        check(r.returncode == 127 and "command not found" in r.stdout + r.stderr,
              "the message and status of a failing command", r.stdout + r.stderr)


def test_shell_pty():
    import pexpect
    with Lab() as lab:
        lab.start()
        need_shell(lab)
        sh = pexpect.spawn("ssh", ["-tt"] + lab.ssh_opts() + [lab.target()],
                           encoding="utf-8", timeout=SSH_TIMEOUT)
        sh.expect(r"\$ ")
        sh.sendline("cd /usr/safenet/lunaclient/bin")
        sh.expect(r"\$ ")
        sh.sendline("ls")
        sh.expect(r"\$ ")
        check("lunacm" in sh.before and "vtl" in sh.before, "ls shows lunacm and vtl", sh.before)
        sh.sendline("pwd")
        sh.expect(r"\$ ")
        check("/usr/safenet/lunaclient/bin" in sh.before, "cd moved", sh.before)
        sh.sendline("exit 3")
        sh.expect(pexpect.EOF)
        sh.close()
        check(sh.exitstatus == 3, "the shell's exit status reaches the client", sh.exitstatus)


def test_client_gone():
    """A client that vanishes mid-session: its shell and lunacm are ended, the lab serves on."""
    import pexpect
    import signal
    with Lab() as lab:
        lab.start()
        need_shell(lab)
        sh = pexpect.spawn("ssh", ["-tt"] + lab.ssh_opts() + [lab.target()],
                           encoding="utf-8", timeout=SSH_TIMEOUT)
        sh.expect(r"\$ ")
        sh.sendline("cd /usr/safenet/lunaclient/bin")
        sh.expect(r"\$ ")
        sh.sendline("./lunacm")
        sh.expect("lunacm:>")

        def session_procs():
            return [x for x in procs_mentioning(lab.dir)
                    if " shell " in x[1] or "k570-lunacm" in x[1]]
        check(len(session_procs()) >= 2, "shell and lunacm run", session_procs())
        os.kill(sh.pid, signal.SIGKILL)
        sh.close(force=True)
        for _ in range(100):
            if not session_procs():
                break
            time.sleep(0.05)
        check(session_procs() == [], "the session's processes are ended", session_procs())
        r = lab.ssh("pwd")
        check(r.returncode == 0, "the lab still serves", r.stderr)


KNOBS = {
    "prompt-order": ["so-first", "partition-first"],
    "prompt-words": ["plain", "luna", "terse"],
    "archive-prompts": ["options", "confirm", "ignore-options"],
    "restore-secrets": ["so-domain-partition", "partition-only"],
    "contents-login": ["partition", "so", "none"],
    "archive-listing": ["fields", "table"],
    "empty-wording": ["none-found", "count-zero", "silent"],
    "rbs-menu": ["select", "toggle"],
    "rbs-layout": ["rows", "table"],
    "rbs-saved": ["none", "selected"],
    "relogin": ["already", "again"],
    "help-layout": ["table", "usage", "none"],
    "drop-option": ["none", "sop"],
    "shells": ["many", "one"],
}
DIALECTS = {
    "vendor": {},
    "luna10": {"prompt-words": "luna", "prompt-order": "partition-first",
               "contents-login": "so", "rbs-menu": "toggle", "rbs-layout": "table",
               "relogin": "again", "empty-wording": "count-zero"},
    "terse": {"prompt-words": "terse", "archive-prompts": "ignore-options",
              "archive-listing": "table", "empty-wording": "silent"},
}


def test_knobs():
    """lab --help lists every knob (its values, the default marked) and every dialect; a bad
    --vary or --dialect exits 2 listing the valid ones; lab.json holds the chosen values
    (--vary wins over --dialect) and the devices behind SSH follow them."""
    h = run([SIM, "lab", "--help"])
    check(h.returncode == 0, "lab --help exits 0")
    for opt in ["--vary KNOB=VALUE", "--dialect NAME"]:
        check(opt in h.stdout, "--help lists " + opt, h.stdout)
    for knob, values in KNOBS.items():
        line = "%s (default)" % values[0] + "".join(" | " + v for v in values[1:])
        check(re.search(r"^\s+%s\s+%s$" % (re.escape(knob), re.escape(line)), h.stdout, re.M),
              "--help lists knob %s with its values" % knob, h.stdout)
    for name, settings in DIALECTS.items():
        check(re.search(r"^\s+%s\s+\S" % name, h.stdout, re.M), "--help lists " + name,
              h.stdout)
        for k, v in settings.items():
            check("%s=%s" % (k, v) in h.stdout, "--help shows %s of %s" % (k, name), h.stdout)
    tmp = tempfile.mkdtemp(prefix="rotwiz-labtest-")
    try:
        d = os.path.join(tmp, "lab")
        for args, words in [(["--vary", "nope=1"], ["unknown knob 'nope'"] + list(KNOBS)),
                            (["--vary", "relogin=maybe"], ["no value 'maybe'", "already",
                                                           "again"]),
                            (["--vary", "relogin"], ["relogin", "already"]),
                            (["--dialect", "luna9"], ["unknown dialect"] + list(DIALECTS))]:
            r = run([SIM, "lab", "--dir", d] + args)
            check(r.returncode == 2, "exit 2 for %s" % args, r.stderr)
            for w in words:
                check(w in r.stderr, "the message for %s names %s" % (args, w), r.stderr)
            check(not os.path.exists(os.path.join(d, "lab.pid")), "no lab started by " +
                  str(args))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    with Lab("--vary", "relogin=already", "--dialect", "luna10") as lab:
        lab.start()
        want = {k: v[0] for k, v in KNOBS.items()}
        want.update(DIALECTS["luna10"])
        want["relogin"] = "already"
        check(lab.params["knobs"] == want, "lab.json holds every knob", lab.params["knobs"])
        check(lab.params["dialect"] == "luna10", "lab.json names the dialect", lab.params)
        need_shell(lab)
        sec = open(lab.path("secrets.conf")).read()
        co = re.search(r'^source = \{ co_password = "([^"]*)"; \};', sec, re.M).group(1)
        r = run(["ssh"] + lab.ssh_opts("source") + [lab.target("source"), "lunacm"],
                input="slot set -s 3\nrole login -n co\n%s\nrole login -n co -p %s\n" % (co, co))
        check("Please enter the password: " in r.stdout, "luna10's prompt words", r.stdout)
        check("Command Result : 0x100 (CKR_USER_ALREADY_LOGGED_IN)" in r.stdout,
              "--vary relogin=already wins over the dialect", r.stdout)


def main():
    global SIM
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    SIM = os.path.realpath(sys.argv[1])
    fn = globals().get("test_" + sys.argv[2])
    if not fn:
        print("no test " + sys.argv[2])
        return 2
    try:
        fn()
    except Skip as e:
        print("SKIP: %s" % e)
        return 77
    except Exception as e:      # AssertionError, timeouts, pexpect errors
        print("FAIL: %s: %s" % (type(e).__name__, e))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
