#!/bin/sh
# opensc-test.sh CASE: one integration test of the OpenSC card driver, run
# inside tests/harness/safeid-harness (private pcscd, emulated token on
# reader 0).  OPENSC_CONF points at the build-tree opensc-safeid conf.
# Exit 0 pass, 1 fail (with a message), 77 skip.
set -eu

case_name=${1:?usage: opensc-test.sh CASE}
bin=${SAFEID_BIN:?}
work=${SAFEID_HARNESS_DIR:?}
state=${SAFEID_EMU_STATE_0:?}
log=${SAFEID_EMU_LOG_0:?}

fail() {
	echo "FAIL [$case_name]: $*" >&2
	exit 1
}

serial_of_state() {
	"$bin/safeid-emu" show --state "$state" --json |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["serial"])'
}

# opensc-tool is not built with sanitizers: in a sanitizer build it needs
# their runtimes preloaded to load our instrumented module (its own leaks
# are not ours to report; the client and safeid-tool check ours).
sc_tool() {
	if [ -n "${SAFEID_OPENSC_PRELOAD:-}" ]; then
		LD_PRELOAD=$SAFEID_OPENSC_PRELOAD ASAN_OPTIONS=detect_leaks=0 opensc-tool "$@"
	else
		opensc-tool "$@"
	fi
}

need_tool() {
	[ -x "$bin/safeid-tool" ] || { echo "safeid-tool not built: skip"; exit 77; }
}

# safeid-tool through OpenSC, records in the private dir, never asking.
tool() {
	"$bin/safeid-tool" --backend opensc --yes --state-dir "$work/state" "$@"
}

# The APDU log lines whose INS (second byte) is $1.
count_ins() {
	awk -v ins="$1" '$2 == ins { n++ } END { print n + 0 }' "$log"
}

# Burn with the client through OpenSC, then compare the token's code with
# oathtool's for the same instant.  $1 hash, $2 step, $3 oathtool hash flag.
burn_and_verify() {
	hash=$1 step=$2 oflag=$3
	# "12345678901234567890" (RFC 6238 test key), base32 below
	seed_hex=3132333435363738393031323334353637383930
	seed_b32=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
	[ -n "${OATHTOOL:-}" ] || { echo "oathtool not found: skip"; exit 77; }
	echo "$seed_hex" | "$SAFEID_OPENSC_CLIENT" burn "$hash" "$step" 30 \
		>"$work/burn.out" || { cat "$work/burn.out"; fail "burn through OpenSC failed"; }
	cat "$work/burn.out"
	grep -qx 'done=1' "$work/burn.out" || fail "burn did not reach the end"
	grep -qx 'seed=new' "$work/burn.out" || fail "the driver does not report the new seed"
	grep -qx 'err=SAFEID_OK' "$work/burn.out" || fail "burn reported an error"
	[ "$(count_ins C5)" = 1 ] || fail "expected exactly one write-seed APDU in $log"
	"$bin/safeid-emu" code --state "$state" --json >"$work/code.json" ||
		fail "safeid-emu code failed (no seed on the token?)"
	code=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["code"])' "$work/code.json")
	t=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token_time"])' "$work/code.json")
	# shellcheck disable=SC2086
	want=$("$OATHTOOL" --totp$oflag -d 6 --time-step-size="${step}s" -N "@$t" \
		--base32 "$seed_b32")
	echo "token code $code at $t; oathtool $want"
	[ "$code" = "$want" ] || fail "token shows $code, oathtool says $want"
}

case $case_name in
list_drivers)
	sc_tool --list-drivers >"$work/out" 2>&1 || { cat "$work/out"; fail "opensc-tool --list-drivers failed"; }
	cat "$work/out"
	grep -Eq '^[[:space:]]+safeid[[:space:]]' "$work/out" ||
		fail "safeid is not among the drivers (is OPENSC_CONF=$OPENSC_CONF right?)"
	;;
wrong_version)
	# The same driver built to claim OpenSC 0.22.0: OpenSC 0.23 refuses it.
	OPENSC_CONF=$SAFEID_OPENSC_WRONGVER_CONF sc_tool --list-drivers >"$work/out" 2>&1 || true
	cat "$work/out"
	if grep -Eq '^[[:space:]]+safeid[[:space:]]' "$work/out"; then
		fail "OpenSC loaded a driver built for another version"
	fi
	grep -Eq '^[[:space:]]+PIV-II[[:space:]]' "$work/out" ||
		fail "internal drivers missing: the configuration was not read"
	;;
