#!/bin/bash
# A code symbol's extent in a section that holds no bytes (SHT_NOBITS):
# its sh_size is whatever the header says, up to 2^64-1, since no file
# bytes bound it.  check/symbols.c deals each section's extents into
# buckets of sh_size / count + 1 bytes; that width must not wrap to zero
# (a division by zero: SIGFPE in the release build).  The object is
# checked as it is with its true .bss size: the one site, no finding.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the object builds and checks cleanly" '
	build gcc nobits-func.S good.o && cp good.o probe.o &&
	scx 0 check -n probe.o && sc lint -v good.o >want 2>&1'

cp good.o huge.o
poke huge.o $(($(shdr_at good.o .bss) + 32)) $(le -1 8)
expect "with .bss of size 2^64-1 (one extent there), check and lint do not crash" '
	[ "$(sec_size huge.o .bss)" != "$(sec_size good.o .bss)" ] &&
	scx 0 check -n huge.o && empty err &&
	sc lint -v huge.o >got 2>&1 && diff want <(sed "s/huge\.o/good.o/g" got)'

done_testing
