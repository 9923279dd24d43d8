#!/bin/bash
# make bench, libscs part (bench/runtime/): the cost of a call in each form
# and the latency of static_call_update, side by side in one run.  The
# program prints figures and ratios; targets are read from its output, not
# asserted.  Built the way the README says: compile, scstool check, link
# with pkg-config.  tramp.c is deliberately not checked (its site stays on
# the trampoline) and retpoline.c is built with -mindirect-branch=thunk.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/bench/runtime
out=$root/bench/out/runtime
export PKG_CONFIG_PATH=$root/build/runtime/pkgconfig
mkdir -p "$out" && cd "$out" || exit 1

die() {
	echo "BENCH FAILED: $*" >&2
	exit 1
}

# keys.c: 1,000 static calls of one call site each, for the update bench.
gawk 'BEGIN {
	print "#include <scs/static_call.h>"
	print "__attribute__((noinline)) int upd_a(int x) { return x + 1; }"
	print "__attribute__((noinline)) int upd_b(int x) { return x + 2; }"
	for (i = 0; i < 1000; i++) {
		printf "DEFINE_STATIC_CALL(u%d, upd_a);\n", i
		printf "__attribute__((noinline)) int s%d(int x) { return static_call(u%d)(x) + 1; }\n", i, i
	}
	print "struct static_call_key *const upd_keys[1000] = {"
	for (i = 0; i < 1000; i++) printf "\t&STATIC_CALL_KEY(u%d),\n", i
	print "};"
	print "int (*const upd_sites[1000])(int) = {"
	for (i = 0; i < 1000; i++) printf "\ts%d,\n", i
	print "};"
}' >keys.c || die "cannot write keys.c"

cf="-O2 $(pkg-config --cflags scs)"
gcc $cf -c "$src/calls.c" -o calls.o &&
gcc $cf -c "$src/targets.c" -o targets.o &&
gcc $cf -c "$src/tramp.c" -o tramp.o &&
gcc $cf -mindirect-branch=thunk -c "$src/retpoline.c" -o retpoline.o &&
gcc $cf -c keys.c -o keys.o || die "cannot compile"
"$root/scstool" check calls.o keys.o || die "scstool check failed"
gcc -o calls calls.o targets.o tramp.o retpoline.o keys.o \
	$(pkg-config --libs scs) -lpthread || die "cannot link"
objdump -d retpoline.o | grep -q "__x86_indirect_thunk" ||
	die "retpoline.o has no retpoline thunk call"

echo
echo "== libscs: calls and updates (bench/runtime)"
./calls || die "the benchmark failed"
