# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# common.sh: what every shell test shares (sourced, never run).  A test
# script sets its own shell options, then:
#
#   . "$(dirname "$0")/../../lib/common.sh"     # from tests/<part>/it/
#
# Most scripts run inside tests/harness/safeid-harness (CTest starts them
# there, see safeid_harness_test() in tests/CMakeLists.txt), so the
# SAFEID_READER_i / SAFEID_EMU_*_i variables describe the emulated tokens.
# Secrets given to these helpers go to other programs on stdin, never in
# argv, and are never printed.

# The build's programs (safeid-emu, pcsc-wait, ...) come first.
if [ -n "${SAFEID_BIN:-}" ]; then
	PATH=$SAFEID_BIN:$PATH
fi
OATHTOOL=${OATHTOOL:-oathtool}
# The build's PKCS#11 module.
MODULE=${SAFEID_LIB:-}/safeid-pkcs11.so

# ---- outcomes ----------------------------------------------------------------

# fail MESSAGE: end the test, saying what went wrong (and TEST_CASE, when
# a script runs one of several cases).
fail() {
	echo "FAIL${TEST_CASE:+ [$TEST_CASE]}: $*" >&2
	exit 1
}

# skip REASON: end the test as skipped (CTest SKIP_RETURN_CODE 77).
skip() {
	echo "SKIP: $*"
	exit 77
}

# usage LINES [STATUS]: print lines LINES (a sed range such as 3,7) of the
# running script's header comment to stderr, then exit STATUS (2).
usage() {
	sed -n "${1}p" "$0" | sed 's/^# \{0,1\}//' >&2
	exit "${2:-2}"
}

# ok MESSAGE: a check passed.  note MESSAGE: what the test does next.
ok() {
	echo "ok: $*"
}

note() {
	echo "--- $*"
}

# need_root: the harness needs namespaces and mounts; skip without root.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for the harness's namespaces"
}

# expect_rc WANT CMD...: run CMD; its exit code must be WANT.
expect_rc() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" = "$want" ] || fail "exit $rc, expected $want: $*"
}

# run_rc OUTFILE CMD...: run CMD, stdout and stderr to OUTFILE; prints its
# exit code.
run_rc() {
	local out=$1 rc=0
	shift
	"$@" >"$out" 2>&1 || rc=$?
	echo "$rc"
}

# foreign CMD...: run a program we did not build (pkcs11-tool, python3,
# p11-kit, opensc-tool) that loads one of our modules.  In a sanitized
# build (SAFEID_SANITIZER_PRELOAD, set by CMake) the module needs the
# sanitizer runtimes loaded first, and the program's own leaks are not ours
# to report.  tests/lib/foreign is the same as a program, for CMake.
foreign() {
	if [ -n "${SAFEID_SANITIZER_PRELOAD:-}" ]; then
		LD_PRELOAD=$SAFEID_SANITIZER_PRELOAD${LD_PRELOAD:+:$LD_PRELOAD} \
			ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$@"
	else
		"$@"
	fi
}

# ---- JSON --------------------------------------------------------------------

# json_value KEY < JSON: a top-level field of a one-line flat JSON object,
# such as safeid-emu's (strings unquoted, numbers, true/false/null); empty
# when absent.  Plain sed: tests call it often, and python's start-up is
# slow on a loaded machine.
json_value() {
	sed -n 's/.*"'"$1"'":\("\([^"\\]\|\\.\)*"\|[^,}]*\).*/\1/p' | head -n 1 |
		sed 's/^"\(.*\)"$/\1/'
}

# json_get FILE PATH: a field of a JSON document such as safeid-tool's
# --json output; PATH is keys and array indexes joined by dots
# (readers.0.serial).  Strings unquoted, true/false/null as in JSON,
# objects as JSON; empty when FILE is empty or the field is absent.
json_get() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    for k in sys.argv[2].split("."):
        d = d[int(k)] if isinstance(d, list) else d[k]
except (ValueError, KeyError, IndexError, TypeError):
    sys.exit(0)
print(d if isinstance(d, str) else json.dumps(d))
PY
}

# ---- the emulated token ------------------------------------------------------

# emu_ctl I COMMAND...: safeid-emu ctl on token i's control socket.
emu_ctl() {
	local ctl=SAFEID_EMU_CTL_$1
	shift
	safeid-emu ctl --ctl "${!ctl}" "$@"
}

# emu_show STATE KEY: a field of `safeid-emu show --json` for the token
# whose state file is STATE.
emu_show() {
	safeid-emu show --state "$1" --json | json_value "$2"
}

