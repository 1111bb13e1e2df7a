#!/usr/bin/env python3
"""The seed procedure typed by hand, the way an administrator does it: OpenSSH's client through
a PTY to the simulated k570s, the Luna client tools on the simulated workstation.

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


def lunacm_ok(c, command, what, secret=None, prompt=None):
    """Types COMMAND; answers PROMPT with SECRET if asked; expects 'No Error'."""
    c.sendline(command)
    if prompt:
        c.expect(prompt)
        c.sendline(secret)
    c.expect(r"Command Result : (.*)\r?\n")
    result = c.match.group(1).strip()
    out = c.before
    c.expect(LUNACM_PROMPT)
    check(result.startswith("No Error"), what + " succeeds", out + result)
    return out


def k570_session(lab, name, pem, log, register=True):
    """Logs into NAME, registers the workstation's RBS with vtl (unless already done), starts
    lunacm and returns the session and the slot ids, with the User Token Slot selected."""
    if register:
        r = lab.scp(pem, ":", legacy=False, name=name)       # scp server.pem ksadmin@k570:
        check(r.returncode == 0, "scp server.pem to " + name, r.stderr)
    c = spawn("ssh", ["-tt"] + lab.ssh_opts(name) + [lab.target(name)], log)
    c.expect(SHELL_PROMPT)
    c.sendline("cd /usr/safenet/lunaclient/bin")
    c.expect(SHELL_PROMPT)
    if register:
        c.sendline("./vtl addServer -n 127.0.0.1 -c /home/ksadmin/server.pem")
        c.expect(SHELL_PROMPT)
    c.sendline("./vtl listservers")
    c.expect(SHELL_PROMPT)
    check("127.0.0.1" in c.before, "vtl listservers names the workstation on " + name, c.before)
    c.sendline("./lunacm")
    c.expect(LUNACM_PROMPT)
    out = lunacm_ok(c, "slot list", "slot list on " + name)
    ids = slot_ids(out)
    check("User Token Slot" in ids and "Net Admin Token Slot" in ids,
          "slot list on %s shows the User and Net Admin Token Slots" % name, out)
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


def test_password_backup_restore():
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
        check(rot_objects(before, "target") == [], "the target starts empty")
        pem, server = workstation_rbs(lab, sec, log)
        try:
            # Backup on the source.
            c, ids = k570_session(lab, "source", pem, log)
            lunacm_ok(c, "role login -name co", "CO login on the source",
                      sec["source_co_password"], "Enter password: ")
            out = lunacm_ok(c, "partition archive backup -slot %d -partition rot-backup "
                               "-domain k570-rot -sopassword %s -password %s"
                            % (ids["Net Admin Token Slot"], sec["backup_so_password"],
                               sec["backup_partition_password"]), "partition archive backup")
            leave(c)
            mid = state_json(lab)
            parts = [p for p in mid["hsms"]["backup"]["partitions"] if p["name"] == "rot-backup"]
            check(len(parts) == 1, "the Backup HSM holds rot-backup", mid["hsms"]["backup"])
            check(sorted(o["fingerprint"] for o in parts[0]["objects"]) ==
                  sorted(o["fingerprint"] for o in source_objects),
                  "every source object is in the backup", out)

            # Restore onto the target.
            c, ids = k570_session(lab, "target", pem, log)
            lunacm_ok(c, "role login -name co", "CO login on the target",
                      sec["target_co_password"], "Enter password: ")
            lunacm_ok(c, "partition archive restore -slot %d -partition rot-backup -domain "
                      "k570-rot -sopassword %s -password %s"
                      % (ids["Net Admin Token Slot"], sec["backup_so_password"],
                         sec["backup_partition_password"]), "partition archive restore")
            leave(c)
        finally:
            server.terminate(force=True)
        after = state_json(lab)
        src = sorted((o["fingerprint"], o["label"], o["type"]) for o in rot_objects(after,
                                                                                    "source"))
        tgt = sorted((o["fingerprint"], o["label"], o["type"]) for o in rot_objects(after,
                                                                                    "target"))
        check(src == tgt and len(src) == len(source_objects),
              "the target holds the source's objects, fingerprint by fingerprint", (src, tgt))
        check(src == sorted((o["fingerprint"], o["label"], o["type"]) for o in source_objects),
              "the source is unchanged")


def ped_session(lab, name, pem, log, pedport):
    """Like k570_session, then the PED steps of the procedure on a PED-authenticated k570:
    the Remote PED Vector (orange key at the PED on the k570), the link to the workstation's
    PEDServer (orange key again, through the link)."""
    c, ids = k570_session(lab, name, pem, log)
    c.sendline("ped vector init")
    c.expect("Type 'proceed' to continue, or 'quit' to quit now ->")
    c.sendline("proceed")
    c.expect(r"Command Result : (.*)\r?\n")
    check(c.match.group(1).startswith("No Error") and "Please attend to the PED" in c.before,
          "ped vector init on " + name, c.before + c.match.group(1))
    c.expect(LUNACM_PROMPT)
    out = lunacm_ok(c, "ped connect -ip 127.0.0.1 -port %d" % pedport, "ped connect on " + name)
    check("Please attend to the PED" in out, "the link asks for the orange key", out)
    lunacm_ok(c, "slot set -slot %d" % ids["User Token Slot"], "slot set on " + name)
    out = lunacm_ok(c, "role login -name co", "CO login with the black key on " + name)
    check("Please attend to the PED" in out, "the CO login asks for the PED", out)
    return c, ids


def test_ped_backup_restore():
    """The PED flow with an automatic PED: pedserver -mode start on the workstation, then on each
    k570 the RPV, ped connect, the CO login and the archive command, every secret a PED key."""
    log = open(os.devnull, "w") if not os.environ.get("VERBOSE") else sys.stdout
    with Lab("--auth", "ped", "--ped", "auto", "--ped-time-scale", "0.05",
             "--ped-delay-ms", "20") as lab:
        lab.start()
        for mode in ["rbs", "pedserver", "shell", "k570-lunacm", "vtl", "state"]:
            need(lab, mode)
        sec = secrets_of(lab)
        source_objects = rot_objects(state_json(lab), "source")
        check(len(source_objects) >= 4, "the source holds objects", source_objects)
        pem, server = workstation_rbs(lab, sec, log)
        pedport = lab.params["workstation"]["ped_port"]
        try:
            c = spawn(lab.path("lunaclient", "bin", "pedserver"),
                      ["-mode", "start", "-port", str(pedport)], log)
            c.expect(pexpect.EOF)
            c.close()
            check(c.exitstatus == 0 and "Ped Server Process created" in c.before,
                  "pedserver -mode start", c.before)

            c, ids = ped_session(lab, "source", pem, log, pedport)
            out = lunacm_ok(c, "partition archive backup -slot %d -partition rot-backup"
                            % ids["Net Admin Token Slot"], "partition archive backup")
            leave(c)
            parts = [p for p in state_json(lab)["hsms"]["backup"]["partitions"]
                     if p["name"] == "rot-backup"]
            check(len(parts) == 1 and sorted(o["fingerprint"] for o in parts[0]["objects"]) ==
                  sorted(o["fingerprint"] for o in source_objects), "the backup is complete",
                  out)

            c, ids = ped_session(lab, "target", pem, log, pedport)
            lunacm_ok(c, "partition archive restore -slot %d -partition rot-backup"
                      % ids["Net Admin Token Slot"], "partition archive restore")
            leave(c)
        finally:
            server.terminate(force=True)     # pedserver is left to `stop` (DIR/run)
        after = state_json(lab)
        src = sorted(o["fingerprint"] for o in rot_objects(after, "source"))
        tgt = sorted(o["fingerprint"] for o in rot_objects(after, "target"))
        check(src == tgt and len(src) == len(source_objects),
              "the target holds the source's objects, fingerprint by fingerprint", (src, tgt))


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
