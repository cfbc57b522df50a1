# shellcheck shell=bash
# SPDX-License-Identifier: BSD-2-Clause
# bash completion for safeid-tool; installed as
# share/bash-completion/completions/safeid-tool, where bash-completion
# finds it by the command's name (or: source this file).
#
# Completes the commands, every option, the values of the options that
# take a fixed set (hash, step, display time, back end, seed file
# format), image files for
# --qr, files and folders where a path is asked for, and reader names,
# which it asks the running system for (`safeid-tool --json list`,
# bounded in time, silent when it fails).  tests/package checks that each
# command and long option `safeid-tool --help` prints is known here.

# The words of the command line (bash splits "--hash=sha1" into "--hash",
# "=", "sha1"): sets cur (the word being completed, without a "=" of its
# own) and prev (the option it may be the value of).
_safeid_tool_words() {
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	[ "$COMP_CWORD" -ge 1 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	if [ "$cur" = = ]; then
		cur=
	elif [ "$prev" = = ] && [ "$COMP_CWORD" -ge 2 ]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi
}

# The reader names the running system has, one a line.  The tool the user
# is completing for is asked, with the --module and --backend already on
# the line; at most 3 seconds, nothing printed when it fails.
_safeid_tool_readers() {
	local tool=${COMP_WORDS[0]} args=() i w json
	[[ $tool == */* && -x $tool ]] || tool=$(command -v safeid-tool) || return 0
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--module | --backend)
			[ "${COMP_WORDS[i + 1]:-}" = = ] && ((i++))
			[ -n "${COMP_WORDS[i + 1]:-}" ] && [ "$((i + 1))" -ne "$COMP_CWORD" ] &&
				args+=("$w" "${COMP_WORDS[i + 1]}")
			;;
		esac
	done
	json=$(timeout -k 1 3 "$tool" "${args[@]}" --timeout 2 --json list \
		2>/dev/null </dev/null) || true
	# "reader":"NAME" (JSON: \" and \\ inside)
	printf '%s\n' "$json" | grep -o '"reader": *"\([^"\\]\|\\.\)*"' |
		sed -e 's/^"reader": *"//' -e 's/"$//' -e 's/\\"/"/g' -e 's/\\\\/\\/g'
}

# Reader names that start with what is typed, quoted for the shell.
_safeid_tool_complete_readers() {
	local typed=$cur quote='' name
	case $typed in
	\"* | \'*) quote=${typed:0:1}; typed=${typed:1} ;;
	*) typed=${typed//\\/} ;;
	esac
	while IFS= read -r name; do
		[[ -n $name && $name == "$typed"* ]] || continue
		if [ -n "$quote" ]; then
			COMPREPLY+=("$quote$name$quote")
		else
			COMPREPLY+=("$(printf '%q' "$name")")
		fi
	done < <(_safeid_tool_readers)
}

# Files that start with what is typed and match one of the patterns, and
# folders to look into.
_safeid_tool_files() {
	local f pat
	compopt -o filenames 2>/dev/null
	while IFS= read -r f; do
		for pat in "$@"; do
			# shellcheck disable=SC2053  # pat is a pattern
			if [[ $f == $pat ]]; then
				COMPREPLY+=("$f")
				continue 2
			fi
		done
		if [ -d "$f" ]; then COMPREPLY+=("$f"); fi
	done < <(compgen -f -- "$cur")
}

_safeid_tool() {
	local cur prev
	local commands='list info scan burn clock verify code provision export
		profiles wipe set-key reset lock unlock'
	commands=${commands//[$'\n\t']/ }
	# Options that take a value (the next word, or after "=").
	local valued='--qr --pick --match --screenshot-cmd --uri --uri-file
		--secret --secret-arg --hash --step --account --issuer --reader
		--wait --timeout --display --code --window --at --count --module
		--backend --state-dir -r --journal --psk-file --password-file
		--seed-bytes --users --format --out --realm --profile --digits
		--first-profile --title --customer-key-file --new-key-file
		--press-wait'
	local flags='--screen --yes --erase-seed --json --verbose --help
		--version -y -v -h -V --insecure-plaintext --verify --reburn --force
		--include-unknown --all --overwrite --last-try --verify-key'
	local w i have_command=''

	COMPREPLY=()
	_safeid_tool_words

	case $prev in
	--hash) mapfile -t COMPREPLY < <(compgen -W 'sha1 sha256' -- "$cur"); return ;;
	--step) mapfile -t COMPREPLY < <(compgen -W '30 60' -- "$cur"); return ;;
	--digits) mapfile -t COMPREPLY < <(compgen -W '4 6 8 10' -- "$cur"); return ;;
	--display) mapfile -t COMPREPLY < <(compgen -W '15 30 60 120' -- "$cur"); return ;;
	--backend) mapfile -t COMPREPLY < <(compgen -W 'pkcs11 opensc' -- "$cur"); return ;;
	--format)
		mapfile -t COMPREPLY < <(compgen -W 'pskc privacyidea-csv linotp-csv
			multiotp-csv entra-csv' -- "$cur")
		return ;;
	--seed-bytes) mapfile -t COMPREPLY < <(compgen -W '20 32 63' -- "$cur"); return ;;
	--uri | --secret | --code)
		# the value comes on standard input ("-"); typed codes are free
		mapfile -t COMPREPLY < <(compgen -W '-' -- "$cur")
		return ;;
	--qr) # PNG and JPEG images
		_safeid_tool_files '*.[pP][nN][gG]' '*.[jJ][pP][gG]' '*.[jJ][pP][eE][gG]'
		return ;;
	--uri-file | --journal | --psk-file | --password-file | --users | --out | \
		--customer-key-file | --new-key-file)
		_safeid_tool_files '*'; return ;;
	--module) _safeid_tool_files '*.so'; return ;;
	--state-dir) _safeid_tool_files; return ;;
	--screenshot-cmd) mapfile -t COMPREPLY < <(compgen -c -- "$cur"); return ;;
	-r | --reader) _safeid_tool_complete_readers; return ;;
	esac
	# Any other option that takes a value: nothing to offer.
	for w in $valued; do
		[ "$prev" = "$w" ] && return
	done

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$valued $flags" -- "$cur")
		return
	fi
	# One command per line, anywhere among the options.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		[[ " $commands " == *" $w "* ]] || continue
		w=${COMP_WORDS[i - 1]}
		[ "${COMP_WORDS[i - 1]}" = = ] && w=${COMP_WORDS[i - 2]}
		[[ " ${valued//[$'\n\t']/ } " == *" $w "* ]] || have_command=1
	done
	if [ -z "$have_command" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
	fi
	return 0
}
complete -F _safeid_tool safeid-tool