# emu_code STATE [--at T]: "CODE TOKEN_TIME HASH STEP", what the token
# shows; fails (status 3) when it holds no seed.
emu_code() {
	local state=$1 j
	shift
	j=$(safeid-emu code --state "$state" --json "$@") || return
	echo "$(json_value code <<<"$j") $(json_value token_time <<<"$j")" \
		"$(json_value hash <<<"$j") $(json_value step <<<"$j")"
}

# oath_code SECRET TIME [HASH [STEP]]: the code oathtool computes for
# SECRET (base32, or hex written "hex:3132...") at TIME; HASH SHA1 (or
# SHA256, any case), STEP 30 by default.
oath_code() {
	local secret=$1 t=$2 hash=${3:-SHA1} step=${4:-30} alg=--totp enc=(--base32)
	[ "${hash^^}" = SHA256 ] && alg=--totp=SHA256
	if [[ "$secret" == hex:* ]]; then
		secret=${secret#hex:}
		enc=()
	fi
	printf '%s\n' "$secret" |
		"$OATHTOOL" "$alg" -d 6 --time-step-size="${step}s" -N "@$t" "${enc[@]}" -
}

# expect_code STATE SECRET [HASH [STEP]]: the decisive check of a burn.
# The token whose state file is STATE holds a seed with HASH (SHA1) and
# STEP (30), and the code it shows now equals oathtool's for SECRET (as in
# oath_code) at the token's own time.
expect_code() {
	local state=$1 secret=$2 hash=${3:-SHA1} step=${4:-30} code t h s want
	read -r code t h s < <(emu_code "$state") ||
		fail "the token ($state) holds no seed; expected the one burned"
	[ -n "$code" ] && [ -n "$t" ] || fail "no code or token_time from safeid-emu code --json"
	[ "$h" = "${hash^^}" ] || fail "the token's hash is $h, expected ${hash^^}"
	[ "$s" = "$step" ] || fail "the token's step is $s, expected $step"
	want=$(oath_code "$secret" "$t" "$hash" "$step") || fail "oathtool failed"
	[ "$code" = "$want" ] || fail "the token shows $code at $t, oathtool says $want"
	ok "token code $code at $t equals oathtool's (${hash^^}, $step s)"
}

# expect_no_seed STATE: the token holds no seed (safeid-emu code exits 3).
expect_no_seed() {
	local rc=0
	safeid-emu code --state "$1" >/dev/null 2>&1 || rc=$?
	[ "$rc" = 3 ] || fail "the token ($1) holds a seed (safeid-emu code exited $rc, 3 means none)"
}

# swap_state I FILE: take token i out of the field, wait until PC/SC sees
# it gone, load FILE as its state, and wait until PC/SC sees it back.
swap_state() {
	local reader=SAFEID_READER_$1
	emu_ctl "$1" remove >/dev/null
	pcsc-wait --timeout 10000 --reader "${!reader}" --absent
	emu_ctl "$1" load "$2" >/dev/null
	pcsc-wait --timeout 10000 --reader "${!reader}" --present
}

# skew_state SRC DST SECONDS: copy a token state file with its clock moved.
skew_state() {
	/usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import sys
src, dst, delta = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = []
for line in open(src):
    if line.startswith("clock_base="):
        line = "clock_base=%d\n" % (int(line.split("=", 1)[1]) + delta)
    out.append(line)
open(dst, "w").writelines(out)
PY
	chmod 600 "$2"
}

# The emulator's APDU log has one line per APDU: CLA INS P1 P2 SW [fault].

# log_lines LOG: APDUs in the log so far.
log_lines() {
	wc -l <"$1"
}

# count_ins LOG INS: APDUs with that INS (e.g. CE, C5) in the log.
count_ins() {
	grep -Ec "^[0-9A-F]{2} $2 " "$1" || true
}

# writes LOG: write APDUs (config and seed) in the log.
writes() {
	grep -Ec '^84 (D4|C5)' "$1" || true
}

# no_writes LOG: the token saw no APDU that writes.
no_writes() {
	if grep -Eq '^84 (D4|C5)' "$1"; then
		fail "a write APDU reached the token: $(grep -E '^84 (D4|C5)' "$1" | head -3 | tr '\n' ' ')"
	fi
}

# ---- the protocol by hand (the emulator's and the harness's own tests) -------

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

# auth_apdu CHALLENGE: the authenticate APDU for an 8-byte challenge (hex),
# computed with the openssl command line: a third implementation, apart
# from the core and the emulator.
auth_apdu() {
	local enc
	enc=$(hex_bytes "${1}0000000000000000" |
		openssl enc -sm4-ecb -K "$DEVICE_KEY" -nopad | od -An -tx1 | tr -d ' \n') ||
		fail "openssl could not compute SM4 (OpenSSL 3 with SM4 needed)"
	echo "80CE000010${enc^^}"
}

# One PC/SC session with a reader, fed line by line: apdu_open READER, then
# `apdu HEX` sets REPLY (hex, or "ERROR ..."), apdu_close at the end.
apdu_open() {
	coproc APDU_SESSION { pcsc-apdu --reader "$1"; }
}

apdu() {
	echo "$1" >&"${APDU_SESSION[1]}"
	REPLY=""
	read -r -t "$REPLY_S" REPLY <&"${APDU_SESSION[0]}" ||
		fail "no reply to APDU $1 within ${REPLY_S} s"
}

# (bash unsets APDU_SESSION when pcsc-apdu has already ended, as after a
# power cycle.)
apdu_close() {
	local pid=${APDU_SESSION_PID:-} fd=${APDU_SESSION[1]:-}
	[ -z "$fd" ] || exec {fd}>&-
	[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
}

# apdu_auth: on the open session, get a challenge and answer it; REPLY is
# the token's answer to authenticate.
apdu_auth() {
	apdu "$GET_CHALLENGE"
	[ "$(sw_of "$REPLY")" = 9000 ] && [ ${#REPLY} -eq 20 ] || fail "get challenge: $REPLY"
	apdu "$(auth_apdu "${REPLY:0:16}")"
}

# hex_bytes HEX: the bytes written out as they are (e.g. an ASCII serial).
hex_bytes() {
	local esc="" i
	for ((i = 0; i < ${#1}; i += 2)); do esc+="\\x${1:i:2}"; done
	# shellcheck disable=SC2059  # the format is the data, by design
	printf "$esc"
}

# sw_of REPLY: the status word of a reply (its last 4 hex digits).
sw_of() {
	echo "${1: -4}"
}

# ---- the core's test program -------------------------------------------------

# seed_hex N: a random N-byte seed as hex.
seed_hex() {
	openssl rand -hex "$1"
}

# drive_program PROGRAM STDIN ARGS...: run the build's PROGRAM ARGS with
# STDIN on its standard input; its output in $out (also printed,
# indented), its status in $drive_rc.
drive_program() {
	local prog=$1 in=$2
	shift 2
	drive_rc=0
	out=$(printf '%s' "$in" | "$SAFEID_BIN/$prog" "$@" 2>&1) || drive_rc=$?
	printf '%s\n' "$out" | sed "s/^/  $prog: /"
}

# core_burn HEX ARGS...: run core-burn ARGS with the seed HEX on stdin;
# its output in $out (also printed, indented), its status in $burn_rc.
# shellcheck disable=SC2034  # burn_rc: for the caller
core_burn() {
	drive_program core-burn "$@"
	burn_rc=$drive_rc
}

# core_burn_ok HEX ARGS...: core_burn, which must succeed.
core_burn_ok() {
	core_burn "$@"
	[ "$burn_rc" -eq 0 ] || fail "core-burn ${*:2} failed (exit $burn_rc)"
}

# expect_reported STATE WANT OLD-HEX NEW-HEX: what core-burn reported the
# token holds (seed: OLD, NEW or ERASED; UNKNOWN cannot be checked) is what
# the token whose state file is STATE holds.
expect_reported() {
	case "$2" in
	OLD) expect_code "$1" "hex:$3" sha1 30 ;;
	NEW) expect_code "$1" "hex:$4" sha1 30 ;;
	ERASED) expect_no_seed "$1" ;;
	esac
}

# ---- safeid-tool -------------------------------------------------------------

# use_tool NAME: safeid-tool as the tests run it.  Sets TOOL and EMU, and
# WORK under the harness's directory, made with out/, secret/
# (0700, for files that hold seeds) and tmp/ (TMPDIR).  Burn records go to
# WORK/state, the host clock counts as synced (containers have no NTP, and
# it is not these tests' subject), and the build's PKCS#11 module is used.
# shellcheck disable=SC2034  # TOOL, EMU: for the caller
use_tool() {
	TOOL=${SAFEID_BIN:?SAFEID_BIN not set: run through ctest}/safeid-tool
	EMU=$SAFEID_BIN/safeid-emu
	WORK=${SAFEID_HARNESS_DIR:?run inside the harness}/$1
	mkdir -p "$WORK/out" "$WORK/secret" "$WORK/tmp"
	chmod 700 "$WORK/secret"
	export TMPDIR=$WORK/tmp
	export XDG_STATE_HOME=$WORK/state
	export SAFEID_ASSUME_NTP=synced
	export SAFEID_PKCS11_MODULE=$MODULE
}

# qr_png TEXT FILE: render TEXT (through a file, not argv) as a QR PNG.
qr_png() {
	printf '%s' "$1" >"$WORK/qr-text"
	qrencode -l M -s 8 -m 4 -o "$2" -r "$WORK/qr-text"
	rm -f "$WORK/qr-text"
}

# ---- the Molto2 ----------------------------------------------------------------

# The factory customer key and our test key (public test values).
# shellcheck disable=SC2034
M2_FACTORY_KEY=TOKEN2MOLTO1-KEY
# shellcheck disable=SC2034
M2_TEST_KEY=safeid-test-key!

# ref_code HEX T HASH STEP DIGITS: the code of the seed HEX at Unix time T,
# computed apart from the emulator: oathtool for 6 to 8 digits, Python's
# hmac (RFC 4226 truncation) for 4 and 10, which oathtool does not do.
ref_code() {
	local hex=$1 t=$2 hash=$3 step=$4 digits=$5 alg=--totp
	if [ "$digits" -ge 6 ] && [ "$digits" -le 8 ]; then
		[ "${hash^^}" = SHA256 ] && alg=--totp=SHA256
		printf '%s\n' "$hex" |
			"$OATHTOOL" "$alg" -d "$digits" --time-step-size="${step}s" -N "@$t" -
		return
	fi
	printf '%s\n' "$hex" | /usr/bin/python3 -c '
import hashlib, hmac, struct, sys
t, hash, step, digits = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
key = bytes.fromhex(sys.stdin.read().strip())
md = hmac.new(key, struct.pack(">Q", t // step),
              hashlib.sha256 if hash.upper() == "SHA256" else hashlib.sha1).digest()
off = md[-1] & 15
code = (int.from_bytes(md[off:off + 4], "big") & 0x7FFFFFFF) % 10 ** digits
print(str(code).zfill(digits))' "$t" "$hash" "$step" "$digits"
}

# m2_code STATE P: "CODE TOKEN_TIME HASH STEP DIGITS" of profile P of the
# Molto2 whose state file is STATE; fails (status 3) when it holds no seed.
m2_code() {
	local j
	j=$(safeid-emu code --state "$1" --profile "$2" --json) || return
	echo "$(json_value code <<<"$j") $(json_value token_time <<<"$j")" \
		"$(json_value hash <<<"$j") $(json_value step <<<"$j")" \
		"$(json_value digits <<<"$j")"
}

# expect_m2_code STATE P HEX HASH STEP DIGITS: the decisive check of a
# Molto2 burn: profile P holds a seed with that hash, step and digits, and
# the code it shows now equals ref_code's for HEX at the profile's time.
expect_m2_code() {
	local state=$1 p=$2 hex=$3 hash=$4 step=$5 digits=$6 code t h s d want
	read -r code t h s d < <(m2_code "$state" "$p") ||
		fail "profile $p holds no seed; expected the one burned"
	[ "$h" = "${hash^^}" ] && [ "$s" = "$step" ] && [ "$d" = "$digits" ] ||
		fail "profile $p: $h, $s s, $d digits; expected ${hash^^}, $step s, $digits digits"
	want=$(ref_code "$hex" "$t" "$hash" "$step" "$digits") || fail "the reference code failed"
	[ "$code" = "$want" ] || fail "profile $p shows $code at $t, the reference says $want"
	ok "profile $p: code $code at $t equals the reference (${hash^^}, $step s, $digits digits)"
}

# m2_show STATE P FIELD: a field of profile P in `safeid-emu show --json`.
m2_show() {
	safeid-emu show --state "$1" --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
v = d["list"][int(sys.argv[1])][sys.argv[2]]
print(json.dumps(v) if isinstance(v, bool) else v)' "$2" "$3"
}

# m2_field STATE P FIELD: a field (seed, title, ...) of profile P's line in
# the state file, as the emulator keeps it: the truth about the token.
m2_field() {
	sed -n "s/^p$2=.*\\b$3:\\([^ ]*\\).*/\\1/p" "$1"
}

# key_file NAME KEY: a 0600 file holding KEY (no newline) under
# SAFEID_HARNESS_DIR/keys; prints its path.
key_file() {
	local d=$SAFEID_HARNESS_DIR/keys
	mkdir -p "$d"
	chmod 700 "$d"
	printf '%s' "$2" >"$d/$1"
	chmod 600 "$d/$1"
	echo "$d/$1"
}

# core_m2 STDIN ARGS...: run core-m2 ARGS with STDIN (seed lines) on its
# standard input; its output in $out (also printed, indented), its status
# in $m2_rc.
# shellcheck disable=SC2034  # m2_rc: for the caller
core_m2() {
	drive_program core-m2 "$@"
	m2_rc=$drive_rc
}

# core_m2_ok STDIN ARGS...: core_m2, which must succeed.
core_m2_ok() {
	core_m2 "$@"
	[ "$m2_rc" -eq 0 ] || fail "core-m2 ${*:2} failed (exit $m2_rc)"
}
