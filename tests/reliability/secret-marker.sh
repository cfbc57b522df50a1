#!/usr/bin/env bash
# Secret hygiene: a seed spelling SAFEIDMARKER goes through every front door
# (safeid-tool burn/scan/code/verify with --verbose and --json, failing
# burns and bad inputs, pkcs11-tool with SAFEID_PKCS11_DEBUG, the core test
# program), then every output and every file the programs wrote (burn
# records, emulator APDU log, pcscd log, temporary files) is searched for
# the seed in raw, hex (both cases, also spaced), base32 and base64 form.
# Only the emulator's state file (the token itself) may hold it.  Files the
# tool writes are 0600 (directories 0700), and the tool is not dumpable and
# has no core limit while it reads the secret.
. "$(dirname "$0")/lib.sh"

SEED=SAFEIDMARKER4242ZZZZ
B32=KNAUMRKJIRGUCUSLIVJDIMRUGJNFUWS2
HEX=5341464549444d41524b4552343234325a5a5a5a
B64=U0FGRUlETUFSS0VSNDI0MlpaWlo
export SAFEID_PKCS11_DEBUG=1
O=$WORK/out
S=$WORK/secret

printf 'otpauth://totp/Rel:hygiene?secret=%s&issuer=Rel' "$B32" >"$S/uri"
printf 'otpauth://totp/Rel:hygiene?secret=%s&algorithm=SHA256&period=60&issuer=Rel' \
	"$B32" >"$S/uri256"
