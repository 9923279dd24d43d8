#!/bin/bash
# The smoke test that a package build runs (make check-smoke): the built
# binary, on objects compiled here with the C compiler, using nothing
# beyond build-essential (gcc, binutils, gzip).  make check is the real
# test suite; this only shows that what was built works.
source "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
# The relocations of the table, two per entry, as readelf lists them.
table_lines() {
	readelf -rW "$1" | sed -n "/'.rela.static_call_sites'/,/^\$/p" | grep -c 'R_X86_64_PC32'
}

expect "scstool runs and names its version" '"$SCSTOOL" version | grep -q "^scstool [0-9]"'
if [ "$(uname -m)" = x86_64 ]; then
	expect "the demo object compiles" '
		$CC -O2 -fno-pie -ffunction-sections -fno-asynchronous-unwind-tables \
			-c "$TEST_ROOT/tests/demo/demo.c" -o demo.o'
	expect "check writes a table of the three sites of demo.o (six relocations)" '
		"$SCSTOOL" check demo.o && [ "$(table_lines demo.o)" -eq 6 ]'
	expect "dump reads it back" '
		"$SCSTOOL" dump demo.o >out && grep -q "^demo.o: 3 static-call sites\$" out'
	expect "dump reads it gzip-compressed" '
		gzip -c demo.o >demo.o.gz && "$SCSTOOL" dump demo.o.gz | sed "s/\.gz:/:/" >gz.out &&
		cmp out gz.out'
else
	expect "an object with no static call checks clean" '
		echo "int f(void) { return 1; }" >plain.c && $CC -c plain.c -o plain.o &&
		"$SCSTOOL" check plain.o && "$SCSTOOL" dump plain.o | grep -q "no .static_call_sites"'
fi
done_testing
