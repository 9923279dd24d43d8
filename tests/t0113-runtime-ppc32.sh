#!/bin/bash
# libscs on ppc32 (clang --target=powerpc-linux-gnu -static, big-endian,
# run under qemu-ppc; the cross libraries' folders are given with -B and
# -L, or clang would take gcc-multilib's i386 start files and libraries):
# one aligned word per site, as on ppc64 but with no TOC: a target 256 MiB
# away (beyond bl's 32 MiB) goes through the trampoline's indirect path.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

TRIPLE=powerpc-linux-gnu QEMU=qemu-ppc
XFLAGS="-B/usr/lib/gcc-cross/powerpc-linux-gnu/12 -B/usr/powerpc-linux-gnu/lib
	-L/usr/powerpc-linux-gnu/lib -Wno-unused-command-line-argument"
A=powerpc

# ppc_forms OUT FAR: the PowerPC forms after each step (llvm-mc's syntax;
# bne cr0 reads "bf 2").  FAR: "refused" (ppc64) or "slot" (ppc32).
ppc_forms() {
	local o=$1
	add_entries $o kinds f1 f2 v1 v2 &&
	expect_form $o $A initial k_call call inline "bl .~+f1e" &&
	expect_form $o $A initial k_tail tail inline "b .~+f1e" &&
	expect_form $o $A initial k_null call inline "nop" &&
	expect_form $o $A initial k_null tail inline "blr" &&
	expect_form $o $A initial k_ret0 call inline "li 3, 0" &&
	expect_form $o $A initial k_cond cond inline "bf 2, .~+v1e" &&
	expect_form $o $A initial k_call tramp tramp "b .~+f1e" &&
	expect_form $o $A initial k_null tramp tramp "b .~+k_null+44" &&
	expect_form $o $A two k_call call inline "bl .~+f2e" &&
	expect_form $o $A two k_tail tail inline "b .~+f2e" &&
	expect_form $o $A two k_null call inline "bl .~+v2e" &&
	expect_form $o $A two k_null tail inline "b .~+v2e" &&
	expect_form $o $A two k_ret0 call inline "bl .~+f2e" &&
	expect_form $o $A two k_cond cond inline "bf 2, .~+v2e" &&
	expect_form $o $A two k_cond tramp tramp "b .~+v2e" &&
	expect_form $o $A null k_null call inline "nop" &&
	expect_form $o $A null k_null tail inline "blr" &&
	expect_form $o $A null k_ret0 call inline "li 3, 0" &&
	expect_form $o $A null k_cond cond inline "bf 2, .~+k_cond+44" &&
	expect_form $o $A null k_cond tramp tramp "b .~+k_cond+44" &&
	if [ "$2" = refused ]; then
		expect_form $o $A far k_call call inline "bl .~+f2e" &&
		expect_form $o $A far k_call tramp tramp "b .~+f2e"
	else
		expect_form $o $A far k_call call tramp "bl .~+k_call" &&
		expect_form $o $A far k_call tramp tramp "b .~+k_call+8"
	fi &&
	expect_form $o $A back k_call call inline "bl .~+f1e" &&
	expect_form $o $A back k_call tramp tramp "b .~+f1e" &&
	expect_form $o $A back k_null call inline "bl .~+v1e"
}

arch_forms() {
	ppc_forms "$1" slot
}

source "$TEST_ROOT/tests/runtime-cross.sh"

# No dlopen test here: on ppc32, a shared library that lld 14 links and
# that calls into the C library crashes its program in qemu-ppc, with or
# without libscs (`int g(void) { return puts("g"); }` is enough), and
# there is no other ppc32 linker on this machine.  arm64 covers dlopen
# under qemu.

done_testing
