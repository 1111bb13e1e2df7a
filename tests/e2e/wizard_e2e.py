"""wizard_e2e.py: the real rotwiz binary, full screen, under tmux, driven by keys as an operator
would: `rotwiz --simulate` backs up and restores (password), or backs up with the automatic PED;
the terminal is resized in the middle of a step; the lab's `state --json` proves the restore.

The lab of --simulate lives in $TMPDIR/rotwiz-lab-*; the test points TMPDIR at its own folder
to find it, and reads the lab's state before quitting (rotwiz stops the lab on exit)."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = os.environ.get("ROTWIZ_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
ROTWIZ = os.path.join(BUILD, "rotwiz")
SIM = os.path.join(BUILD, "rotwiz-sim")


class Screen:
    """A tmux session of its own (private socket) running one command."""

    def __init__(self, cmd, cols, rows, env):
        self.sock = tempfile.mktemp(prefix="rotwiz-tmux-")
        self.tmux = ["tmux", "-S", self.sock]
        envs = sum((["-e", "%s=%s" % kv] for kv in env.items()), [])
        subprocess.run(self.tmux + ["-f", "/dev/null", "new-session", "-d", "-s", "w", "-x",
                                    str(cols), "-y", str(rows), *envs, cmd], check=True)

    def text(self):
        return subprocess.run(self.tmux + ["capture-pane", "-p", "-t", "w"], capture_output=True,
                              text=True).stdout

    def keys(self, *keys):
        subprocess.run(self.tmux + ["send-keys", "-t", "w", *keys], check=True)

    def type(self, text):
        subprocess.run(self.tmux + ["send-keys", "-t", "w", "-l", text], check=True)

    def resize(self, cols, rows):
        subprocess.run(self.tmux + ["resize-window", "-t", "w", "-x", str(cols), "-y",
                                    str(rows)], check=True)

    def alive(self):
        return subprocess.run(self.tmux + ["has-session", "-t", "w"],
                              capture_output=True).returncode == 0

    def close(self):
        subprocess.run(self.tmux + ["kill-server"], capture_output=True)
        if os.path.exists(self.sock):
            os.unlink(self.sock)


# the wizard's secret dialogs (core/secret_store.c) and the secrets-file keys they ask for
SECRET_KEYS = {"Crypto Officer password": "co_password",
               "Backup HSM SO password": "backup_so_password",
               "Backup partition password": "backup_partition_password",
               "RBS password": "rbs_password"}


def dialog_title(screen):
    m = re.search(r"[╔+]═+ (.+?) ═", screen)
    return m.group(1).strip() if m else None


class WizardE2E(unittest.TestCase):
    auth = "password"
    lab_args = ""          # more rotwiz-sim lab options through --simulate (--fault, --vary)
    ack_serial = None      # typed at "Acknowledge a failed SO login"
    hand_secret = None     # the lab secret the operator types at an unmatched prompt
    typed_secrets = False  # no secrets file: every secret is typed when the wizard asks

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rotwiz-e2e-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.addCleanup(self.stop_labs)   # after the screen closes, before the folder goes
        self.state_dir = os.path.join(self.tmp, "state")
        env = {"TMPDIR": self.tmp, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        cmd = "%s --simulate --auth %s %s --state-dir %s; echo rotwiz-exit-$?; sleep 30" % (
            ROTWIZ, self.auth, self.lab_args, self.state_dir)
        self.s = Screen(cmd, 120, 40, env)
        self.addCleanup(self.s.close)
        self.wait_for("Choose the task")
        labs = glob.glob(os.path.join(self.tmp, "rotwiz-lab-*"))
        self.assertEqual(len(labs), 1)
        self.lab = labs[0]
        self.screens = {}

    def stop_labs(self):
        """Stops the private lab rotwiz started, in case rotwiz, hung up by the closing
        screen, is still stopping it: removing the folder first would leave the lab running
        with nothing left to find it by."""
        for lab in glob.glob(os.path.join(self.tmp, "rotwiz-lab-*")):
            subprocess.run([SIM, "stop", "--dir", lab], capture_output=True, timeout=60)

    def wait_for(self, text, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            screen = self.s.text()
            if text in screen:
                return screen
            time.sleep(0.1)
        self.fail("timed out waiting for %r; screen:\n%s" % (text, self.s.text()))

    def settled_text(self, tries=40):
        """The screen once two captures 50 ms apart agree: tmux may capture a dialog half
        drawn (its title before its buttons)."""
        prev = self.s.text()
        for _ in range(tries):
            time.sleep(0.05)
            cur = self.s.text()
            if cur == prev:
                return cur
            prev = cur
        return prev

    def state(self):
        out = subprocess.run([SIM, "state", "--dir", self.lab, "--json"], capture_output=True,
                             text=True, check=True)
        return json.loads(out.stdout)

    def run_flow(self, key, resize_at=None, back_at=None, skip_at=None, timeout=240,
                 stop=None, esc_at=None, interrupt_at=None, check_again_at=None):
        """Starts a task from the start screen and answers every question as an operator
        would, until the flow finishes; at the hand step titled BACK_AT it first goes back
        once ('b'), the optional one titled SKIP_AT it skips ('s'). Returns the dialogs seen,
        in order. STOP: the exit code the flow is expected to stop with instead.
        ESC_AT: at that hand step Esc first (Quit?), then Esc again (Stay). INTERRUPT_AT: at that
        dialog Ctrl-C, then Quit (returns at once). CHECK_AGAIN_AT: at that "fixed, check
        again" choice check again once, then stop the flow."""
        self.s.keys(key)
        seen, end, resized, went_back = [], time.time() + timeout, False, False
        escaped, checked_again = False, False
        while time.time() < end:
            screen = self.s.text()
            if "Finished (exit 0)" in screen and stop is None:
                return seen
            if stop is not None and "Stopped (exit %d)" % stop in screen:
                title = dialog_title(screen)   # the stop's own error, shown with it
                if title and title not in seen[-1:]:
                    seen.append(title)
                    self.screens[title] = screen
                return seen
            if "Stopped (exit" in screen:
                self.fail("the flow stopped:\n" + screen)
            title = dialog_title(screen)
            if resize_at and not resized and resize_at in screen:
                self.s.resize(100, 30)          # in the middle of a step
                time.sleep(0.5)
                self.s.resize(120, 40)
                resized = True
                continue
            if not title:
                time.sleep(0.1)
                continue
            screen = self.settled_text()          # the whole dialog, not half of it
            title = dialog_title(screen)
            if not title:
                continue
            if title == "Error" and stop is not None:
                # the error is shown as the flow stops; its status follows, in the steps pane
                # (where the dialog may cover it: it is closed once read)
                if "Error" not in seen[-1:]:
                    seen.append(title)
                    self.screens[title] = screen
                time.sleep(0.1)
                if dialog_title(self.s.text()) == "Error":
                    self.s.keys("Enter")
                continue
            seen.append(title)
            self.screens[title] = screen
            if title == esc_at and not escaped:
                self.s.keys("Escape")                 # never ends the ceremony by itself
                quit_screen = self.wait_for("Quit?")
                self.assertEqual(dialog_title(quit_screen), "Quit?")
                self.s.keys("Escape")                 # Stay: the step's question comes back
                for _ in range(100):
                    if dialog_title(self.s.text()) == esc_at:
                        break
                    time.sleep(0.05)
                self.assertEqual(dialog_title(self.s.text()), esc_at)
                seen.append("Quit?")
                escaped = True
                continue
            if title == interrupt_at:
                self.s.keys("C-c")
                self.wait_for("Quit?")
                self.s.keys("Left")                   # the Quit button (Stay is focused)
                self.s.keys("Enter")
                return seen
            if title == check_again_at:
                self.assertIn("Fixed, check again", screen)
                if not checked_again:
                    self.s.keys("Enter")              # the first choice: fixed, check again
                    checked_again = True
                else:
                    self.s.keys("Down")
                    self.s.keys("Enter")              # stop the flow here
                for _ in range(100):
                    if dialog_title(self.s.text()) != title:
                        break
                    time.sleep(0.05)
                continue
            if title == "Operator and witnesses":
                self.assertIn("Keep them", screen)    # those of the backup just done
                self.s.keys("Enter")
            elif title == "Operator":
                self.s.type("Alice Operator")
                self.s.keys("Enter")
            elif title == "Witness":
                # witnesses one after another: one name, then an empty answer ends the list
                if "witness 2" not in screen:
                    self.s.type("Bob Witness")
                self.s.keys("Enter")
            elif title == "rbs --config":
                self.s.type("1")
                self.s.keys("Enter")
            elif title in SECRET_KEYS and self.typed_secrets:
                # no secrets file: the operator types each secret when it is asked for
                key = SECRET_KEYS[title]
                if key == "co_password" and "target k570" in screen:
                    key = "target"
                self.s.type(self.lab_secret(key))
                self.s.keys("Enter")
            elif title == "Acknowledge a failed SO login" and self.ack_serial:
                self.assertIn(self.ack_serial, screen)
                self.s.type(self.ack_serial)
                self.s.keys("Enter")
            elif title == "A prompt rotwiz cannot answer" and self.hand_secret:
                self.s.type(self.lab_secret(self.hand_secret))
                self.s.keys("Enter")
            elif title == "Replace an existing backup?":
                self.s.type(self.lab_value("backup", "partition"))
                self.s.keys("Enter")
            elif title == "Create a new Remote PED Vector?":
                # a fresh lab's HSMs have no RPV: the operator confirms by typing the name
                self.s.type("backup-hsm" if "Backup HSM" in screen else self.lab_host("source"))
                self.s.keys("Enter")
            elif title == skip_at:
                self.assertIn("s: skip it", screen)
                self.s.keys("s")
            elif title == back_at and not went_back:
                self.assertIn("b: back to the previous step", screen)
                self.s.keys("b")
                went_back = True
            elif "[>Done<]" in screen:        # a hand step: done, as an operator would
                self.s.keys("Enter")
            else:
                self.fail("unexpected dialog %r:\n%s" % (title, screen))
            # wait for the dialog to go away before looking again
            for _ in range(100):
                if dialog_title(self.s.text()) != title:
                    break
                time.sleep(0.05)
        self.fail("the flow did not finish; screen:\n" + self.s.text())

    def lab_value(self, group, key):
        with open(os.path.join(self.lab, "rotwiz.conf")) as f:
            conf = f.read()
        block = re.search(group + r"\s*=\s*\{(.*?)\}", conf, re.S).group(1)
        return re.search(key + r'\s*=\s*"([^"]*)"', block).group(1)

    def lab_secret(self, key):
        """A top-level secret of the lab's secrets.conf, or "target": the target's CO password."""
        with open(os.path.join(self.lab, "secrets.conf")) as f:
            text = f.read()
        if key == "target":
            return re.search(r'target\s*=\s*\{\s*co_password\s*=\s*"([^"]*)"', text).group(1)
        return re.search(r'(?m)^%s\s*=\s*"([^"]*)"' % key, text).group(1)

    def lab_host(self, role):
        return self.lab_value(role, "host")

    def journal(self, flow):
        journals = glob.glob(os.path.join(self.state_dir, "sessions", "*" + flow + "*",
                                          "journal.jsonl"))
        self.assertEqual(len(journals), 1)
        with open(journals[0]) as f:
            return os.path.dirname(journals[0]), [json.loads(line) for line in f]

    def assert_restored_key_by_key(self):
        state = self.state()
        src = state["hsms"]["source"]["partitions"][0]["objects"]
        tgt = state["hsms"]["target"]["partitions"][0]["objects"]
        self.assertGreater(len(src), 0)
        self.assertEqual({o["label"]: o["fingerprint"] for o in tgt},
                         {o["label"]: o["fingerprint"] for o in src})
        self.assertEqual(state["wrong_secret_events"], [])

    def back_to_start(self):
        self.s.keys("Enter")
        self.wait_for("Choose the task")

    def quit(self):
        self.s.keys("q")
        self.wait_for("rotwiz-exit-0")


