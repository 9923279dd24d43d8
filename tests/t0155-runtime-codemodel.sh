#!/bin/bash
# libscs and the x86-64 code models and call options: -mcmodel=medium and
# -fno-plt keep direct calls, so every site goes inline; -mcmodel=large
# calls through a register (movabs, call *reg), which is no site:
# scstool records none and the program still runs right through the
# trampolines, as the README says.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

for cc in $RT_COMPILERS; do
	# clang's medium model takes function addresses with movabs (a text
	# relocation in a PIE): gcc only.
	opts=-fno-plt
	[ $cc = gcc ] && opts="-mcmodel=medium -fno-plt"
	for opt in $opts; do
		expect "$cc $opt: both sites recorded and inline after the update" '
			rt_obj $cc "$RT_TESTS/mini.c" m-$cc$opt.o -fPIE $opt &&
			rt_link $cc m-$cc$opt m-$cc$opt.o &&
			./m-$cc$opt >m-$cc$opt.out && grep -q "^ok 2 [12] 1$" m-$cc$opt.out ||
			{ cat m-$cc$opt.out; false; }'
	done
	expect "$cc -mcmodel=large: no site to record; every call still right" '
		rt_obj $cc "$RT_TESTS/mini.c" l-$cc.o -fPIE -mcmodel=large &&
		sc dump l-$cc.o >l-$cc.dump && grep -q "no .static_call_sites" l-$cc.dump &&
		rt_link $cc l-$cc l-$cc.o &&
		./l-$cc >l-$cc.out && grep -qx "ok 0 0 1" l-$cc.out ||
		{ cat l-$cc.dump l-$cc.out; false; }'
done

done_testing
