#!/usr/bin/env python3
"""test_sweep.py: the interruption sweep. Every flow is killed (SIGKILL, SIGTERM) at every step
boundary (right after the batch output's Nth `[ N/M]` line; N = 0 is right after the flow's
first line), and, with --midstep, in the middle of `partition archive backup|restore` (the lab's
--latency 200 slows every command and every object cloned); then it is run again. Each cell is proven by the lab's
state: the source unchanged, the target untouched or equal to the source key by key, no failed
login counted, nothing zeroised, no wrong secret (prepare-target: the target untouched or
empty); the rerun ends 0, or with the one documented
stop the state calls for (after a kill inside `partition archive restore` the target may hold a
part of the source's keys until the rerun; a partial restore: exit 4 naming --confirm-clear, then a run with
--confirm-clear ends 0).

    test_sweep.py [--auth password,ped] [--flows backup,restore,prepare-target]
                  [--signals KILL,TERM] [--midstep] [--boundaries N,M,...]

ctest runs a fixed part (label integration: password, backup and restore, SIGKILL at every
boundary) and the whole sweep under the label `sweep`."""
import argparse
import re
import signal
import subprocess
import sys
import time

from labtest import Lab, ROTWIZ, fingerprints

STEP_LINE = re.compile(r"^\[\s*(\d+)/(\d+)\] ")


def args_for(lab, command, extra=()):
    args = [ROTWIZ, command, "--config", lab.config, "--batch", "--secrets", lab.secrets]
    if lab.auth == "ped":
        for which in ("backup-hsm", lab.host("source"), lab.host("target")):
            args += ["--init-rpv", which]
    if command == "prepare-target":
        args += ["--confirm-clear", lab.host("target")]
    return args + list(extra) + ["--state-dir", lab.state_dir]


