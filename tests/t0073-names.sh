#!/bin/bash
# Names from the file system, the object or the command line can hold any
# byte but NUL.  Diagnostics print them escaped (README: report/escape.h's
# form), so no name can forge a line or reach the terminal as a control
# sequence; YAML and SARIF carry them escaped, so the reports stay valid
# UTF-8, and a strange name never costs a report after the object was
# written.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
RC=$WORK/reportcheck

expect "the report validator builds" '
	log=$(cc -Wall -Wextra -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) 2>&1) &&
	[ -z "$log" ] && [ -x "$RC" ] || { echo "$log"; exit 1; }'
expect "the fixtures build" '
	build gcc prefixed.S pfx.orig && build gcc kinds.c k.orig &&
	printf "not an object\n" >notelf.orig'

# no_controls FILE: FILE holds no control byte but newlines.
no_controls() {
	! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n" <"$1") ||
		{ echo "control bytes in $1:"; od -c "$1" | head; false; }
}
# utf8 FILE: FILE is valid UTF-8.
utf8() {
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null || { echo "$1 is not UTF-8"; false; }
}

forged=$'a\nb.o: error: forged'
expect "a file named a<newline>b.o: error: forged gives one escaped line, not a forged second one" '
	cp notelf.orig "$forged" && sc check "$forged" >out 2>err; [ $? -eq 2 ] &&
	[ "$(wc -l <err)" -eq 1 ] && ! grep -q "^b.o: error: forged" err &&
	grep -qxF "a\nb.o: error: forged: error: not an ELF file" err'
expect "so does dump" '
	sc dump "$forged" >out 2>err; [ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] &&
	grep -qF "a\nb.o: error: forged: error:" err'

esc=$'t\e]0;pwned\a\e[2J.o'
expect "escape sequences in a file name never reach the terminal" '
	cp notelf.orig "$esc" && sc check "$esc" >out 2>err; [ $? -eq 2 ] &&
	no_controls err && grep -qF "t\x1b]0;pwned\x07\x1b[2J.o: error:" err'

expect "a bidi override (U+202E) in a name is shown as \\u202e; other UTF-8 stays" '
	name=$'"'"'caf\xc3\xa9-\xe2\x80\xaer.o'"'"' && cp notelf.orig "$name" &&
	sc check "$name" >out 2>err; [ $? -eq 2 ] &&
	grep -qF "café-\u202er.o: error:" err'
expect "a backslash in a name is doubled, so that the escaped form reads back one way" '
	cp notelf.orig "back\\slash.o" && sc check "back\\slash.o" >out 2>err
	[ $? -eq 2 ] && grep -qF "back\\\\slash.o: error:" err'
expect "an option, an -W value and a command with control bytes are escaped too" '
	sc check $'"'"'--x\e[31m'"'"' k.orig >out 2>err; [ $? -eq 2 ] && no_controls err &&
	grep -qF "unknown option '"'"'--x\x1b[31m'"'"'" err &&
	sc check -W $'"'"'a\nb'"'"' k.orig >out 2>err; [ $? -eq 2 ] && no_controls err &&
	grep -qF "unknown rule '"'"'a\nb'"'"'" err &&
	sc $'"'"'cmd\e'"'"' >out 2>err; [ $? -eq 2 ] && no_controls err'

# --- non-UTF-8 names in reports ---
bad=$'bad\xff.o'
expect "check --format=yaml of a file whose name is not UTF-8 writes the object and a valid report" '
	cp k.orig "$bad" && sc check --format=yaml "$bad" >out 2>err; s=$?
	[ $s -eq 0 ] && has_table "$bad" && utf8 out && "$RC" yaml out >flat &&
	grep -qxF "files.0.path=bad\xff.o" flat || { echo "exit $s"; cat err; false; }'
expect "one such file does not drop the report of the others" '
	cp k.orig "$bad" && cp k.orig good.o &&
	sc lint --format=yaml good.o "$bad" notelf.orig >out 2>err; [ $? -eq 2 ] &&
	"$RC" yaml out >flat && grep -qxF "files.0.path=good.o" flat &&
	grep -qxF "files.1.path=bad\xff.o" flat && grep -qxF "files.2.path=notelf.orig" flat'
expect "SARIF stays valid UTF-8 JSON with such a name (it carried a raw 0xff byte)" '
	cp pfx.orig "$bad" && sc lint --format=sarif "$bad" >out 2>err; [ $? -eq 1 ] &&
	utf8 out && "$RC" sarif out >flat && grep -qF "bad%FF.o" flat &&
	grep -qF "\"object\":\"bad\\\\xff.o\"" <(tr -d " \n" <out)'

# Symbol names with such bytes, given by objcopy: the function that a
# finding names, and the trampoline.
fn=$'pfx\xff\n\e[2Jcs'
expect "a function name with a newline, an escape and a 0xff byte: one escaped line per finding" '
	objcopy --redefine-sym "pfx_cs=$fn" pfx.orig sym.o &&
	sc lint sym.o >out 2>err; [ $? -eq 1 ] && no_controls err &&
	grep -qF "sym.o: error: pfx\xff\n\x1b[2Jcs+0x1: " err &&
	[ "$(grep -c "^sym.o: error: " err)" -eq "$(wc -l <err)" ]'
expect "the same object: check with those findings as warnings writes it, and the YAML report is valid" '
	objcopy --redefine-sym "pfx_cs=$fn" pfx.orig sym.o &&
	sc check -W prefixed-branch=warning --format=yaml sym.o >out 2>err; s=$?
	[ $s -eq 0 ] && has_table sym.o && utf8 out && "$RC" yaml out >flat &&
	grep -qF "function=pfx\xff\n\x1b[2Jcs+0x1" flat || { echo "exit $s"; cat err; false; }'
expect "dump and --stats escape a trampoline and key name too" '
	objcopy --redefine-sym "__SCT__foo=__SCT__f$fn" --redefine-sym "__SCK__foo=__SCK__f$fn" k.orig key.o &&
	sc check --stats key.o >out 2>err && no_controls out && no_controls err &&
	grep -qF "__SCK__fpfx\xff\n\x1b[2Jcs 2" out &&
	sc dump key.o >out 2>err && no_controls out &&
	grep -qF "__SCK__fpfx\xff\n\x1b[2Jcs" out'

done_testing
