#!/bin/sh
# Drives tui_demo (the real terminal loop against a scripted fake runner) in tmux by keys alone:
# start screen, a flow with text, secret and typed-confirmation dialogs, resize to too small
# and back, help, Ctrl-C twice, and checks the exit codes.
demo=$1
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }
tmp=$(mktemp -d)
# One server per session: a new server on a socket whose server is still exiting can fail.
n=0
sock="$tmp/sock0"
t() { tmux -S "$sock" "$@"; }
fail() {
  echo "FAIL: $*"; t capture-pane -p -t w 2>/dev/null; t kill-server 2>/dev/null
  rm -rf "$tmp"; exit 1
}
# Waits (generously) until the screen shows TEXT.
wait_for() {
  i=0
  while [ $i -lt 600 ]; do
    t capture-pane -p -t w 2>/dev/null | grep -qF -- "$1" && return 0
    sleep 0.05; i=$((i+1))
  done
  fail "screen never showed: $1"
}
start() {
  n=$((n+1)); sock="$tmp/sock$n"
  t -f /dev/null new-session -d -s w -x 100 -y 30 \
    "TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $demo $1; echo \$? > $tmp/rc; sleep 60"
}

start wizard
wait_for "Choose the task"
wait_for "SIMULATED LAB"
t send-keys -t w B
wait_for "Who runs this ceremony?"
t send-keys -t w "Ana" Enter
wait_for "Crypto Officer password"
t send-keys -t w "pw12345" 
wait_for "•••••••"
t capture-pane -p -t w | grep -q "pw12345" && fail "password echoed"
t send-keys -t w Enter
wait_for "type target exactly"
t send-keys -t w "wrong" Enter
wait_for "( Confirm )"
t send-keys -t w BSpace BSpace BSpace BSpace BSpace "target"
wait_for "[ Confirm ]"
t send-keys -t w Enter
wait_for "password of 7 characters"
wait_for "operator Ana"
t capture-pane -p -t w | grep -q "  target" || fail "typed confirmation not passed on"
t resize-window -t w -x 70 -y 20
wait_for "Terminal too small"
t resize-window -t w -x 100 -y 30
wait_for "Finished"
t send-keys -t w F1
wait_for "Keys (Esc or q closes)"
t send-keys -t w Escape
wait_for "Finished"
t send-keys -t w Enter
wait_for "Choose the task"
t send-keys -t w q
i=0; while [ ! -s "$tmp/rc" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
[ "$(cat "$tmp/rc")" = 0 ] || fail "exit code $(cat "$tmp/rc"), wanted 0"
t kill-server

rm -f "$tmp/rc"
start wizard
wait_for "Choose the task"
t send-keys -t w B
wait_for "Who runs this ceremony?"
t send-keys -t w C-c
wait_for "A flow is running"
t send-keys -t w C-c
i=0; while [ ! -s "$tmp/rc" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
[ "$(cat "$tmp/rc")" = 6 ] || fail "Ctrl-C twice: exit code $(cat "$tmp/rc"), wanted 6"
# endwin ran: the alternate screen is gone and the terminal is back in cooked mode.
sleep 0.2
t capture-pane -p -t w | grep -q "A flow is running" && fail "screen not restored after Ctrl-C"
t capture-pane -p -t w | grep -q "Back up root-of-trust" && fail "screen not restored after Ctrl-C"
t kill-server

rm -f "$tmp/rc"
start topology
wait_for "Topology (read-only)"
wait_for "slot list"
t send-keys -t w r
wait_for "slot list"
t send-keys -t w q
i=0; while [ ! -s "$tmp/rc" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
[ "$(cat "$tmp/rc")" = 0 ] || fail "topology: exit code $(cat "$tmp/rc"), wanted 0"
t kill-server
rm -rf "$tmp"
echo "tmux wizard test passed"
