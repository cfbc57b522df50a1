#!/usr/bin/env bash
# --screen: Xvfb with two monitors side by side (RandR), Chromium showing a
# page with the QR code on the second monitor; the tool finds it there and
# the burn verifies against oathtool.
. "$(dirname "$0")/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
command -v Xvfb > /dev/null && [ -n "$CHROMIUM" ] && [ -x "$TOOL_XSPLIT" ] || {
	echo "SKIP: needs Xvfb, chromium and the xsplit helper"
	exit 77
}

pids=()
cleanup() {
	# Stop what this test started, by process (group) id.
	for p in "${pids[@]}"; do kill -- "-$p" 2> /dev/null || kill "$p" 2> /dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
}
trap cleanup EXIT

note "Xvfb: one 2304x800 screen split into LEFT-1 (1280) and RIGHT-2 (1024)"
mkfifo "$WORK/displayfd"
setsid Xvfb -displayfd 3 -screen 0 2304x800x24 +extension RANDR -nolisten tcp \
	3> "$WORK/displayfd" > "$WORK/xvfb.log" 2>&1 &
pids+=($!)
read -r -t 30 dpy < "$WORK/displayfd" || fail "Xvfb did not report a display within 30 s: $(cat "$WORK/xvfb.log")"
export DISPLAY=:$dpy
# xsplit holds its connection (the monitors live as long as it) until the
# pipe we keep open on its stdin closes at exit.
mkfifo "$WORK/xsplit.in" "$WORK/xsplit.out"
setsid "$TOOL_XSPLIT" "$DISPLAY" 1280 < "$WORK/xsplit.in" > "$WORK/xsplit.out" &
pids+=($!)
exec 4> "$WORK/xsplit.in"
read -r -t 30 ready < "$WORK/xsplit.out" && [ "$ready" = ready ] || fail "xsplit did not set up the monitors"

note "Chromium shows the QR code on the second monitor"
S=KRUGKIDROVUWG2ZAMJZG653OEBTG66BANJ2W24DTEBXXMZLSEB2GQZJANRQXU6JAMRXWO
S=${S:0:32}
qr_png "otpauth://totp/Screen%20Test:dana@example.com?secret=$S&issuer=Screen%20Test" "$WORK/qr.png"
cat > "$WORK/page.html" <<HTML
<!doctype html><html><body style="margin:0;background:#fff">
<p style="font:20px sans-serif">Scan this code with your authenticator</p>
<img src="qr.png" style="margin:40px">
</body></html>
HTML
setsid "$CHROMIUM" --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --disable-dev-shm-usage --no-default-browser-check \
	--user-data-dir="$WORK/chrome" --window-position=1400,60 --window-size=840,680 \
	--app="file://$WORK/page.html" > "$WORK/chromium.log" 2>&1 &
pids+=($!)

# Wait by condition: until the tool decodes the code on the screen (each
# attempt is a full capture; bounded by 90 s).
deadline=$((SECONDS + 90))
until "$TOOL" --json scan --screen > "$WORK/scan.json" 2> "$WORK/scan.err"; do
	kill -0 "${pids[1]}" 2> /dev/null || fail "Chromium exited: $(tail -5 "$WORK/chromium.log")"
	[ "$SECONDS" -lt "$deadline" ] || fail "no QR code on the screen after 90 s: $(cat "$WORK/scan.err")"
done
/usr/bin/python3 - "$WORK/scan.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
mons = {m["name"]: m for m in d["monitors"]}
assert len(mons) == 2, d["monitors"]
assert mons["RIGHT-2"]["qr_codes"] == 1 and mons["LEFT-1"]["qr_codes"] == 0, d["monitors"]
assert d["accounts"][0]["issuer"] == "Screen Test", d["accounts"]
print("--- found on", [m["name"] for m in d["monitors"] if m["qr_codes"]])
PY

note "--screenshot-cmd (the Wayland way): image on stdout, and written to {file}"
"$TOOL" scan --screenshot-cmd "import -window root png:-" > "$WORK/cmd1.txt" ||
	fail "--screenshot-cmd with stdout failed"
grep -q "Screen Test" "$WORK/cmd1.txt" || fail "--screenshot-cmd found no account"
"$TOOL" scan --screenshot-cmd "import -window root png:{file}" > "$WORK/cmd2.txt" ||
	fail "--screenshot-cmd with {file} failed"

note "burn from the screen"
"$TOOL" burn --screen --yes
expect_burned "$SAFEID_EMU_STATE_0" "$S" SHA1 30
echo PASS
