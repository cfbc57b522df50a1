#!/usr/bin/env bash
# Every malformed or hostile input of tests/inputs/malformed.txt, end to end
# through `safeid-tool burn --yes` with a token on the reader: exit 3, the
# expected error class in the JSON, the keyword in the message, no piece of
# the secret in any output, and no APDU that writes.
. "$(dirname "$0")/lib.sh"

CASES=$SAFEID_SOURCE_DIR/tests/inputs
[ -f "$CASES/malformed.txt" ] && [ -x "$CASES/make-cases" ] || {
	echo "SKIP: tests/inputs/malformed.txt or make-cases missing"
	exit 77
}
# The cases tests/inputs made for this run when CTest gives them, else our own.
cases=${SAFEID_INPUT_CASES:-}
if [ -z "$cases" ] || [ ! -f "$cases/index.tsv" ]; then
	cases=$WORK/cases
	"$CASES/make-cases" "$cases" > /dev/null
fi

total=0
mkdir -p "$WORK/json"
while IFS=$'\t' read -r name expected keyword kind path secret; do
	[ "$name" = name ] && continue # header, if any
	total=$((total + 1))
	if [ "$kind" = uri ]; then
		args=(--uri -)
		input=$path
	else
		args=(--qr "$path")
		input=/dev/null
	fi
	rc=0
	"$TOOL" --json burn "${args[@]}" --yes < "$input" > "$WORK/json/$name.json" 2> "$WORK/err.txt" || rc=$?
	[ "$rc" = 3 ] || fail "$name: exit $rc, expected 3 (bad input); stderr: $(cat "$WORK/err.txt")"
	want=${expected#INPUT_ERR_}
	printf '%s\t%s\n' "$name" "${want,,}" >> "$WORK/json/expected.tsv"
	grep -qiF -- "$keyword" "$WORK/err.txt" || fail "$name: message lacks '$keyword': $(cat "$WORK/err.txt")"
	if [ "$secret" != - ] && [ "${#secret}" -ge 8 ]; then
		for ((i = 0; i + 8 <= ${#secret}; i += 4)); do
			if grep -qF -- "${secret:i:8}" "$WORK/json/$name.json" "$WORK/err.txt"; then
				fail "$name: output contains part of the secret"
			fi
		done
	fi
done < "$cases/index.tsv"

# One valid JSON object per run, with the expected error class.
/usr/bin/python3 - "$WORK/json" <<'PY' || fail "JSON output check failed"
import json, os, sys
d = sys.argv[1]
for line in open(os.path.join(d, "expected.tsv")):
    name, want = line.rstrip("\n").split("\t")
    obj = json.load(open(os.path.join(d, name + ".json")))
    assert obj["ok"] is False, name
    got = obj["error"]["code"]
    assert got == want, "%s: error code %s, expected %s" % (name, got, want)
PY
[ "$total" -ge 40 ] || fail "only $total cases; the list should hold at least 40"
no_writes "$SAFEID_EMU_LOG_0"
# Bad input is refused before the token is even opened.
if grep -q . "$SAFEID_EMU_LOG_0"; then
	fail "the token saw APDUs during bad-input runs: $(head -3 "$SAFEID_EMU_LOG_0" | tr '\n' ' ')"
fi
note "$total malformed inputs refused, none reached the token"
echo PASS
