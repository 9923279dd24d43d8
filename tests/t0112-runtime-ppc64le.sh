#!/bin/bash
# libscs on ppc64le, ELFv2 (clang --target=powerpc64le-linux-gnu -static,
# run under qemu-ppc64le): one aligned word per site.  Call sites (each
# followed by its TOC-restore slot) take bl to the target's local entry
# (past its global-entry TOC setup; offsets read here with readelf), nop
# for NULL, li r3,0 for return-0; tail sites b or blr; the conditional bne
# a new displacement.  A target outside the program (a page mapped 256 MiB
# away) is refused with -EXDEV: it would return with another TOC in r2.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

TRIPLE=powerpc64le-linux-gnu QEMU=qemu-ppc64le XFLAGS=
A=powerpc64le

source "$TEST_ROOT/tests/runtime-ppc.sh"

arch_forms() {
	ppc_forms "$1" refused
}

source "$TEST_ROOT/tests/runtime-cross.sh"

expect "the functions the sites reach have local entries 8 bytes in (the test sees TOC setup)" '
	readelf -sW kinds | grep -q "localentry>: 8\] .* v1$"'

done_testing
