#!/usr/bin/env bash
# Burns from QR images: a PNG, a JPEG, and a phone-photo-like JPEG (scaled,
# rotated, blurred, noisy); each verified against oathtool via the emulator.
. "$(dirname "$0")/lib.sh"

S1=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
S2=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA
S3=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU

note "PNG, SHA-1, 30 s"
qr_png "otpauth://totp/ACME%20Corp:alice%40example.com?secret=$S1&issuer=ACME%20Corp" "$WORK/a.png"
"$TOOL" burn --qr "$WORK/a.png" --yes
expect_burned "$SAFEID_EMU_STATE_0" "$S1" SHA1 30
grep -q '^account=alice@example.com$' "$XDG_STATE_HOME"/safeid/*.burn || fail "burn record lacks the account"

note "JPEG, SHA-256, 60 s"
qr_png "otpauth://totp/Example:bob?secret=$S2&algorithm=SHA256&period=60&digits=6&issuer=Example" "$WORK/b.png"
convert "$WORK/b.png" -quality 85 "$WORK/b.jpg"
"$TOOL" burn --qr "$WORK/b.jpg" --yes
expect_burned "$SAFEID_EMU_STATE_0" "$S2" SHA256 60

note "phone-photo-like JPEG: scaled, rotated, blurred, noisy"
qr_png "otpauth://totp/Photo:carol?secret=$S3&issuer=Photo" "$WORK/c.png"
convert "$WORK/c.png" -resize 170% -background '#cfc6b4' -rotate 9 \
	-gravity center -extent 900x800 -blur 0x1.5 -attenuate 0.4 +noise Gaussian \
	-quality 70 "$WORK/photo.jpg"
"$TOOL" scan --qr "$WORK/photo.jpg"
"$TOOL" burn --qr "$WORK/photo.jpg" --yes --display 60
expect_burned "$SAFEID_EMU_STATE_0" "$S3" SHA1 30
grep -q '^display=60$' "$XDG_STATE_HOME"/safeid/*.burn || fail "display 60 not recorded"

note "the emulator saw three config and three seed writes"
[ "$(grep -c '^84 D4' "$SAFEID_EMU_LOG_0")" = 3 ] || fail "expected 3 config writes"
[ "$(grep -c '^84 C5' "$SAFEID_EMU_LOG_0")" = 3 ] || fail "expected 3 seed writes"
echo PASS
