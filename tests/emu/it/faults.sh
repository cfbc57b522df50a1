#!/usr/bin/env bash
# shellcheck disable=SC2015  # "A && B || fail": fail exits, so it reads as if-then
# Every fault option of safeid-emu, seen through PC/SC: what the reader
# gets back, what the token then holds, what the log says.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../harness/it/lib.sh
. "$here/../../harness/it/lib.sh"

SERIAL=8659632000001
INFO_LEN=17 # 3+1+13+2+4 = 23 bytes of get-info data = 0x17

case_t0() {
	local out
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_INFO" "00C00000$INFO_LEN")
	[ "$(sed -n 1p <<<"$out")" = 61$INFO_LEN ] || fail "T=0: get info gave $(sed -n 1p <<<"$out"), not 61$INFO_LEN"
	local data
	data=$(sed -n 2p <<<"$out")
	[ ${#data} -eq $((2 * 23 + 4)) ] && [ "$(sw_of "$data")" = 9000 ] &&
		[ "${data:6:2}" = 0D ] || fail "T=0: GET RESPONSE gave $data"
	# challenge data comes the same way; auth has no data: plain 9000
	apdu_open "$SAFEID_READER_0"
	apdu "$GET_CHALLENGE"
	[ "$REPLY" = 6108 ] || fail "T=0: challenge gave $REPLY"
	apdu 00C0000008
	[ ${#REPLY} -eq 20 ] || fail "T=0: challenge GET RESPONSE gave $REPLY"
	apdu "$(auth_apdu "${REPLY:0:16}")"
	[ "$REPLY" = 9000 ] || fail "T=0: authenticate gave $REPLY"
	apdu_close
	ok "--t0 answers 61XX and hands the data over on GET RESPONSE"
}

case_wrong_le() {
	local out
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_INFO" "${GET_INFO}$INFO_LEN" "$GET_CHALLENGE" "${GET_CHALLENGE}08")
	[ "$(sed -n 1p <<<"$out")" = 6C$INFO_LEN ] || fail "--wrong-le: get info without Le gave $(sed -n 1p <<<"$out")"
	[ "$(sw_of "$(sed -n 2p <<<"$out")")" = 9000 ] && [ "$(sed -n 2p <<<"$out" | wc -c)" -eq 51 ] ||
		fail "--wrong-le: get info with Le gave $(sed -n 2p <<<"$out")"
	[ "$(sed -n 3p <<<"$out")" = 6C08 ] || fail "--wrong-le: challenge gave $(sed -n 3p <<<"$out")"
	[ "$(sed -n 4p <<<"$out" | wc -c)" -eq 21 ] || fail "--wrong-le: challenge with Le gave $(sed -n 4p <<<"$out")"
	ok "--wrong-le answers 6CXX, then the data when Le is right"
}

case_foreign() {
	local out
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_INFO" "$GET_CHALLENGE" 00A4040007A0000006472F0001)
	[ "$out" = $'6D00\n6D00\n6D00' ] || fail "--foreign: got $out"
	ok "--foreign answers 6D00 to everything"
}

case_locked() {
	apdu_open "$SAFEID_READER_0"
	apdu "$GET_CHALLENGE"
	apdu "$(auth_apdu "${REPLY:0:16}")"
	[ "$REPLY" = 6983 ] || fail "--locked: a correct authenticate gave $REPLY"
	apdu "$KAT_CONFIG"
	[ "$REPLY" = 6983 ] || fail "--locked: config after a refused authenticate gave $REPLY"
	apdu_close
	ok "--locked refuses authentication with 6983"
}

case_sw() {
	local out
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_INFO" "$GET_CHALLENGE")
	[ "$(sed -n 1p <<<"$out")" = 6A80 ] || fail "--sw 41=6A80: get info gave $out"
	[ "$(sw_of "$(sed -n 2p <<<"$out")")" = 9000 ] || fail "--sw 41=6A80 hit another INS: $out"
	ok "--sw answers the chosen status word to the chosen INS only"
}

case_garbage() {
	local out
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_INFO")
	[ "$out" = DEADBEEF559000 ] || fail "--garbage 41: got $out"
	ok "--garbage answers malformed data with 9000"
}

case_drop() {
	local out
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_INFO" "$GET_INFO" "$GET_INFO" 2>/dev/null) || true
	# vpcd reports the closed link as an empty (0-byte) answer, then errors
	[ "$(sed -n 1p <<<"$out")" != "" ] && [ "$(sed -n 2p <<<"$out")" = "" ] ||
		fail "--drop 2: the second APDU was answered: $out"
	pcsc-wait --reader "$SAFEID_READER_0" --absent --timeout 10000 || fail "card still present after the drop"
	grep -q -x '80 41 00 00 ---- drop' "$SAFEID_EMU_LOG_0" || fail "log lacks the drop: $(cat "$SAFEID_EMU_LOG_0")"
	safeid-emu ctl --ctl "$SAFEID_EMU_CTL_0" insert >/dev/null
	pcsc-wait --reader "$SAFEID_READER_0" --present --timeout 10000 || fail "card not back after insert"
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_INFO")
	[ "$(sw_of "$out")" = 9000 ] || fail "get info after re-insert: $out"
	ok "--drop cuts the link at the Nth APDU; the card stays out until insert"
}

case_drop_exec() {
	local out
	apdu_open "$SAFEID_READER_0"
	apdu "$GET_CHALLENGE"
	apdu "$(auth_apdu "${REPLY:0:16}")"
	apdu "$KAT_SEED20" # APDU 3: executed, then the link is cut
	[ -z "$REPLY" ] || fail "--drop-exec 3: the seed write was answered: $REPLY"
	apdu_close
	out=$(safeid-emu show --state "$SAFEID_EMU_STATE_0" --json)
	[ "$(json_field "$out" has_seed)" = true ] || fail "--drop-exec: the seed was not stored: $out"
	grep -q -x '84 C5 01 00 9000 drop-exec' "$SAFEID_EMU_LOG_0" || fail "log lacks drop-exec: $(cat "$SAFEID_EMU_LOG_0")"
	ok "--drop-exec executes the Nth APDU, then cuts the link unanswered"
}

case_mute() {
	local out pid
	pcsc-apdu --reader "$SAFEID_READER_0" "$GET_CHALLENGE" "$GET_INFO" >"$SAFEID_HARNESS_DIR/mute.out" 2>&1 &
	pid=$!
	# wait until the muted APDU is there, then take the card away
	out=$(safeid-emu ctl --ctl "$SAFEID_EMU_CTL_0" wait-count 2) || fail "wait-count: $out"
	safeid-emu ctl --ctl "$SAFEID_EMU_CTL_0" remove >/dev/null
	wait "$pid" || true
	out=$(cat "$SAFEID_HARNESS_DIR/mute.out")
	[ "$(sed -n 2p <<<"$out")" = "" ] || fail "--mute 41: get info was answered: $out"
	grep -q -x '80 41 00 00 ---- mute' "$SAFEID_EMU_LOG_0" || fail "log lacks the mute"
	ok "--mute never answers; removing the card ends the wait with an empty answer"
}

case_ctl_fault() {
	local out
	safeid-emu ctl --ctl "$SAFEID_EMU_CTL_0" fault "--sw 4B=6A80" >/dev/null
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_CHALLENGE")
	[ "$out" = 6A80 ] || fail "ctl fault --sw 4B=6A80: got $out"
	safeid-emu ctl --ctl "$SAFEID_EMU_CTL_0" fault "" >/dev/null
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_CHALLENGE")
	[ "$(sw_of "$out")" = 9000 ] || fail "faults not cleared: $out"
	! safeid-emu ctl --ctl "$SAFEID_EMU_CTL_0" fault "--bogus" 2>/dev/null || fail "bad fault accepted"
	[ "$(safeid-emu ctl --ctl "$SAFEID_EMU_CTL_0" count)" = 2 ] || fail "count is not 2"
	ok "ctl fault sets and clears faults at run time; count counts APDUs"
}

case_load() {
	local other=$SAFEID_HARNESS_DIR/other.state out
	safeid-emu init --state "$other" --serial 8659622000777
	out=$(safeid-emu ctl --ctl "$SAFEID_EMU_CTL_0" load "$other")
	[ "$out" = "ok loaded 8659622000777" ] || fail "load: $out"
	pcsc-wait --reader "$SAFEID_READER_0" --present --timeout 10000 || fail "loaded token not seen"
	out=$(pcsc-apdu --reader "$SAFEID_READER_0" "$GET_INFO")
	[ "${out:8:26}" = 38363539363232303030373737 ] || fail "get info after load: $out"
	ok "ctl load swaps in another token"
}

if [ "${1:-}" = inner ]; then
	"case_$2"
	exit 0
fi
need_root
need_env
run() { # name emu-args
	"$SAFEID_HARNESS" --token "$SERIAL" --emu-args "$2" -- bash "$0" inner "$1" ||
		fail "case $1 (emu args '$2')"
}
run t0 "--t0"
run wrong_le "--wrong-le"
run foreign "--foreign"
run locked "--locked"
run sw "--sw 41=6A80"
run garbage "--garbage 41"
run drop "--drop 2"
run drop_exec "--drop-exec 3"
run mute "--mute 41"
run ctl_fault ""
run load ""