printf '%s\n' "$B32" >"$S/b32"
printf '%s' "$HEX" >"$S/hex"
printf '%s' "$SEED" >"$S/bin"
chmod 600 "$S"/*

note "burn, human output, --verbose, with the dumpable probe"
rc=$(SAFEID_PROBE_FILE=$O/probe.txt LD_PRELOAD=$SAFEID_PROBE_LIB \
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
	run_rc "$O/burn-verbose.txt" "$TOOL" burn --uri - --yes --verbose <"$S/uri")
[ "$rc" = 0 ] || fail "burn exited $rc: $(cat "$O/burn-verbose.txt")"
expect_code 0 "$B32"
grep -q '^read fd=0 ' "$O/probe.txt" || fail "the probe saw no read of stdin: $(cat "$O/probe.txt")"
if grep -v 'dumpable=0 core=0/0$' "$O/probe.txt" | grep . >/dev/null; then
	fail "the tool held a secret while dumpable or with core dumps on: $(cat "$O/probe.txt")"
fi
note "probe: $(sort -u "$O/probe.txt" | tr '\n' ';')"

note "burn --json --verbose (SHA-256, 60 s)"
rc=$(run_rc "$O/burn-json.txt" "$TOOL" burn --uri - --yes --json --verbose <"$S/uri256")
[ "$rc" = 0 ] || fail "json burn exited $rc"
expect_code 0 "$B32" SHA256 60

note "burn --secret - (bare base32)"
rc=$(run_rc "$O/burn-secret.txt" "$TOOL" burn --secret - --account hygiene --yes --verbose <"$S/b32")
[ "$rc" = 0 ] || fail "--secret burn exited $rc"
expect_code 0 "$B32"

note "scan, code, verify"
run_rc "$O/scan.txt" "$TOOL" scan --uri - --verbose <"$S/uri" >/dev/null
run_rc "$O/scan-json.txt" "$TOOL" scan --uri - --json <"$S/uri" >/dev/null
run_rc "$O/code.txt" "$TOOL" code --uri - --json --verbose <"$S/uri" >/dev/null
run_rc "$O/verify.txt" "$TOOL" verify --uri-file "$S/uri" --code 000000 --json --verbose >/dev/null
grep -q '"codes"\|[0-9]\{6\}' "$O/code.txt" || fail "code printed no code: $(cat "$O/code.txt")"

note "bad inputs holding the marker: messages must not echo it"
printf 'otpauth://totp/x?secret=%s&digits=8' "$B32" >"$S/bad-digits"
printf 'otpauth://totp/x?secret=%s1' "$B32" >"$S/bad-b32"
printf 'otpauth://hotp/x?secret=%s&counter=1' "$B32" >"$S/bad-hotp"
printf 'otpauth://totp/x?secret=%s%s%s%s' "$B32" "$B32" "$B32" "$B32" >"$S/bad-long"
for f in bad-digits bad-b32 bad-hotp bad-long; do
	before=$(count_ins 0 C5)
	rc=$(run_rc "$O/$f.txt" "$TOOL" burn --uri - --yes --verbose --json <"$S/$f")
	[ "$rc" = 3 ] || fail "$f: exit $rc, expected 3 (bad input): $(cat "$O/$f.txt")"
	[ "$(count_ins 0 C5)" = "$before" ] || fail "$f: a seed write reached the token"
done
printf 'SAFEIDMARKER4242ZZZZ!\n' >"$S/bad-secret"
rc=$(run_rc "$O/bad-secret.txt" "$TOOL" burn --secret - --yes --verbose <"$S/bad-secret")
[ "$rc" = 3 ] || fail "bad --secret: exit $rc, expected 3"

note "a burn the token refuses (6A80 to the seed write)"
"$EMU" ctl --ctl "$SAFEID_EMU_CTL_0" fault "--sw C5=6A80" >/dev/null
rc=$(run_rc "$O/refused.txt" "$TOOL" burn --uri - --yes --verbose --json <"$S/uri")
[ "$rc" != 0 ] || fail "refused burn reported success"
"$EMU" ctl --ctl "$SAFEID_EMU_CTL_0" fault "" >/dev/null

note "pkcs11-tool --write-object with SAFEID_PKCS11_DEBUG"
rc=$(run_rc "$O/p11-write.txt" foreign pkcs11-tool --module "$MODULE" --write-object "$S/bin" \
	--type secrkey --key-type AES:20 --label hygiene)
[ "$rc" = 0 ] || fail "pkcs11-tool --write-object exited $rc: $(cat "$O/p11-write.txt")"
expect_code 0 "$B32"
run_rc "$O/p11-list.txt" foreign pkcs11-tool --module "$MODULE" -O >/dev/null
run_rc "$O/p11-read.txt" foreign pkcs11-tool --module "$MODULE" --read-object --type secrkey --label hygiene >/dev/null

if [ -n "${SAFEID_OPENSC_CONF:-}" ] && [ -f "$SAFEID_OPENSC_CONF" ]; then
	note "burn through OpenSC (--backend opensc), OpenSC debug level 9"
	rc=$(OPENSC_CONF=$SAFEID_OPENSC_CONF OPENSC_DEBUG=9 run_rc "$O/opensc-burn.txt" \
		"$TOOL" --backend opensc burn --uri - --yes --verbose <"$S/uri")
	[ "$rc" = 0 ] || fail "OpenSC backend burn exited $rc: $(tail -n 5 "$O/opensc-burn.txt")"
	expect_code 0 "$B32"
else
	note "OpenSC driver not built: the OpenSC backend is not checked"
fi

note "the core test program, --verbose"
rc=$(run_rc "$O/core-burn.txt" "$SAFEID_CORE_BURN" --verbose <"$S/hex")
[ "$rc" = 0 ] || fail "core-burn exited $rc: $(cat "$O/core-burn.txt")"
expect_code 0 "$B32"

note "files the tool wrote are private"
[ -d "$XDG_STATE_HOME/safeid" ] || fail "no state directory written"
while IFS= read -r f; do
	m=$(stat -c %a "$f")
	if [ -d "$f" ]; then
		[ "$m" = 700 ] || fail "directory $f has mode $m, expected 700"
	else
		[ "$m" = 600 ] || fail "file $f has mode $m, expected 600"
	fi
done < <(find "$XDG_STATE_HOME/safeid" "$TMPDIR" -mindepth 1)
ls "$XDG_STATE_HOME/safeid"/*.burn >/dev/null || fail "no burn record written"

note "search every output and file for the seed"
pat=$WORK/patterns
spaced=$(sed 's/../& /g; s/ $//' <<<"${HEX:0:24}")
{
	echo "$SEED"
	echo "${SEED:0:12}"
	echo "$HEX"
	echo "${HEX:0:24}"
	echo "$spaced"
	echo "${spaced// /:}"
	echo "$B32"
	echo "${B32:0:16}"
	echo "$B64"
	echo "${B64:0:16}"
} >"$pat"
scanned=0
while IFS= read -r -d '' f; do
	scanned=$((scanned + 1))
	if grep -a -i -F -q -f "$pat" "$f"; then
		fail "the seed appears in $f: $(grep -a -i -F -o -f "$pat" "$f" | head -3 | tr '\n' ' ')"
	fi
done < <(find "$SAFEID_HARNESS_DIR" -type f ! -name 'emu*.state' ! -path "$S/*" \
	! -path "$pat" ! -name '*.fifo' -print0)
[ "$scanned" -ge 20 ] || fail "only $scanned files scanned; the test lost its outputs"
# The search would have found it: the token's state does hold the seed.
grep -a -i -F -q -f "$pat" "$SAFEID_EMU_STATE_0" ||
	fail "the marker is not in the emulator state either: the search is blind"
note "$scanned files scanned, no trace of the seed"
echo PASS
