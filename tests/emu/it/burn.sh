#!/usr/bin/env bash
# shellcheck disable=SC2015  # "A && B || fail": fail exits, so it reads as if-then
# The emulator through the whole PC/SC stack: the protocol document's
# known-answer APDUs burn a token, the code it then shows must equal
# oathtool's, its state survives an emulator restart, and the APDU log
# holds headers and status words only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../harness/it/lib.sh
. "$here/../../harness/it/lib.sh"

# Authenticate on the open session (challenge, then the answer to it).
authenticate() {
	apdu "$GET_CHALLENGE"
	[ "$(sw_of "$REPLY")" = 9000 ] && [ ${#REPLY} -eq 20 ] || fail "get challenge: $REPLY"
	apdu "$(auth_apdu "${REPLY:0:16}")"
	[ "$REPLY" = 9000 ] || fail "authenticate with a correct answer gave $REPLY"
}

# Compare the token's code with oathtool's for the same secret.
check_code() { # state hexseed hash step
	local out code tt want alg=()
	out=$(safeid-emu code --state "$1" --json) || fail "safeid-emu code failed: $out"
	code=$(json_field "$out" code)
	tt=$(json_field "$out" token_time)
	[ "$(json_field "$out" hash)" = "$3" ] || fail "hash is not $3: $out"
	[ "$(json_field "$out" step)" = "$4" ] || fail "step is not $4: $out"
	[ "$3" = SHA256 ] && alg=(--totp=SHA256) || alg=(--totp)
	want=$(oathtool "${alg[@]}" -d 6 --time-step-size="$4"s -N "@$tt" "$2")
	[ "$code" = "$want" ] || fail "token shows $code at $tt, oathtool says $want"
	ok "code $code at token time $tt equals oathtool ($3, $4 s)"
}

inner() {
	local r=$SAFEID_READER_0 st=$SAFEID_EMU_STATE_0 out
	apdu_open "$r"
	apdu "$GET_INFO"
	[ "$(sw_of "$REPLY")" = 9000 ] || fail "get info: $REPLY"
	# hdr[3] | N=13 | "8659632000001" in ASCII | sep[2] | time[4]
	[ "${REPLY:6:2}" = 0D ] && [ "${REPLY:8:26}" = 38363539363332303030303031 ] ||
		fail "get info does not carry the serial: $REPLY"
	authenticate
	apdu "$KAT_CONFIG"
	[ "$REPLY" = 9000 ] || fail "known-answer config write gave $REPLY"
	apdu "$KAT_SEED20"
	[ "$REPLY" = 9000 ] || fail "known-answer seed write gave $REPLY"
	apdu "$GET_INFO"
	apdu_close
	# the config set the clock to 2026-01-01T00:00:00Z a moment ago
	local clock=$((16#${REPLY:38:8}))
	[ "$clock" -ge 1767225600 ] && [ "$clock" -le 1767225700 ] ||
		fail "token clock $clock is not the one written (1767225600)"
	ok "burned through PC/SC; clock $clock"
	check_code "$st" 3132333435363738393031323334353637383930 SHA256 60

	out=$(safeid-emu show --state "$st" --json)
	[ "$(json_field "$out" has_seed)" = true ] || fail "show: $out"
	[ "$(json_field "$out" display)" = 30 ] || fail "display is not 30 s: $out"
	[ "$(stat -c %a "$st")" = 600 ] || fail "state file mode is $(stat -c %a "$st"), not 600"
	! grep -q -i 3132333435363738 "$st.tmp"* 2>/dev/null || fail "a temporary state file was left"

	# A 32-byte seed replaces it, SHA-256 and 60 s stay.
	apdu_open "$r"
	authenticate
	apdu "$KAT_SEED32"
	[ "$REPLY" = 9000 ] || fail "known-answer 32-byte seed write gave $REPLY"
	apdu_close
	check_code "$st" 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f SHA256 60

	# The log: one line per APDU, header and SW only, never data.
	local lines
	lines=$(wc -l <"$SAFEID_EMU_LOG_0")
	[ "$lines" -eq 9 ] || fail "log has $lines lines, 9 APDUs were sent: $(cat "$SAFEID_EMU_LOG_0")"
	if grep -v -E '^[0-9A-F]{2} [0-9A-F]{2} [0-9A-F]{2} [0-9A-F]{2} ([0-9A-F]{4}|----)( [a-z-]+)?$' "$SAFEID_EMU_LOG_0"; then
		fail "log lines above are not header + SW"
	fi
	ok "APDU log holds headers and status words only"

	# The token survives an emulator restart: stop it by PID, start anew.
	kill -TERM "$SAFEID_EMU_PID_0"
	pcsc-wait --reader "$r" --absent --timeout 10000 || fail "card did not leave with the emulator"
	safeid-emu run --state "$st" --port "$SAFEID_EMU_PORT_0" --ctl "$SAFEID_HARNESS_DIR/again.ctl" &
	local again=$!
	pcsc-wait --reader "$r" --present --timeout 10000 || fail "restarted emulator not seen"
	out=$(pcsc-apdu --reader "$r" "$GET_INFO")
	[ "$(sw_of "$out")" = 9000 ] || fail "get info after restart: $out"
	check_code "$st" 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f SHA256 60
	kill -TERM "$again"
	wait "$again" || fail "restarted emulator exited with $?"
	ok "state survived the restart"
}

if [ "${1:-}" = inner ]; then
	inner
	exit 0
fi
need_root
need_env
"$SAFEID_HARNESS" --token 8659632000001 -- bash "$0" inner