class PasswordWizard(WizardE2E):
    def test_backup_then_restore(self):
        dialogs = self.run_flow("B", resize_at="Start the Remote Backup Server")
        self.assertIn("Operator", dialogs)
        self.assertIn("rbs --config", dialogs)
        self.assertIn("Cable the Backup HSM to the workstation", dialogs)
        self.back_to_start()
        self.run_flow("R", skip_at="Optionally check and rotate the active root-of-trust key")
        state = self.state()
        src = sorted(o["fingerprint"] for o in state["hsms"]["source"]["partitions"][0]["objects"])
        tgt = sorted(o["fingerprint"] for o in state["hsms"]["target"]["partitions"][0]["objects"])
        self.assertGreater(len(src), 0)
        self.assertEqual(src, tgt)
        # the last hand step names the target partition's label, learnt during the run
        label = state["hsms"]["target"]["partitions"][0]["label"]
        rot = self.screens["Configure the PCIe HSM as root of trust in CipherTrust Manager"]
        self.assertIn("'%s'" % label, rot)
        # the skipped optional step is recorded as the operator's decision
        journals = glob.glob(os.path.join(self.state_dir, "sessions", "*restore*",
                                          "journal.jsonl"))
        self.assertEqual(len(journals), 1)
        with open(journals[0]) as f:
            records = [json.loads(line) for line in f]
        self.assertIn("skipped by the operator", [r.get("answer") for r in records])
        self.back_to_start()
        self.quit()


