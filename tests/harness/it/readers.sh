#!/usr/bin/env bash
# Two tokens on two readers, both visible with their cards and their own
# serials; an --empty-reader is there without a card; the environment the
# harness promises is complete.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

serial_of() { # reader -> serial from get info
	local out n
	out=$(pcsc-apdu --reader "$1" "$GET_INFO") || fail "get info on '$1' failed"
	n=$((16#${out:6:2}))
	hex_bytes "${out:8:$((2 * n))}"
}

inner() {
	local list i v
	[ "$SAFEID_READERS" = 3 ] || fail "SAFEID_READERS=$SAFEID_READERS, expected 3"
	for i in 0 1 2; do
		for v in READER EMU_STATE EMU_CTL EMU_LOG EMU_PID EMU_PORT; do
			eval "[ -n \"\${SAFEID_${v}_$i:-}\" ]" || fail "SAFEID_${v}_$i is not set"
		done
	done
	[ -d "$SAFEID_HARNESS_DIR" ] || fail "SAFEID_HARNESS_DIR missing"
	kill -0 "$SAFEID_PCSCD_PID" || fail "SAFEID_PCSCD_PID is not running"
	list=$(pcsc-wait --list)
	grep -q -x -F "$SAFEID_READER_0"$'\tpresent' <<<"$list" || fail "reader 0 has no card: $list"
	grep -q -x -F "$SAFEID_READER_1"$'\tpresent' <<<"$list" || fail "reader 1 has no card: $list"
	grep -q -x -F "$SAFEID_READER_2"$'\tempty' <<<"$list" || fail "reader 2 is not empty: $list"
	[ "$(serial_of "$SAFEID_READER_0")" = 8659632000001 ] || fail "reader 0 serial"
	[ "$(serial_of "$SAFEID_READER_1")" = 8659622000002 ] || fail "reader 1 serial"
	ok "two tokens on two readers with their serials, one empty reader"
	# the empty reader's emulator can put a card in on request
	safeid-emu ctl --ctl "$SAFEID_EMU_CTL_2" insert >/dev/null
	pcsc-wait --reader "$SAFEID_READER_2" --present --timeout 10000 || fail "insert on the empty reader"
	ok "a card can be inserted into the empty reader"
	# the private pcscd's socket hides any other one
	[ "$(findmnt -n -o FSTYPE /run/pcscd)" = tmpfs ] || fail "/run/pcscd is not our tmpfs"
}

if [ "${1:-}" = inner ]; then
	inner
	exit 0
fi
need_root
need_env
"$SAFEID_HARNESS" --token 8659632000001 --token 8659622000002 --empty-reader -- bash "$0" inner
