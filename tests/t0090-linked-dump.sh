#!/bin/bash
# dump on linked x86-64 files: executables (non-PIE and PIE) and shared
# libraries, built at test time with gcc and clang, linked with GNU ld and
# lld, from objects that `scstool check` gave tables.  The linked table has
# no relocations: each field holds a PC-relative value.  dump must list
# the objects' sites at their final addresses, agree with an independent
# decoding of the table's bytes (od, nm, objdump), and report a vaddr.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

RC=$WORK/reportcheck

expect "the report validator builds" '
	log=$(cc -Wall -Wextra -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) 2>&1) &&
	[ -z "$log" ] && [ -x "$RC" ] || { echo "$log"; exit 1; }'

# obj_dump OBJ: the entries `scstool dump OBJ` prints, "FUNCTION+0xOFF KIND
# KEY FLAGS", sorted.
obj_dump() {
	"$SCSTOOL" dump "$1" | gawk 'NR > 1 { print $2, $3, $4, $5 }' | sort
}

# mapped WANT EXE: the lines of WANT ("FUNCTION+0xOFF KIND KEY FLAGS") with
# the address nm gives FUNCTION in EXE plus the offset in front, sorted:
# what dump on EXE must print.
mapped() {
	{ nm "$2" | gawk 'NF == 3 { print "N", $1, $3 }'; sed 's/^/W /' "$1"; } |
		gawk '$1 == "N" { a[$3] = strtonum("0x" $2); next }
		      { split($2, p, "+"); if (!(p[1] in a)) { print "no symbol " p[1]; next }
			printf "0x%x %s %s %s %s\n", a[p[1]] + strtonum(p[2]), $2, $3, $4, $5 }' |
		sort
}

# linked_dump OUT: the entries of a dump of a linked file, sorted.
linked_dump() {
	gawk 'NR > 1 { print $1, $2, $3, $4, $5 }' "$1" | sort
}

# The C fixture (calls, tail calls, a conditional tail call with clang) and
# trampolines with their keys; PIC for the shared library.
for cc in gcc clang; do
	expect "$cc: the fixtures build and check gives them tables" '
		build '$cc' kinds.c '$cc'.o -fPIC && build '$cc' stubs.S stubs-'$cc'.o -fPIC &&
		cp '$cc'.o '$cc'-orig.o && scx 0 check '$cc'.o && has_table '$cc'.o &&
		obj_dump '$cc'.o >'$cc'.want && [ "$(wc -l <'$cc'.want)" -ge 5 ]'
done

# link CC LD MODE OUT: links CC's objects with LD (bfd or lld) as MODE
# (nopie, pie or shared), with no C library: f_call is the entry.
link() {
	local cc=$1 ld=$2 mode=$3 out=$4 flags=(-nostdlib -fuse-ld=$2 -Wl,-e,f_call)
	case $mode in
	nopie) flags+=(-no-pie) ;;
	pie) flags+=(-pie) ;;
	# The keys and trampolines bind within the library.
	shared) flags+=(-shared -Wl,-Bsymbolic) ;;
	esac
	gcc "${flags[@]}" -o "$out" $cc.o stubs-$cc.o 2>lerr && empty lerr
}

for cc in gcc clang; do
	for ld in bfd lld; do
		for mode in nopie pie shared; do
			x=$cc-$ld-$mode
			expect "$x: links" "link $cc $ld $mode $x.exe"
			expect "$x: dump lists the objects' sites at their final addresses" '
				scx 0 dump '$x'.exe && empty err &&
				head -1 out | grep -qx "'$x'.exe: [0-9]* static-call sites (section .static_call_sites)" &&
				mapped '$cc'.want '$x'.exe >want && linked_dump out >got &&
				diff want got'
			expect "$x: dump agrees with the table decoded by od, nm and objdump" '
				linked_entries '$x'.exe | gawk "{ k = \$1 == \"call\" ? \"call\" : \$1 == \"jmp\" ? \"tail\" : \"cond\"
					print k, \$3, (\$4 % 2) ? \"tail\" : \"-\" }" | sort >want &&
				"$SCSTOOL" dump '$x'.exe | gawk "NR > 1 { print \$3, \$4, \$5 }" | sort >got &&
				diff want got'
		done
	done