class SameSessionWizard(WizardE2E):
    """Backup then restore in one wizard session: the restore asks nothing again that the
    backup verified and that is still in place (operator and witnesses kept with one Enter,
    the cabling and the RBS menu, key and start checked by effect and journaled as satisfied
    by the backup's session); the target side is unchanged. If RBS died in between, it is
    configured and started again, and the menu's already-selected Backup HSM is kept."""

    def backup_then_restore(self, between=None):
        first = self.run_flow("B")
        for asked in ("Operator", "Witness", "Cable the Backup HSM to the workstation",
                      "rbs --config"):
            self.assertIn(asked, first)
        self.back_to_start()
        if between:
            between()
        dialogs = self.run_flow("R", skip_at="Optionally check and rotate the active "
                                             "root-of-trust key")
        self.assertIn("Operator and witnesses", dialogs)
        shown = self.screens["Operator and witnesses"]
        self.assertIn("Operator Alice Operator, witness Bob Witness, from the backup just",
                      shown)
        for asked in ("Operator", "Witness", "Cable the Backup HSM to the workstation",
                      "rbs --config"):
            self.assertNotIn(asked, dialogs)
        self.assert_restored_key_by_key()
        backup_dir, backup = self.journal("backup")
        backup_id = [r for r in backup if r["type"] == "session-start"][0]["session"]
        restore_dir, records = self.journal("restore")
        people = [(r["type"], r["name"]) for r in records if r["type"] in ("operator", "witness")]
        self.assertEqual(people, [("operator", "Alice Operator"), ("witness", "Bob Witness")])
        self.assertEqual(records[-1]["exit_code"], 0)
        return backup_id, restore_dir, records

    def test_restore_after_backup_asks_nothing_again(self):
        backup_id, restore_dir, records = self.backup_then_restore()
        satisfied = {r["step"]: r["session"] for r in records
                     if r["type"] == "satisfied-earlier"}
        self.assertEqual(satisfied, {s: backup_id for s in (
            "operator-and-witnesses", "cable_devices", "rbs_config", "rbs_genkey", "rbs_start")})
        # the target side ran in full: the empty-target check and the restore were not carried
        done = [r["step"] for r in records if r["type"] == "step-done"]
        for step in ("check_target_empty", "archive_restore", "verify_restore"):
            self.assertIn(step, done)
        # no rbs tool ran in the restore: the backup's RBS served it
        with open(os.path.join(restore_dir, "transcript.jsonl")) as f:
            sent = [json.loads(line) for line in f]
        self.assertEqual([t for t in sent if t["host"] == "rbs" and t["dir"] == "sent"], [])
        out = subprocess.run([ROTWIZ, "export", restore_dir, "--format", "text"],
                             capture_output=True, text=True, check=True).stdout
        self.assertIn("=== NOT ASKED AGAIN rbs_config: satisfied by the earlier session %s"
                      % backup_id, out)
        self.back_to_start()
        self.quit()

    def test_rbs_that_died_is_configured_and_started_again(self):
        def kill_rbs():
            os.kill(self.state()["rbs"]["serving_pid"], 9)
            time.sleep(0.5)
        backup_id, restore_dir, records = self.backup_then_restore(kill_rbs)
        satisfied = {r["step"] for r in records if r["type"] == "satisfied-earlier"}
        self.assertEqual(satisfied, {"operator-and-witnesses", "cable_devices"})
        # rbs --config ran again and found the Backup HSM already selected: kept, not asked
        answers = [r.get("answer") for r in records if r.get("question") == "rbs --config device"]
        self.assertEqual(answers, ["(the one Backup HSM, already selected: kept)"])
        self.back_to_start()
        self.quit()


