#!/bin/bash
# libscs on x86-64: every kind of site (call, tail, cond, NULL through
# static_call_cond, return-0 at a call and at a tail site, a far target),
# built from C with gcc and clang at -O2, checked with scstool and linked
# with pkg-config's flags.  The program checks every call's result; this
# script disassembles each site with objdump after every step to show the
# form the protocol wrote: inline branches to the target, the kernel's
# NULL and return-0 forms, the trampoline for a far target.  Then the same
# in the store-only mode, whose forms never change an opcode.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

A=x86-64
export COND_SITES="COND_SITE(cond_site,k_cond)"

for cc in $RT_COMPILERS; do
	expect "$cc: the program builds; scstool records a call, tail, cond, NULL and return-0 site" '
		rt_obj $cc "$RT_TESTS/kinds.c" k-$cc.o &&
		rt_obj $cc "$RT_TESTS/cond.S" c-$cc.o &&
		rt_link $cc kinds-$cc k-$cc.o c-$cc.o &&
		sc dump k-$cc.o c-$cc.o >dump-$cc &&
		[ "$(grep -c " call  __SCK__" dump-$cc)" -eq 3 ] &&
		[ "$(grep -c " tail  __SCK__" dump-$cc)" -eq 2 ] &&
		[ "$(grep -c " cond  __SCK__k_cond" dump-$cc)" -eq 1 ] || { cat dump-$cc; false; }'

	expect "$cc: every call reaches the right target after every update (int3 mode)" '
		./kinds-$cc >int3-$cc.out && grep -q "^done 0$" int3-$cc.out &&
		grep -q "^mode int3 sync membarrier$" int3-$cc.out'

	expect "$cc: three syncs and two mprotect calls per batch, whatever its size" '
		syncs_per_batch int3-$cc.out 3'

	expect "$cc: objdump shows each site inline, in the kernel forms (int3 mode)" '
		x86_forms int3-$cc.out $A int3'

	expect "$cc: store-only mode: every call right, NULL and return-0 as branches to the stubs" '
		SCS_MODE=store ./kinds-$cc >store-$cc.out && grep -q "^done 0$" store-$cc.out &&
		grep -q "^mode store" store-$cc.out && x86_forms store-$cc.out $A store'
done

expect "scs_set_mode() from a constructor chooses the store-only mode before registration" '
	rt_obj gcc "$RT_TESTS/kinds.c" km.o -DSET_MODE_STORE &&
	rt_link gcc kinds-mode km.o c-gcc.o && ./kinds-mode >mode.out &&
	grep -q "^done 0$" mode.out && grep -q "^mode store" mode.out &&
	x86_forms mode.out $A store'

expect "the membarrier fallback (signals) gives the same results and forms" '
	SCS_SYNC=signal ./kinds-gcc >signal.out && grep -q "^done 0$" signal.out &&
	grep -q "sync signal$" signal.out && x86_forms signal.out $A int3'

# Memcheck follows the patched code with --smc-check=all (the sanitized
# run builds with ASan instead, which valgrind cannot run).
if [ "${TEST_VARIANT:-rel}" = rel ]; then
	expect "valgrind memcheck: no invalid access, uninitialised read or leak in libscs" '
		timeout 600 valgrind -q --smc-check=all --error-exitcode=99 \
			--leak-check=full --errors-for-leak-kinds=definite,indirect \
			./kinds-gcc >vg.out 2>vg.err && grep -q "^done 0$" vg.out &&
		[ ! -s vg.err ] || { cat vg.err; false; }'
fi

done_testing
