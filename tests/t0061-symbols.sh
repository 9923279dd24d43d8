#!/bin/bash
# The symbol table the writer changes, and the symbols the checker relies
# on: more site sections without a section symbol than globals to move
# (every global moves, and every relocation that names one follows, as a
# linked program shows), a .symtab sh_info that contradicts its symbols,
# which symbol covers a site (sizes count) and which anchors its entry
# (ties), and sections that name symbols in ways the writer cannot
# renumber.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# "SECTION OFFSET TYPE SYMBOL ADDEND" of every relocation outside the table.
relocs() {
	readelf -rW "$1" | gawk '/^Relocation section/ { sec = $3; skip = (sec ~ /static_call_sites/); next }
		!skip && $1 ~ /^[0-9a-f]+$/ && NF >= 5 { print sec, $1, $3, $5, $NF }'
}

# "INDEX NAME" of every global symbol.
globals() {
	readelf -sW "$1" | gawk '$1 ~ /^[0-9]+:$/ && $5 != "LOCAL" { print $1 + 0, $8 }'
}

# shinfo OBJ: .symtab's sh_info.
shinfo() {
	readelf -SW "$1" | sed 's/\[ */[/' | gawk '$2 == ".symtab" { print $(NF-1) }'
}

# --- more site sections without a section symbol than globals ---
for cc in gcc clang; do
	expect "$cc: the fixture builds: 13 site sections, no section symbol, 8 globals" '
		build '$cc' manysites.c ms-'$cc'.orig && build '$cc' manysites-main.c main-'$cc'.o &&
		expected_sites ms-'$cc'.orig >ms-'$cc'.want &&
		[ "$(cut -d+ -f1 ms-'$cc'.want | sort -u | wc -l)" -eq 13 ] &&
		! readelf -sW ms-'$cc'.orig | grep -q " SECTION " &&
		[ "$(globals ms-'$cc'.orig | wc -l)" -eq 8 ]'

	expect "$cc: check writes the right table, and every global moves" '
		cp ms-'$cc'.orig ms-'$cc'.o && scx 0 check ms-'$cc'.o &&
		table_set ms-'$cc'.o | diff ms-'$cc'.want - &&
		globals ms-'$cc'.orig >before && globals ms-'$cc'.o >after &&
		[ "$(wc -l <after)" -eq 8 ] &&
		join -1 2 -2 2 <(sort -k2 before) <(sort -k2 after) |
			gawk "\$2 == \$3 { print \"did not move:\", \$0; bad = 1 } END { exit bad }"'

	expect "$cc: .symtab: 13 new section symbols, locals before sh_info" '
		[ "$(readelf -sW ms-'$cc'.o | grep -c " SECTION ")" -eq 13 ] &&
		info=$(shinfo ms-'$cc'.o) &&
		readelf -sW ms-'$cc'.o | gawk -v i="$info" "\$1 ~ /^[0-9]+:\$/ { n = \$1 + 0; if ((n < i) != (\$5 == \"LOCAL\")) bad = 1 } END { exit bad }"'

	expect "$cc: every other relocation still names the same symbol" '
		relocs ms-'$cc'.orig >before && relocs ms-'$cc'.o >after && [ -s before ] &&
		diff before after'

	expect "$cc: linked, the program computes what it did before the check" '
		'$cc' -o before-'$cc' main-'$cc'.o ms-'$cc'.orig && '$cc' -o after-'$cc' main-'$cc'.o ms-'$cc'.o &&
		[ "$(./before-'$cc')" = 1083 ] && [ "$(./after-'$cc')" = 1083 ]'

	expect "$cc: linked, every table entry resolves to its branch and key" '
		awk "{ print (\$3 == 0 ? \"call\" : \"jmp\"), \"__SCT__\" substr(\$2, 8), \$2, \$3 }" \
			ms-'$cc'.want | sort >linked.want &&
		linked_entries after-'$cc' | sort | diff linked.want -'

	expect "$cc: ld -r and ld.lld -r take the output and keep the table" '
		ld -r -o r1.o ms-'$cc'.o && ld.lld -r -o r2.o ms-'$cc'.o &&
		table_set r1.o | diff ms-'$cc'.want - && table_set r2.o | diff ms-'$cc'.want -'
done

# --- sh_info that contradicts the symbols ---
build gcc kinds.c k.orig && ld -r -o kr.orig k.orig || exit 1
expected_sites k.orig >k.want
info_at=$(($(shdr_at k.orig .symtab) + 44))
nlocal=$(shinfo k.orig)
nsyms=$(readelf -sW k.orig | gawk '/^Symbol table .\.symtab. contains/ { print $5 }')

cp k.orig i0.o && poke i0.o $info_at $(le 0 4) && cp i0.o i0.o.orig
expect "sh_info 0 (a new section symbol would take index 0): exit 2, untouched" '
	rejected i0.o && grep -q "sh_info is 0" err'

