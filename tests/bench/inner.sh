#!/usr/bin/env bash
# inner.sh: the token part of the benchmark, run by tests/bench/run inside
# tests/harness/safeid-harness with two emulated tokens (readers 0 and 1).
#
#   inner.sh WORK_DIR BUILD_DIR RUNS STOCK_RUNS STOCK_BOUND_S BATCH_TOKENS
#
# Appends "key value" lines to WORK_DIR/raw.txt (one line per measured
# run; tests/bench/run takes the medians).  Every measured command is also
# checked for its real outcome (tokens listed, card named, burn verified
# with oathtool), so a figure never comes from a failed run.
set -euo pipefail

[ "$#" -eq 6 ] || { echo "usage: inner.sh WORK BUILD RUNS STOCK_RUNS STOCK_BOUND BATCH" >&2; exit 2; }
W=$1 B=$2 RUNS=$3 STOCK_RUNS=$4 BOUND=$5 BATCH=$6
BIN=$B/bin
BX=$BIN/bench-exec
RAW=$W/raw.txt
STOCK_P11=""
for m in "/usr/lib/$(gcc -print-multiarch 2>/dev/null)/opensc-pkcs11.so" \
	/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so /usr/lib64/opensc-pkcs11.so \
	/usr/lib/opensc-pkcs11.so; do
	[ -e "$m" ] && { STOCK_P11=$m; break; }
done
OURS_P11=$B/lib/safeid-pkcs11.so
OURS_OSC_CONF=$B/conf/opensc-safeid-build.conf
URI=$W/uri.txt
SECRET_B32=$(cat "$W/secret.b32")

rec() { echo "$1 $2" >>"$RAW"; }
note() { echo "bench: $*" >&2; }
fail() { echo "bench: $*" >&2; exit 1; }

# APDUs the two emulators have answered so far (their logs: one line each).
apdus() { cat "$SAFEID_EMU_LOG_0" "$SAFEID_EMU_LOG_1" | wc -l; }

