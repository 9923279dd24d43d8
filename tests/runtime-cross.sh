# The libscs tests for arm64, ppc64le and ppc32 (sourced by
# tests/t011[1-3]-runtime-*.sh after runtime-lib.sh, with TRIPLE, QEMU and
# XFLAGS set).  Programs are built with clang --target=TRIPLE -static and
# ld.lld, and run under qemu-user.  qemu shows that each patch takes
# effect and that its forms are right; it cannot show memory-model safety
# (it runs a patched word even without cache maintenance).  The signal
# fallback for membarrier is not run here: qemu-user's own threads (its RCU
# thread) appear in /proc/self/task but cannot run a guest's handler.  The
# sanitized run builds with UBSan in trap mode (no run-time library).

XCC="clang --target=$TRIPLE $XFLAGS"
if [ "${TEST_VARIANT:-rel}" = san ]; then
	XCC="$XCC -fsanitize=undefined -fsanitize-trap=undefined"
fi
RT_SAN=
X="$WORK/rt-$TRIPLE"

expect "libscs builds with clang --target=$TRIPLE" '
	rt_lib "$X" "$XCC"'
rt_lib "$X" "$XCC" 2>/dev/null

export COND_SITES="COND_SITE(cond_site,k_cond) TAIL_SITE(tail_asm,k_tail) TAIL_SITE(null_tail,k_null)"
expect "the kinds program builds static with ld.lld and the fragment; scstool records its sites" '
	rt_obj "$XCC" "$RT_TESTS/kinds.c" k.o -DASM_TAILS &&
	rt_obj "$XCC" "$RT_TESTS/cond.S" c.o &&
	rt_link "$XCC" kinds k.o c.o -- -static -fuse-ld=lld &&
	[ "$(sc dump k.o c.o 2>/dev/null | grep -c "__SCK__")" -eq 8 ] &&
	readelf -SW kinds | grep -q " \.static_call_sites "'

expect "under $QEMU: every call reaches the right target after every update" '
	timeout 120 $QEMU ./kinds >word.out 2>&1 && grep -q "^done 0$" word.out ||
	{ grep -v "^s" word.out; false; }'

expect "under $QEMU: each site in the expected form after every update" '
	arch_forms word.out'

expect "under $QEMU: one sync and two mprotect calls per batch" '
	syncs_per_batch word.out 1'
