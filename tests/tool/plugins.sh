#!/usr/bin/env bash
# The tool's plug-ins: safeid-tool starts without the QR image, X11 and
# OpenSC libraries and loads them only for the commands that need them
# (--qr/--screen: safeid-tool-image.so; --backend opensc:
# safeid-tool-opensc.so).  Checked: the tool's own dependencies; what the
# dynamic loader opens during a burn from a URI and from a QR image; an
# installed tree (relative lookup); and the message when a plug-in is gone.
. "$(dirname "$0")/lib.sh"

HEAVY='libzbar|libpng|libjpeg|libX11|libXext|libXrandr|libXinerama|libopensc|safeid-tool-image|safeid-tool-opensc'
R0=$SAFEID_READER_0
B32=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
URI="otpauth://totp/Lazy:uri?secret=$B32&issuer=Lazy"
printf '%s' "$URI" > "$WORK/uri"
chmod 600 "$WORK/uri"

# loaded PREFIX: the shared objects the loader opened (LD_DEBUG=files).
loaded() {
	sed -n 's/.*file=\([^ ]*\) .*/\1/p' "$1".* | sort -u
}

note "the tool itself needs none of the heavy libraries"
if ldd "$TOOL" | grep -Eq "$HEAVY"; then
	fail "safeid-tool links $(ldd "$TOOL" | grep -E "$HEAVY" | awk '{print $1}' | tr '\n' ' ')"
fi

note "a burn from a URI opens none of them"
LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/ld-uri" \
	"$TOOL" burn -r "$R0" --uri - --yes < "$WORK/uri"
expect_burned "$SAFEID_EMU_STATE_0" "$B32" SHA1 30
# the trace is real: it shows the PKCS#11 module the burn went through
loaded "$WORK/ld-uri" | grep 'safeid-pkcs11\.so' >/dev/null ||
	fail "LD_DEBUG traced no load of safeid-pkcs11.so; the check below would prove nothing"
if loaded "$WORK/ld-uri" | grep -Eq "$HEAVY"; then
	fail "a URI burn loaded: $(loaded "$WORK/ld-uri" | grep -E "$HEAVY" | tr '\n' ' ')"
fi

note "a burn from a QR image loads the image plug-in and zbar"
S2=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
qr_png "otpauth://totp/Lazy:qr?secret=$S2&issuer=Lazy" "$WORK/qr.png"
LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/ld-qr" \
	"$TOOL" burn -r "$R0" --qr "$WORK/qr.png" --yes
expect_burned "$SAFEID_EMU_STATE_0" "$S2" SHA1 30
for lib in safeid-tool-image.so libzbar; do
	loaded "$WORK/ld-qr" | grep "$lib" >/dev/null || fail "a QR burn did not load $lib"
done
if loaded "$WORK/ld-qr" | grep libopensc >/dev/null; then
	fail "a QR burn through PKCS#11 loaded libopensc"
fi

note "an installed tree finds its plug-ins relative to the tool"
INST=$WORK/inst
cmake --install "${SAFEID_BUILD_DIR:?}" --prefix "$INST" > "$WORK/install.log" ||
	{ cat "$WORK/install.log" >&2; fail "cmake --install failed"; }
ITOOL=$INST/bin/safeid-tool
IMG=$(find "$INST" -name safeid-tool-image.so)
[ -n "$IMG" ] || fail "install put no safeid-tool-image.so under $INST"
"$ITOOL" --json scan --qr "$WORK/qr.png" > "$WORK/scan.json" ||
	fail "the installed tool could not scan: $(cat "$WORK/scan.json")"
grep -q '"ok":true' "$WORK/scan.json" || fail "installed scan not ok: $(cat "$WORK/scan.json")"

note "without the image plug-in: URI burns work, --qr says what is missing"
rm -f "$IMG"
if [ -e "$TOOL_PLUGIN_ABSDIR/safeid-tool-image.so" ]; then
	note "skipped: an installed $TOOL_PLUGIN_ABSDIR/safeid-tool-image.so would be found"
else
	rc=0 before=$(writes "$SAFEID_EMU_LOG_0")
	"$ITOOL" --json burn -r "$R0" --qr "$WORK/qr.png" --yes > "$WORK/noimg.json" || rc=$?
	[ "$rc" = 9 ] || fail "--qr without the plug-in: exit $rc, expected 9"
	for want in '"code":"plugin_missing"' 'safeid-tool-image.so' \
		'No such file' "$TOOL_PLUGIN_ABSDIR" '--uri'; do
		grep -qF -- "$want" "$WORK/noimg.json" ||
			fail "the message lacks '$want': $(cat "$WORK/noimg.json")"
	done
	[ "$(writes "$SAFEID_EMU_LOG_0")" = "$before" ] || fail "a failed --qr burn wrote to the token"
fi
S3=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU
printf 'otpauth://totp/Lazy:bare?secret=%s&issuer=Lazy' "$S3" > "$WORK/uri"
"$ITOOL" burn -r "$R0" --uri - --yes < "$WORK/uri"
expect_burned "$SAFEID_EMU_STATE_0" "$S3" SHA1 30

OSC=$(find "$INST" -name safeid-tool-opensc.so)
if [ -z "$OSC" ]; then
	note "no OpenSC plug-in in this build: --backend opensc checks skipped"
	exit 0
fi
note "the installed OpenSC plug-in reaches the token"
OPENSC_CONF=$SAFEID_BUILD_DIR/conf/opensc-safeid-build.conf \
	"$ITOOL" --backend opensc list > "$WORK/osc-list.out" 2>&1 ||
	fail "--backend opensc list failed: $(cat "$WORK/osc-list.out")"
grep -q 8659632000001 "$WORK/osc-list.out" ||
	fail "--backend opensc list shows no token: $(cat "$WORK/osc-list.out")"

note "without it, --backend opensc says what is missing"
rm -f "$OSC"
if [ -e "$TOOL_PLUGIN_ABSDIR/safeid-tool-opensc.so" ]; then
	note "skipped: an installed $TOOL_PLUGIN_ABSDIR/safeid-tool-opensc.so would be found"
	exit 0
fi
rc=0
"$ITOOL" --json --backend opensc list > "$WORK/noosc.json" || rc=$?
[ "$rc" = 9 ] || fail "--backend opensc without the plug-in: exit $rc, expected 9"
for want in '"code":"plugin_missing"' 'safeid-tool-opensc.so' '--backend pkcs11'; do
	grep -qF -- "$want" "$WORK/noosc.json" ||
		fail "the message lacks '$want': $(cat "$WORK/noosc.json")"
done
note "plug-ins load only when needed"
