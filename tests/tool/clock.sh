#!/usr/bin/env bash
# clock: on an unrestricted model (C302-i) it sets the clock from the burn
# record and keeps the seed; on a restricted model (OTPC-P2-i) it refuses
# without --erase-seed (nothing written), and with it erases the seed; with
# neither a record nor options it refuses (never guesses the config).
. "$(dirname "$0")/lib.sh"

S=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
R0=$SAFEID_READER_0 # C302-i, unrestricted
R1=$SAFEID_READER_1 # OTPC-P2-i, restricted
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
uri() { printf 'otpauth://totp/Clock:%s?secret=%s&period=60&issuer=Clock' "$1" "$S"; }

note "burn both tokens (SHA-1, 60 s, display 120 s)"
uri unrestricted | "$TOOL" burn -r "$R0" --uri - --display 120 --yes
uri restricted | "$TOOL" burn -r "$R1" --uri - --display 120 --yes
expect_burned "$SAFEID_EMU_STATE_0" "$S" SHA1 60
expect_burned "$SAFEID_EMU_STATE_1" "$S" SHA1 60

note "both token clocks drift 5 minutes ahead"
skew_state "$SAFEID_EMU_STATE_0" "$WORK/t0.state" 300
skew_state "$SAFEID_EMU_STATE_1" "$WORK/t1.state" 300
swap_state 0 "$WORK/t0.state"
swap_state 1 "$WORK/t1.state"
"$TOOL" -r "$R0" info --json > "$WORK/i0.json"
D=$(json_field "$WORK/i0.json" drift_seconds)
[ "$D" -ge 298 ] && [ "$D" -le 302 ] || fail "drift $D, expected about +300"

note "unrestricted: clock from the burn record keeps the seed"

"$TOOL" -r "$R0" clock --json > "$WORK/c0.json"
[ "$(json_field "$WORK/c0.json" config_source)" = "burn record" ] || fail "config not from the record"
[ "$(json_field "$WORK/c0.json" display)" = 120 ] || fail "display not from the record"
"$TOOL" -r "$R0" info --json > "$WORK/i0.json"
D=$(json_field "$WORK/i0.json" drift_seconds)
[ "$D" -ge -2 ] && [ "$D" -le 2 ] || fail "drift after clock $D"
expect_burned "$WORK/t0.state" "$S" SHA1 60
grep -E '^84 ' "$SAFEID_EMU_LOG_0" | tail -1 | grep '^84 D4' >/dev/null || fail "last write was not a config write"

note "restricted: refused without --erase-seed, nothing written"
n=$(writes "$SAFEID_EMU_LOG_1")
expect_rc 7 "$TOOL" -r "$R1" clock
[ "$(writes "$SAFEID_EMU_LOG_1")" = "$n" ] || fail "a write reached the restricted token"
expect_burned "$WORK/t1.state" "$S" SHA1 60

note "restricted with --erase-seed but no terminal and no --yes: refused"
expect_rc 7 setsid -w "$TOOL" -r "$R1" clock --erase-seed < /dev/null
[ "$(writes "$SAFEID_EMU_LOG_1")" = "$n" ] || fail "a write reached the restricted token"

note "restricted with --erase-seed --yes: clock set, seed erased and said so"
"$TOOL" -r "$R1" clock --erase-seed --yes --json > "$WORK/c1.json"
[ "$(json_field "$WORK/c1.json" seed_state)" = erased ] || fail "seed state not erased: $(cat "$WORK/c1.json")"
grep -qi "erase" "$WORK/c1.json" || fail "seed erasure not reported: $(cat "$WORK/c1.json")"
expect_rc 3 "$EMU" code --state "$WORK/t1.state"
"$TOOL" -r "$R1" info --json > "$WORK/i1.json"
D=$(json_field "$WORK/i1.json" drift_seconds)
[ "$D" -ge -2 ] && [ "$D" -le 2 ] || fail "drift after clock $D"

note "no burn record and no options: refused, nothing written"
rm -rf "$XDG_STATE_HOME/safeid"
n=$(writes "$SAFEID_EMU_LOG_0")
expect_rc 2 "$TOOL" -r "$R0" clock
[ "$(writes "$SAFEID_EMU_LOG_0")" = "$n" ] || fail "a write reached the token"

note "no record, configuration given as options: done"
"$TOOL" -r "$R0" clock --hash sha1 --step 60 --display 120 --json > "$WORK/c2.json"
[ "$(json_field "$WORK/c2.json" config_source)" = "options" ] || fail "config not from options"
expect_burned "$WORK/t0.state" "$S" SHA1 60
echo PASS
