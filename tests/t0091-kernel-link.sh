#!/bin/bash
# A kernel-style link: a linker script that, as vmlinux's does, keeps the
# static-call table inside .data between __start_static_call_sites and
# __stop_static_call_sites, at kernel addresses.  scstool finds the table
# by those symbols; with the symbols stripped, through a System.map-format
# file (nm -n's output, as a kernel build writes it) given with
# --system-map.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

LDS=$FIXTURES/kernel.lds

# dump_lines FILE: the entries of a dump, sorted.
dump_lines() {
	gawk 'NR > 1 { print $1, $2, $3, $4, $5 }' "$1" | sort
}

# The entries of OBJ's dump mapped to EXE's addresses (by nm), sorted;
# gawk -M: kernel addresses need all 64 bits.
mapped() {
	{ nm "$2" | gawk 'NF == 3 { print "N", $1, $3 }'
	  "$SCSTOOL" dump "$1" | gawk 'NR > 1 { print "W", $2, $3, $4, $5 }'; } |
		gawk -M '$1 == "N" { a[$3] = strtonum("0x" $2); next }
		      { split($2, p, "+"); printf "0x%x %s %s %s %s\n", a[p[1]] + strtonum(p[2]), $2, $3, $4, $5 }' |
		sort
}

expect "the fixtures build, check gives kinds.o a table, ld links it with the script" '
	build gcc kinds.c k.o && build gcc stubs.S stubs.o && build gcc ktramp.S kt.o &&
	scx 0 check k.o && has_table k.o &&
	ld -T "$LDS" -e f_call -o vmlinux k.o stubs.o 2>lerr && empty lerr &&
	ld -T "$LDS" -e f_call -o vmlinux-kt k.o kt.o 2>lerr && empty lerr'

expect "the link keeps no .static_call_sites section: the table is inside .data" '
	! readelf -SW vmlinux | grep -q "\.static_call_sites" &&
	start=$(nm vmlinux | gawk "\$3 == \"__start_static_call_sites\" { print \$1 }") &&
	stop=$(nm vmlinux | gawk "\$3 == \"__stop_static_call_sites\" { print \$1 }") &&
	[ $((0x$stop - 0x$start)) -eq $((8 * $("$SCSTOOL" dump k.o | tail -n +2 | wc -l))) ] &&
	data=$(readelf -SW vmlinux | sed "s/\[ */[/" | gawk "\$2 == \".data\" { print \$4, \$6 }") &&
	read a size <<<"$data" && [ $((0x$start)) -ge $((0x$a)) ] &&
	[ $((0x$stop)) -le $((0x$a + 0x$size)) ]'

expect "dump finds the table by __start_static_call_sites and __stop_static_call_sites" '
	scx 0 dump vmlinux && empty err &&
	head -1 out | grep -qx "vmlinux: 6 static-call sites (symbols __start_static_call_sites and __stop_static_call_sites)"'

expect "dump lists the object's sites at their kernel addresses" '
	mapped k.o vmlinux >want && dump_lines out >got && diff want got &&
	grep -q "^  0xffffffff81" out'

expect "the YAML report validates, with vaddrs above 2^63" '
	cc -Wall -Wextra -o rc "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) &&
	scx 0 dump --format=yaml vmlinux && ./rc yaml out >flat &&
	[ "$(grep -c "sites\.[0-9]*\.vaddr=0xffffffff81" flat)" -eq 6 ]'

nm -n vmlinux >System.map
strip -o vmlinux.stripped vmlinux

expect "stripped, the file has no symbols; dump says how to give them" '
	! readelf -SW vmlinux.stripped | grep -Eq "\.(symtab|dynsym)" &&
	scx 0 dump vmlinux.stripped &&
	grep -qx "vmlinux.stripped: no .static_call_sites, and no symbols to find a table by (stripped? give --system-map)" out'

expect "stripped, with --system-map: the same entries, found by the same symbols" '
	scx 0 dump --system-map System.map vmlinux.stripped && empty err &&
	head -1 out | grep -q "(symbols __start_static_call_sites and __stop_static_call_sites)" &&
	dump_lines out >got && "$SCSTOOL" dump vmlinux | dump_lines /dev/stdin >want && diff want got'

