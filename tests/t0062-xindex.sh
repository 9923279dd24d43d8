#!/bin/bash
# Extended section numbering: objects with more than 65,280 sections, where
# section indices live in .symtab_shndx and the section count in section
# 0.  A new section symbol for a site section at such an index needs an
# extended index, in a .symtab_shndx that the writer creates when the
# input has none; and an output that crosses the limit only because of
# the two new sections must still say how many sections it has.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# many_sections N sym|nosym: assembly with N empty data sections, then a
# site section .text.hi with no section symbol and (sym) a
# default-visibility global fhi, the first global (it moves), which does
# not anchor the site, or (nosym) no symbol at all.  The key is in .data,
# at a low index.
many_sections() {
	gawk -v n="$1" -v sym="$2" 'BEGIN {
		if (sym == "sym") print "\t.globl fhi"
		print "\t.data\n\t.globl __SCK__foo\n__SCK__foo:\t.long 0"
		for (i = 1; i <= n; i++) printf "\t.section .s%d,\"a\"\n", i
		print "\t.section .text.hi,\"ax\",@progbits"
		if (sym == "sym") print "\t.type fhi, @function\nfhi:"
		print "\tcall __SCT__foo\n\tret"
		if (sym == "sym") print "\t.size fhi, .-fhi"
		print "\t.section .note.GNU-stack,\"\",@progbits"
	}'
}

# zeros N: N zero bytes, as poke takes them.
zeros() {
	local i
	for ((i = 0; i < $1; i++)); do printf '00 '; done
}

# nsec OBJ: the number of sections, as readelf reads it (from section 0
# when e_shnum is 0).
nsec() {
	readelf -SW "$1" | gawk '/^There are [0-9]+ section headers/ { print $3 }'
}

# xsym OBJ SECTION: "NDX" of the section symbol of SECTION, as readelf
# shows it after looking up .symtab_shndx.
xsym() {
	readelf -sW "$1" | gawk -v s="$2" '$4 == "SECTION" && $8 == s { print $7 }'
}

printf '\t.globl __SCT__foo\n__SCT__foo:\tret\n\t.section .note.GNU-stack,"",@progbits\n' >tramp.S
many_sections 65300 sym >big.S && many_sections 65300 nosym >bare.S
expect "the fixture builds: .text.hi above SHN_LORESERVE, with .symtab_shndx" '
	gcc -c big.S -o big.orig && gcc -c tramp.S -o tramp.o &&
	hi=$(sec_idx big.orig .text.hi) && [ "$hi" -gt 65280 ] &&
	readelf -SW big.orig | grep -q " \.symtab_shndx " &&
	! readelf -sW big.orig | grep -q " SECTION " && eu-elflint --gnu-ld -q big.orig'
hi=$(sec_idx big.orig .text.hi)
echo ".text.hi+0x0 __SCK__foo 0" >want

expect "check adds a section symbol whose extended index is .text.hi's" '
	cp big.orig big.o && scx 0 check big.o && table_set big.o | diff want - &&
	[ "$(xsym big.o .text.hi)" = "$hi" ] && eu-elflint --gnu-ld -q big.o'

expect "fhi moved to the end of .symtab, and its extended index with it" '
	[ "$(sym_idx big.o fhi)" -gt "$(sym_idx big.orig fhi)" ] &&
	[ "$(readelf -sW big.o | gawk "\$8 == \"fhi\" { print \$7 }")" = "$hi" ]'

expect "ld -r and ld.lld -r take it and keep the table" '
	ld -r -o big-r.o big.o && table_set big-r.o | diff want - &&
	ld.lld -r -o big-lld.o big.o && table_set big-lld.o | diff want -'

expect "linked, the entry resolves to its branch and key" '
	ld -o big.exe -e fhi big.o tramp.o &&
	[ "$(linked_entries big.exe)" = "call __SCT__foo __SCK__foo 0" ]'

# Without a symbol in .text.hi no symbol needs an extended index: clang
# then writes no .symtab_shndx (gas writes one anyway; with its header
# zeroed, an inactive section, the object is just as valid).
for v in clang:x86_64 clang:i386 gas:x86_64; do
	as=${v%%:*} arch=${v#*:}
	if [ $as = clang ]; then
		mk="clang --target=$arch-linux-gnu -c bare.S -o nox-$v.orig"
	else
		mk="gcc -c bare.S -o nox-$v.orig && poke nox-$v.orig \$(shdr_at nox-$v.orig .symtab_shndx) \$(zeros 64)"
	fi
	ld=ld; [ $arch = i386 ] && ld="ld -m elf_i386"
	expect "$v: without .symtab_shndx the input is valid" '
		'"$mk"' && ! readelf -SW nox-'$v'.orig | grep -q "SYMTAB SECTION INDICES" &&
		[ "$(sec_idx nox-'$v'.orig .text.hi)" -gt 65280 ] &&
		! readelf -sW nox-'$v'.orig | grep -q " SECTION " && eu-elflint --gnu-ld -q nox-'$v'.orig'

	expect "$v: check creates a .symtab_shndx for the new section symbol" '
		cp nox-'$v'.orig nox-'$v'.o && scx 0 check nox-'$v'.o && table_set nox-'$v'.o | diff want - &&
		readelf -SW nox-'$v'.o | sed "s/\[ */[/" | gawk -v st="$(sec_idx nox-'$v'.o .symtab)" "
			\$2 == \".symtab_shndx\" && \$3 == \"SYMTAB\" && \$(NF-2) == st { f = 1 } END { exit !f }" &&
		[ "$(xsym nox-'$v'.o .text.hi)" = "$(sec_idx nox-'$v'.orig .text.hi)" ] &&
		eu-elflint --gnu-ld -q nox-'$v'.o'

	expect "$v: ld -r takes it and keeps the table" '
		'"$ld"' -r -o nox-'$v'-r.o nox-'$v'.o && table_set nox-'$v'-r.o | diff want -'
done

expect "linked, its entry resolves to its branch and key" '
	ld -o nox.exe -e __SCT__foo nox-clang:x86_64.o tramp.o &&
	[ "$(linked_entries nox.exe)" = "call __SCT__foo __SCK__foo 0" ]'

# An input just under the limit: the two new sections take the output
# across it, so its section count moves to section 0.
base=$(many_sections 1 sym | gcc -c -x assembler -o probe.o - && nsec probe.o)
many_sections $((65279 - base + 1)) sym >edge.S
expect "an input of 65,279 sections gives an output of 65,281, counted in section 0" '
	gcc -c edge.S -o edge.orig && [ "$(nsec edge.orig)" -eq 65279 ] &&
	cp edge.orig edge.o && scx 0 check edge.o && [ "$(nsec edge.o)" -eq 65281 ] &&
	readelf -hW edge.o | grep -q "Number of section headers: *0 (65281)" &&
	table_set edge.o | diff want - && eu-elflint --gnu-ld -q edge.o &&
	ld -r -o edge-r.o edge.o && table_set edge-r.o | diff want -'

done_testing
