#!/usr/bin/env python3
"""The vendor procedure typed by hand, the way an administrator does it, every command spelled
as the vendor document (000_9709fc87cb80c648.txt) spells it: OpenSSH's client through a PTY
(ssh -tt) to the simulated k570s, the Luna client tools on the simulated workstation.

usage: procedure_tests.py ROTWIZ_SIM TEST   (exit 0 pass, 1 fail, 77 skipped)"""
import json
import os
import re
import sys

try:
    import pexpect
except ImportError:             # python3-pexpect is in .ci/deps; without it: skipped
    print("SKIP: python3-pexpect is not installed")
    sys.exit(77)

import lab_tests
from lab_tests import Lab, Skip, check, run

TIMEOUT = 60
SHELL_PROMPT = r"\[ksadmin@k570-\w+ [^\]]*\]\$ "
LUNACM_PROMPT = r"lunacm:>"


def secrets_of(lab):
    """The generated secrets.conf as a dict (source.co_password -> 'source_co_password')."""
    text = open(lab.path("secrets.conf")).read()
    out = {}
    for m in re.finditer(r'^(\w+) = "([^"]*)";', text, re.M):
        out[m.group(1)] = m.group(2)
    for m in re.finditer(r'^(\w+) = \{ co_password = "([^"]*)"; \};', text, re.M):
        out[m.group(1) + "_co_password"] = m.group(2)
    return out


def spawn(cmd, args, log):
    child = pexpect.spawn(cmd, args, encoding="utf-8", timeout=TIMEOUT, dimensions=(50, 200))
    child.logfile_read = log
    return child


def need(lab, mode):
    r = run([lab_tests.SIM, mode, "--help"])
    if "not built yet" in r.stderr:
        raise Skip("rotwiz-sim %s is not in this build" % mode)


def workstation_rbs(lab, sec, log):
    """rbs --config (select the Backup HSM), rbs --genkey, rbs s -port P in the background."""
    bin_dir = lab.path("lunaclient", "bin")
    c = spawn(os.path.join(bin_dir, "rbs"), ["--config"], log)
    c.expect("save and exit: ")
    check("Luna Backup HSM" in c.before, "rbs --config lists the Backup HSM", c.before)
    c.sendline("1")
    c.expect("save and exit: ")
    c.sendline("X")
    c.expect("Configuration saved: 1 device selected")
    c.expect(pexpect.EOF)

    c = spawn(os.path.join(bin_dir, "rbs"), ["--genkey"], log)
    c.expect("Enter new RBS password: ")
    c.sendline(sec["rbs_password"])
    c.expect("Confirm RBS password: ")
    c.sendline(sec["rbs_password"])
    c.expect(pexpect.EOF)
    pem = lab.path("lunaclient", "rbs", "server", "server.pem")
    check(os.path.isfile(pem), "rbs --genkey wrote server.pem", c.before)

    server = spawn(os.path.join(bin_dir, "rbs"),
                   ["s", "-port", str(lab.params["workstation"]["rbs_port"])], log)
    server.expect("Enter RBS password: ")
    server.sendline(sec["rbs_password"])
    server.expect("RBS is running")
    return pem, server


def slot_ids(text):
    """{description: id} from `slot list` output."""
    ids = {}
    for block in re.split(r"\n\s*\n", text.replace("\r", "")):
        m = re.search(r"Slot Id ->\s+(\d+)", block)
        d = re.search(r"Slot Description ->\s+(.+)", block)
        if m and d:
            ids[d.group(1).strip()] = int(m.group(1))
    return ids


def lunacm_ok(c, command, what, secret=None, prompt=None, results=("No Error",)):
    """Types COMMAND; answers PROMPT with SECRET if asked; expects one of RESULTS."""
    c.sendline(command)
    if prompt:
        c.expect(prompt)
        c.sendline(secret)
    c.expect(r"Command Result : (.*)\r?\n")
    result = c.match.group(1).strip()
    out = c.before
    c.expect(LUNACM_PROMPT)
    check(any(result.startswith(r) for r in results), what + " succeeds", out + result)
    return out


