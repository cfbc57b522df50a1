#!/usr/bin/env bash
# A token that refuses or garbles a step of the burn: the tool exits with
# the documented code and says truthfully what the token now holds (old
# seed, no seed, unknown); authentication is never retried after 6983.
. "$(dirname "$0")/lib.sh"

R0=$SAFEID_READER_0 # C302-i: a config write keeps the seed
R1=$SAFEID_READER_1 # OTPC-P2-i: a config write erases the seed
OLD=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
NEW=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
printf '%s\n' "$OLD" > "$WORK/old"
printf '%s\n' "$NEW" > "$WORK/new"
"$TOOL" -r "$R0" burn --secret - --yes < "$WORK/old" > /dev/null
"$TOOL" -r "$R1" burn --secret - --yes < "$WORK/old" > /dev/null

# case I READER FAULT WANT-EXIT WANT-STATE-WORD WANT-JSON-STATE
case_() {
	local i=$1 r=$2 fault=$3 want=$4 word=$5 state=$6 ctl=SAFEID_EMU_CTL_$1 rc=0
	note "reader $i, fault '$fault': exit $want, token holds: $word"
	"$EMU" ctl --ctl "${!ctl}" fault "$fault" > /dev/null
	"$TOOL" --json -r "$r" burn --secret - --yes < "$WORK/new" > "$WORK/f.json" 2> "$WORK/f.err" || rc=$?
	"$EMU" ctl --ctl "${!ctl}" fault "" > /dev/null
	[ "$rc" = "$want" ] || fail "exit $rc, expected $want: $(cat "$WORK/f.err")"
	grep -qi -- "$word" "$WORK/f.err" || fail "message does not say '$word': $(cat "$WORK/f.err")"
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] is False and d["seed_state"] == sys.argv[2], d' "$WORK/f.json" "$state" ||
		fail "JSON lacks the seed state: $(cat "$WORK/f.json")"
}

case_ 0 "$R0" "--locked" 5 "previous seed" old
[ "$(grep -c '^80 CE' "$SAFEID_EMU_LOG_0")" = 2 ] || fail "authentication was retried after 6983"
expect_burned "$SAFEID_EMU_STATE_0" "$OLD" SHA1 30

case_ 0 "$R0" "--sw D4=6700" 5 "previous seed" old
expect_burned "$SAFEID_EMU_STATE_0" "$OLD" SHA1 30

case_ 0 "$R0" "--sw C5=6A80" 5 "previous seed" old
expect_burned "$SAFEID_EMU_STATE_0" "$OLD" SHA1 30

case_ 1 "$R1" "--sw C5=6A80" 6 "no seed" erased
expect_rc 3 "$EMU" code --state "$SAFEID_EMU_STATE_1"

case_ 1 "$R1" "--garbage C5" 6 "unknown" unknown
echo PASS