name | name_unknown)
	out=$(sc_tool -r 0 -n 2>"$work/err") || { cat "$work/err"; fail "opensc-tool -n failed: $out"; }
	echo "$out"
	if [ "$case_name" = name ]; then
		want="Token2 OTPC-P2-i programmable OTP token"
	else
		want="SafeID programmable OTP token"
	fi
	[ "$out" = "$want" ] || fail "card name '$out', expected '$want'"
	[ "$(count_ins 41)" -ge 1 ] || fail "no get-info APDU reached the token"
	;;
serial)
	serial=$(serial_of_state)
	out=$(sc_tool -r 0 --serial 2>"$work/err") || { cat "$work/err"; fail "opensc-tool --serial failed: $out"; }
	echo "$out"
	# util_hex_dump_asc: the bytes in hex, then the same bytes as text
	hex=$(printf %s "$serial" | od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/^ //; s/ $//' | tr a-f A-F)
	case $(echo "$out" | tr a-f A-F) in
	"$hex "*) ;;
	*) fail "serial dump '$out' does not start with the bytes $hex ($serial)" ;;
	esac
	echo "$out" | grep "$serial" >/dev/null || fail "ASCII column does not show $serial"
	;;
speed)
	start=$(date +%s%N)
	out=$(sc_tool -r 0 -n 2>"$work/err") || { cat "$work/err"; fail "opensc-tool -n failed: $out"; }
	end=$(date +%s%N)
	ms=$(( (end - start) / 1000000 ))
	n=$(wc -l <"$log")
	echo "opensc-tool -n: '$out' in $ms ms; APDUs: $n"
	[ "$n" = 1 ] || fail "recognising the token took $n APDUs (expected the one get-info probe)"
	case $out in *programmable\ OTP\ token) ;; *) fail "card not named: $out" ;; esac
	[ "$ms" -lt 5000 ] || fail "opensc-tool -n took $ms ms (bound 5000)"
	;;
foreign)
	# The emulator answers 6D00 to everything: some other card.
	out=$(sc_tool -r 0 -n 2>&1) || true
	echo "$out"
	case $out in *OTP\ token*) fail "the driver claimed a foreign card" ;; esac
	[ "$(count_ins 41)" = 1 ] || fail "expected exactly one get-info probe"
	for ins in 4B CE D4 C5; do
		[ "$(count_ins $ins)" = 0 ] || fail "INS $ins sent to a foreign card"
	done
	;;
not_claimed)
	# The token's get-info reply is malformed (emulator fault): a card
	# that answers but not like this family must not be claimed.
	out=$(sc_tool -r 0 -n 2>&1) || true
	echo "$out"
	case $out in *OTP\ token*) fail "the driver claimed a card with a malformed get-info reply" ;; esac
	[ "$(count_ins 41)" -ge 1 ] || fail "the probe never reached the card"
	for ins in 4B CE D4 C5; do
		[ "$(count_ins $ins)" = 0 ] || fail "INS $ins sent to an unrecognised card"
	done
	;;
debug_log_no_seed)
	# With OpenSC's debug log on, OpenSC writes every APDU it sends in hex.
	# The seed write is encrypted under the family's public device key, so
	# logging it would log the seed: the driver must keep it out.
	conf=$work/opensc-debug.conf
	dbg=$work/opensc-debug.log
	sed "s|^app default {|app default {\n\tdebug = 9;\n\tdebug_file = $dbg;|" \
		"$OPENSC_CONF" >"$conf"
	echo 3132333435363738393031323334353637383930 |
		OPENSC_CONF=$conf "$SAFEID_OPENSC_CLIENT" burn sha1 30 30 >"$work/burn.out" 2>&1 ||
		{ cat "$work/burn.out"; fail "burn with the debug log on failed"; }
	grep -qx 'done=1' "$work/burn.out" || fail "burn did not finish"
	[ -s "$dbg" ] || fail "OpenSC wrote no debug log to $dbg"
	grep -q '80 41 00 00' "$dbg" || fail "the debug log holds no APDUs at all: the test proves nothing"
	grep -q '84 D4 00 00' "$dbg" || fail "the config write is missing from the debug log"
	# the first bytes of the encrypted seed (known answer, token-protocol.md)
	if grep -qi '5E 58 56 09' "$dbg"; then
		fail "the encrypted seed (the seed under a public key) is in OpenSC's debug log"
	fi
	grep -q '84 C5' "$dbg" && fail "the seed write's header is in OpenSC's debug log"
	echo "debug log: $(wc -l <"$dbg") lines, no seed write"
	;;