def proceed(c, command, what):
    """Types COMMAND, answers its confirmation with 'proceed', expects 'No Error'."""
    c.sendline(command)
    c.expect(r"Type 'proceed' to continue, or 'quit' to quit now ->")
    c.sendline("proceed")
    c.expect(r"Command Result : (.*)\r?\n")
    result, out = c.match.group(1).strip(), c.before
    c.expect(LUNACM_PROMPT)
    check(result.startswith("No Error"), what + " succeeds", out + result)
    return out


def shell(lab, name, log):
    """ssh -tt ksadmin@k570 (OpenSSH, a terminal), at the shell prompt."""
    c = spawn("ssh", ["-tt"] + lab.ssh_opts(name) + [lab.target(name)], log)
    c.expect(SHELL_PROMPT)
    return c


def sh(c, command):
    c.sendline(command)
    c.expect(SHELL_PROMPT)
    return c.before


def start_lunacm(c, name):
    """The vendor: execute /usr/safenet/lunaclient/bin/lunacm; returns the slot ids."""
    c.sendline("/usr/safenet/lunaclient/bin/lunacm")
    c.expect(LUNACM_PROMPT)
    out = lunacm_ok(c, "slot list", "slot list on " + name)
    return slot_ids(out)


def exit_lunacm(c):
    c.sendline("exit")
    c.expect(SHELL_PROMPT)


def connect_k570(lab, name, pem, log):
    """Establish connections: scp server.pem, then on the k570 (as the vendor spells it)
    cd /usr/safenet/lunaclient/bin, ./vtl addserver -n <ip> -c <pem>, ./vtl listservers."""
    r = lab.scp(pem, ":", legacy=False, name=name)       # scp server.pem ksadmin@k570:
    check(r.returncode == 0, "scp server.pem to " + name, r.stderr)
    c = shell(lab, name, log)
    sh(c, "cd /usr/safenet/lunaclient/bin")
    out = sh(c, "./vtl addserver -n 127.0.0.1 -c /home/ksadmin/server.pem")
    check("New server 127.0.0.1 successfully added to server list." in out,
          "vtl addserver on " + name, out)
    out = sh(c, "./vtl listservers")
    check("Server: 127.0.0.1" in out, "vtl listservers names the workstation on " + name, out)
    return c


def k570_session(lab, name, pem, log, register=True):
    """Logs into NAME, registers the workstation's RBS with vtl (unless already done), starts
    lunacm and returns the session and the slot ids, with the User Token Slot selected."""
    if register:
        c = connect_k570(lab, name, pem, log)
    else:
        c = shell(lab, name, log)
        sh(c, "cd /usr/safenet/lunaclient/bin")
    ids = start_lunacm(c, name)
    check("User Token Slot" in ids and "Net Admin Token Slot" in ids,
          "slot list on %s shows the User and Net Admin Token Slots" % name, ids)
    lunacm_ok(c, "slot set -slot %d" % ids["User Token Slot"], "slot set on " + name)
    return c, ids


def leave(c):
    c.sendline("exit")
    c.expect(SHELL_PROMPT)
    c.sendline("exit")
    c.expect(pexpect.EOF)
    c.close()
    check(c.exitstatus == 0, "the k570 shell exits 0", c.exitstatus)


def rot_objects(state, hsm):
    return state["hsms"][hsm]["partitions"][0]["objects"]


def state_json(lab):
    r = run([lab_tests.SIM, "state", "--dir", lab.dir, "--json"])
    check(r.returncode == 0, "state --json", r.stderr)
    return json.loads(r.stdout)


def prepare_target(c, ids, sec, ped):
    """The vendor's 'existing k570' preparation: role login -name co (the document prints an
    en dash; an ASCII hyphen is typed), partition clear, partition contents."""
    lunacm_ok(c, "slot set -slot %d" % ids["User Token Slot"], "slot set -slot on the target")
    if ped:
        lunacm_ok(c, "role login -name co", "CO login (black key) on the target")
    else:
        lunacm_ok(c, "role login -name co", "CO login on the target", sec["target_co_password"],
                  "Enter password: ")
    proceed(c, "partition clear", "partition clear")
    out = lunacm_ok(c, "partition contents", "partition contents")
    check("Object list:" not in out, "the target partition is empty", out)


