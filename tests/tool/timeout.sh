#!/usr/bin/env bash
# A token that stops answering (emulator --mute INS) cannot hang the tool:
# --timeout bounds every step, and when it runs out the tool names the
# reader and the step, says what the token now holds, exits with the
# documented code and never reports success.
#   reader 0: C302-i, never answers the seed write (C5): the write is in
#             flight, so the seed is unknown -> exit 6
#   reader 1: OTPC-P2-i, never answers get info (41): nothing was written
#             -> exit 5
. "$(dirname "$0")/lib.sh"

R0=$SAFEID_READER_0
R1=$SAFEID_READER_1
BOUND=3
printf '%s\n' GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ > "$WORK/new"

# timed RC-VAR SECS-VAR CMD...: run CMD (stdout/stderr to $WORK/t.out,
# $WORK/t.err), keep its exit code and how long it took (whole seconds).
timed() {
	local _rcv=$1 _secv=$2 _t0 _t1 _rc=0
	shift 2
	_t0=$(date +%s%N)
	"$@" > "$WORK/t.out" 2> "$WORK/t.err" || _rc=$?
	_t1=$(date +%s%N)
	printf -v "$_rcv" '%s' "$_rc"
	printf -v "$_secv" '%s' "$(( (_t1 - _t0) / 1000000000 ))"
}

# check_bound SECS: the tool waited the bound, and not much more.
check_bound() {
	[ "$1" -ge "$BOUND" ] || fail "gave up after $1 s, before the $BOUND s bound: $(cat "$WORK/t.err")"
	[ "$1" -le $((BOUND + 10)) ] || fail "took $1 s with --timeout $BOUND"
}

# says TEXT: the error message holds TEXT.
says() {
	grep -qF -- "$1" "$WORK/t.err" || fail "the message lacks '$1': $(cat "$WORK/t.err")"
}

no_success() {
	if grep -Eq '^(Done|Token clock set)' "$WORK/t.out"; then
		fail "success printed after a timeout: $(cat "$WORK/t.out")"
	fi
}

note "--timeout is checked like any number"
expect_rc 2 "$TOOL" --timeout 0 info
expect_rc 2 "$TOOL" --timeout soon info

note "reader 1 mute on get info: info gives up after $BOUND s, exit 5"
timed rc secs "$TOOL" --json --timeout "$BOUND" -r "$R1" info
[ "$rc" = 5 ] || fail "info: exit $rc, expected 5: $(cat "$WORK/t.err")"
check_bound "$secs"
says "reader '$R1'"
says "within $BOUND s at step 'read token info'"
says "previous seed"
/usr/bin/python3 - "$WORK/t.out" <<'PY' || fail "JSON after the timeout: $(cat "$WORK/t.out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is False and d["exit_code"] == 5, d
assert d["error"]["code"] == "timeout" and d["seed_state"] == "old", d
PY

note "reader 1: a burn gives up before writing anything, exit 5"
timed rc secs "$TOOL" --timeout "$BOUND" -r "$R1" burn --secret - --yes < "$WORK/new"
[ "$rc" = 5 ] || fail "burn: exit $rc, expected 5: $(cat "$WORK/t.err")"
check_bound "$secs"
says "reader '$R1'"
says "previous seed"
no_success
no_writes "$SAFEID_EMU_LOG_1"
grep -Eq '^80 41 .*----' "$SAFEID_EMU_LOG_1" || fail "the emulator never muted get info"
expect_rc 3 "$EMU" code --state "$SAFEID_EMU_STATE_1"

note "reader 0 mute on the seed write: burn gives up after $BOUND s, exit 6"
timed rc secs "$TOOL" --timeout "$BOUND" -r "$R0" burn --secret - --yes < "$WORK/new"
[ "$rc" = 6 ] || fail "burn: exit $rc, expected 6: $(cat "$WORK/t.err")"
check_bound "$secs"
says "reader '$R0'"
says "at step 'authenticate, write configuration, then seed'"
says "unknown"
says "burn again"
no_success
# The emulator: configuration written, seed write received but never
# answered (nor executed), so the token still has no seed.
grep -Eq '^84 D4 .*9000' "$SAFEID_EMU_LOG_0" || fail "the config write did not reach the token"
grep -Eq '^84 C5 .*----' "$SAFEID_EMU_LOG_0" || fail "the seed write was not the muted step"
expect_rc 3 "$EMU" code --state "$SAFEID_EMU_STATE_0"
# Nothing of the seed in what the tool printed.
if grep -qi GEZDGNBV "$WORK/t.out" "$WORK/t.err"; then
	fail "the seed appears in the output"
fi
# No burn record for a burn that was not confirmed.
[ -z "$(ls -A "$XDG_STATE_HOME/safeid" 2>/dev/null | grep -v lock || true)" ] ||
	fail "a burn record was written: $(ls "$XDG_STATE_HOME/safeid")"
echo PASS