expect "a System.map names functions by the next symbol: function+0xoff as with .symtab" '
	gawk "{ print \$2 }" <(dump_lines out) >got &&
	"$SCSTOOL" dump vmlinux | dump_lines /dev/stdin | gawk "{ print \$2 }" >want && diff want got'

# --- verify ---
expect "verify finds the table by the same symbols and passes" '
	scx 0 verify --stats vmlinux && empty err &&
	grep -q "^vmlinux: 6 entries checked (symbols __start_static_call_sites and __stop_static_call_sites);" out'

expect "verify, kernel trampolines (jmp, ret; int3, then ud1 %esp,%ecx): passes" '
	scx 0 verify vmlinux-kt && empty err'

expect "verify on the stripped file without a map: nothing to verify, exit 2" '
	rejected vmlinux.stripped verify && grep -q "give --system-map" err'

expect "verify on the stripped file with --system-map: the same entries, passes" '
	scx 0 verify --stats --system-map System.map vmlinux.stripped && empty err &&
	grep -q "^vmlinux.stripped: 6 entries checked (symbols __start_static_call_sites and __stop_static_call_sites); [0-9]* functions swept (0 stopped early), 3 trampolines; 0 sites outside the table" out'

expect "with the map, a site changed after linking is caught: bad-site" '
	cp vmlinux.stripped vml-bad && f=$(gawk "\$3 == \"f_call\" { print \$1 }" System.map) &&
	t=$(readelf -SW vml-bad | sed "s/\[ */[/" | gawk "\$2 == \".text\" { print \$4, \$5 }") &&
	read ta to <<<"$t" && off=$((0x$to + 0x$f - 0x$ta + 3)) &&
	[ "$(od -An -t x1 -j $off -N 1 vml-bad | tr -d " ")" = e8 ] &&
	poke vml-bad $off 90 90 90 90 90 &&
	scx 1 verify --system-map System.map vml-bad && findings_n err error bad-site 1 &&
	grep -q "f_call+0x3: table entry" err'

expect "with --gc-sections and no KEEP, the kernel-style table is lost: missing-table" '
	sed "s/KEEP(\*(.static_call_sites))/*(.static_call_sites)/" "$LDS" >nokeep.lds &&
	ld -T nokeep.lds --gc-sections -e f_call -u f_both -u f_tail -u f_cond_tail -u f_uses_local \
		-o vml-gc k.o stubs.o 2>lerr && empty lerr &&
	scx 1 verify vml-gc && findings_n err error missing-table 1 &&
	grep -q "but an empty static-call table" err'

# --- System.map input is checked ---
expect "a System.map line that is not ADDR TYPE NAME: FILE:LINE and exit 2" '
	{ head -3 System.map; echo "garbage"; tail -n +4 System.map; } >bad.map &&
	rejected vmlinux.stripped dump --system-map bad.map &&
	grep -q "bad.map:4: want \"ADDRESS TYPE NAME\"" err'

expect "a type that is not one letter: FILE:LINE and exit 2" '
	{ head -2 System.map; echo "ffffffff81000000 TT f"; } >bad2.map &&
	rejected vmlinux.stripped dump --system-map bad2.map && grep -q "bad2.map:3: want one letter" err'

expect "an address longer than 16 digits: exit 2" '
	echo "1ffffffff81000000 T f" >bad3.map &&
	rejected vmlinux.stripped dump --system-map bad3.map && grep -q "bad3.map:1:" err'

expect "a map with a NUL byte: exit 2, not a System.map" '
	printf "ffffffff81000000 T f\0\n" >bad4.map &&
	rejected vmlinux.stripped dump --system-map bad4.map && grep -q "not a System.map" err'

expect "a map that cannot be read: exit 2, naming it" '
	rejected vmlinux.stripped dump --system-map nosuch.map && grep -q "nosuch.map" err'

expect "--system-map on a relocatable object: exit 2, one line" '
	rejected k.o dump --system-map System.map && grep -q "linked files" err'

expect "blank lines and trailing spaces in a map are fine" '
	{ echo; sed "s/\$/  /" System.map; echo; } >spaced.map &&
	scx 0 dump --system-map spaced.map vmlinux.stripped && [ "$(dump_lines out | wc -l)" -eq 6 ]'

done_testing
