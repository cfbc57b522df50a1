# Shared by the pkcs11 integration scripts (sourced; run inside the
# harness).  fail() ends the test with a message naming what went wrong.
MODULE="$SAFEID_LIB/safeid-pkcs11.so"
OATHTOOL=${OATHTOOL:-oathtool}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_code STATE HEXSEED [oathtool options]: the code the emulated token
# shows now must equal oathtool's for the token's own time.
expect_code() {
	local state=$1 seed=$2 json code t want
	shift 2
	json=$(safeid-emu code --state "$state" --json) ||
		fail "safeid-emu code: the token holds no seed"
	code=$(printf '%s' "$json" | sed -n 's/.*"code":"\([0-9]*\)".*/\1/p')
	t=$(printf '%s' "$json" | sed -n 's/.*"token_time":\([0-9]*\).*/\1/p')
	want=$("$OATHTOOL" --totp -d 6 "$@" -N "@$t" "$seed") ||
		fail "oathtool failed"
	[ -n "$code" ] && [ "$code" = "$want" ] ||
		fail "token code '$code' at $t differs from oathtool's '$want'"
	echo "ok: token code $code equals oathtool at token time $t"
}
