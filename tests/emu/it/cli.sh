#!/usr/bin/env bash
# shellcheck disable=SC2015  # "A && B || fail": fail exits, so it reads as if-then
# safeid-emu's command line without PC/SC: init, show, code (against
# oathtool), clock offset and drift, and clear errors on bad input.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../harness/it/lib.sh
. "$here/../../harness/it/lib.sh"

need_env
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
st=$work/token.state

# bad input: message names the input, exit status 2, nothing written
rc=0
out=$(safeid-emu init --state "$st" --serial 86596x 2>&1) || rc=$?
[ "$rc" -eq 2 ] && grep -q 86596x <<<"$out" && [ ! -e "$st" ] ||
	fail "bad serial: rc $rc, message '$out', file left: $(ls "$work")"
rc=0
out=$(safeid-emu code --state "$work/missing" 2>&1) || rc=$?
[ "$rc" -eq 2 ] && grep -q "$work/missing" <<<"$out" || fail "missing state: rc $rc, '$out'"
rc=0
out=$(safeid-emu run --state "$st" --port 1 --drop x 2>&1) || rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--drop x" <<<"$out" || fail "bad --drop: rc $rc, '$out'"
ok "bad input is refused with a message naming it"

# a fresh token: no seed, code exits 3
safeid-emu init --state "$st" --serial 8659632000001 --clock-offset -120 --drift 50
[ "$(stat -c %a "$st")" = 600 ] || fail "state file mode $(stat -c %a "$st")"
out=$(safeid-emu show --state "$st" --json)
[ "$(json_field "$out" model)" = C302-i ] || fail "model: $out"
[ "$(json_field "$out" has_seed)" = false ] || fail "has_seed: $out"
off=$(json_field "$out" clock_offset)
[ "$off" -ge -120 ] && [ "$off" -le -119 ] || fail "clock offset $off, not -120"
rc=0
safeid-emu code --state "$st" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "code without a seed exited $rc, not 3"
ok "init, show; code exits 3 without a seed"

# give it the RFC 6238 seed by hand (the file format is the emulator's own)
sed -i -e 's/^seed=.*/seed=3132333435363738393031323334353637383930/' \
	-e 's/^has_seed=.*/has_seed=1/' -e 's/^drift_ppm=.*/drift_ppm=0/' \
	-e 's/^clock_base=.*/clock_base=0/' -e 's/^clock_ref=.*/clock_ref=0/' "$st"
for t in 59 1111111109 1234567890 2000000000; do
	out=$(safeid-emu code --state "$st" --at "$t" --json)
	want=$(oathtool --totp -d 6 --time-step-size=30s -N "@$t" 3132333435363738393031323334353637383930)
	[ "$(json_field "$out" code)" = "$want" ] || fail "at $t: $out, oathtool $want"
	[ "$(json_field "$out" token_time)" = "$t" ] || fail "token time at $t: $out"
done
ok "code --at equals oathtool on the RFC 6238 times"

# drift: 100 ppm fast over 10^6 s is 100 s ahead
sed -i -e 's/^drift_ppm=.*/drift_ppm=100/' "$st"
out=$(safeid-emu code --state "$st" --at 1000000 --json)
[ "$(json_field "$out" token_time)" = 1000100 ] || fail "drift: $out"
ok "drift in ppm moves the token clock"
