#!/bin/bash
# The command line (commands, options, help, usage errors) and the form of
# every diagnostic line.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

RULES="prefixed-branch bad-addend not-on-boundary undecodable missing-key
nonglobal-trampoline not-a-branch altinstr-replacement stale-table
got-indirect cond-tail cacheline init-site"

build gcc kinds.c k.orig 2>/dev/null && cp k.orig k.o

# --- commands ---
expect "no arguments: usage on stderr, exit 2" '
	scx 2 && [ -s err ] && empty out && grep -qi "usage" err'

expect "an unknown command: exit 2, the command named" '
	scx 2 frobnicate k.o && grep -q "frobnicate" err && same k.orig k.o'

expect "--help: exit 0, usage on stdout, nothing on stderr" '
	scx 0 --help && empty err && grep -qi "usage" out &&
	for c in check dump help version; do grep -q "^  $c " out || exit 1; done'

expect "-h is --help" 'scx 0 -h && empty err && grep -qi "usage" out'

expect "help without a command: exit 0, lists the commands" '
	scx 0 help && grep -q "^  check " out && grep -q "^  dump " out'

expect "help check lists every rule name" '
	scx 0 help check && empty err &&
	for r in $RULES; do grep -Eq "^  $r +(error|warning|note) " out || { echo "no $r"; exit 1; }; done'

expect "help check gives each rule its default severity" '
	scx 0 help check &&
	grep -Eq "^  prefixed-branch +error " out && grep -Eq "^  bad-addend +error " out &&
	grep -Eq "^  not-on-boundary +error " out && grep -Eq "^  missing-key +error " out &&
	grep -Eq "^  undecodable +warning " out &&
	grep -Eq "^  nonglobal-trampoline +warning " out &&
	grep -Eq "^  not-a-branch +note " out &&
	grep -Eq "^  altinstr-replacement +note " out && grep -Eq "^  stale-table +error " out'

expect "help check lists every option" '
	scx 0 help check &&
	for o in "-o, --output" "-n, --dry-run" "-m, --module" "-f, --force" \
		 "-j, --jobs" "-W RULE=" "-v, --verbose"; do
		grep -qF -- "$o" out || { echo "no $o"; exit 1; }
	done'

expect "check --help is help check" '
	scx 0 check --help && cp out a && scx 0 help check && diff a out'

expect "help dump and dump --help: exit 0" '
	scx 0 help dump && grep -qi "usage" out && scx 0 dump --help && grep -qi "usage" out'

expect "help of an unknown command: exit 2" 'scx 2 help frobnicate && [ -s err ]'

expect "version: exit 0, one line naming scstool" '
	scx 0 version && [ "$(wc -l <out)" -eq 1 ] && grep -q "^scstool [0-9]" out &&
	scx 0 --version && grep -q "^scstool [0-9]" out'

expect "version with an operand: exit 2, not a silent success" '
	scx 2 version extra && empty out &&
	grep -qx "scstool version: version takes no operand, got '"'"'extra'"'"'" err'

# --- usage errors: exit 2 and nothing touched ---
expect "check without a file: exit 2" 'scx 2 check && [ -s err ]'
expect "dump without a file: exit 2" 'scx 2 dump && [ -s err ]'
expect "check with an unknown option: exit 2, file untouched" '
	scx 2 check --bogus k.o && [ -s err ] && same k.orig k.o'
expect "check with an unknown short option: exit 2, file untouched" '
	scx 2 check -Z k.o && [ -s err ] && same k.orig k.o'
expect "dump with an unknown option: exit 2" 'scx 2 dump --bogus k.o && [ -s err ]'
expect "-o without its argument: exit 2" 'scx 2 check -o && [ -s err ]'
for j in 0 -1 abc 2x ""; do
	expect "check -j '$j': exit 2, file untouched" '
		scx 2 check -j "'$j'" k.o && [ -s err ] && same k.orig k.o'
done
expect "dump -j 0: exit 2" 'scx 2 dump -j 0 k.o && [ -s err ]'
expect "usage errors are reported before any file is touched" '
	scx 2 check k.o -W bogus=error && same k.orig k.o'

# --- diagnostics: FILE: severity: where+0xoff: message [rule] ---
# One fixture per rule, with a path that has a directory in it.
mkdir -p sub
for f in prefixed badaddend boundary undecodable nonglobal notbranch altinstr; do
	build gcc $f.S sub/$f.o 2>/dev/null
done
build gcc module.c sub/nokey.o 2>/dev/null
objcopy --localize-symbol=__SCT__loc sub/nonglobal.o 2>/dev/null
cp sub/nokey.o sub/stale.o && sc check -m sub/stale.o 2>/dev/null &&
	objcopy --add-symbol __SCK__baz=.data:0,global sub/stale.o 2>/dev/null

# lines_ok FILE...: every line of the given captures has the form.
lines_ok() {
	local bad
	bad=$(cat "$@" | grep -Ev '^sub/[a-z]+\.o: (error|warning|note): [^ ]+\+0x[0-9a-f]+: .+ \[[a-z-]+\]$')
	[ -z "$bad" ] && return 0
	echo "lines not in the documented form:" >&2
	echo "$bad" >&2
	return 1
}

for f in prefixed badaddend boundary undecodable nokey nonglobal notbranch altinstr; do
	expect "$f: every finding line has the documented form (-v)" '
		sc check -v -n sub/'$f'.o 2>err; [ -s err ] && lines_ok err'
done

expect "stale table: the [stale-table] line has the documented form" '
	sc check -v sub/stale.o 2>err; grep -q "\[stale-table\]\$" err && lines_ok err'

expect "the rule tag is the last thing on each line, one of the known rules" '
	for f in prefixed badaddend boundary undecodable nokey nonglobal notbranch altinstr stale; do
		sc check -v $QUIET_NOTES -n sub/$f.o 2>>all
	done
	[ "$(wc -l <all)" -ge 15 ] &&
	sed "s/.*\[\([a-z-]*\)\]\$/\1/" all | sort -u >tags &&
	printf "%s\n" $RULES | sort >known &&
	comm -23 tags known >unknown && [ ! -s unknown ] &&
	[ "$(wc -l <tags)" -eq 9 ]'

expect "the where field names the covering function, or the section" '
	sc check -v -n sub/nokey.o 2>e1; sc check -v -n sub/notbranch.o 2>e2;
	grep -Eq "^sub/nokey\.o: error: m_call\+0x[0-9a-f]+: " e1 &&
	grep -Eq "^sub/notbranch\.o: note: \.data\+0x8: " e2'

expect "notes are printed only with -v" '
	sc check -n sub/notbranch.o 2>e1; sc check -v $QUIET_NOTES -n sub/notbranch.o 2>e2;
	empty e1 && [ "$(grep -c ": note: " e2)" -eq 3 ]'

expect "diagnostics go to stderr, stdout stays empty" '
	scx 1 check -v -n sub/prefixed.o && empty out && [ -s err ]'

expect "a clean check prints nothing at all" '
	cp k.orig quiet.o && scx 0 check quiet.o && empty out && empty err'

done_testing
