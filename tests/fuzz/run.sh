#!/bin/bash
# make fuzz: builds seed objects for every architecture from the test
# fixtures, then runs the libFuzzer target for FUZZ_SECONDS (default 120)
# on each core.  A crash leaves crash-* files in build/fuzz and fails.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/fuzz
seeds=$out/seeds
mkdir -p "$seeds" || exit 2
cd "$root/tests/fixtures" || exit 2
i=0
seed() {
	"$@" -c -o "$seeds/seed$i.o" 2>/dev/null && i=$((i + 1))
}
seed gcc -O2 -ffunction-sections kinds.c
seed gcc -O2 prefixed.S
seed gcc -O2 cacheline.S
seed gcc -g -O2 source.c
for t in i386-linux-gnu aarch64-linux-gnu powerpc64le-linux-gnu \
	 powerpc64-linux-gnu powerpc-linux-gnu; do
	seed clang --target=$t -O2 -ffunction-sections kinds.c
done
seed clang --target=i386-linux-gnu i386-kinds.S
seed clang --target=aarch64-linux-gnu arm64-kinds.S
seed clang --target=powerpc64le-linux-gnu ppc64-toc.S
# For the writer: gaps, new section symbols, .llvm_addrsig, groups.
seed gcc gaps.S
seed clang -O2 -ffunction-sections manysites.c
seed clang -O2 -ffunction-sections addrsig.c
seed gcc anchor-global.S
seed gcc covering.S
# Seeds that already carry a table, so that reading one is fuzzed too.
for f in "$seeds"/seed0.o "$seeds"/seed5.o "$seeds"/seed6.o; do
	cp "$f" "$f.t.o" && "$root/scstool" check "$f.t.o" >/dev/null 2>&1
done
# Linked files with resolved tables (an executable, a kernel-style link
# with the table between start and stop symbols, an arm64 one), so that
# dump's and verify's readers are fuzzed too.
tmp=$out/link.tmp
mkdir -p "$tmp" &&
	gcc -c stubs.S -o "$tmp/stubs.o" &&
	clang --target=aarch64-linux-gnu -c stubs-any.c -o "$tmp/stubs-a64.o" &&
	gcc -nostdlib -no-pie -Wl,-e,f_call -o "$seeds/linked0.o" \
		"$seeds/seed0.o.t.o" "$tmp/stubs.o" &&
	ld -T kernel.lds -e f_call -o "$seeds/linked1.o" "$seeds/seed0.o.t.o" \
		"$tmp/stubs.o" &&
	ld.lld -o "$seeds/linked2.o" "$seeds/seed5.o.t.o" "$tmp/stubs-a64.o" ||
	echo "fuzz: could not link the linked seeds" >&2
rm -rf "$tmp"
echo "fuzz: $(ls "$seeds" | wc -l) seeds; ${FUZZ_SECONDS:-120} s on $(nproc) cores"
cd "$out" && mkdir -p corpus || exit 2
rm -f crash-* leak-* timeout-* oom-* fuzz-*.log
"$out/fuzz_check" -max_total_time="${FUZZ_SECONDS:-120}" -jobs="$(nproc)" \
	-workers="$(nproc)" -max_len=65536 corpus "$seeds" >fuzz.log 2>&1
status=$?
grep -h -E "^#[0-9]+.*DONE|SUMMARY|ERROR" fuzz-*.log | head
if ls crash-* leak-* timeout-* oom-* >/dev/null 2>&1; then
	echo "fuzz: failures: $(ls crash-* leak-* timeout-* oom-* | tr '\n' ' ')"
	exit 1
fi
if [ $status -ne 0 ]; then
	echo "fuzz: the fuzzer failed (exit $status): see build/fuzz/fuzz-*.log"
	exit 1
fi
echo "fuzz: no crash, leak or timeout; corpus of $(ls corpus | wc -l) inputs"
