# shellcheck shell=bash
# fault-lib.sh: what every fault-matrix test shares (sourced).  A token
# first gets an OLD seed through a normal burn; the faulted burn then tries
# to write NEW (same hash and step, so the token's code tells the seeds
# apart).  After the fault, what the tool says the token holds is compared
# with what the emulator's state file says it holds.
# shellcheck source=../../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/common.sh"
use_tool rel

OLD=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
NEW=KNAUMRKJIRGUCUSLIVJDIMRUGJNFUWS2
printf 'otpauth://totp/Rel:old?secret=%s&issuer=Rel' "$OLD" >"$WORK/secret/old"
printf 'otpauth://totp/Rel:new?secret=%s&issuer=Rel' "$NEW" >"$WORK/secret/new"
chmod 600 "$WORK/secret"/*

# truth I: what token i holds: OLD, NEW, NONE (no seed) or OTHER.
truth() {
	local st=SAFEID_EMU_STATE_$1 code t
	if [ "$(emu_show "${!st}" has_seed)" = false ]; then
		echo NONE
		return
	fi
	read -r code t _ < <(emu_code "${!st}") || { echo OTHER; return; }
	if [ "$code" = "$(oath_code "$OLD" "$t")" ]; then
		echo OLD
	elif [ "$code" = "$(oath_code "$NEW" "$t")" ]; then
		echo NEW
	else
		echo OTHER
	fi
}

# burn_old: the starting point; prints the 1-based position, in token 0's
# APDU log, of the challenge of that burn (its get info is one before).
burn_old() {
	local rc
	rc=$(run_rc "$WORK/out/old.txt" "$TOOL" burn --uri - --yes <"$WORK/secret/old")
	[ "$rc" = 0 ] || fail "the first (OLD) burn failed ($rc): $(cat "$WORK/out/old.txt")"
	[ "$(truth 0)" = OLD ] || fail "after the OLD burn the token holds $(truth 0)"
	grep -n '^80 4B ' "$SAFEID_EMU_LOG_0" | tail -n 1 | cut -d: -f1
}

# log_since MARK: token 0's log after MARK.
log_since() {
	tail -n "+$(($1 + 1))" "$SAFEID_EMU_LOG_0"
}

# burn_new OUT [TOOL-ARGS...]: the burn under test, JSON on OUT.json,
# stderr on OUT.err; prints the exit code.  Bounded: a hang is a failure.
burn_new() {
	local out=$1 rc=0
	shift
	timeout "${BURN_BOUND:-60}" "$TOOL" burn --uri - --yes --json --timeout "${BURN_TIMEOUT:-5}" "$@" \
		<"$WORK/secret/new" >"$out.json" 2>"$out.err" || rc=$?
	echo "$rc"
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
	[ "$rc" != 0 ] || fail "the burn reported success (exit 0)"
	[ "$rc" != 124 ] || fail "the burn did not end within ${BURN_BOUND:-60} s"
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
}
