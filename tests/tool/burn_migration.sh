#!/usr/bin/env bash
# A Google Authenticator export (otpauth-migration) with three accounts, as a
# QR code: without a choice nothing is written; --match and --pick choose.
. "$(dirname "$0")/lib.sh"

SA=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
SB=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA
SC=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U
/usr/bin/python3 "$(dirname "$0")/mkmigration.py" "$WORK/export.txt" \
	"GitHub:alice:$SA:sha1:totp" "Example:bob@example.com:$SB:sha256:totp" \
	"Bank:carol:$SC:sha1:hotp"
qrencode -l L -s 6 -o "$WORK/export.png" -r "$WORK/export.txt"

note "scan lists the three accounts and flags the HOTP one"
"$TOOL" --json scan --qr "$WORK/export.png" > "$WORK/scan.json"
/usr/bin/python3 - "$WORK/scan.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
acc = d["accounts"]
assert len(acc) == 3, acc
assert [a["burnable"] for a in acc] == [True, True, False], acc
assert acc[1]["hash"] == "SHA256" and acc[2]["type"] == "hotp", acc
PY

note "three accounts and no choice: refused before the token is touched"
expect_rc 3 "$TOOL" burn --qr "$WORK/export.png" --yes
no_writes "$SAFEID_EMU_LOG_0"

note "the HOTP account is refused"
expect_rc 3 "$TOOL" burn --qr "$WORK/export.png" --pick 3 --yes
no_writes "$SAFEID_EMU_LOG_0"

note "--match example burns the SHA-256 account"
"$TOOL" burn --qr "$WORK/export.png" --match example --yes
expect_burned "$SAFEID_EMU_STATE_0" "$SB" SHA256 30

note "--pick 1 burns the GitHub account"
"$TOOL" burn --qr "$WORK/export.png" --pick 1 --yes
expect_burned "$SAFEID_EMU_STATE_0" "$SA" SHA1 30
echo PASS
