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

source "$TEST_ROOT/tests/runtime-ppc.sh"

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