cp k.orig i1.o && poke i1.o $info_at $(le 2 4) && cp i1.o i1.o.orig
expect "sh_info before the last local (a local after it): exit 2, untouched" '
	[ "$nlocal" -gt 3 ] && rejected i1.o &&
	grep -q "sh_info says the locals end at symbol 2, but symbol 2 (.*) is local" err'

cp k.orig i2.o && poke i2.o $info_at $(le "$nsyms" 4) && cp i2.o i2.o.orig
expect "sh_info past the globals (a global before it): exit 2, untouched" '
	rejected i2.o && grep -q "is not local" err'

expect "... lint still reads those objects" '
	scx 0 lint i0.o && scx 0 lint i1.o && scx 0 lint i2.o'

cp kr.orig ir.o && poke ir.o $(($(shdr_at kr.orig .symtab) + 44)) $(le 0 4)
expect "with no symbol to add, .symtab is left as it was and the table written" '
	scx 0 check ir.o && table_set ir.o | diff k.want - &&
	[ "$(shinfo ir.o)" = 0 ]'

# --- COMDAT groups whose signature moves ---
# gsig is the first global, so it moves; the group names it in sh_info.
cat >comdat.S <<'EOF'
	.globl	gsig
	.section .text.gsig,"axG",@progbits,gsig,comdat
	.type	gsig, @function
gsig:
	call	__SCT__foo
	ret
	.size	gsig, .-gsig
	.section .data.gsig,"awG",@progbits,gsig,comdat
	.quad	__SCK__foo
	.section .note.GNU-stack,"",@progbits
EOF
printf '\t.globl __SCK__foo\n\t.data\n__SCK__foo:\t.quad 0\n\t.section .note.GNU-stack,"",@progbits\n' >keys.S
expect "a group whose signature moves still names it" '
	gcc -c comdat.S -o comdat.orig && gcc -c keys.S -o keys.o &&
	[ "$(sym_idx comdat.orig gsig)" = 1 ] &&
	cp comdat.orig comdat.o && scx 0 check comdat.o && has_table comdat.o &&
	[ "$(sym_idx comdat.o gsig)" != 1 ] &&
	readelf -gW comdat.o | grep -q "^COMDAT group section \[ *[0-9]*\] .\.group. \[gsig\] contains"'

expect "... so the linker still folds it with an unchecked copy of the group" '
	ld -r -o folded.o comdat.o comdat.orig keys.o &&
	[ "$(readelf -sW folded.o | gawk "\$8 == \"gsig\"" | wc -l)" -eq 1 ]'

# --- what a new section symbol needs of the input ---
# Its name is st_name 0: the empty string that must start .strtab.
cp k.orig str.o && poke str.o "$(sec_off k.orig .strtab)" 41 && cp str.o str.o.orig
expect ".strtab that does not start with an empty string: exit 2, untouched" '
	rejected str.o && grep -q "\.strtab does not start with an empty string" err'

# A COMDAT group names its signature symbol in sh_info, which must follow a
# move: a signature that is no symbol cannot.
build gcc anchor-global.S ag.orig || exit 1
grp_at=$(shdr_at ag.orig .group)
cp ag.orig gs.o && poke gs.o $((grp_at + 44)) $(le 60000 4) && cp gs.o gs.o.orig
expect "a group whose signature symbol is out of range: exit 2, untouched" '
	rejected gs.o && grep -q "(\.group): signature symbol 60000 out of range" err'

# libelf writes the entry size the ELF format gives a group (4): another
# one could not be kept.
cp ag.orig ge.o && poke ge.o $((grp_at + 56)) $(le 24 8) && cp ge.o ge.o.orig
expect "a group with entry size 24 (libelf would write 4): exit 2, untouched" '
	rejected ge.o && grep -q "(\.group): entry size 24, but its type has 4: cannot rewrite it" err'

# --- the covering function, and anchor ties ---
build gcc covering.S cov.orig || exit 1
expect "a site that no sized function covers is swept from the section start" '
	cp cov.orig cov.o && scx 0 check -v cov.o &&
	grep -q "^cov.o: note: \.text\.cover+0x5: " err &&
	table_set cov.o | grep -qx "\.text\.cover+0x5 __SCK__foo 0"'

expect "a zero-size label does not name a site that a sized alias covers" '
	scx 0 lint --format=yaml cov.orig &&
	grep -Eq "^    function: big(_alias)?\+0x2\$" out &&
	scx 0 lint -v cov.orig && grep -Eq "^cov.orig: note: big(_alias)?\+0x2: " err'