class TypedSecretsWizard(WizardE2E):
    """No secrets file: the operator types every secret during the backup; the restore after
    it in the same session asks only the target's Crypto Officer password (the Backup HSM's
    and RBS's stay in memory), and no secret is written anywhere."""
    typed_secrets = True

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rotwiz-e2e-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.state_dir = os.path.join(self.tmp, "state")
        self.lab = os.path.join(self.tmp, "rotwiz-lab-own")
        subprocess.run([SIM, "lab", "--dir", self.lab, "--auth", self.auth], check=True,
                       capture_output=True, timeout=60)
        self.addCleanup(subprocess.run, [SIM, "stop", "--dir", self.lab], capture_output=True)
        env = {"TMPDIR": self.tmp, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        cmd = "%s --config %s/rotwiz.conf --state-dir %s; echo rotwiz-exit-$?; sleep 30" % (
            ROTWIZ, self.lab, self.state_dir)
        self.s = Screen(cmd, 120, 40, env)
        self.addCleanup(self.s.close)
        self.wait_for("Choose the task")
        self.screens = {}

    def test_restore_asks_only_the_targets_secret(self):
        first = self.run_flow("B")
        for title in SECRET_KEYS:
            self.assertIn(title, first)
        self.back_to_start()
        dialogs = self.run_flow("R", skip_at="Optionally check and rotate the active "
                                             "root-of-trust key")
        self.assertEqual([d for d in dialogs if d in SECRET_KEYS], ["Crypto Officer password"])
        self.assertIn("target k570", self.screens["Crypto Officer password"])
        for asked in ("Operator", "Witness", "rbs --config",
                      "Cable the Backup HSM to the workstation"):
            self.assertNotIn(asked, dialogs)
        self.assert_restored_key_by_key()
        with open(os.path.join(self.lab, "secrets.conf")) as f:
            secrets = re.findall(r'"([^"]{6,})"', f.read())
        self.assertGreater(len(secrets), 3)
        for root, _, files in os.walk(self.state_dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                for value in secrets:
                    self.assertNotIn(value.encode(), data, os.path.join(root, name))
        self.back_to_start()
        self.quit()


class PedWizard(WizardE2E):
    auth = "ped"

    def test_backup_with_the_automatic_ped(self):
        dialogs = first = self.run_flow("B")
        # the Backup HSM had no Remote PED Vector: made only after the typed confirmation;
        # the k570's link worked at once, so no PED move and no new orange key for it
        self.assertEqual(dialogs.count("Create a new Remote PED Vector?"), 1)
        self.assertNotIn("Move the PED to the source k570", dialogs)
        parts = self.state()["hsms"]["backup"]["partitions"]
        self.assertEqual(len(parts), 1)
        src = self.state()["hsms"]["source"]["partitions"][0]["objects"]
        self.assertEqual(sorted(o["fingerprint"] for o in parts[0]["objects"]),
                         sorted(o["fingerprint"] for o in src))
        self.back_to_start()
        # a Remote PED Vector that works is never made again
        dialogs = self.run_flow("R", skip_at="Optionally check and rotate the active "
                                             "root-of-trust key")
        self.assertNotIn("Create a new Remote PED Vector?", dialogs)
        # in the same session: the cabling and the RBS menu are checked by effect, not asked
        self.assertIn("Cable the Backup HSM and the PED to the workstation", first)
        self.assertNotIn("Cable the Backup HSM and the PED to the workstation", dialogs)
        self.assertNotIn("rbs --config", dialogs)
        self.assertNotIn("Operator", dialogs)
        tgt = self.state()["hsms"]["target"]["partitions"][0]["objects"]
        self.assertEqual(sorted(o["fingerprint"] for o in tgt),
                         sorted(o["fingerprint"] for o in src))
        self.back_to_start()
        self.quit()


class MigrateWizard(WizardE2E):
    """The migrate task (M): backup and restore in one run; one rbs --config question, the
    target proven key by key by the lab's state."""

    def test_migrate(self):
        dialogs = self.run_flow("M", skip_at="Optionally check and rotate the active "
                                             "root-of-trust key")
        self.assertEqual(dialogs.count("rbs --config"), 1)
        self.assertEqual(dialogs.count("Cable the Backup HSM to the workstation"), 1)
        state = self.state()
        src = sorted(o["fingerprint"] for o in state["hsms"]["source"]["partitions"][0]["objects"])
        tgt = sorted(o["fingerprint"] for o in state["hsms"]["target"]["partitions"][0]["objects"])
        self.assertGreater(len(src), 0)
        self.assertEqual(src, tgt)
        self.back_to_start()
        self.quit()


class LedgerWizard(WizardE2E):
    """A failed Backup HSM SO login recorded earlier: the wizard asks the operator to type the
    serial before any login, then goes on."""

    def test_failed_so_login_acknowledged_by_typing_the_serial(self):
        self.ack_serial = self.state()["hsms"]["backup"]["serial"]
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        path = os.path.join(self.state_dir, "ledger.json")
        with open(path, "w") as f:
            json.dump({"format": "rotwiz-login-ledger", "version": 1, "entries": [
                {"serial": self.ack_serial, "role": "so", "device": "Backup HSM",
                 "failures": 1, "last_failure": "2026-11-30T09:00:00.000Z",
                 "what": "archive_backup: 0xa0 CKR_PIN_INCORRECT", "acknowledged": False,
                 "acknowledged_time": "", "acknowledged_how": ""}]}, f)
        os.chmod(path, 0o600)
        dialogs = self.run_flow("B")
        self.assertIn("Acknowledge a failed SO login", dialogs)
        self.assertIn("1 of 3 tries used", self.screens["Acknowledge a failed SO login"])
        with open(path) as f:
            entry = json.load(f)["entries"][0]
        self.assertTrue(entry["acknowledged"])
        self.assertEqual(entry["failures"], 0)       # the SO login then succeeded
        self.back_to_start()
        self.quit()


class ReplaceWizard(WizardE2E):
    """A foreign backup partition whose listing is a layout rotwiz cannot read: batch refuses,
    the wizard asks for the typed partition name."""
    lab_args = "--fault backup-partition-exists --vary archive-listing=table"

    def test_unreadable_listing_asks_for_the_typed_name(self):
        before = self.state()["hsms"]["backup"]["partitions"][0]["objects"]
        # the backup then runs, and its verification stops: the listing cannot be read
        dialogs = self.run_flow("B", stop=5)
        self.assertIn("Replace an existing backup?", dialogs)
        self.assertIn("could not be read completely", self.screens["Replace an existing backup?"])
        after = self.state()["hsms"]["backup"]["partitions"][0]["objects"]
        src = self.state()["hsms"]["source"]["partitions"][0]["objects"]
        self.assertNotEqual(sorted(o["uid"] for o in after), sorted(o["uid"] for o in before))
        self.assertEqual(sorted(o["fingerprint"] for o in after),
                         sorted(o["fingerprint"] for o in src))


class UnmatchedPromptWizard(WizardE2E):
    """A lab whose backup listing logs in as the Backup HSM SO: its SO prompt is not what the
    step gives (the partition password), so rotwiz types nothing and shows the prompt; the
    operator answers it by hand."""
    lab_args = "--vary contents-login=so"
    hand_secret = "backup_so_password"

    def test_operator_answers_the_prompt_by_hand(self):
        dialogs = self.run_flow("B")
        self.assertIn("A prompt rotwiz cannot answer", dialogs)
        shown = self.screens["A prompt rotwiz cannot answer"]
        self.assertIn("SO", shown)
        self.assertIn("Cancel abandons the command", shown)
        state = self.state()
        self.assertEqual(state["wrong_secret_events"], [])
        self.assertEqual(state["hsms"]["backup"]["so_failures"], 0)
        self.assertEqual(len(state["hsms"]["backup"]["partitions"]), 1)


class EscWizard(WizardE2E):
    """Esc at a hand step asks what Ctrl-C asks; Stay brings the step back and the flow goes
    on to the end."""

    def test_escape_at_a_hand_step_does_not_end_the_flow(self):
        dialogs = self.run_flow("B", esc_at="Cable the Backup HSM to the workstation")
        self.assertIn("Quit?", dialogs)
        self.assertIn("Cable the Backup HSM to the workstation", dialogs)
        self.back_to_start()
        self.quit()


class InterruptWizard(WizardE2E):
    """Ctrl-C then Quit: once the screen is restored rotwiz says where the session is recorded
    and how to resume; the exit code is the journal's last word."""

    def test_ctrl_c_then_quit_prints_the_resume_line(self):
        self.run_flow("B", interrupt_at="Cable the Backup HSM to the workstation")
        screen = self.wait_for("rotwiz-exit-6")
        self.assertIn("the session is recorded in", screen)
        self.assertIn("to resume, start the same task again", screen)
        journals = glob.glob(os.path.join(self.state_dir, "sessions", "*", "journal.jsonl"))
        self.assertEqual(len(journals), 1)
        self.assertIn(os.path.dirname(journals[0]), screen.replace("\n", ""))
        with open(journals[0]) as f:
            last = [json.loads(line) for line in f][-1]
        self.assertEqual(last["type"], "session-end")
        self.assertEqual(last["exit_code"], 6)


class BackWizard(WizardE2E):
    """Back at the restore's last hand step: every step from the one gone back to runs again,
    on its lanes (those that ran beside others included), and the flow ends as before."""

    def test_back_from_the_last_hand_step(self):
        self.run_flow("B")
        self.back_to_start()
        rot = "Configure the PCIe HSM as root of trust in CipherTrust Manager"
        dialogs = self.run_flow("R", back_at=rot,
                                skip_at="Optionally check and rotate the active root-of-trust key")
        self.assertEqual(dialogs.count(rot), 2)
        state = self.state()
        src = sorted(o["fingerprint"] for o in state["hsms"]["source"]["partitions"][0]["objects"])
        tgt = sorted(o["fingerprint"] for o in state["hsms"]["target"]["partitions"][0]["objects"])
        self.assertGreater(len(src), 0)
        self.assertEqual(src, tgt)
        journals = glob.glob(os.path.join(self.state_dir, "sessions", "*restore*",
                                          "journal.jsonl"))
        with open(journals[0]) as f:
            done = [r.get("step") for r in map(json.loads, f) if r["type"] == "step-done"]
        # the back target (the k570's preflight, on its second shell) and what follows it ran
        # twice; what came before it, once
        for twice in ("preflight_syntax", "vtl_register", "lunacm_start", "co_login"):
            self.assertEqual(done.count(twice), 2, twice)
        for once in ("ssh_connect", "upload_cert", "rbs_start"):
            self.assertEqual(done.count(once), 1, once)
        self.back_to_start()
        self.quit()


class CheckAgainWizard(WizardE2E):
    """PEDServer says it started but nothing listens: the wizard offers "fixed, check again"
    (the step runs again) instead of ending the flow; the operator may still stop."""
    auth = "ped"
    lab_args = "--fault pedserver-down"

    def test_fixable_failure_offers_check_again(self):
        step = "Start PEDServer on the workstation"
        dialogs = self.run_flow("B", check_again_at=step, stop=4, timeout=180)
        self.assertEqual(dialogs.count(step), 2)       # checked again, then stopped
        self.assertIn("Fix:", self.screens[step])
        self.assertNotIn("{ped_port}", self.screens[step])
        # the stop is reported once more, its fix filled in too (never a {placeholder})
        self.assertIn("Error", dialogs)
        self.assertNotIn("{ped_port}", self.screens["Error"])
        journals = glob.glob(os.path.join(self.state_dir, "sessions", "*", "journal.jsonl"))
        with open(journals[0]) as f:
            records = [json.loads(line) for line in f]
        answers = [r.get("answer") for r in records]
        self.assertIn("fixed by the operator, check again", answers)
        self.assertIn("stop the flow", answers)


if __name__ == "__main__":
    unittest.main()
