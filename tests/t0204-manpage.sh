#!/bin/bash
# The man page (scstool help --man) and the bash completion (scstool help
# --completion=bash) are generated from the command and option tables and
# the rule registry: they list what the parser takes and what the
# registry holds, and each works with its real consumer (man, bash).
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

"$SCSTOOL" help --man >scstool.1 2>man.err
"$SCSTOOL" help --completion=bash >scstool.bash 2>comp.err
"$SCSTOOL" rules --format=json >rules.json

expect "help --man prints roff that groff reads without a warning" '
	empty man.err && [ -s scstool.1 ] &&
	groff -man -ww -z scstool.1 2>w; empty w'

expect "man -l renders it, with NAME, SYNOPSIS and every section" '
	MANWIDTH=80 LC_ALL=C.UTF-8 man -l scstool.1 >page 2>merr && empty merr &&
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS RULES FILES ENVIRONMENT "EXIT STATUS"; do
		grep -qx "$s" page || { echo "no $s"; exit 1; }
	done'

expect "ENVIRONMENT names both variables that --color=auto reads (t0203)" '
	sed -n "/^ENVIRONMENT\$/,/^EXIT STATUS\$/p" page >env &&
	grep -qx "       NO_COLOR" env && grep -Eq "^       TERM +When dumb" env'

expect "the page has every command and every option its help lists" '
	for c in check lint dump verify rules help version; do
		grep -Eq "^   scstool $c( |\$)" page || { echo "no $c"; exit 1; }
		"$SCSTOOL" $c --help | sed -n "/^Options:/,/^\$/p" |
			grep -o -- "--[a-z-]*" | sort -u >o.$c
		while read -r o; do grep -qF -- "$o" page || { echo "no $o"; exit 1; }; done <o.$c
	done'

expect "the page lists every rule with its default severity, from the registry" '
	/usr/bin/python3 - rules.json page <<-EOF
	import json, sys, re
	page = open(sys.argv[2]).read()
	for r in json.load(open(sys.argv[1])):
	    pat = r"^       %s \(%s; " % (re.escape(r["name"]), r["severity"])
	    assert re.search(pat, page, re.M), r["name"]
	EOF'

expect "the page is deterministic (no date)" '
	"$SCSTOOL" help --man | cmp - scstool.1'

# --- bash completion ---
expect "the completion script loads and registers scstool" '
	empty comp.err &&
	bash -c "source ./scstool.bash && complete -p scstool" >c &&
	grep -qx "complete -F _scstool scstool" c'

# comp LINE: the words bash would offer at the end of LINE, sorted.
comp() {
	LINE="$1" bash -c '
		source ./scstool.bash
		COMP_LINE=$LINE COMP_POINT=${#LINE}
		read -ra COMP_WORDS <<<"$LINE"
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		[[ $LINE == *" " ]] && COMP_CWORD=${#COMP_WORDS[@]}
		COMP_WORDBREAKS=${WB-$COMP_WORDBREAKS}
		_scstool 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}"' | sort
}

expect "completes commands" '
	[ "$(comp "scstool ch")" = check ] &&
	comp "scstool " | grep -qx lint && comp "scstool " | grep -qx rules'

expect "completes the options of each command, and lint has no -o" '
	comp "scstool check --fo" >c && [ "$(cat c)" = "$(printf "%s\n" --force --format=)" ] &&
	comp "scstool lint -" >l && grep -qx -- "--format=" l && ! grep -qx -- -o l &&
	! grep -qx -- --output= l && ! grep -qx -- -n l'

expect "the options offered are the ones the help lists, for each command" '
	for c in check lint dump verify rules help version; do
		comp "scstool $c -" | sed "s/=\$//" | sort -u >offered
		"$SCSTOOL" $c --help | sed -n "/^Options:/,/^\$/p" | grep -E "^  -|^      --" |
			gawk "{ for (i = 1; i <= NF; i++) { w = \$i; sub(/,\$/, \"\", w)
				if (w !~ /^-/) break; print w } }" | sort -u >listed
		diff offered listed || { echo "in $c"; exit 1; }
	done'

expect "completes --format values, with or without = as a word break" '
	[ "$(WB=" =" comp "scstool check --format=y")" = yaml ] &&
	[ "$(WB=" " comp "scstool check --format=y")" = --format=yaml ] &&
	[ "$(comp "scstool check --format s")" = sarif ]'

expect "completes -W forms from the registry" '
	comp "scstool lint -Wcachel" >w && grep -qx -- -Wcacheline w &&
	grep -qx -- -Wcacheline=off w &&
	comp "scstool lint -Werror=toc" >w && grep -qx -- -Werror=toc-restore w &&
	comp "scstool lint -W no-" >w && grep -qx -- no-cacheline w'

expect "completes rule names for scstool rules" '
	[ "$(comp "scstool rules toc-r")" = toc-restore ]'

expect "completes files for inputs and --report" '
	mkdir -p sub && touch sub/a.o sub/b.ko &&
	[ "$(comp "scstool lint sub/")" = "$(printf "%s\n" sub/a.o sub/b.ko)" ] &&
	comp "scstool lint --report sub/" | grep -qx sub/a.o'

done_testing
