# Shared by the core's integration scripts (sourced, not run).  They run
# themselves again inside safeid-harness; test seeds are random, go to
# core-burn on stdin and to oathtool on stdin, and are never printed.

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need_env() {
	local v
	for v in SAFEID_BIN SAFEID_HARNESS OATHTOOL; do
		[ -n "${!v:-}" ] || fail "$v is not set; run this through ctest (tests/core)"
	done
	[ -x "$SAFEID_BIN/core-burn" ] || fail "$SAFEID_BIN/core-burn missing; build target core-burn"
	[ -x "$SAFEID_BIN/safeid-emu" ] || fail "$SAFEID_BIN/safeid-emu missing; build target safeid-emu"
	[ -x "$OATHTOOL" ] || fail "oathtool not found; install the oathtool package"
}

# burn HEX [core-burn options]: burn a seed, output in $out, status in $burn_rc
burn() {
	local hex=$1
	shift
	set +e
	out=$(printf '%s' "$hex" | "$SAFEID_BIN/core-burn" --reader "$SAFEID_READER_0" "$@" 2>&1)
	burn_rc=$?
	set -e
	printf '%s\n' "$out" | sed 's/^/  core-burn: /'
}

# token_code: the emulated display, as "CODE TOKEN_TIME", or "none" without a seed
token_code() {
	local json rc
	set +e
	json=$("$SAFEID_BIN/safeid-emu" code --state "$SAFEID_EMU_STATE_0" --json 2>/dev/null)
	rc=$?
	set -e
	if [ "$rc" -eq 3 ]; then
		echo none
		return 0
	fi
	[ "$rc" -eq 0 ] || fail "safeid-emu code failed (exit $rc)"
	printf '%s %s\n' \
		"$(printf '%s' "$json" | sed -n 's/.*"code":"\([0-9]*\)".*/\1/p')" \
		"$(printf '%s' "$json" | sed -n 's/.*"token_time":\([0-9]*\).*/\1/p')"
}

# expect_code HEX HASH STEP: the token's code must be oathtool's for HEX
expect_code() {
	local hex=$1 hash=$2 step=$3 got code tt want algo
	got=$(token_code)
	[ "$got" != none ] || fail "the token holds no seed; expected the one burned"
	code=${got% *}
	tt=${got#* }
	[ -n "$code" ] && [ -n "$tt" ] || fail "cannot read code/token_time from safeid-emu code --json"
	algo=--totp
	[ "$hash" = sha256 ] && algo=--totp=SHA256
	# oathtool takes hex by default; the key comes on stdin ("-").
	want=$(printf '%s\n' "$hex" | "$OATHTOOL" "$algo" -d 6 \
		--time-step-size="${step}s" -N "@$tt" -)
	[ "$code" = "$want" ] || fail "token shows $code at token time $tt, oathtool says $want"
	echo "ok: token code $code at $tt equals oathtool ($hash, ${step}s)"
}

seed_hex() {
	openssl rand -hex "$1"
}
