#!/usr/bin/env bash
# TUI smoke test: start kstone-shell in a real terminal (tmux, 120x40),
# type statements, read the screen with capture-pane, and quit cleanly.
# Run by .ci/run; needs tmux (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null; then
	if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
		apt-get install -y tmux >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y tmux >/dev/null 2>&1)
	fi
fi
if ! command -v tmux >/dev/null; then
	echo "tui-smoke: SKIP (no tmux and it cannot be installed)"
	exit 0
fi

work=$(mktemp -d)
sock="kstone-smoke-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/kstone-shell" ./cmd/kstone-shell
export XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data"
tmux -L "$sock" new-session -d -s smoke -x 120 -y 40 \
	"$work/kstone-shell $work/smoke.keystone; echo \$? > $work/exit-status; sleep 5"

screen() { tmux -L "$sock" capture-pane -p -t smoke; }
wait_for() {
	for _ in $(seq 1 100); do
		if screen | grep -qF -- "$1"; then return 0; fi
		sleep 0.1
	done
	echo "tui-smoke: FAIL: \"$1\" never appeared; the screen was:"
	screen
	exit 1
}
send() { tmux -L "$sock" send-keys -t smoke -l -- "$1"; tmux -L "$sock" send-keys -t smoke Enter; }

wait_for "kstone>"
wait_for "Healthy"
send 'put {"pk": "user#1", "name": "Alice", "age": 30}'
wait_for "OK (no output)"
send 'update user#1 SET age = age + 1 return all_new'
wait_for "31"
send 'get user#1'
wait_for "Alice"
# A parse error shows with its caret before Enter.
tmux -L "$sock" send-keys -t smoke -l -- 'update user#1 SET a = = 1'
wait_for "Invalid UpdateExpression"
tmux -L "$sock" send-keys -t smoke C-c   # clears the input
send '.quit'
for _ in $(seq 1 50); do
	[ -s "$work/exit-status" ] && break
	sleep 0.1
done
status=$(cat "$work/exit-status" 2>/dev/null || echo "none")
if [ "$status" != 0 ]; then
	echo "tui-smoke: FAIL: exit status $status"
	screen
	exit 1
fi
[ -s "$work/state/kstone-shell/history" ] || { echo "tui-smoke: FAIL: no history file"; exit 1; }
perm=$(stat -c %a "$work/state/kstone-shell/history")
[ "$perm" = 600 ] || { echo "tui-smoke: FAIL: history mode $perm, want 600"; exit 1; }
echo "tui-smoke: ok"
