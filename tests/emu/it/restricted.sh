#!/usr/bin/env bash
# Restricted sync: a config write erases the seed on a restricted model
# (OTPC-P2-i, 8659622...) and keeps it on an unrestricted one (C302-i).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../harness/it/lib.sh
. "$here/../../harness/it/lib.sh"

burn_then_config() { # reader
	apdu_open "$1"
	apdu "$GET_CHALLENGE"
	apdu "$(auth_apdu "${REPLY:0:16}")"
	[ "$REPLY" = 9000 ] || fail "authenticate gave $REPLY"
	apdu "$KAT_SEED20"
	[ "$REPLY" = 9000 ] || fail "seed write gave $REPLY"
	apdu "$KAT_CONFIG"
	[ "$REPLY" = 9000 ] || fail "config write gave $REPLY"
	apdu_close
}

inner() {
	local out rc=0
	burn_then_config "$SAFEID_READER_0"
	burn_then_config "$SAFEID_READER_1"
	out=$(safeid-emu show --state "$SAFEID_EMU_STATE_0" --json)
	[ "$(json_field "$out" restricted_sync)" = true ] || fail "8659622 not restricted: $out"
	[ "$(json_field "$out" has_seed)" = false ] || fail "restricted model kept its seed: $out"
	safeid-emu code --state "$SAFEID_EMU_STATE_0" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 3 ] || fail "code on a seedless token exited $rc, not 3"
	ok "restricted model (OTPC-P2-i) lost its seed on config"
	out=$(safeid-emu show --state "$SAFEID_EMU_STATE_1" --json)
	[ "$(json_field "$out" restricted_sync)" = false ] || fail "8659632 restricted: $out"
	[ "$(json_field "$out" has_seed)" = true ] || fail "unrestricted model lost its seed: $out"
	ok "unrestricted model (C302-i) kept its seed"
}

if [ "${1:-}" = inner ]; then
	inner
	exit 0
fi
need_root
need_env
"$SAFEID_HARNESS" --token 8659622000002 --token 8659632000003 -- bash "$0" inner