burn_locked)
	# A locked token refuses authentication: one try, no retry, the seed
	# untouched, and the client reports where it stopped.
	if echo 3132333435363738393031323334353637383930 |
		"$SAFEID_OPENSC_CLIENT" burn sha1 30 30 >"$work/burn.out" 2>&1; then
		cat "$work/burn.out"
		fail "burn on a locked token reported success"
	fi
	cat "$work/burn.out"
	grep -qx 'err=SAFEID_ERR_AUTH' "$work/burn.out" || fail "expected SAFEID_ERR_AUTH"
	grep -qx 'seed=old' "$work/burn.out" || fail "expected the old seed to be reported"
	[ "$(count_ins CE)" = 1 ] || fail "authentication sent $(count_ins CE) times (must be exactly once)"
	[ "$(count_ins D4)$(count_ins C5)" = 00 ] || fail "a write was sent after a refused authentication"
	;;
burn_cut)
	# A fault mid-burn (see CMakeLists.txt); $2 is the seed state the
	# report must give.  Never a success.
	want=${2:?}
	if echo 3132333435363738393031323334353637383930 |
		"$SAFEID_OPENSC_CLIENT" burn sha1 30 30 >"$work/burn.out" 2>&1; then
		cat "$work/burn.out"
		fail "a burn whose link dropped reported success"
	fi
	cat "$work/burn.out"
	grep -qx 'done=0' "$work/burn.out" || fail "the report claims the burn finished"
	grep -qx "seed=$want" "$work/burn.out" || fail "expected the seed state '$want'"
	grep -qx 'err=SAFEID_OK' "$work/burn.out" && fail "the report gives no error"
	;;
atr_safeid | atr_safeid_foreign)
	# A card_atr block names the emulator's ATR for safeid: OpenSC picks
	# the driver by ATR; init still checks the card really is a token.
	atr=$(sc_tool -r 0 --atr 2>/dev/null | tr -d ' :\n' | tr A-F a-f)
	[ -n "$atr" ] || fail "could not read the ATR"
	colon=$(echo "$atr" | sed 's/../&:/g; s/:$//')
	conf=$work/opensc-atr.conf
	sed "s|^app default {|app default {\n\tcard_atr $colon { driver = \"safeid\"; }|" \
		"$OPENSC_CONF" >"$conf"
	grep -q "card_atr $colon" "$conf" || fail "could not write $conf"
	: >"$log"
	out=$(OPENSC_CONF=$conf sc_tool -r 0 -n 2>&1) || true
	echo "$out"
	if [ "$case_name" = atr_safeid ]; then
		[ "$out" = "Token2 OTPC-P2-i programmable OTP token" ] ||
			fail "card matched by ATR named '$out'"
	else
		case $out in *OTP\ token*) fail "a foreign card with a configured ATR was claimed" ;; esac
		for ins in 4B CE D4 C5; do
			[ "$(count_ins $ins)" = 0 ] || fail "INS $ins sent to a foreign card"
		done
	fi
	;;
atr_elsewhere)
	# A card_atr block gives the emulator's ATR to another driver: OpenSC
	# matches configured ATRs first, so ours must never be asked.
	atr=$(sc_tool -r 0 --atr 2>/dev/null | tr -d ' :\n' | tr A-F a-f)
	[ -n "$atr" ] || fail "could not read the ATR"
	colon=$(echo "$atr" | sed 's/../&:/g; s/:$//')
	before=$(count_ins 41)
	conf=$work/opensc-elsewhere.conf
	sed "s|^app default {|app default {\n\tcard_atr $colon { driver = \"openpgp\"; }|" \
		"$OPENSC_CONF" >"$conf"
	grep -q "card_atr $colon" "$conf" || fail "could not write $conf"
	OPENSC_CONF=$conf sc_tool -r 0 -n >"$work/out" 2>&1 || true
	cat "$work/out"
	grep -q 'OTP token' "$work/out" && fail "safeid claimed a card mapped to another driver"
	[ "$(count_ins 41)" = "$before" ] || fail "get info was sent to a card mapped to another driver"
	[ "$(count_ins A4)" -ge 1 ] || fail "the other driver never talked to the card: the mapping did not take effect"
	;;
