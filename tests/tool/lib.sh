# lib.sh: helpers shared by the safeid-tool integration tests.
# Sourced by each test; the test runs inside safeid-harness, so the
# SAFEID_READER_i / SAFEID_EMU_* variables describe the emulated tokens.
set -euo pipefail

TOOL=${SAFEID_BIN:?SAFEID_BIN not set: run through ctest}/safeid-tool
EMU=$SAFEID_BIN/safeid-emu
WORK=${SAFEID_HARNESS_DIR:-$(mktemp -d)}/tool-test
mkdir -p "$WORK"
# Burn records of this test only; the host clock state is not the test's
# subject (containers have no NTP).
export XDG_STATE_HOME=$WORK/state
export SAFEID_ASSUME_NTP=synced
export SAFEID_PKCS11_MODULE=$SAFEID_LIB/safeid-pkcs11.so

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() {
	echo "--- $*"
}

# emu_code STATE -> "CODE TOKEN_TIME HASH STEP" from the emulator.
emu_code() {
	"$EMU" code --state "$1" --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["code"], d["token_time"], d["hash"], d["step"])'
}

# oath_code B32 TIME HASH STEP -> the code oathtool computes.
oath_code() {
	local alg=()
	[ "$3" = "SHA256" ] && alg=(--totp=SHA256) || alg=(--totp)
	oathtool "${alg[@]}" -d 6 --time-step-size="$4"s -N "@$2" --base32 "$1"
}

# expect_burned STATE B32 HASH STEP: the token's code is oathtool's.
expect_burned() {
	local code t hash step want
	read -r code t hash step < <(emu_code "$1") || fail "the emulator reports no seed in $1"
	[ "$hash" = "$3" ] || fail "token hash is $hash, expected $3"
	[ "$step" = "$4" ] || fail "token step is $step, expected $4"
	want=$(oath_code "$2" "$t" "$3" "$4")
	[ "$code" = "$want" ] || fail "token shows $code at $t, oathtool says $want"
	note "token code $code at $t = oathtool $want ($3, $4 s)"
}

# no_writes LOG: the emulator saw no APDU that writes (config, seed).
no_writes() {
	if grep -Eq '^84 (D4|C5)' "$1"; then
		fail "a write APDU reached the token: $(grep -E '^84 (D4|C5)' "$1" | head -3 | tr '\n' ' ')"
	fi
}

# writes LOG -> the number of write APDUs (config + seed) the token saw.
writes() {
	grep -Ec '^84 (D4|C5)' "$1" || true
}

# expect_rc WANT CMD...: run CMD, check its exit code.
expect_rc() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" = "$want" ] || fail "exit $rc, expected $want: $*"
}

# qr_png TEXT FILE: render TEXT (read from a file, not argv) as a QR PNG.
qr_png() {
	printf '%s' "$1" > "$WORK/qr-text"
	qrencode -l M -s 8 -m 4 -o "$2" -r "$WORK/qr-text"
	rm -f "$WORK/qr-text"
}

# swap_state I FILE: take token i out of the field, wait until PC/SC sees
# it gone, load FILE as its state, and wait until PC/SC sees it back.
swap_state() {
	local reader_var=SAFEID_READER_$1 ctl_var=SAFEID_EMU_CTL_$1
	"$EMU" ctl --ctl "${!ctl_var}" remove > /dev/null
	pcsc-wait --timeout 10000 --reader "${!reader_var}" --absent
	"$EMU" ctl --ctl "${!ctl_var}" load "$2" > /dev/null
	pcsc-wait --timeout 10000 --reader "${!reader_var}" --present
}

# skew_state SRC DST SECONDS: copy a state file with the token clock moved.
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
