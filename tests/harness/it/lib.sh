# Shared helpers of the emulator's and the harness's integration tests.
# Source it; it expects SAFEID_BIN and SAFEID_HARNESS (CTest sets both).
# shellcheck shell=bash

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok: $*"
}

# The harness needs root (namespaces, mounts): skip, do not fail, without.
need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root for the harness's namespaces"
		exit 77
	fi
}

need_env() {
	if [ -z "${SAFEID_BIN:-}" ] || [ ! -x "$SAFEID_BIN/safeid-emu" ]; then
		fail "SAFEID_BIN must point at the build's bin/ with safeid-emu (run through ctest)"
	fi
	if [ -z "${SAFEID_HARNESS:-}" ] || [ ! -x "$SAFEID_HARNESS" ]; then
		fail "SAFEID_HARNESS must point at tests/harness/safeid-harness (run through ctest)"
	fi
	export PATH="$SAFEID_BIN:$PATH"
}

# Known-answer APDUs of the protocol document.
# shellcheck disable=SC2034  # used by the scripts that source this file
KAT_CONFIG=84D400001781111F01010F046955B90086060A01020D013C1E7633CF
# shellcheck disable=SC2034
KAT_SEED20=84C50100245E5856092FD3228D4D33EEE3DAAC4B55CE37D18D332B7AC6A40E8661FA23042AF47B0153
# shellcheck disable=SC2034
KAT_SEED32=84C5010034B766BFF098C4EB0D7F67AB23463F6F12B830899CFE9DE292CD26D3C7439215CED219EFC9972FED9191DF027FD36A80B0B79E11E8
# shellcheck disable=SC2034
GET_INFO=80410000020211
# shellcheck disable=SC2034
GET_CHALLENGE=804B08000100
DEVICE_KEY=8AD206883CA369482AB27182B6E83224
# Bound for every wait on a reply, in seconds.
REPLY_S=20

# The authenticate APDU for an 8-byte challenge (hex), computed with the
# openssl command line: a third implementation, apart from driver and emu.
auth_apdu() {
	local enc
	enc=$(hex_bytes "${1}0000000000000000" |
		openssl enc -sm4-ecb -K "$DEVICE_KEY" -nopad | od -An -tx1 | tr -d ' \n') ||
		fail "openssl could not compute SM4 (OpenSSL 3 with SM4 needed)"
	echo "80CE000010${enc^^}"
}

# One PC/SC session with the reader, fed line by line: apdu_open READER,
# then `apdu HEX` sets REPLY (hex, or "ERROR ..."), apdu_close at the end.
apdu_open() {
	coproc APDU_SESSION { pcsc-apdu --reader "$1"; }
}

apdu() {
	echo "$1" >&"${APDU_SESSION[1]}"
	REPLY=""
	read -r -t "$REPLY_S" REPLY <&"${APDU_SESSION[0]}" ||
		fail "no reply to APDU $1 within ${REPLY_S} s"
}

apdu_close() {
	local pid=${APDU_SESSION_PID:-} fd=${APDU_SESSION[1]}
	exec {fd}>&-
	[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
}

# Bytes given in hex, written out as they are (e.g. an ASCII serial).
hex_bytes() {
	local esc="" i
	for ((i = 0; i < ${#1}; i += 2)); do esc+="\\x${1:i:2}"; done
	# shellcheck disable=SC2059  # the format is the data, by design
	printf "$esc"
}

# SW of a reply (its last 4 hex digits).
sw_of() {
	echo "${1: -4}"
}

# A JSON field from safeid-emu's one-line output (numbers, strings, bools).
json_field() {
	sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p" <<<"$1"
}
