#!/usr/bin/env python3
"""The workstation tools in a terminal (pexpect): rbs --genkey asks twice without echoing,
rbs --config takes a number then X, rbs s serves until Ctrl-C. Usage: test_tty.py ROTWIZ_SIM"""
import json
import os
import shutil
import sys
import tempfile

try:
    import pexpect
except ImportError:  # ctest reports the test as skipped (SKIP_RETURN_CODE 77)
    print("pexpect is not installed: skipped")
    sys.exit(77)

SIM = sys.argv[1]
PW = "tty secret 42"


def make_lab():
    d = tempfile.mkdtemp(prefix="rotwiz-wst-")
    lab = {"auth": "password", "faults": [], "latency_ms": 0, "ped_mode": "auto",
           "ped_time_scale": 0.01, "ped_auto_delay_ms": 1000,
           "workstation": {"address": "127.0.0.1", "rbs_port": 0, "ped_port": 0},
           "appliances": [], "sim_path": SIM, "domain": "d", "backup_partition": "b"}
    state = {"hsms": {"backup": {"kind": "backup", "serial": "700077",
                                 "model": "Luna Backup HSM 7", "firmware": "7.7.1"}},
             "ped": {"location": "workstation", "mode": "auto", "pending": None},
             "rbs": {"configured": False, "serving_pid": 0}}
    with open(os.path.join(d, "lab.json"), "w") as f:
        json.dump(lab, f)
    with open(os.path.join(d, "state.json"), "w") as f:
        json.dump(state, f)
    return d


def spawn(d, *args):
    return pexpect.spawn(SIM, ["rbs", "--dir", d] + list(args), encoding="utf-8", timeout=20,
                         echo=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def main():
    d = make_lab()
    children = []
    try:
        p = spawn(d, "--genkey")
        children.append(p)
        p.expect("Enter new RBS password: ")
        p.sendline(PW)
        p.expect("Confirm RBS password: ")
        check(PW not in p.before, "the new password was echoed")
        p.sendline("something else")
        p.expect("do not match")
        check("something else" not in p.before, "the confirmation was echoed")
        p.expect("Enter new RBS password: ")
        p.sendline(PW)
        p.expect("Confirm RBS password: ")
        p.sendline(PW)
        p.expect("Certificate written to")
        p.expect(pexpect.EOF)
        p.close()
        check(p.exitstatus == 0, "genkey exit status %r" % p.exitstatus)
        key = os.path.join(d, "lunaclient/rbs/server/server.key")
        check(os.stat(key).st_mode & 0o777 == 0o600, "server.key is not 0600")

        # Typed ahead: both password lines at once are kept, neither is echoed.
        p = spawn(d, "--genkey")
        children.append(p)
        p.expect(r"Overwrite it\? \(y/N\): ")
        p.sendline("y")
        p.expect("Enter new RBS password: ")
        p.send(PW + "\r" + PW + "\r")
        p.expect("Certificate written to")
        check(PW not in p.before, "a typed-ahead password was echoed")
        p.expect(pexpect.EOF)
        p.close()
        check(p.exitstatus == 0, "genkey (typed ahead) exit status %r" % p.exitstatus)

        p = spawn(d, "--config")
        children.append(p)
        p.expect("or X to save and exit: ")
        p.sendline("1")
        p.expect(r"\[x\]")
        p.expect("or X to save and exit: ")
        p.sendline("X")
        p.expect("Configuration saved")
        p.expect(pexpect.EOF)
        p.close()
        check(p.exitstatus == 0, "config exit status %r" % p.exitstatus)
        with open(os.path.join(d, "state.json")) as f:
            rbs = json.load(f)["rbs"]
        check(rbs["configured"] is True and rbs["device_serial"] == "700077",
              "config not saved: %r" % rbs)

        p = spawn(d, "s", "-port", "0")
        children.append(p)
        p.expect("Enter RBS password: ")
        p.sendline(PW)
        p.expect(r"listening on 127\.0\.0\.1:(\d+)")
        check(PW not in p.before, "the RBS password was echoed")
        p.expect("RBS is running")
        pidfile = os.path.join(d, "run/rbs.pid")
        with open(pidfile) as f:
            check(int(f.read()) == p.pid, "rbs.pid does not name the server")
        p.sendintr()
        p.expect("stopped")
        p.expect(pexpect.EOF)
        p.close()
        check(p.exitstatus == 0, "rbs s exit status after Ctrl-C %r" % p.exitstatus)
        check(not os.path.exists(pidfile), "rbs.pid left behind")
        print("tty tests passed")
    finally:
        for c in children:
            if c.isalive():
                c.terminate(force=True)
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
