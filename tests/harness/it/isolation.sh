#!/usr/bin/env bash
# A harness leaves any other pcscd alone: run one harness inside another;
# the inner one sees only its own token, and when it is done the outer
# pcscd still runs and still serves its token.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

info_serial() { # reader -> the serial's hex
	local out
	out=$(pcsc-apdu --reader "$1" "$GET_INFO") || fail "get info on '$1' failed"
	echo "${out:8:26}"
}

case "${1:-}" in
inner)
	# only the inner token is visible here
	[ "$(info_serial "$SAFEID_READER_0")" = 38363539363232303030303939 ] ||
		fail "inner harness sees another token"
	[ "$(pcsc-wait --list | grep -c present)" -eq 1 ] || fail "inner harness sees other cards"
	ok "inner harness sees its own token only"
	exit 0
	;;
outer)
	outer_pcscd=$SAFEID_PCSCD_PID
	"$SAFEID_HARNESS" --token 8659622000099 -- bash "$0" inner || fail "inner harness failed"
	kill -0 "$outer_pcscd" || fail "the outer pcscd died with the inner harness"
	[ "$(info_serial "$SAFEID_READER_0")" = 38363539363332303030303031 ] ||
		fail "the outer token is not served after the inner harness"
	ok "outer pcscd and token untouched by the inner harness"
	exit 0
	;;
esac
need_root
need_env
"$SAFEID_HARNESS" --token 8659632000001 -- bash "$0" outer