expect "two local anchors at one address: the entry is relocated against one of them, right" '
	readelf -rW cov.o | sed -n "/static_call_sites/,\$p" >rel &&
	grep -Eq " two_[ab] \+ 0\$" rel && grep -Eq " two_[ab] \+ 5\$" rel &&
	table_set cov.o | grep -qx "\.text\.anchor+0x3 __SCK__foo 0" &&
	table_set cov.o | grep -qx "\.text\.anchor+0x8 __SCK__foo 1"'

# objdump decodes .text.cover from mid, as the sweep must not, and misses
# its site ("? ?"): that one is decoded from its own address.
expect "linked, every entry resolves to its branch" '
	printf "\t.globl __SCT__foo\n__SCT__foo: ret\n\t.section .note.GNU-stack,\"\",@progbits\n" >tramp.S &&
	gcc -c tramp.S -o tramp.o && ld -o cov.exe -e pre cov.o tramp.o &&
	linked_entries cov.exe | sort >got &&
	printf "%s\n" "? ? __SCK__foo 0" "call __SCT__foo __SCK__foo 0" \
		"call __SCT__foo __SCK__foo 0" "jmp __SCT__foo __SCK__foo 1" | diff - got &&
	pre=$((0x$(nm cov.exe | gawk "\$3 == \"pre\" { print \$1 }"))) &&
	objdump -dw --start-address=$((pre + 5)) --stop-address=$((pre + 10)) cov.exe |
		grep -q "call .*<__SCT__foo>"'

# --- sections that name symbols in other ways ---
# A section of an unknown type that links to .symtab (as SHT_GROUP and
# .llvm_addrsig do) may hold symbol indices: it cannot follow a move.
cat >refs.S <<'EOF'
	.section .text.a,"ax",@progbits
	.globl	fa
fa:	call	__SCT__foo
	ret
	.section .myrefs,"",@progbits
	.long	1, 2
	.data
	.globl	__SCK__foo
__SCK__foo:	.quad 0
	.section .note.GNU-stack,"",@progbits
EOF
gcc -c refs.S -o refs.base && symtab=$(sec_idx refs.base .symtab) &&
	refs_at=$(shdr_at refs.base .myrefs) || exit 1
# sh_type at +4, sh_link at +40
cp refs.base unk.o && poke unk.o $((refs_at + 4)) $(le $((0x80000001)) 4) &&
	poke unk.o $((refs_at + 40)) $(le "$symtab" 4) && cp unk.o unk.o.orig
expect "an unknown section that links to .symtab, when globals must move: exit 2" '
	rejected unk.o && grep -q "section [0-9]* (\.myrefs, type 0x80000001) names symbols in a way scstool cannot renumber" err'

sed 's/^fa:/loc:/; /\.globl	fa/d' refs.S >refs2.S && gcc -c refs2.S -o ok.o &&
	at=$(shdr_at ok.o .myrefs) && poke ok.o $((at + 4)) $(le $((0x80000001)) 4) &&
	poke ok.o $((at + 40)) $(le "$(sec_idx ok.o .symtab)" 4) && cp ok.o ok.orig || exit 1
expect "... and written when nothing moves (the site section has a local anchor)" '
	readelf -sW ok.orig | grep -q " LOCAL .* loc\$" &&
	scx 0 check ok.o && has_table ok.o &&
	[ "$(readelf -x .myrefs ok.o)" = "$(readelf -x .myrefs ok.orig)" ]'

cp refs.base cg.o && poke cg.o $((refs_at + 4)) $(le $((0x6fff4c09)) 4) &&
	poke cg.o $((refs_at + 40)) $(le "$symtab" 4) && cp cg.o cg.o.orig
expect "an old-form call-graph profile (indices in its bytes): exit 2, untouched" '
	rejected cg.o && grep -q "(\.myrefs, type 0x6fff4c09)" err'

# clang 14 writes the profile's symbols as R_X86_64_NONE relocations.
cat >cgp.s <<'EOF'
	.section .text.a,"ax",@progbits
	.globl	a
a:	call	b
	call	__SCT__foo
	ret
	.section .text.b,"ax",@progbits
	.globl	b
b:	jmp	__SCT__foo
	.cg_profile a, b, 32
	.data
	.globl	__SCK__foo
__SCK__foo:	.quad 0
EOF
expect "clang's call-graph profile (.rel.llvm.call-graph-profile) follows the move" '
	clang -c cgp.s -o cgp.orig && readelf -SW cgp.orig | grep -q "\.rel\.llvm\.call-graph-profile" &&
	cp cgp.orig cgp.o && scx 0 check cgp.o && expected_sites cgp.orig | diff - <(table_set cgp.o) &&
	relocs cgp.orig >before && relocs cgp.o >after && grep -q "llvm.call-graph-profile.* a a\$" after &&
	diff before after && [ "$(globals cgp.orig | head -1)" != "$(globals cgp.o | head -1)" ]'

done_testing
