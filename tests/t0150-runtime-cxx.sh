#!/bin/bash
# libscs from C++: <scs/static_call.h> included in a C++ translation unit
# (g++ and clang++ at -O2), a static call defined inside a namespace and
# called from a template, every kind of target and the batch form.  Without
# asm labels on the key and trampoline, C++ mangles their names
# (__SCT__op becomes calc::__SCT__op) and the link cannot find the
# trampoline, which is defined in assembly under its plain name.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

for cc in $RT_COMPILERS; do
	case $cc in gcc) cxx=g++ ;; clang) cxx=clang++ ;; esac
	expect "$cxx: a C++ program builds and links; the table names the plain keys" '
		rt_obj $cxx "$RT_TESTS/cxx.cc" cxx-$cc.o &&
		rt_link $cxx cxx-$cc cxx-$cc.o &&
		sc dump cxx-$cc.o >dump-$cc &&
		[ "$(grep -c " call  __SCK__op " dump-$cc)" -eq 2 ] || { cat dump-$cc; false; }'

	expect "$cxx: every call reaches its target after updates and a batch; all 5 sites inline" '
		./cxx-$cc >run-$cc.out && grep -qx "sites 5 inline 5" run-$cc.out ||
		{ cat run-$cc.out; false; }'

	expect "$cxx: scstool verify accepts the linked program" '
		sc verify cxx-$cc'
done

done_testing
