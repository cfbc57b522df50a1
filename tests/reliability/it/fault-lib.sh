# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# fault-lib.sh: what every fault-matrix test shares (sourced).  A token
# first gets an OLD seed through a normal burn; the faulted burn then tries
# to write NEW (same hash and step, so the token's code tells the seeds
# apart; new60 gives it another step and display).  After the fault, what
# the tool says the token holds is compared with what the emulator's state
# file says it holds, and so is the burn record the tool leaves.
# BACKEND=opensc runs the tool through OpenSC (default: the PKCS#11 module).
# shellcheck source=../../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/common.sh"
use_tool rel

OLD=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
NEW=KNAUMRKJIRGUCUSLIVJDIMRUGJNFUWS2
printf 'otpauth://totp/Rel:old?secret=%s&issuer=Rel' "$OLD" >"$WORK/secret/old"
printf 'otpauth://totp/Rel:new?secret=%s&issuer=Rel' "$NEW" >"$WORK/secret/new"
printf 'otpauth://totp/Rel:new?secret=%s&issuer=Rel&period=60' "$NEW" >"$WORK/secret/new60"
chmod 600 "$WORK/secret"/*

# The backend every run of the tool uses.
TOOL_BACKEND=(--backend "${BACKEND:-pkcs11}")
if [ "${BACKEND:-pkcs11}" = opensc ]; then
	[ -n "${SAFEID_OPENSC_CONF:-}" ] || skip "the OpenSC driver is not built"
	export OPENSC_CONF=$SAFEID_OPENSC_CONF
fi

# truth I: what token i holds: OLD, NEW, NONE (no seed) or OTHER (the
# seed under whatever hash and step the token now has).
truth() {
	local st=SAFEID_EMU_STATE_$1 code t h step
	if [ "$(emu_show "${!st}" has_seed)" = false ]; then
		echo NONE
		return
	fi
	read -r code t h step < <(emu_code "${!st}") || { echo OTHER; return; }
	if [ "$code" = "$(oath_code "$OLD" "$t" "$h" "$step")" ]; then
		echo OLD
	elif [ "$code" = "$(oath_code "$NEW" "$t" "$h" "$step")" ]; then
		echo NEW
	else
		echo OTHER
	fi
}

# burn_old: the starting point; prints the 1-based position, in token 0's
# APDU log, of the challenge of that burn (its get info is one before).
burn_old() {
	local rc
	rc=$(run_rc "$WORK/out/old.txt" "$TOOL" burn "${TOOL_BACKEND[@]}" --uri - --yes <"$WORK/secret/old")
	[ "$rc" = 0 ] || fail "the first (OLD) burn failed ($rc): $(cat "$WORK/out/old.txt")"
	[ "$(truth 0)" = OLD ] || fail "after the OLD burn the token holds $(truth 0)"
	grep -n '^80 4B ' "$SAFEID_EMU_LOG_0" | tail -n 1 | cut -d: -f1
}

# log_since MARK: token 0's log after MARK.
log_since() {
	tail -n "+$(($1 + 1))" "$SAFEID_EMU_LOG_0"
}

# burn_new OUT [TOOL-ARGS...]: the burn under test (of NEW_URI, default
# new), JSON on OUT.json, stderr on OUT.err; prints the exit code.
# Bounded: a hang is a failure.
burn_new() {
	local out=$1 rc=0
	shift
	timeout "${BURN_BOUND:-60}" "$TOOL" burn "${TOOL_BACKEND[@]}" --uri - --yes --json \
		--timeout "${BURN_TIMEOUT:-5}" "$@" \
		<"$WORK/secret/${NEW_URI:-new}" >"$out.json" 2>"$out.err" || rc=$?
	echo "$rc"
}

# token_config: the emulated token's "HASH STEP DISPLAY".
token_config() {
	local j
	j=$(safeid-emu show --state "$SAFEID_EMU_STATE_0" --json)
	echo "$(json_value hash <<<"$j") $(json_value step <<<"$j") $(json_value display <<<"$j")"
}

# check_record: the burn record the tool left for token 0 is true, or
# there is none: its configuration is the token's (a later clock re-sends
# it), its account's seed is the one the token holds (an erased seed: none),
# and nothing else (a record set aside, one written ahead) is left behind.
check_record() {
	local serial dir rec cfg seed acct tr left
	serial=$(emu_show "$SAFEID_EMU_STATE_0" serial)
	dir=$XDG_STATE_HOME/safeid
	rec=$dir/$serial.burn
	left=$(find "$dir" -mindepth 1 -maxdepth 1 ! -name .lock ! -name "$serial.burn" 2>/dev/null || true)
	[ -z "$left" ] || fail "files left in the state directory: $left"
	if [ ! -e "$rec" ]; then
		note "no burn record left for token $serial"
		return 0
	fi
	cfg="$(sed -n 's/^hash=//p' "$rec") $(sed -n 's/^step=//p' "$rec") $(sed -n 's/^display=//p' "$rec")"
	[ "$cfg" = "$(token_config)" ] ||
		fail "the burn record says $cfg but the token has $(token_config): a later clock would change it"
	seed=$(sed -n 's/^seed=//p' "$rec")
	[ -n "$seed" ] || seed=new # a record without the line: a burn
	acct=$(sed -n 's/^account=//p' "$rec")
	tr=$(truth 0)
	case "$seed/$acct" in
	erased/) [ "$tr" = NONE ] || fail "the burn record says the seed was erased but the token holds $tr" ;;
	new/old) [ "$tr" = OLD ] || fail "the burn record names the OLD account but the token holds $tr" ;;
	new/new) [ "$tr" = NEW ] || fail "the burn record names the NEW account but the token holds $tr" ;;
	*) fail "unexpected burn record: seed '$seed', account '$acct'" ;;
	esac
	note "burn record: $seed $acct, $cfg: as the token"
}

# reported OUT: what the tool says the token holds: OLD, NEW, NONE,
# UNKNOWN, or "" when it said nothing about the seed.
reported() {
	local s
	s=$(json_get "$1.json" seed_state)
	[ -n "$s" ] || s=$(json_get "$1.json" error.message)
	[ -n "$s" ] || s=$(cat "$1.err")
	case "$s" in
	old | *"still holds its previous seed"* | *"keeps its old seed"*) echo OLD ;;
	erased | *"holds no seed"*) echo NONE ;;
	new | *"holds the new seed"*) echo NEW ;;
	unknown | *"unknown:"*) echo UNKNOWN ;;
	*) echo "" ;;
	esac
}

# check_outcome OUT RC ALLOWED-REPORTS WANT-RC: the run failed with exit
# WANT-RC and a message (JSON ok=false, an error message on stderr, never a
# success); its report is one of ALLOWED-REPORTS (space separated; "-"
# allows saying nothing, only with exit 3, 4 or 5 which promise the old
# seed), given both as the JSON's seed_state and in words in the message,
# and it is true.  Exit 5 promises the old seed unless the message says
# otherwise (safeid-tool --help): a failed burn whose seed write was
# accepted says the token holds the new seed.
check_outcome() {
	local out=$1 rc=$2 allowed=" $3 " want=$4 rep tr msg state words
	rep=$(reported "$out")
	tr=$(truth 0)
	msg=$(json_get "$out.json" error.message)
	note "exit $rc; tool says: ${rep:-nothing}; token holds: $tr"
	note "message: $msg"
	[ "$rc" != 0 ] || fail "the write reported success (exit 0)"
	[ "$rc" != 124 ] || fail "the write did not end within ${BURN_BOUND:-60} s"
	[ "$rc" = "$want" ] || fail "exit $rc, expected $want (safeid-tool --help): $(cat "$out.err")"
	[ "$(json_get "$out.json" ok)" = false ] || fail "JSON does not say ok=false: $(cat "$out.json")"
	[ -n "$msg" ] || fail "no error message in the JSON"
	grep -q '^safeid-tool: ' "$out.err" || fail "no error message on stderr"
	[[ "$allowed" == *" ${rep:--} "* ]] ||
		fail "the tool says '${rep:-nothing}', expected one of:$allowed"
	case "$rep" in
	OLD) state=old words="previous seed" ;;
	NONE) state=erased words="no seed" ;;
	NEW) state=new words="new seed" ;;
	UNKNOWN) state=unknown words=unknown ;;
	"") state="" words="" ;;
	esac
	[ "$(json_get "$out.json" seed_state)" = "$state" ] ||
		fail "JSON seed_state is '$(json_get "$out.json" seed_state)', expected '$state'"
	[ -z "$words" ] || grep -qi -- "$words" "$out.err" ||
		fail "the message does not say '$words': $(cat "$out.err")"
	case "$rep" in
	OLD) [ "$tr" = OLD ] || fail "the tool says OLD seed but the token holds $tr" ;;
	NEW) [ "$tr" = NEW ] || fail "the tool says NEW seed but the token holds $tr" ;;
	NONE) [ "$tr" = NONE ] || fail "the tool says no seed but the token holds $tr" ;;
	UNKNOWN) [ "$rc" = 6 ] || fail "seed unknown but exit $rc (6 expected)" ;;
	"") [ "$tr" = OLD ] || fail "the tool says nothing but the token holds $tr" ;;
	esac
	# exit codes promise a state (safeid-tool --help)
	case "$rc/$rep" in
	5/NEW) ;;
	3/* | 4/* | 5/*) [ "$tr" = OLD ] || fail "exit $rc promises the old seed; the token holds $tr" ;;
	esac
	[ "$tr" != OTHER ] || fail "the token holds neither seed"
	check_record
}
