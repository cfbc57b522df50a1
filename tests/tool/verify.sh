#!/usr/bin/env bash
# verify: the right code matches at offset 0; a wrong code does not; codes of
# a token whose clock runs ahead or behind match with the right offset in
# steps; a code beyond the window does not match.
. "$(dirname "$0")/lib.sh"

S=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA
printf '%s\n' "$S" > "$WORK/secret"
chmod 600 "$WORK/secret"
sec() { "$TOOL" "$@" --secret - --hash sha256 --step 60 --account verify < "$WORK/secret"; }

sec burn --yes
expect_burned "$SAFEID_EMU_STATE_0" "$S" SHA256 60
T=$(( $(date +%s) / 60 * 60 + 30 )) # mid-step: a 1 s lag of the token clock cannot change its code

# json_field FILE KEY
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

note "right code: match, offset 0"
C=$("$EMU" code --state "$SAFEID_EMU_STATE_0" --at "$T")
sec verify --at "$T" --code "$C" --json > "$WORK/v.json"
[ "$(json_field "$WORK/v.json" match)" = True ] || fail "right code did not match"
[ "$(json_field "$WORK/v.json" offset_steps)" = 0 ] || fail "offset not 0"

note "right code typed with a space, read from stdin"
"$TOOL" verify --uri-file <(printf 'otpauth://totp/v?secret=%s&algorithm=SHA256&period=60' "$S") \
	--at "$T" --code - <<< "${C:0:3} ${C:3:3}" | grep MATCH >/dev/null || fail "spaced code not accepted"

note "a code piped in without --code is read from stdin"
printf 'otpauth://totp/v?secret=%s&algorithm=SHA256&period=60' "$S" > "$WORK/v.uri"
printf '%s\n' "$C" | "$TOOL" verify --uri-file "$WORK/v.uri" --at "$T" | grep MATCH >/dev/null ||
	fail "piped code not read"

note "wrong code: no match, exit 1"
W=$(printf '%06d' $(( (10#$C + 500000) % 1000000 )))
expect_rc 1 sec verify --at "$T" --code "$W"

note "token 3 steps ahead (its display at host time T is the code of T+180)"
C3=$("$EMU" code --state "$SAFEID_EMU_STATE_0" --at $((T + 180)))
sec verify --at "$T" --code "$C3" --json > "$WORK/v3.json"
[ "$(json_field "$WORK/v3.json" offset_steps)" = 3 ] || fail "offset not +3: $(cat "$WORK/v3.json")"

note "token clock really skewed: the emulator's clock set 2 steps behind"
skew_state "$SAFEID_EMU_STATE_0" "$WORK/skewed.state" -120
swap_state 0 "$WORK/skewed.state"
"$TOOL" info --json > "$WORK/info.json"
D=$(json_field "$WORK/info.json" drift_seconds)
[ "$D" -le -118 ] && [ "$D" -ge -122 ] || fail "info drift $D, expected about -120"
T=$(( $(date +%s) / 60 * 60 + 30 )) # mid-step: a 1 s lag of the token clock cannot change its code
CB=$("$EMU" code --state "$WORK/skewed.state" --at "$T")
sec verify --at "$T" --code "$CB" > "$WORK/v2.txt"
grep -q "2 steps (about 120 s) behind" "$WORK/v2.txt" || fail "drift not reported: $(cat "$WORK/v2.txt")"

note "beyond the window: no match"
C20=$("$EMU" code --state "$SAFEID_EMU_STATE_0" --at $((T + 20 * 60)))
expect_rc 1 sec verify --at "$T" --code "$C20" --window 10
sec verify --at "$T" --code "$C20" --window 25 --json > "$WORK/v20.json"
[ "$(json_field "$WORK/v20.json" offset_steps)" = 20 ] || fail "offset not 20 with a wide window"

note "code agrees with oathtool"
got=$(sec code --at "$T" --count 1)
want=$(oath_code "$S" "$T" SHA256 60)
[ "${got%% *}" = "$want" ] || fail "code says $got, oathtool $want"
echo PASS
