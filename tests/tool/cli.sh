#!/usr/bin/env bash
# The command line and the promises around it: usage errors, exit codes,
# refusing without a terminal, one valid JSON object per run, --wait by
# PC/SC events, burn record permissions, and the seed never showing up in
# any output, trace, JSON or file (a marker seed is burned and searched).
. "$(dirname "$0")/lib.sh"

R0=$SAFEID_READER_0
R1=$SAFEID_READER_1 # an empty reader
jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
for k in sys.argv[2].split("."): d = d[int(k)] if k.isdigit() else d[k]
print(d)' "$1" "$2"; }

note "help and usage errors"
"$TOOL" --help | grep "Exit codes" >/dev/null || fail "--help lacks the exit codes"
if command -v groff > /dev/null; then
	groff -man -Tutf8 -ww -z "$SAFEID_SOURCE_DIR/tools/safeid-tool.1" 2> "$WORK/groff.err" &&
		! grep -q . "$WORK/groff.err" || fail "the man page has troff warnings: $(cat "$WORK/groff.err")"
fi
for code in 0 1 2 3 4 5 6 7 8 9; do
	grep -q "^\.B $code\$" "$SAFEID_SOURCE_DIR/tools/safeid-tool.1" || fail "the man page lacks exit code $code"
	"$TOOL" --help | grep "^  $code  " >/dev/null || fail "--help lacks exit code $code"
done
expect_rc 2 "$TOOL" frobnicate
expect_rc 2 "$TOOL" burn --no-such-option
expect_rc 2 "$TOOL" burn --yes
expect_rc 2 "$TOOL" burn --uri - --secret - --yes < /dev/null
expect_rc 2 "$TOOL" burn --uri 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP' --yes
expect_rc 2 "$TOOL" burn --secret JBSWY3DPEHPK3PXP --yes
expect_rc 2 "$TOOL" code --step 45 --secret - <<< JBSWY3DPEHPK3PXP
expect_rc 2 "$TOOL" burn --display 20 --secret - --yes <<< JBSWY3DPEHPK3PXP
expect_rc 9 "$TOOL" --module /nonexistent/safeid-pkcs11.so list
expect_rc 2 "$TOOL" -r 'no such reader' info
expect_rc 4 "$TOOL" -r "$R1" info

note "list and info as JSON"
"$TOOL" --json list > "$WORK/list.json"
[ "$(jget "$WORK/list.json" readers.0.serial)" = 8659632000001 ] || fail "list: wrong serial"
[ "$(jget "$WORK/list.json" readers.1.token_present)" = False ] || fail "list: reader 1 not empty"
"$TOOL" --json -r "$R0" info > "$WORK/info.json"
[ "$(jget "$WORK/info.json" model)" = C302-i ] || fail "info: wrong model"
[ "$(jget "$WORK/info.json" restricted_sync)" = False ] || fail "info: C302-i is not restricted"

note "no terminal and no --yes: refused, nothing written"
expect_rc 7 setsid -w "$TOOL" burn -r "$R0" --secret - < <(echo JBSWY3DPEHPK3PXP)
no_writes "$SAFEID_EMU_LOG_0"

note "--wait: a token placed on the empty reader is seen by PC/SC events"
"$EMU" ctl --ctl "$SAFEID_EMU_CTL_1" remove > /dev/null || true
expect_rc 4 "$TOOL" --wait 1 -r "$R1" info
"$TOOL" --json --wait 20 -r "$R1" info > "$WORK/wait.json" &
waiter=$!
pcsc-wait --timeout 5000 --reader "$R1" --absent
"$EMU" ctl --ctl "$SAFEID_EMU_CTL_1" insert > /dev/null
wait "$waiter" || fail "--wait did not see the token arrive"
[ "$(jget "$WORK/wait.json" token_present)" = True ] || fail "--wait: no token reported"

note "marker seed: burned, verified, and found nowhere else"
MARK=SAFEIDMARKERSEED2026 # 20 ASCII bytes
B32=$(printf '%s' "$MARK" | base32 | tr -d '=')
HEX=$(printf '%s' "$MARK" | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$B32" > "$WORK/marker"
"$TOOL" --verbose --json burn -r "$R0" --secret - --account marker --yes \
	< "$WORK/marker" > "$WORK/burn.json" 2> "$WORK/burn.err"
expect_burned "$SAFEID_EMU_STATE_0" "$B32" SHA1 30
[ "$(jget "$WORK/burn.json" ok)" = True ] || fail "burn --json not ok"
[ "$(jget "$WORK/burn.json" seed_state)" = new ] || fail "seed_state not new"
code=$(jget "$WORK/burn.json" codes.now)
t=$(jget "$WORK/burn.json" codes.time)
[ "$code" = "$(oath_code "$B32" "$t" SHA1 30)" ] || fail "burn shows $code, oathtool disagrees"
grep -q 'C_CreateObject' "$WORK/burn.err" || fail "--verbose traced no module call"
"$TOOL" --verbose verify -r "$R0" --secret - --code "$code" --at "$t" < "$WORK/marker" \
	> "$WORK/verify.out" 2>&1 || fail "verify of the marker failed"
"$TOOL" --json scan --secret - < "$WORK/marker" > "$WORK/scan.json"
rec=$(ls "$XDG_STATE_HOME"/safeid/*.burn)
for f in "$WORK/burn.json" "$WORK/burn.err" "$WORK/verify.out" "$WORK/scan.json" "$rec" \
	"$SAFEID_EMU_LOG_0"; do
	for needle in "$MARK" "$B32" "$HEX" "${B32:0:16}" "${HEX:0:16}" "${MARK:0:12}"; do
		if grep -qiF -- "$needle" "$f"; then
			fail "$(basename "$f") contains the seed ($needle)"
		fi
	done
done

note "burn record: directory 0700, file 0600, no seed"
[ "$(stat -c %a "$XDG_STATE_HOME/safeid")" = 700 ] || fail "record dir not 0700"
[ "$(stat -c %a "$rec")" = 600 ] || fail "record file not 0600"
grep -q '^hash=SHA1$' "$rec" && grep -q '^step=30$' "$rec" || fail "record lacks the config"
"$TOOL" --json -r "$R0" info > "$WORK/info2.json"
[ "$(jget "$WORK/info2.json" record.account)" = marker ] || fail "info does not show the last burn"
[ "$(jget "$WORK/info.json" record)" = None ] || fail "info showed a record before any burn"

note "--secret-arg works but warns"
"$TOOL" code --secret-arg JBSWY3DPEHPK3PXP 2> "$WORK/warn.txt" > /dev/null
grep -qi "process list" "$WORK/warn.txt" || fail "no warning for --secret-arg"

note "a full disk when saving the record: the burn is done, said so, exit 8"
mkdir -p "$WORK/full"
mount -t tmpfs -o size=16k tmpfs "$WORK/full"
dd if=/dev/zero of="$WORK/full/fill" bs=4k count=16 2> /dev/null || true
mkdir -p "$WORK/full/safeid" 2> /dev/null || true
rc=0
XDG_STATE_HOME=$WORK/full "$TOOL" burn -r "$R0" --secret - --account full --yes \
	< <(echo GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ) > /dev/null 2> "$WORK/full.err" || rc=$?
umount "$WORK/full"
[ "$rc" = 8 ] || fail "full disk: exit $rc, expected 8: $(cat "$WORK/full.err")"
grep -q "the burn succeeded" "$WORK/full.err" || fail "full disk: message does not say the burn happened"
expect_burned "$SAFEID_EMU_STATE_0" GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ SHA1 30
echo PASS