done

expect "a PIE and a non-PIE link put the same sites at different addresses" '
	linked_dump <("$SCSTOOL" dump gcc-bfd-pie.exe) | cut -d" " -f1 >a &&
	linked_dump <("$SCSTOOL" dump gcc-bfd-nopie.exe) | cut -d" " -f1 >b &&
	! diff -q a b >/dev/null &&
	diff <(linked_dump <("$SCSTOOL" dump gcc-bfd-pie.exe) | cut -d" " -f2-) \
	     <(linked_dump <("$SCSTOOL" dump gcc-bfd-nopie.exe) | cut -d" " -f2-)'

expect "the YAML report of a linked file validates, with each site's vaddr" '
	scx 0 dump --format=yaml gcc-lld-pie.exe && "$RC" yaml out >flat &&
	n=$(grep -c "^files\.0\.sites\.[0-9]*\.vaddr=0x" flat) &&
	[ "$n" -eq "$(wc -l <gcc.want)" ] &&
	gawk -F= "/\.offset=/ { o = strtonum(\$2) } /\.vaddr=/ { if (strtonum(\$2) - o != base && base != \"\") bad = 1; base = strtonum(\$2) - o }
		END { exit bad }" flat'

expect "the vaddr is the section address plus the offset" '
	"$RC" yaml out | gawk -F= "/sites\.0\.(section|offset|vaddr)=/ { v[\$1] = \$2 } END {
		for (k in v) if (k ~ /section/) s = v[k]; else if (k ~ /offset/) o = v[k]; else a = v[k]
		print s, o, a }" >one && read s o a <one &&
	base=$(readelf -SW gcc-lld-pie.exe | sed "s/\[ */[/" | gawk -v n="$s" "\$2 == n { print \$4 }") &&
	[ $((0x$base + o)) -eq $((a)) ] || { cat one; false; }'

expect "a relocatable object's YAML sites have vaddr ~ (no address yet)" '
	scx 0 dump --format=yaml gcc.o && "$RC" yaml out >flat &&
	grep -q "^files\.0\.sites\.0\.vaddr=~\$" flat'

expect "dump shows a linked site's instruction with its real target" '
	scx 0 dump --format=yaml gcc-bfd-nopie.exe &&
	t=$(nm gcc-bfd-nopie.exe | gawk "\$3 == \"__SCT__foo\" { print \$1 }" | sed "s/^0*//") &&
	grep -q "insn: call 0x$t\$" out'

expect "a linked file without a table: dump says so and exits 0" '
	gcc -nostdlib -no-pie -Wl,-e,f_call -o notable.exe gcc-orig.o stubs-gcc.o &&
	scx 0 dump notable.exe && grep -qx "notable.exe: no .static_call_sites" out'

expect "a stripped executable (no .symtab, no .dynsym) still dumps its table" '
	strip -o stripped.exe gcc-bfd-nopie.exe && ! readelf -SW stripped.exe | grep -q "\.symtab" &&
	scx 0 dump stripped.exe && [ "$(linked_dump out | wc -l)" -eq "$(wc -l <gcc.want)" ] &&
	linked_dump out | gawk "{ print \$1 }" >got &&
	linked_dump <("$SCSTOOL" dump gcc-bfd-nopie.exe) | gawk "{ print \$1 }" >want && diff want got'

expect "a stripped shared library reads its symbols from .dynsym" '
	strip -o stripped.so gcc-bfd-shared.exe && readelf -SW stripped.so | grep -q "\.dynsym" &&
	! readelf -SW stripped.so | grep -q "\.symtab" &&
	scx 0 dump stripped.so && grep -q "  f_call+0x[0-9a-f]*  call  " out'

