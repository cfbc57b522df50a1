# lib.sh: helpers of the reliability tests (sourced; runs inside the
# harness, so SAFEID_READER_i / SAFEID_EMU_* describe the emulated tokens).
set -euo pipefail

TOOL=${SAFEID_BIN:?SAFEID_BIN not set: run through ctest}/safeid-tool
EMU=$SAFEID_BIN/safeid-emu
MODULE=$SAFEID_LIB/safeid-pkcs11.so
WORK=$SAFEID_HARNESS_DIR/rel
mkdir -p "$WORK/out" "$WORK/secret" "$WORK/tmp"
chmod 700 "$WORK/secret"
export XDG_STATE_HOME=$WORK/state
export SAFEID_ASSUME_NTP=synced
export SAFEID_PKCS11_MODULE=$MODULE
export TMPDIR=$WORK/tmp

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() {
	echo "--- $*"
}

# jfield KEY < JSON: a top-level field of a flat JSON object (string
# unquoted, number, true/false); empty when absent.  Plain sed: the tests
# call it often, and python's start-up is slow on a loaded machine.
jfield() {
	sed -n 's/.*"'"$1"'":\("\([^"\\]\|\\.\)*"\|[^,}]*\).*/\1/p' | head -n 1 |
		sed 's/^"\(.*\)"$/\1/'
}

# emu_show I KEY: a field of `safeid-emu show --json` of token i.
emu_show() {
	local st=SAFEID_EMU_STATE_$1
	"$EMU" show --state "${!st}" --json | jfield "$2"
}

# emu_code I: "CODE TOKEN_TIME" token i shows now (fails without a seed).
emu_code() {
	local st=SAFEID_EMU_STATE_$1 j
	j=$("$EMU" code --state "${!st}" --json) || return 1
	echo "$(jfield code <<<"$j") $(jfield token_time <<<"$j")"
}

# expect_code I B32 [HASH STEP]: token i shows oathtool's code for B32.
expect_code() {
	local hash=${3:-SHA1} step=${4:-30} code t alg want
	read -r code t < <(emu_code "$1") || fail "token $1 holds no seed"
	[ "$hash" = SHA256 ] && alg=--totp=SHA256 || alg=--totp
	want=$(oathtool "$alg" -d 6 --time-step-size="$step"s -N "@$t" --base32 "$2")
	[ "$code" = "$want" ] || fail "token $1 shows $code at $t, oathtool says $want"
	note "token $1: code $code at $t = oathtool"
}

# count_ins I INS: APDUs with that INS in token i's log (e.g. CE, C5).
count_ins() {
	local log=SAFEID_EMU_LOG_$1
	grep -Ec "^[0-9A-F]{2} $2 " "${!log}" || true
}

# foreign CMD...: run a third-party program (pkcs11-tool, ...) that loads
# our module.  In a sanitized build the module needs the ASan runtime
# loaded first; the program's own leaks are not ours to report.
ASAN_RT=$(ldd "$TOOL" 2>/dev/null | sed -n 's/.*libasan[^ ]* => \([^ ]*\).*/\1/p' | head -n 1)
foreign() {
	if [ -n "$ASAN_RT" ]; then
		LD_PRELOAD=$ASAN_RT${LD_PRELOAD:+:$LD_PRELOAD} \
			ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$@"
	else
		"$@"
	fi
}

# run_rc OUTFILE CMD...: run CMD, stdout+stderr to OUTFILE; prints exit code.
run_rc() {
	local out=$1 rc=0
	shift
	"$@" >"$out" 2>&1 || rc=$?
	echo "$rc"
}
