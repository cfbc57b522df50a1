#!/usr/bin/env bash
# `safeid-emu ctl remove` takes the card out (PC/SC sees the reader empty),
# `insert` puts it back, `power-cycle` is seen as out-and-in; the token
# loses its authentication on the way.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

inner() {
	local r=$SAFEID_READER_0 c=$SAFEID_EMU_CTL_0 out
	out=$(safeid-emu ctl --ctl "$c" remove)
	[ "$out" = "ok removed" ] || fail "remove: $out"
	pcsc-wait --reader "$r" --absent --timeout 10000 || fail "card still present after remove"
	out=$(pcsc-apdu --reader "$r" "$GET_INFO" 2>&1) && fail "APDU reached a removed card: $out"
	ok "remove: PC/SC sees the reader empty"
	out=$(safeid-emu ctl --ctl "$c" insert)
	[ "$out" = "ok inserted" ] || fail "insert: $out"
	pcsc-wait --reader "$r" --present --timeout 10000 || fail "card absent after insert"
	ok "insert: PC/SC sees the card again"

	# authenticated, then power-cycled: the session sees the card go, and
	# the token forgot the authentication
	apdu_open "$r"
	apdu "$GET_CHALLENGE"
	apdu "$(auth_apdu "${REPLY:0:16}")"
	[ "$REPLY" = 9000 ] || fail "authenticate: $REPLY"
	out=$(safeid-emu ctl --ctl "$c" power-cycle)
	[ "$out" = "ok power-cycled" ] || fail "power-cycle: $out"
	apdu "$GET_INFO"
	[[ "$REPLY" = ERROR* ]] || fail "the old session survived a power cycle: $REPLY"
	apdu_close
	pcsc-wait --reader "$r" --present --timeout 10000 || fail "card not back after power-cycle"
	out=$(pcsc-apdu --reader "$r" "$KAT_CONFIG")
	[ "$out" = 6983 ] || fail "authentication survived the power cycle: $out"
	ok "power-cycle: seen by PC/SC, authentication lost"
}

if [ "${1:-}" = inner ]; then
	inner
	exit 0
fi
need_root
need_env
"$SAFEID_HARNESS" --token 8659632000001 -- bash "$0" inner