def interrupted_run(lab, command, sig, boundary=None, midstep=None):
    """Runs COMMAND and sends SIG after the BOUNDARY-th step line, or MIDSTEP seconds after
    the archive command was sent. Returns (exit code, whether the signal was sent, output)."""
    extra = ["--verbose"] if midstep is not None else []
    proc = subprocess.Popen(args_for(lab, command, extra), stdout=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    out, sent = [], False
    for line in proc.stdout:
        out.append(line)
        if sent:
            continue
        if boundary is not None:
            m = STEP_LINE.match(line)
            hit = (boundary == 0 and line.startswith("rotwiz: ") and "steps)" in line) or \
                (m and int(m.group(1)) == boundary)
        else:
            hit = re.search(r" > partition archive (backup|restore) ", line)
            if hit:
                time.sleep(midstep)
        if hit:
            proc.send_signal(sig)
            sent = True
            if sig == signal.SIGKILL:
                break
    proc.stdout.close()
    return proc.wait(), sent, "".join(out)


def snapshot(lab):
    s = lab.state()
    return {"source": s["hsms"]["source"]["partitions"],
            "target": fingerprints(lab.objects("target"))}


def check(lab, before, label, problems, partial_ok=False, cleared_ok=False):
    state = lab.state()
    source = fingerprints(lab.objects("source"))
    if state["hsms"]["source"]["partitions"] != before["source"]:
        problems.append("%s: the source changed" % label)
    target = fingerprints(lab.objects("target"))
    partial = not before["target"] and set(target) <= set(source)
    cleared = cleared_ok and not target     # prepare-target's effect: the target emptied
    if target != before["target"] and target != source and not (partial_ok and partial) \
            and not cleared:
        problems.append("%s: the target is neither untouched nor the source's keys" % label)
    for hsm, counters in state["failed_logins"].items():
        if any(counters.values()):
            problems.append("%s: failed logins counted on %s: %r" % (label, hsm, counters))
    for hsm in ("source", "target", "backup"):
        if state["hsms"][hsm]["zeroized"]:
            problems.append("%s: %s zeroised" % (label, hsm))
    if state["wrong_secret_events"]:
        problems.append("%s: wrong secrets %r" % (label, state["wrong_secret_events"]))
    return target == source


def fresh_lab(auth, flow, latency):
    faults = ("target-not-empty",) if flow == "prepare-target" else ()
    extra = ("--latency", str(latency)) if latency else ()
    lab = Lab(auth, faults, extra)
    if flow == "restore":
        proc = subprocess.run(args_for(lab, "backup"), capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=600)
        if proc.returncode != 0:
            lab.stop()
            raise RuntimeError("the backup before the restore sweep failed:\n" + proc.stdout)
    return lab


def rerun(lab, flow, label, problems):
    """Runs FLOW again; a partial restore may stop once (exit 4, naming --confirm-clear)."""
    proc = subprocess.run(args_for(lab, flow), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600)
    if proc.returncode == 4 and flow == "restore" and "PARTIAL restore" in proc.stdout:
        if "--confirm-clear" not in proc.stdout:
            problems.append("%s: the partial-restore stop names no --confirm-clear" % label)
        proc = subprocess.run(args_for(lab, flow, ["--confirm-clear", lab.host("target")]),
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=600)
    if proc.returncode != 0:
        problems.append("%s: the rerun ended %d:\n%s" % (label, proc.returncode,
                                                         proc.stdout[-1500:]))
    return proc.returncode


def cell(auth, flow, sig, boundary=None, midstep=None):
    """One interruption and its rerun on a fresh lab. Returns the problems found."""
    problems = []
    where = "boundary %d" % boundary if boundary is not None else "mid-archive +%.1fs" % midstep
    label = "%s %s SIG%s %s" % (auth, flow, sig.name[3:], where)
    lab = fresh_lab(auth, flow, 200 if midstep is not None else 0)
    try:
        before = snapshot(lab)
        code, sent, out = interrupted_run(lab, flow, sig, boundary, midstep)
        if not sent:
            problems.append("%s: the run ended (%d) before the interruption" % (label, code))
        elif sig == signal.SIGTERM and code not in (0, 6):
            problems.append("%s: SIGTERM ended it with %d, not 6:\n%s" % (label, code,
                                                                            out[-1500:]))
        # killed inside partition archive restore: a part of the source's keys may be there
        # (SIGTERM cancels at the next safe point: it waits for the command's end)
        check(lab, before, label + " (interrupted)", problems,
              partial_ok=midstep is not None and sig == signal.SIGKILL,
              cleared_ok=flow == "prepare-target")
        backup = len(lab.objects("backup"))
        whole = len(before["source"][0]["objects"])
        if sig == signal.SIGTERM and flow == "backup" and backup not in (0, whole):
            problems.append("%s: SIGTERM left a partial backup (%d objects)" % (label, backup))
        label += " [target %d/%d, backup %d after it]" % (
            len(lab.objects("target")), len(lab.objects("source")), len(lab.objects("backup")))
        rerun(lab, flow, label, problems)
        done = check(lab, before, label + " (rerun)", problems,
                     cleared_ok=flow == "prepare-target")
        if flow == "prepare-target" and lab.objects("target"):
            problems.append("%s: the rerun left the target not empty" % label)
        if flow in ("restore",) and not done:
            problems.append("%s: the rerun did not restore the source's keys" % label)
        if flow == "backup":
            backup = lab.state()["hsms"]["backup"]["partitions"]
            if not backup or fingerprints(backup[0]["objects"]) != \
                    fingerprints(lab.objects("source")):
                problems.append("%s: the Backup HSM does not hold the source's keys" % label)
    finally:
        lab.stop()
    return label, problems


def steps_of(auth, flow):
    lab = fresh_lab(auth, flow, 0)
    try:
        proc = subprocess.run(args_for(lab, flow), capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=600)
        m = re.search(r"\((\d+) steps\)", proc.stdout)
        return int(m.group(1))
    finally:
        lab.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--auth", default="password")
    ap.add_argument("--flows", default="backup,restore,prepare-target")
    ap.add_argument("--signals", default="KILL,TERM")
    ap.add_argument("--midstep", action="store_true")
    ap.add_argument("--boundaries", default="")
    a = ap.parse_args()
    started = time.monotonic()
    cells, failed = 0, []
    for auth in a.auth.split(","):
        for flow in a.flows.split(","):
            count = steps_of(auth, flow)
            boundaries = [int(b) for b in a.boundaries.split(",")] if a.boundaries \
                else range(0, count)
            for name in a.signals.split(","):
                sig = getattr(signal, "SIG" + name)
                plan = [(b, None) for b in boundaries]
                if a.midstep and flow in ("backup", "restore"):
                    plan += [(None, d) for d in (0.4, 0.8)]
                for boundary, midstep in plan:
                    label, problems = cell(auth, flow, sig, boundary, midstep)
                    cells += 1
                    print("%-4s %s" % ("ok" if not problems else "FAIL", label), flush=True)
                    for p in problems:
                        print("     " + p.replace("\n", "\n     "), flush=True)
                    failed += problems
    print("sweep: %d cells, %d problems, %.0f s" % (cells, len(failed),
                                                    time.monotonic() - started))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