# measure KEY [bench-exec options] -- COMMAND...: records KEY.wall_us,
# KEY.rss_kib, KEY.cpu_us, KEY.apdus; leaves the exit status in $status.
status=0
measure() {
	local key=$1 before after line
	shift
	before=$(apdus)
	line=$("$BX" "$@") || fail "$key: bench-exec could not run: $*"
	after=$(apdus)
	line=${line//=/ }
	# shellcheck disable=SC2086  # "wall_us N maxrss_kib N status N cpu_us N"
	set -- $line
	rec "$key.wall_us" "$2"
	rec "$key.rss_kib" "$4"
	rec "$key.cpu_us" "$8"
	rec "$key.apdus" "$((after - before))"
	status=$6
}

# The code the emulated token shows now must be oathtool's for the seed.
verify_token() { # STATE_FILE
	local json code t want
	json=$(safeid-emu code --state "$1" --json) || return 1
	code=$(sed -n 's/.*"code":"\([0-9]*\)".*/\1/p' <<<"$json")
	t=$(sed -n 's/.*"token_time":\([0-9]*\).*/\1/p' <<<"$json")
	# a published test vector, not a secret: argv is fine here
	want=$(oathtool --totp -d 6 --time-step-size=30s -N "@$t" --base32 "$SECRET_B32")
	[ -n "$code" ] && [ "$code" = "$want" ]
}

# ---- 3a. PKCS#11 listing: our module vs stock OpenSC's ----------------------
note "PKCS#11: pkcs11-tool -L, our module x $RUNS"
for ((i = 0; i < RUNS; i++)); do
	measure p11.ours --out "$W/p11.out" --err "$W/p11.err" -- \
		pkcs11-tool --module "$OURS_P11" -L
	[ "$status" -eq 0 ] || fail "pkcs11-tool -L with our module failed ($status): $(cat "$W/p11.err")"
	grep -q 8659632000001 "$W/p11.out" && grep -q 8659612000002 "$W/p11.out" ||
		fail "pkcs11-tool -L with our module did not list both tokens; see $W/p11.out"
done
# pkcs11-tool's fixed cost with our module loaded (C_Initialize, C_GetInfo;
# no slot, no PC/SC traffic): the floor under any module's -L.
for ((i = 0; i < RUNS; i++)); do
	measure p11.floor --out "$W/p11-floor.out" -- pkcs11-tool --module "$OURS_P11" -I
done
[ -n "$STOCK_P11" ] || note "no opensc-pkcs11.so found: the stock PKCS#11 figure is not measured"
[ -z "$STOCK_P11" ] || note "PKCS#11: pkcs11-tool -L, stock $STOCK_P11 x $STOCK_RUNS (bound ${BOUND} s)"
for ((i = 0; i < STOCK_RUNS && ${#STOCK_P11} > 0; i++)); do
	measure p11.stock --out "$W/p11-stock.out" --err "$W/p11-stock.err" -- \
		env -u OPENSC_CONF timeout "$BOUND" pkcs11-tool --module "$STOCK_P11" -L
	rec p11.stock.status "$status"
	rec p11.stock.unrecognized "$(grep -c 'token not recognized\|not recognized' "$W/p11-stock.out" || true)"
done

# ---- 3b. opensc-tool -n: our driver configured vs stock OpenSC ------------
osc_runs=$RUNS
if [ ! -e "$B/lib/safeid-opensc.so" ] || [ ! -e "$OURS_OSC_CONF" ]; then
	note "no OpenSC driver in this build (SAFEID_OPENSC_DRIVER off or OpenSC not 0.23): our opensc-tool -n is not measured"
	osc_runs=0
fi
note "OpenSC: opensc-tool -n with our driver x $osc_runs"
for ((i = 0; i < osc_runs; i++)); do
	measure osc.ours --out "$W/osc.out" --err "$W/osc.err" -- \
		env OPENSC_CONF="$OURS_OSC_CONF" opensc-tool -n
	[ "$status" -eq 0 ] && [ -s "$W/osc.out" ] ||
		fail "opensc-tool -n with our driver failed ($status): $(cat "$W/osc.err")"
done
# OpenSC's fixed cost (library, configuration, PC/SC context, no card):
# the floor under any driver's opensc-tool -n.
for ((i = 0; i < osc_runs; i++)); do
	measure osc.floor --out "$W/osc-floor.out" -- \
		env OPENSC_CONF="$OURS_OSC_CONF" opensc-tool --list-readers
done
note "OpenSC: opensc-tool -n stock x $STOCK_RUNS (bound ${BOUND} s)"
for ((i = 0; i < STOCK_RUNS; i++)); do
	measure osc.stock --out "$W/osc-stock.out" --err "$W/osc-stock.err" -- \
		env -u OPENSC_CONF timeout "$BOUND" opensc-tool -n
	rec osc.stock.status "$status"
done

# ---- 1. Burn: safeid-tool vs the plain six-APDU client, side by side -------
note "burn: safeid-tool burn vs plain-burn x $RUNS (alternating)"
for ((i = 0; i < RUNS; i++)); do
	measure burn.tool --out "$W/burn.out" --err "$W/burn.err" -- \
		"$BIN/safeid-tool" burn --uri-file "$URI" --yes -r 0 --state-dir "$W/state"
	[ "$status" -eq 0 ] || fail "safeid-tool burn failed ($status): $(cat "$W/burn.err")"
	verify_token "$SAFEID_EMU_STATE_0" ||
		fail "after safeid-tool burn the token's code is not oathtool's"
	measure burn.plain --in "$W/seed.hex" --out "$W/plain.out" --err "$W/plain.err" -- \
		"$BIN/plain-burn" --reader "$SAFEID_READER_0"
	[ "$status" -eq 0 ] || fail "plain-burn failed ($status): $(cat "$W/plain.err")"
	verify_token "$SAFEID_EMU_STATE_0" ||
		fail "after plain-burn the token's code is not oathtool's"
	rec burn.plain.apdu_us "$(sed -n 's/.*apdu_us=\([0-9]*\).*/\1/p' "$W/plain.out")"
done

# The tool's start-up alone (dynamic linking of its libraries, no token):
# the part of the overhead that is not PC/SC traffic.
for ((i = 0; i < RUNS; i++)); do
	measure burn.floor --out "$W/version.out" -- "$BIN/safeid-tool" --version
done

# ---- 4. Batch: tokens one after another on reader 0 --------------------------
note "batch: $BATCH tokens presented one after another (safeid-tool burn --wait)"
states=()
for ((k = 0; k < BATCH; k++)); do
	s=$W/batch$k.state
	safeid-emu init --state "$s" --serial "$((8659632010000 + k))" >/dev/null
	states+=(--state "$s")
done
emu=$(command -v safeid-emu)
# bench-batch also watches the reader itself (--reader): in the same swap
# it sees when PC/SC reports the card, so the time the tool takes after
# that is measured side by side with PC/SC's own detection.
"$BIN/bench-batch" --emu "$emu" --ctl "$SAFEID_EMU_CTL_0" --ready "Waiting up to" \
	--reader "$SAFEID_READER_0" --log "$W/batch.log" "${states[@]}" -- \
	"$BIN/safeid-tool" burn --wait 20 -r 0 --uri-file "$URI" --yes \
	--state-dir "$W/state" >"$W/batch.out" ||
	fail "batch burn failed; see $W/batch.out and $W/batch.log"
for ((k = 0; k < BATCH; k++)); do
	verify_token "$W/batch$k.state" || fail "batch token $k: code is not oathtool's"
done
while read -r tok load arr det st; do
	case "$tok" in token=*) ;; *) continue ;; esac
	rec batch.tool.load_us "${load#load_us=}"
	rec batch.tool.arrival_us "${arr#arrival_to_done_us=}"
	rec batch.detect.arrival_us "${det#detect_us=}"
	rec batch.tool.after_detect_us "$((${arr#arrival_to_done_us=} - ${det#detect_us=}))"
	: "$st"
done <"$W/batch.out"
sed -n 's/^batch_us=\([0-9]*\) tokens=\([0-9]*\).*/batch.tool.total_us \1/p' "$W/batch.out" >>"$RAW"
rec batch.tokens "$BATCH"

# No polling sleeps: one more token burned under strace; count the sleep
# and poll calls the tool made while it waited.
if command -v strace >/dev/null; then
	"$BIN/bench-batch" --emu "$emu" --ctl "$SAFEID_EMU_CTL_0" --ready "Waiting up to" \
		--log "$W/batch-strace.log" --state "$W/batch0.state" -- \
		strace -f -qq -o "$W/strace.txt" \
		-e trace=nanosleep,clock_nanosleep,poll,ppoll,select,pselect6,epoll_wait,connect \
		"$BIN/safeid-tool" burn --wait 20 -r 0 --uri-file "$URI" --yes \
		--state-dir "$W/state" >"$W/batch-strace.out" ||
		fail "strace'd batch burn failed; see $W/batch-strace.log"
	# Sleeps: none allowed.  Timed waits: poll/select with a finite
	# timeout; an event-driven wait is one such call (SCardGetStatusChange
	# bounded by --wait), a polling loop would be many.  Polls with no
	# timeout are pcsc-lite waiting for pcscd's answer to one message.
	rec batch.sleep_calls "$(grep -c 'nanosleep(' "$W/strace.txt" || true)"
	rec batch.timed_waits "$(grep 'poll(\|select(\|epoll_wait(' "$W/strace.txt" | grep -vc ', -1)' || true)"
	rec batch.pcscd_connects "$(grep -c 'connect(' "$W/strace.txt" || true)"
fi
