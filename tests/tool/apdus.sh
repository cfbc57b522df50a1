#!/usr/bin/env bash
# APDUs one burn costs, counted in the emulators' logs: a burn on reader 0
# (-r 0, another token on reader 1) must not talk to reader 1 at all, and
# must stay near the protocol's minimum of 6 on reader 0.  TOOL_APDUS_TOOL
# names another safeid-tool to measure (figures only, no verdict).
. "$(dirname "$0")/lib.sh"

BIN=${TOOL_APDUS_TOOL:-$TOOL}
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
printf 'otpauth://totp/Bench:apdus?secret=%s&issuer=Bench\n' "$SECRET" > "$WORK/uri"

count() { wc -l < "$1"; }

# burn_count -> "R0 R1": APDUs each reader saw during one burn.
burn_count() {
	local a0 a1 b0 b1
	a0=$(count "$SAFEID_EMU_LOG_0")
	a1=$(count "$SAFEID_EMU_LOG_1")
	"$BIN" burn --uri-file "$WORK/uri" --yes -r 0 > "$WORK/burn.out" 2>&1 ||
		fail "burn failed: $(cat "$WORK/burn.out")"
	b0=$(count "$SAFEID_EMU_LOG_0")
	b1=$(count "$SAFEID_EMU_LOG_1")
	echo "$((b0 - a0)) $((b1 - a1))"
}

read -r r0 r1 < <(burn_count)
expect_burned "$SAFEID_EMU_STATE_0" "$SECRET" SHA1 30
note "burn -r 0: $r0 APDUs on reader 0, $r1 on reader 1"
echo "APDUS_PER_BURN reader0=$r0 reader1=$r1"
a0=$(count "$SAFEID_EMU_LOG_0")
"$BIN" info -r 0 > /dev/null
note "info -r 0: $(( $(count "$SAFEID_EMU_LOG_0") - a0 )) APDUs"
[ -n "${TOOL_APDUS_TOOL:-}" ] && exit 0

[ "$r1" = 0 ] || fail "a burn on reader 0 sent $r1 APDUs to reader 1"

# By name, too: only the named reader's token is asked.
a1=$(count "$SAFEID_EMU_LOG_1")
"$TOOL" info -r "$SAFEID_READER_0" > /dev/null
[ "$(count "$SAFEID_EMU_LOG_1")" = "$a1" ] || fail "info -r NAME asked the other reader's token"
# Tokens on both readers and no -r: refused (choose one) before asking either.
a0=$(count "$SAFEID_EMU_LOG_0")
expect_rc 2 "$TOOL" info
[ "$(count "$SAFEID_EMU_LOG_0")" = "$a0" ] && [ "$(count "$SAFEID_EMU_LOG_1")" = "$a1" ] ||
	fail "an ambiguous reader choice still talked to a token"
# get info, challenge, authenticate, config, seed, get info = 6, plus the
# one get info that shows the token in the plan before anything is written
# (the read-back after the burn is the burn's own confirming read).
[ "$r0" -le 7 ] || fail "a burn took $r0 APDUs on its reader (at most 7 expected: the protocol's 6 and the read for the plan)"
grep -Ec '^80 CE' "$SAFEID_EMU_LOG_0" | grep -x 1 >/dev/null || fail "authenticated more than once"

# --verbose traces every APDU header and status word the token saw, in
# order, and nothing of the data.
a0=$(count "$SAFEID_EMU_LOG_0")
"$TOOL" burn --uri-file "$WORK/uri" --yes -r 0 --verbose > "$WORK/verbose.out" 2>&1 ||
	fail "verbose burn failed: $(cat "$WORK/verbose.out")"
tail -n +"$((a0 + 1))" "$SAFEID_EMU_LOG_0" | awk '{print $1, $2, $3, $4, $5}' > "$WORK/seen"
grep -o 'APDU [0-9A-F][0-9A-F] [0-9A-F][0-9A-F] [0-9A-F][0-9A-F] [0-9A-F][0-9A-F] ([a-z ]*) -> [0-9A-F]*' \
	"$WORK/verbose.out" | sed 's/^APDU //; s/ ([a-z ]*) -> / /' > "$WORK/traced"
[ -s "$WORK/traced" ] || fail "--verbose traced no APDU: $(head -c 2000 "$WORK/verbose.out")"
diff "$WORK/seen" "$WORK/traced" > "$WORK/trace.diff" ||
	fail "--verbose trace differs from what the token saw: $(tr '\n' '|' < "$WORK/trace.diff")"
echo PASS
