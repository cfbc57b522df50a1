#!/usr/bin/env bash
# The harness's own contract: its exit status is the command's (125 for
# its own failures), and when it returns - normally or interrupted - the
# pcscd and emulators it started are gone and its directory removed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

need_root
need_env
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# exit status
rc=0
"$SAFEID_HARNESS" --token 8659632000001 -- sh -c 'exit 7' || rc=$?
[ "$rc" -eq 7 ] || fail "harness exited $rc, the command 7"
rc=0
"$SAFEID_HARNESS" --token 8659632000001 -- true || rc=$?
[ "$rc" -eq 0 ] || fail "harness exited $rc for a command that succeeded"
rc=0
"$SAFEID_HARNESS" --bogus -- true 2>/dev/null || rc=$?
[ "$rc" -eq 125 ] || fail "bad option: harness exited $rc, not 125"
rc=0
"$SAFEID_HARNESS" --token 12AB -- true 2>"$work/err" || rc=$?
[ "$rc" -eq 125 ] || fail "bad serial: harness exited $rc, not 125"
grep -q 12AB "$work/err" || fail "bad serial: message does not name it: $(cat "$work/err")"
ok "exit status is the command's; 125 for the harness's own failures"

# everything stopped after a normal return
gone() { # file with "pcscd-pid emu-pid... dir"
	local p
	read -r -a p <"$1"
	for pid in "${p[@]:0:${#p[@]}-1}"; do
		! kill -0 "$pid" 2>/dev/null || fail "process $pid still runs after the harness returned"
	done
	[ ! -e "${p[-1]}" ] || fail "harness directory ${p[-1]} was not removed"
}
# shellcheck disable=SC2016  # expanded by the inner shell
"$SAFEID_HARNESS" --token 8659632000001 --empty-reader -- sh -c \
	'echo "$SAFEID_PCSCD_PID $SAFEID_EMU_PID_0 $SAFEID_EMU_PID_1 $SAFEID_HARNESS_DIR" >"$1"' sh "$work/pids"
gone "$work/pids"
ok "pcscd and emulators gone, directory removed after a normal return"

# ... and after SIGTERM while the command runs: the command reports its
# PIDs through one FIFO, then blocks on another that nobody writes.
mkfifo "$work/ready" "$work/block"
# shellcheck disable=SC2016
"$SAFEID_HARNESS" --token 8659632000001 -- bash -c \
	'echo "$SAFEID_PCSCD_PID $SAFEID_EMU_PID_0 $$ $SAFEID_HARNESS_DIR" >"$1"; read -r _ <>"$2"' \
	sh "$work/ready" "$work/block" &
hpid=$!
read -r -t 30 line <>"$work/ready" || fail "the harness did not start the command within 30 s"
echo "$line" >"$work/pids"
kill -TERM "$hpid"
rc=0
wait "$hpid" || rc=$?
[ "$rc" -eq 143 ] || fail "interrupted harness exited $rc, not 143"
gone "$work/pids"
ok "SIGTERM: command, pcscd and emulators stopped, directory removed"
