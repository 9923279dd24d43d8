#!/bin/bash
# <scs/static_call.h> in a strict build: ISO C99 and C11, C++11 and C++17,
# with -Wall -Wextra -Wpedantic, and not one diagnostic (rt_obj fails on
# any compiler output).  The macros use GNU C on purpose (statement
# expressions, function pointers stored as void *, a compound literal in
# C++); __extension__ keeps -Wpedantic quiet about them, as glibc's own
# headers do.  Each program still runs right.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

strict="-Wpedantic -Wshadow -Wstrict-prototypes -Wcast-qual -D_GNU_SOURCE"
for cc in $RT_COMPILERS; do
	for std in c99 c11; do
		expect "$cc -std=$std -Wpedantic: mini.c and updaters.c compile without a diagnostic and run right" '
			rt_obj $cc "$RT_TESTS/mini.c" m-$cc-$std.o -std=$std $strict &&
			rt_obj $cc "$RT_TESTS/updaters.c" u-$cc-$std.o -std=$std $strict &&
			rt_link $cc m-$cc-$std m-$cc-$std.o && rt_link $cc u-$cc-$std u-$cc-$std.o &&
			./m-$cc-$std >m-$cc-$std.out && grep -q "^ok 2 [12] 1$" m-$cc-$std.out &&
			timeout 120 ./u-$cc-$std 200 1 >u-$cc-$std.out && grep -qx ok u-$cc-$std.out ||
			{ cat m-$cc-$std.out u-$cc-$std.out; false; }'
	done
	case $cc in gcc) cxx=g++ ;; clang) cxx=clang++ ;; esac
	for std in c++11 c++17; do
		expect "$cxx -std=$std -Wpedantic: cxx.cc compiles without a diagnostic and runs right" '
			rt_obj $cxx "$RT_TESTS/cxx.cc" x-$cc-$std.o -std=$std -Wpedantic &&
			rt_link $cxx x-$cc-$std x-$cc-$std.o &&
			./x-$cc-$std >x-$cc-$std.out && grep -qx "sites 5 inline 5" x-$cc-$std.out ||
			{ cat x-$cc-$std.out; false; }'
	done
done

done_testing
