#!/bin/bash
# --color=auto|always|never: GCC's colours on a terminal (a pseudo-
# terminal made by script(1)), none on a pipe, none with NO_COLOR.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

build gcc prefixed.S p.o 2>/dev/null
build gcc undecodable.S u.o 2>/dev/null
echo junk >junk.o
ESC=$'\033'

# on_tty FILE CMD...: runs CMD on a pseudo-terminal; what it printed goes
# to FILE (without script's carriage returns).  Fails when script does.
on_tty() {
	local f=$1 cmd
	shift
	printf -v cmd '%q ' "$@"
	script -qec "$cmd" /dev/null </dev/null | tr -d '\r' >"$f"
}

# Plain: no escape sequence at all.
plain() {
	! grep -q "$ESC" "$1"
}

expect "control: script gives the command a terminal" '
	on_tty t.out test -t 2 && on_tty t.out sh -c "test -t 2 && echo tty" &&
	grep -qx tty t.out'

expect "auto on a terminal: error: in bold red, the location bold, as GCC" '
	on_tty t.out env -u NO_COLOR TERM=xterm "$SCSTOOL" lint p.o &&
	grep -qF "${ESC}[01m${ESC}[Kp.o:${ESC}[m${ESC}[K ${ESC}[01;31m${ESC}[Kerror: ${ESC}[m${ESC}[Kpfx_" t.out'

expect "auto on a terminal: warnings magenta, notes cyan (-v)" '
	on_tty t.out env -u NO_COLOR TERM=xterm "$SCSTOOL" lint -v u.o &&
	grep -qF "${ESC}[01;35m${ESC}[Kwarning:" t.out &&
	grep -qF "${ESC}[01;36m${ESC}[Knote:" t.out'

expect "auto on a terminal: with the colours taken out, the lines are the plain ones" '
	on_tty t.out env -u NO_COLOR TERM=xterm "$SCSTOOL" lint -v p.o &&
	sed "s/${ESC}\[[0-9;]*m${ESC}\[K//g; s/${ESC}\[m${ESC}\[K//g" t.out >t.plain &&
	"$SCSTOOL" lint -v p.o 2>pipe.err; diff pipe.err t.plain'

expect "auto on a pipe: no colour" '
	env -u NO_COLOR TERM=xterm "$SCSTOOL" lint -v p.o 2>err; [ -s err ] && plain err'

expect "NO_COLOR on a terminal: no colour" '
	on_tty t.out env NO_COLOR=1 TERM=xterm "$SCSTOOL" lint p.o &&
	grep -q "error:" t.out && plain t.out'

expect "an empty NO_COLOR does not count (no-color.org)" '
	on_tty t.out env NO_COLOR= TERM=xterm "$SCSTOOL" lint p.o &&
	grep -qF "${ESC}[01;31m" t.out'

expect "TERM=dumb on a terminal: no colour" '
	on_tty t.out env -u NO_COLOR TERM=dumb "$SCSTOOL" lint p.o &&
	grep -q "error:" t.out && plain t.out'

expect "--color=never on a terminal: no colour" '
	on_tty t.out env -u NO_COLOR TERM=xterm "$SCSTOOL" lint --color=never p.o &&
	grep -q "error:" t.out && plain t.out'

expect "--color=always on a pipe: colour" '
	"$SCSTOOL" lint --color=always p.o 2>err; grep -qF "${ESC}[01;31m" err'

expect "--color=always beats NO_COLOR (a command-line choice wins)" '
	NO_COLOR=1 "$SCSTOOL" lint --color=always p.o 2>err; grep -qF "${ESC}[01;31m" err'

expect "--color=auto is the default" '
	on_tty a.out env -u NO_COLOR TERM=xterm "$SCSTOOL" lint --color=auto p.o &&
	on_tty b.out env -u NO_COLOR TERM=xterm "$SCSTOOL" lint p.o && diff a.out b.out'

expect "a file that cannot be read: its error line is coloured too" '
	"$SCSTOOL" lint --color=always junk.o 2>err;
	grep -qF "${ESC}[01m${ESC}[Kjunk.o:${ESC}[m${ESC}[K ${ESC}[01;31m${ESC}[Kerror: " err &&
	"$SCSTOOL" dump --color=always junk.o 2>err;
	grep -qF "${ESC}[01;31m${ESC}[Kerror:" err'

expect "reports are never coloured" '
	"$SCSTOOL" lint --color=always --format=yaml p.o >out 2>/dev/null;
	[ -s out ] && plain out &&
	"$SCSTOOL" lint --color=always --report r.txt p.o 2>/dev/null; plain r.txt'

expect "--color=sometimes: exit 2, named" '
	scx 2 lint --color=sometimes p.o && grep -q "bad --color" err'

done_testing