# The table's words are PC-relative: a table whose size is not a whole
# number of entries, or whose words lead nowhere, is reported, not trusted.
expect "a linked table whose size is not a multiple of 8: one clear line, exit 2" '
	cp gcc-bfd-nopie.exe odd.exe &&
	at=$(shdr_at odd.exe .static_call_sites) && sz=$(sec_size odd.exe .static_call_sites) &&
	poke odd.exe $((at + 32)) $(le $((sz - 4)) 8) && rejected odd.exe dump &&
	grep -q "not a multiple of 8" err'

# Found by make fuzz: an inactive (SHT_NULL) section claims no bytes of
# the file, whatever its size says.
expect "a .static_call_sites of type SHT_NULL and a huge size: one clear line, exit 2" '
	cp gcc-bfd-nopie.exe null.exe && at=$(shdr_at null.exe .static_call_sites) &&
	poke null.exe $((at + 4)) 00 00 00 00 && poke null.exe $((at + 32)) $(le 0x800000202000000 8) &&
	rejected null.exe dump && grep -q "holds no bytes" err &&
	rejected null.exe verify && grep -q "holds no bytes" err'

expect "an entry that points outside every section is listed at its address" '
	cp gcc-bfd-nopie.exe wild.exe && at=$(sec_off wild.exe .static_call_sites) &&
	poke wild.exe $at 00 00 00 40 && scx 0 dump wild.exe &&
	[ "$(linked_dump out | wc -l)" -eq "$(wc -l <gcc.want)" ] &&
	a=$(readelf -SW wild.exe | sed "s/\[ */[/" | gawk "\$2 == \".static_call_sites\" { print \$4 }") &&
	w=$(printf "0x%x" $((0x$a + 0x40000000))) &&
	grep -qx "  $w  $w  undecodable  __SCK__[a-z]*  [-a-z]*" out || { echo "want $w"; cat out; false; }'

expect "its YAML report validates: vaddr the address, kind other, null ~" '
	scx 0 dump --format=yaml wild.exe && "$RC" yaml out >flat &&
	grep -q "sites\.0\.vaddr=0x4" flat && grep -q "sites\.0\.kind=other" flat &&
	grep -q "sites\.0\.null=~" flat'

# Source lines of a linked file: libdwfl reads the model's own bytes (no
# copy of the file: a vmlinux with its DWARF is 340 MB), and a copy when
# it would write to them (compressed debug sections).  Either way each
# site's source is what addr2line says of its address.
# same_as_addr2line EXE: every site of dump's YAML report has a source,
# and it is addr2line's line for its vaddr.
same_as_addr2line() {
	"$SCSTOOL" dump --format=yaml "$1" >y && "$RC" yaml y >flat &&
	gawk -F= "/sites\.[0-9]+\.vaddr=/ { a = \$2 } /sites\.[0-9]+\.source=/ { print a, \$2 }" flat >got &&
	[ "$(wc -l <got)" -eq "$(wc -l <gcc.want)" ] && ! grep -q " ~\$" got &&
	cut -d" " -f1 got | addr2line -e "$1" | sed "s/ (discriminator [0-9]*)//" >lines &&
	paste -d" " <(cut -d" " -f1 got) lines | diff - got
}
expect "a linked file with DWARF: each site's source is what addr2line says" '
	build gcc kinds.c g.o -g && scx 0 check g.o &&
	gcc -nostdlib -no-pie -Wl,-e,f_call -o g.exe g.o stubs-gcc.o &&
	readelf -SW g.exe | grep -q " \.debug_line .* 0 *0 *1$" &&
	same_as_addr2line g.exe'

expect "the same with compressed debug sections (libdwfl then writes to a copy)" '
	gcc -nostdlib -pie -Wl,-e,f_call -Wl,--compress-debug-sections=zlib -o gz.exe g.o stubs-gcc.o &&
	readelf -SW gz.exe | grep -q " \.debug_line .* C " &&
	same_as_addr2line gz.exe'

done_testing