def check_safe_end(lab, source_objects):
    """The target holds the source's keys (uid and fingerprint), no secret went to the wrong
    prompt or option, and no failed-login counter moved."""
    after = state_json(lab)
    key = lambda o: (o["uid"], o["fingerprint"])
    src = sorted(key(o) for o in rot_objects(after, "source"))
    tgt = sorted(key(o) for o in rot_objects(after, "target"))
    check(src == tgt and len(src) == len(source_objects),
          "the target holds the source's keys, uid and fingerprint", (src, tgt))
    check(src == sorted(key(o) for o in source_objects), "the source is unchanged")
    check(after["wrong_secret_events"] == [], "no wrong-secret event",
          after["wrong_secret_events"])
    for hsm, counts in after["failed_logins"].items():
        check(all(v == 0 for v in counts.values()), "no failed login on " + hsm, counts)
    for hsm in after["hsms"].values():
        check(hsm["so_failures"] == 0 and not hsm["zeroized"], "no SO failure", hsm)
        for p in hsm["partitions"]:
            check(p["co_failures"] == 0 and not p["locked"], "no partition failure", p)


def test_password_backup_restore():
    """The password procedure of the vendor document, every command spelled as it spells it."""
    log = open(os.devnull, "w") if not os.environ.get("VERBOSE") else sys.stdout
    with Lab() as lab:
        lab.start()
        for mode in ["rbs", "shell", "k570-lunacm", "vtl", "state"]:
            need(lab, mode)
        sec = secrets_of(lab)
        before = state_json(lab)
        source_objects = rot_objects(before, "source")
        check(len(source_objects) >= 4, "the source holds the root-of-trust objects",
              source_objects)
        check(before["wrong_secret_events"] == [], "wrong_secret_events is [] at the start")
        pem, server = workstation_rbs(lab, sec, log)
        try:
            # Back up the root of trust keys (source).
            c = connect_k570(lab, "source", pem, log)
            ids = start_lunacm(c, "source")
            lunacm_ok(c, "slot set -s %d" % ids["User Token Slot"], "slot set -s")
            lunacm_ok(c, "role login -n co -p %s" % sec["source_co_password"], "role login -n co")
            out = lunacm_ok(c, "partition archive backup -s %d -partition rot-backup -do "
                               "k570-rot -sop %s -pas %s"
                            % (ids["Net Admin Token Slot"], sec["backup_so_password"],
                               sec["backup_partition_password"]), "partition archive backup")
            leave(c)
            parts = [p for p in state_json(lab)["hsms"]["backup"]["partitions"]
                     if p["name"] == "rot-backup"]
            check(len(parts) == 1 and sorted(o["fingerprint"] for o in parts[0]["objects"]) ==
                  sorted(o["fingerprint"] for o in source_objects),
                  "every source object is in the backup", out)

            # Restore onto the target: prepared as an existing k570, then the restore.
            c = connect_k570(lab, "target", pem, log)
            ids = start_lunacm(c, "target")
            prepare_target(c, ids, sec, ped=False)
            exit_lunacm(c)
            ids = start_lunacm(c, "target")
            lunacm_ok(c, "slot set -s %d" % ids["User Token Slot"], "slot set -s")
            lunacm_ok(c, "role login -n co -p %s" % sec["target_co_password"], "role login -n co")
            lunacm_ok(c, "partition archive restore -s %d -partition rot-backup -do k570-rot "
                         "-sop %s -pas %s" % (ids["Net Admin Token Slot"],
                                              sec["backup_so_password"],
                                              sec["backup_partition_password"]),
                      "partition archive restore")
            leave(c)
        finally:
            server.terminate(force=True)
        check_safe_end(lab, source_objects)


