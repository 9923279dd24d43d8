#!/bin/bash
# libscs's reporter callback and a batch in flight: a program's reporter
# that makes static calls must never run while the batch holds a site
# (int3 or jump-to-self): the patching thread would reach its own guard
# and wait for itself for ever.  The signal fallback reports a thread that
# does not answer in the middle of a batch; that line goes to stderr.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

for cc in $RT_COMPILERS; do
	expect "$cc: a mid-batch report goes to stderr; the reporter's own static call is retargeted" '
		rt_obj $cc "$RT_TESTS/reporter.c" r-$cc.o && rt_link $cc reporter-$cc r-$cc.o &&
		SCS_SYNC=signal timeout -k 5 30 ./reporter-$cc >r-$cc.out 2>r-$cc.err &&
		grep -qx ok r-$cc.out &&
		grep -q "^libscs: waiting for a thread that does not take signal" r-$cc.err ||
		{ cat r-$cc.out r-$cc.err; false; }'
done

done_testing
