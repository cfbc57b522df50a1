# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# provision-lib.sh: what the provisioning tests share (sourced after
# tests/lib/common.sh and use_tool).  Tokens are emulator state files made
# with safeid-emu init; a queue per reader says which token comes next.

# tokens_make FILE SERIAL...: a state file per serial in $WORK/tokens, and
# a line "serial<TAB>state file<TAB>" per token appended to FILE.
tokens_make() {
	local list=$1 s
	shift
	mkdir -p "$WORK/tokens"
	for s in "$@"; do
		safeid-emu init --state "$WORK/tokens/$s.state" --serial "$s" >/dev/null
		printf '%s\t%s\t\n' "$s" "$WORK/tokens/$s.state" >>"$list"
	done
}

# state_of SERIAL: the token's state file.
state_of() {
	echo "$WORK/tokens/$1.state"
}

# queue I STATE...: tokens to present on reader I, in order, once the
# token before them is done.
queue() {
	local i=$1
	shift
	printf '%s\n' "$@" >"$WORK/queue.$i"
}

# present I STATE: the token on reader I taken off (PC/SC sees the
# reader empty, as with a person's hand), the token of STATE put on, and
# PC/SC sees it.
present() {
	swap_state "$1" "$2"
}

# drive OUT CMD...: run CMD (safeid-tool --json provision ...), its JSON
# lines into OUT and its stderr into OUT.err; after each token it reports
# (done, failed or refused; with --verify: its code checked) the next
# token of that reader's queue is presented, as a person would.  A line
# asking for a code calls code_wanted LINE, which the test defines.  Sets
# drive_rc.  DRIVE_NEXT: the events after which the next token comes.
drive() {
	local out=$1 fifo=$WORK/drive.fifo line reader r i next fd pid
	shift
	rm -f "$fifo"
	mkfifo "$fifo"
	# (stdin given on, or a background job would read /dev/null)
	"$@" <&0 >"$fifo" 2>"$out.err" &
	pid=$!
	exec {fd}<"$fifo"
	: >"$out"
	while IFS= read -r -u "$fd" line; do
		printf '%s\n' "$line" >>"$out"
		case "$line" in
		*'"event":"code_wanted"'*)
			code_wanted "$line"
			continue
			;;
		esac
		[[ "$line" =~ \"event\":\"(${DRIVE_NEXT:-token|refused})\" ]] || continue
		reader=$(json_value reader <<<"$line")
		for ((i = 0; i < SAFEID_READERS; i++)); do
			r=SAFEID_READER_$i
			[ "${!r}" = "$reader" ] || continue
			next=$(head -n 1 "$WORK/queue.$i" 2>/dev/null || true)
			[ -n "$next" ] || break
			sed -i 1d "$WORK/queue.$i"
			present "$i" "$next"
		done
	done
	exec {fd}<&-
	# shellcheck disable=SC2034  # drive_rc: for the caller
	{
		drive_rc=0
		wait "$pid" || drive_rc=$?
	}
}

# summary OUT KEY: a field of the run's last line (the summary).
summary() {
	tail -n 1 "$1" >"$1.last"
	json_get "$1.last" "$2"
}

# check FORMAT FILE TOKENS [--psk-file F | --password-file F]: the seed
# file read back as the server would (seed-file-check).
check() {
	/usr/bin/python3 "$(dirname "$0")/seed-file-check" "$@" ||
		fail "seed-file-check $1 $2 failed"
}
