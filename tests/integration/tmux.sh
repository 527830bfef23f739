# The UI tests' tmux helpers (tui.sh, views.sh): a detached session
# "ui" on a socket of the test's own, the screen read with capture-pane.
# Sourced after lib.sh; without tmux the sourcing test skips, whole.
if ! command -v tmux >/dev/null; then
	skip "tmux is not installed"
	done_testing
	exit
fi
export LC_ALL=C.UTF-8
SOCK="$TMP/tmux.sock"
T() { tmux -S "$SOCK" -f /dev/null "$@"; }
screen() { sleep "${1:-0.4}"; T capture-pane -p -t ui >"$TMP/screen"; }
has() { # has TEXT DESCRIPTION: waits up to 5 s for TEXT to show
	for _ in $(seq 1 50); do
		grep -qF -- "$1" "$TMP/screen" && break
		sleep 0.1
		T capture-pane -p -t ui >"$TMP/screen"
	done
	if grep -qF -- "$1" "$TMP/screen"; then
		ok 0 "$2"
	else
		ok 1 "$2"
		sed 's/^/#   | /' "$TMP/screen" | head -40
	fi
}
hasnt() {
	if grep -qF -- "$1" "$TMP/screen"; then
		ok 1 "$2"
		sed 's/^/#   | /' "$TMP/screen" | head -40
	else
		ok 0 "$2"
	fi
}
start() { # start COLS ROWS COMMAND
	T kill-server 2>/dev/null
	# the old server takes a moment to go; a new one on the same socket
	# can die with it, so try until the session is really there
	for _ in $(seq 1 50); do
		T has-session -t ui 2>/dev/null || break
		sleep 0.1
	done
	for _ in $(seq 1 20); do
		T new-session -d -s ui -x "$1" -y "$2" "cd '$TMP' && $3; echo EXIT=\$?; sleep 30" 2>/dev/null
		sleep 0.2
		T has-session -t ui 2>/dev/null && break
	done
}
wait_for() { # wait_for TEXT [SECONDS]: poll the screen until TEXT shows
	for _ in $(seq 1 $((${2:-5} * 10))); do
		T capture-pane -p -t ui >"$TMP/screen"
		grep -qF -- "$1" "$TMP/screen" && return 0
		sleep 0.1
	done
	return 1
}
# shows TEXT DESCRIPTION: waits up to 5 s for TEXT, then says ok or not
shows() {
	if wait_for "$1"; then
		ok 0 "$2"
	else
		ok 1 "$2"
		sed 's/^/#   | /' "$TMP/screen" | head -30
	fi
}
# click X Y: a left click at column X, row Y (from 0), as an xterm
# reports it (X10 mouse protocol: ESC [ M, then button, x, y plus 33)
click() {
	c=$(printf "\\$(printf %o $((33 + $1)))")
	r=$(printf "\\$(printf %o $((33 + $2)))")
	T send-keys -t ui -l "$(printf '\033[M ')$c$r"
	T send-keys -t ui -l "$(printf '\033[M#')$c$r"
}
# press TEXT DESCRIPTION KEY...: sends the keys, then shows TEXT
press() {
	text=$1
	desc=$2
	shift 2
	T send-keys -t ui "$@"
	shows "$text" "$desc"
}
