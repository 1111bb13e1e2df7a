"""test_idle.py: no flow step waits on silence or a fixed sleep. A batch backup and restore run
against a lab with no added latency; the session's transcript and journal (millisecond
timestamps) are merged into one timeline per session, and no two consecutive events of it may
be further apart than LIMIT_MS. The lab answers every command within a few tens of ms, so a
longer gap is rotwiz idling: a 1.5 s quiet wait, a sleep loop or a polling interval shows here.
(The 150 ms settle before a secret is typed, an echo-off safety, fits well under the limit.)

usage: python3 -m unittest test_idle.Idle.test_password   (ROTWIZ_IDLE_LIMIT_MS overrides)"""
import datetime
import glob
import json
import os
import re
import unittest

from labtest import LabCase

LIMIT_MS = int(os.environ.get("ROTWIZ_IDLE_LIMIT_MS", "600"))


def millis(stamp):
    t = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    return t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000


def timeline(session):
    """[(ms, what)] of the session's journal and transcript, in time order."""
    events = []
    for name in ("journal.jsonl", "transcript.jsonl"):
        with open(os.path.join(session, name)) as f:
            for line in f:
                rec = json.loads(line)
                what = "%s %s %s %s" % (name.split(".")[0], rec.get("step", ""),
                                        rec.get("type", rec.get("dir", "")),
                                        str(rec.get("text", ""))[:60].replace("\n", " | "))
                events.append((millis(rec["time"]), what))
    events.sort(key=lambda e: e[0])
    return events


def idle_gaps(session, limit_ms):
    """The gaps longer than LIMIT_MS between consecutive events, as readable lines."""
    ev = timeline(session)
    return ["%d ms idle before: %s (after: %s)" % (b[0] - a[0], b[1], a[1])
            for a, b in zip(ev, ev[1:]) if b[0] - a[0] > limit_ms]


class Idle(LabCase):
    def run_and_check(self):
        self.assertExit(self.lab.batch("backup"), 0)
        self.assertExit(self.lab.batch("restore"), 0)
        sessions = sorted(glob.glob(os.path.join(self.lab.state_dir, "sessions", "*")))
        self.assertEqual(len(sessions), 2)
        gaps = []
        for s in sessions:
            gaps += ["%s: %s" % (os.path.basename(s), g) for g in idle_gaps(s, LIMIT_MS)]
        self.assertEqual(gaps, [], "rotwiz idled longer than %d ms:\n%s"
                         % (LIMIT_MS, "\n".join(gaps)))


class NoSleepInFlows(unittest.TestCase):
    """The flows' code (core/flow*.c) names no silence-ended wait and no sleep: a quiet wait
    (CONV_END_QUIET) or a sleep loop would idle. (The shell marker ends on the shell's prompt
    after the marker, an event: see test_conv's marker tests.)"""

    def test_no_quiet_wait_or_sleep(self):
        core = os.path.join(os.path.dirname(__file__), "..", "..", "core")
        found = []
        for path in sorted(glob.glob(os.path.join(core, "flow*.c"))):
            with open(path) as f:
                for n, line in enumerate(f, 1):
                    if re.search(r"CONV_END_QUIET|\busleep\b|\bsleep\(|nanosleep", line):
                        found.append("%s:%d: %s" % (os.path.basename(path), n, line.strip()))
        self.assertEqual(found, [])


class IdlePassword(Idle):
    auth = "password"

    def test_password(self):
        self.run_and_check()


class IdlePed(Idle):
    auth = "ped"

    def test_ped(self):
        self.run_and_check()


if __name__ == "__main__":
    unittest.main()