def workstation_ped(lab, log, pedport):
    """The vendor's workstation set-up for remote PED: pedserver -mode start (no -port: the
    lab's port), then in the workstation's lunacm: role login -n so, ped vector -init, role
    login -n so, ped set -ip -port, ped connect, role login -n so (the repeated logins answer
    0x100, already logged in)."""
    c = spawn(lab.path("lunaclient", "bin", "pedserver"), ["-mode", "start"], log)
    c.expect(pexpect.EOF)
    c.close()
    check(c.exitstatus == 0 and "Ped Server Process created" in c.before,
          "pedserver -mode start", c.before)
    c = spawn(lab.path("lunaclient", "bin", "lunacm"), [], log)
    c.expect(LUNACM_PROMPT)
    again = ("No Error", "0x100")
    lunacm_ok(c, "role login -n so", "role login -n so (blue key)")
    out = proceed(c, "ped vector -init", "ped vector -init")
    check("RPV was successfully initialized." in out, "the RPV is initialised", out)
    lunacm_ok(c, "role login -n so", "role login -n so again", results=again)
    lunacm_ok(c, "ped set -ip 127.0.0.1 -port %d" % pedport, "ped set")
    lunacm_ok(c, "ped connect", "ped connect")
    lunacm_ok(c, "role login -n so", "role login -n so once more", results=again)
    c.sendline("exit")
    c.expect(pexpect.EOF)
    c.close()


def k570_rpv(c, name):
    """The vendor: role login -name SO, then hsm ped vector init (orange key at the k570)."""
    start_lunacm(c, name)
    lunacm_ok(c, "role login -name SO", "role login -name SO on " + name)
    out = proceed(c, "hsm ped vector init", "hsm ped vector init on " + name)
    check("RPV was successfully initialized." in out, "the RPV of %s is initialised" % name, out)
    exit_lunacm(c)


def test_ped_backup_restore():
    """The PED procedure of the vendor document with an automatic PED, spelled as it spells it:
    the workstation's remote PED, RBS, each k570's RPV, the Net Admin Token Slot's remote PED
    (slot set -s, ped set, ped get, ped show, ped connect), then backup and restore."""
    log = open(os.devnull, "w") if not os.environ.get("VERBOSE") else sys.stdout
    with Lab("--auth", "ped", "--ped", "auto", "--ped-time-scale", "0.2",
             "--ped-delay-ms", "20") as lab:
        lab.start()
        for mode in ["rbs", "pedserver", "shell", "k570-lunacm", "vtl", "state"]:
            need(lab, mode)
        sec = secrets_of(lab)
        source_objects = rot_objects(state_json(lab), "source")
        check(len(source_objects) >= 4, "the source holds objects", source_objects)
        pedport = lab.params["workstation"]["ped_port"]
        workstation_ped(lab, log, pedport)
        pem, server = workstation_rbs(lab, sec, log)
        try:
            c = connect_k570(lab, "source", pem, log)
            k570_rpv(c, "source")
            ids = start_lunacm(c, "source")
            lunacm_ok(c, "slot set -s %d" % ids["Net Admin Token Slot"], "slot set -s net admin")
            lunacm_ok(c, "ped set -ip 127.0.0.1 -port %d" % pedport, "ped set on the net admin")
            out = lunacm_ok(c, "ped get", "ped get")
            check("HSM slot %d listening to local PED (PED id=0)." % ids["Net Admin Token Slot"]
                  in out, "ped get: the Backup HSM listens to the local PED", out)
            out = lunacm_ok(c, "ped show", "ped show")
            check("Remote PED Server IP address: 127.0.0.1" in out and
                  "Remote PED Server Port: %d" % pedport in out, "ped show", out)
            lunacm_ok(c, "ped connect", "ped connect")
            ids = slot_ids(lunacm_ok(c, "slot list", "slot list"))
            lunacm_ok(c, "slot set -s %d" % ids["User Token Slot"], "slot set -s user")
            lunacm_ok(c, "role login -n co -p %s" % sec["source_co_password"], "role login -n co")
            out = lunacm_ok(c, "partition archive backup -s %d -partition rot-backup"
                            % ids["Net Admin Token Slot"], "partition archive backup")
            check(out.count("Please attend to the PED.") == 3, "blue, red and black keys", out)
            leave(c)
            parts = [p for p in state_json(lab)["hsms"]["backup"]["partitions"]
                     if p["name"] == "rot-backup"]
            check(len(parts) == 1 and sorted(o["fingerprint"] for o in parts[0]["objects"]) ==
                  sorted(o["fingerprint"] for o in source_objects), "the backup is complete",
                  out)

            c = connect_k570(lab, "target", pem, log)
            ids = start_lunacm(c, "target")
            prepare_target(c, ids, sec, ped=True)
            exit_lunacm(c)
            k570_rpv(c, "target")
            ids = start_lunacm(c, "target")
            lunacm_ok(c, "slot set -s %d" % ids["User Token Slot"], "slot set -s")
            lunacm_ok(c, "role login -n co -p %s" % sec["target_co_password"], "role login -n co")
            lunacm_ok(c, "partition archive restore -s %d -partition rot-backup"
                      % ids["Net Admin Token Slot"], "partition archive restore")
            leave(c)
        finally:
            server.terminate(force=True)     # pedserver is left to `stop` (DIR/run)
        check_safe_end(lab, source_objects)


