#!/bin/bash
# What the performance work must not change: the same bytes and the same
# report whatever -j is, on real modules (the differential test checks the
# tables themselves), and SCSTOOL_TIMINGS, which make bench reads, prints
# one line per file on stderr and nothing else.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/real/fetch.sh"

expect "the reference modules are there" 'real_fetch'
real_fetch >/dev/null 2>&1

# Forty real modules of every size (every 18th of the sorted list, and
# kvm.ko), stripped of their tables.
mapfile -t mods < <(awk 'NR % 18 == 1' "$REAL_LIST"; echo arch/x86/kvm/kvm.ko)
mkdir -p master
i=0
for m in "${mods[@]}"; do
	objcopy --remove-section .rela.static_call_sites \
		--remove-section .static_call_sites "$REAL_MODS/$m" master/m$i.ko || break
	i=$((i + 1))
done
names=()
for ((k = 0; k < i; k++)); do names+=(m$k.ko); done

expect "forty-odd modules stripped" '[ "$i" -ge 40 ] && [ "$i" -eq "${#mods[@]}" ]'

for j in 1 2 3; do
	cp -r master j$j
	(cd j$j && sc check --format yaml -j $j "${names[@]}" >../j$j.out 2>../j$j.err
	 echo $? >../j$j.status)
done

expect "-j 1, -j 2 and -j 3 exit alike (0)" '
	for j in 1 2 3; do [ "$(cat j$j.status)" = 0 ] || exit 1; done'
expect "-j 2 and -j 3 print the report and diagnostics of -j 1, byte for byte" '
	[ -s j1.out ] && diff j1.out j2.out && diff j1.out j3.out &&
	diff j1.err j2.err && diff j1.err j3.err'
expect "-j 2 and -j 3 write the bytes of -j 1 in every module" '
	for f in "${names[@]}"; do
		same j1/$f j2/$f && same j1/$f j3/$f || { echo $f; exit 1; }
	done && has_table j1/m0.ko && no_temp j2 && no_temp j3'

# One file, several decoding threads: the same bytes.
cp master/m$((i - 1)).ko kvm1.ko && cp master/m$((i - 1)).ko kvm3.ko
expect "one file (kvm.ko), -j 3 decoding threads: the bytes of -j 1" '
	sc check -j 1 kvm1.ko 2>e1 && sc check -j 3 kvm3.ko 2>e3 &&
	same kvm1.ko kvm3.ko && diff e1 e3 && has_table kvm1.ko'

# --- SCSTOOL_TIMINGS ---
cp master/m0.ko t0.ko && cp master/m1.ko t1.ko && cp master/m0.ko u0.ko &&
	cp master/m1.ko u1.ko
SCSTOOL_TIMINGS=1 sc check --format yaml t0.ko t1.ko >t.out 2>t.err
echo $? >t.status
sc check --format yaml u0.ko u1.ko >u.out 2>u.err
echo $? >u.status
expect "SCSTOOL_TIMINGS: one timings line per file on stderr, in input order" '
	[ "$(cat t.status)" = 0 ] && [ "$(grep -c "^scstool: timings: " t.err)" -eq 2 ] &&
	grep "^scstool: timings: " t.err | cut -d: -f3 >order &&
	printf " %s\n" t0.ko t1.ko >want && diff want order'
expect "SCSTOOL_TIMINGS: the phases, each in ms, total first" '
	for p in total read symbols sites report write "read back" rename free; do
		grep -q "[:,] $p [0-9]*\.[0-9]* ms" t.err || { echo "no $p"; exit 1; }
	done'
expect "SCSTOOL_TIMINGS changes neither the report nor the written bytes" '
	sed "s/t\([01]\)\.ko/u\1.ko/g" t.out >t.renamed && diff t.renamed u.out &&
	grep -v "^scstool: timings: " t.err | sed "s/t\([01]\)\.ko/u\1.ko/g" >t.rest &&
	diff t.rest u.err && same t0.ko u0.ko && same t1.ko u1.ko'
expect "without SCSTOOL_TIMINGS: no timings line" '! grep -q timings u.err'

done_testing