burn_sha1)
	burn_and_verify sha1 30 ""
	;;
burn_sha256)
	burn_and_verify sha256 60 "=SHA256"
	;;
tool_burn | tool_clock)
	need_tool
	[ -n "${OATHTOOL:-}" ] || { echo "oathtool not found: skip"; exit 77; }
	seed_b32=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
	echo "$seed_b32" | tool burn --secret - >"$work/tool.out" 2>&1 ||
		{ cat "$work/tool.out"; fail "safeid-tool --backend opensc burn failed"; }
	cat "$work/tool.out"
	[ "$(count_ins C5)" = 1 ] || fail "expected one write-seed APDU"
	if [ "$case_name" = tool_clock ]; then
		# A model that keeps its seed: the clock write must not lose it.
		tool clock >"$work/clock.out" 2>&1 ||
			{ cat "$work/clock.out"; fail "safeid-tool --backend opensc clock failed"; }
		cat "$work/clock.out"
		[ "$(count_ins D4)" = 2 ] || fail "expected a second config write for the clock"
		[ "$(count_ins C5)" = 1 ] || fail "the clock sync wrote a seed"
	fi
	"$bin/safeid-emu" code --state "$state" --json >"$work/code.json" || fail "no seed on the token"
	code=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["code"])' "$work/code.json")
	t=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token_time"])' "$work/code.json")
	want=$("$OATHTOOL" --totp -d 6 --time-step-size=30s -N "@$t" --base32 "$seed_b32")
	echo "token code $code at $t; oathtool $want"
	[ "$code" = "$want" ] || fail "token shows $code, oathtool says $want"
	;;
tool_seed_refused)
	# The token refuses the seed after the config write erased the old
	# one (restricted model): exit 6 and a message saying so.
	need_tool
	rc=0
	echo GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ | tool burn --secret - >"$work/out" 2>&1 || rc=$?
	cat "$work/out"
	[ "$rc" = 6 ] || fail "exit $rc, expected 6 (seed erased or unknown)"
	grep -q "token $(serial_of_state)) failed" "$work/out" || fail "the message does not name the token"
	grep -q '6A80' "$work/out" || fail "the message does not give the token's answer"
	;;
tool_list)
	need_tool
	tool list >"$work/list.out" 2>"$work/err" || { cat "$work/err"; fail "safeid-tool --backend opensc list failed"; }
	cat "$work/list.out"
	grep -q "$(serial_of_state)" "$work/list.out" || fail "list does not show the token"
	grep -q "$SAFEID_READER_0" "$work/list.out" || fail "list does not name the reader"
	;;
tool_info)
	need_tool
	serial=$(serial_of_state)
	tool info --json >"$work/info.json" 2>"$work/err" || { cat "$work/err"; fail "safeid-tool --backend opensc info failed"; }
	cat "$work/info.json"
	grep -q "\"$serial\"" "$work/info.json" || fail "info does not show serial $serial"
	grep -q 'OTPC-P2-i' "$work/info.json" || fail "info does not show the model"
	;;
tool_clock_restricted)
	# OTPC-P2-i erases its seed on any config write: without --erase-seed
	# the tool must refuse (exit 7) and send no write at all.
	need_tool
	rc=0
	tool clock --hash sha1 --step 30 --display 30 >"$work/out" 2>&1 || rc=$?
	cat "$work/out"
	[ "$rc" = 7 ] || fail "exit $rc, expected 7 (declined, nothing written)"
	for ins in CE D4 C5; do
		[ "$(count_ins $ins)" = 0 ] || fail "INS $ins sent although the clock write was refused"
	done
	;;
tool_foreign)
	need_tool
	rc=0
	tool -r "$SAFEID_READER_0" info >"$work/out" 2>&1 || rc=$?
	cat "$work/out"
	[ "$rc" = 4 ] || fail "exit $rc, expected 4 (no token)"
	grep -qi 'not a programmable OTP token' "$work/out" || fail "the message does not say the card is not a token"
	;;
*)
	fail "unknown case"
	;;
esac
echo "PASS [$case_name]"