def test_ssh_drop_during_backup():
    """The k570 drops the SSH connection in the middle of the backup (the device kills the
    connection handler named by ROTWIZ_SIM_CONN_PID): the client sees a lost connection, the
    lab leaves no orphan behind, and a second attempt with -replace succeeds."""
    import time
    log = open(os.devnull, "w") if not os.environ.get("VERBOSE") else sys.stdout
    with Lab("--fault", "ssh-drop-during-backup") as lab:
        lab.start()
        for mode in ["rbs", "shell", "k570-lunacm", "vtl", "state"]:
            need(lab, mode)
        sec = secrets_of(lab)
        source_objects = rot_objects(state_json(lab), "source")
        pem, server = workstation_rbs(lab, sec, log)
        backup = ("partition archive backup -slot %d -partition rot-backup -domain k570-rot "
                  "-sopassword %s -password %s")
        try:
            c, ids = k570_session(lab, "source", pem, log)
            lunacm_ok(c, "role login -name co", "CO login", sec["source_co_password"],
                      "Enter password: ")
            c.sendline(backup % (ids["Net Admin Token Slot"], sec["backup_so_password"],
                                 sec["backup_partition_password"]))
            c.expect(pexpect.EOF)
            c.close()
            check(c.exitstatus == 255, "ssh reports the lost connection (255)", c.exitstatus)
            check("closed by remote host" in c.before,
                  "the client says the connection was lost", c.before)
            for _ in range(100):
                left = [x for x in lab_tests.procs_mentioning(lab.dir) if " shell " in x[1] or
                        "k570-lunacm" in x[1]]
                if not left:
                    break
                time.sleep(0.05)
            check(left == [], "the dropped session leaves no shell or lunacm behind", left)
            state = state_json(lab)
            check("ssh-drop-during-backup" in state.get("faults_fired", []), "the fault fired")
            parts = [p for p in state["hsms"]["backup"]["partitions"] if p["name"] == "rot-backup"]
            check(len(parts) == 1 and 0 < len(parts[0]["objects"]) < len(source_objects),
                  "the backup stopped half-way", parts)

            c, ids = k570_session(lab, "source", pem, log, register=False)
            lunacm_ok(c, "role login -name co", "CO login again", sec["source_co_password"],
                      "Enter password: ")
            lunacm_ok(c, (backup + " -replace") % (ids["Net Admin Token Slot"],
                                                   sec["backup_so_password"],
                                                   sec["backup_partition_password"]),
                      "the second backup")
            leave(c)
        finally:
            server.terminate(force=True)
        parts = [p for p in state_json(lab)["hsms"]["backup"]["partitions"]
                 if p["name"] == "rot-backup"]
        check(sorted(o["fingerprint"] for o in parts[0]["objects"]) ==
              sorted(o["fingerprint"] for o in source_objects), "the retry backed up everything")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    lab_tests.SIM = os.path.realpath(sys.argv[1])
    fn = globals().get("test_" + sys.argv[2])
    if not fn:
        print("no test " + sys.argv[2])
        return 2
    try:
        fn()
    except Skip as e:
        print("SKIP: %s" % e)
        return 77
    except Exception as e:
        print("FAIL: %s: %s" % (type(e).__name__, e))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
