#!/bin/bash
# libscs on arm64 (clang --target=aarch64-linux-gnu -static, run under
# qemu-aarch64): one aligned word per site, then cache maintenance and one
# sync.  Only B, BL and NOP are written (the words Arm allows to change
# under a running thread): a return-0 call site becomes a BL to the
# trampoline's `mov x0, #0; ret` stub, a NULL tail site a B to its `ret`
# stub, and a conditional site (tbnz here) stays on its trampoline, which
# is retargeted.  A target 1 GiB away (beyond BL's 128 MiB) goes through the
# trampoline's indirect path.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

TRIPLE=aarch64-linux-gnu QEMU=qemu-aarch64 XFLAGS=
A=aarch64

# arch_forms OUT: the arm64 forms after each step (llvm-mc's syntax).
arch_forms() {
	local o=$1
	expect_form $o $A initial k_call call inline "bl #~f1" &&
	expect_form $o $A initial k_tail tail inline "b #~f1" &&
	expect_form $o $A initial k_null call inline "nop" &&
	expect_form $o $A initial k_null tail inline "b #~k_null+20" &&
	expect_form $o $A initial k_ret0 call inline "bl #~k_ret0+28" &&
	expect_form $o $A initial k_cond cond tramp "tbnz w0, #0, #~k_cond" &&
	expect_form $o $A initial k_cond tramp tramp "b #~v1" &&
	expect_form $o $A two k_call call inline "bl #~f2" &&
	expect_form $o $A two k_null call inline "bl #~v2" &&
	expect_form $o $A two k_null tail inline "b #~v2" &&
	expect_form $o $A two k_ret0 call inline "bl #~f2" &&
	expect_form $o $A two k_ret0 tail inline "b #~f2" &&
	expect_form $o $A two k_cond cond tramp "tbnz w0, #0, #~k_cond" &&
	expect_form $o $A two k_cond tramp tramp "b #~v2" &&
	expect_form $o $A null k_null call inline "nop" &&
	expect_form $o $A null k_null tail inline "b #~k_null+20" &&
	expect_form $o $A null k_ret0 call inline "bl #~k_ret0+28" &&
	expect_form $o $A null k_ret0 tail inline "b #~k_ret0+28" &&
	expect_form $o $A null k_cond tramp tramp "b #~k_cond+20" &&
	expect_form $o $A far k_call call tramp "bl #~k_call" &&
	expect_form $o $A far k_call tramp tramp "b #~k_call+8" &&
	expect_form $o $A back k_call call inline "bl #~f1" &&
	expect_form $o $A back k_call tramp tramp "b #~f1"
}

source "$TEST_ROOT/tests/runtime-cross.sh"

# Dynamic linking under qemu (-L: the cross C library's loader): a shared
# library with its own table, loaded with dlopen, updated (also to a
# function of the executable, beyond BL's reach: the indirect path),
# closed and opened again.
expect "under $QEMU, dynamic: dlopen, update, dlclose, dlopen again (libscs.so for arm64)" '
	rt_lib_shared "$X" "$XCC" -fuse-ld=lld &&
	rt_obj "$XCC" "$RT_TESTS/dlib.c" l.o -fPIC && rt_link "$XCC" libd.so l.o -- -shared -fuse-ld=lld &&
	rt_obj "$XCC" "$RT_TESTS/dlmain.c" m.o && rt_link "$XCC" dlmain m.o -- -fuse-ld=lld -ldl &&
	timeout 120 $QEMU -L /usr/aarch64-linux-gnu ./dlmain ./libd.so >dl.out 2>&1 &&
	grep -qx ok dl.out || { cat dl.out; false; }'

done_testing
