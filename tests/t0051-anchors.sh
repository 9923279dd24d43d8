#!/bin/bash
# Code that is not an STT_FUNC symbol, and data in a text section.  Sized
# code symbols of any type (STT_NOTYPE from hand-written assembly) and
# labels start boundary sweeps and name sites; sized STT_OBJECT symbols
# and $d mapping runs in a text section are data, never sites; the end of
# such data starts a sweep.  prefixed-branch fires only on real prefix
# bytes of the decoded instruction; a sweep that does not land on a site
# is not-on-boundary.  Expected offsets come from readelf's symbols.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/arch-helpers.sh"

# sym_end OBJ NAME: "SECTION+0xOFF" just past symbol NAME.
sym_end() {
	local at size
	at=$(fn_site "$1" "$2") &&
	size=$(readelf -sW "$1" | gawk -v n="$2" '$8 == n { print $3; exit }') &&
	printf '%s+0x%x\n' "${at%+*}" $((${at#*+} + size))
}

for cc in $COMPILERS; do
	n=n-$cc
	expect "$cc: notype.S builds: asm_* are sized NOTYPE, tbl a sized OBJECT in .text, inner a local label" '
		build '$cc' notype.S '$n'.orig &&
		readelf -sW '$n'.orig | grep -Eq " 6 NOTYPE +GLOBAL .* asm_nop\$" &&
		readelf -sW '$n'.orig | grep -Eq " 5 OBJECT +LOCAL .* tbl\$" &&
		readelf -sW '$n'.orig | grep -Eq " 0 NOTYPE +LOCAL .* inner\$"'

	expect "$cc: only the real prefix and the misplaced relocations are errors; the data is a note" '
		scx 1 lint -v -W cacheline=off '$n'.orig && [ "$(wc -l <err)" -eq 4 ] &&
		findings_n err error prefixed-branch 1 && grep -q ": asm_pfx+0x0: .*\[prefixed-branch\]\$" err &&
		findings_n err error not-on-boundary 2 && grep -q ": asm_ff+0x3: .*\[not-on-boundary\]\$" err &&
		grep -q ": asm_sib+0x3: .*\[not-on-boundary\]\$" err &&
		findings_n err note not-a-branch 1 && grep -q ": tbl+0x1: data reference .*\[not-a-branch\]\$" err'

	cp $n.orig $n.o
	expect "$cc: the NOTYPE code, the code after the objects and the labelled code are sites; the data is not" '
		scx 0 check -W prefixed-branch=warning -W not-on-boundary=warning '$n'.o &&
		{ echo "$(fn_site '$n'.orig asm_nop) __SCK__foo 0"; echo "$(fn_site '$n'.orig asm_cs) __SCK__foo 0"
		  echo "$(sym_end '$n'.orig blob) __SCK__foo 1"; echo "$(fn_site '$n'.orig inner) __SCK__foo 0"; } |
		sort >want && table_set '$n'.o >got && diff want got'

	expect "$cc: dump names each site after its NOTYPE symbol or label" '
		scx 0 dump '$n'.o &&
		grep -q "^  [^ ]*  asm_nop+0x0  call " out && grep -q "^  [^ ]*  asm_cs+0x0  call " out &&
		grep -q "^  [^ ]*  inner+0x0  call " out &&
		grep -q "^  $(sym_end '$n'.orig blob)  $(sym_end '$n'.orig blob)  tail " out'
done

# The same object swept from the section's start, as when only STT_FUNC
# anchored sweeps: stripping the NOTYPE symbols, labels and the object
# must bring the false errors back, or the fixture proves nothing.
expect "control: without those symbols the data bytes cause false errors" '
	objcopy --strip-symbol=asm_nop --strip-symbol=asm_cs --strip-symbol=tbl \
		--strip-symbol=inner n-gcc.orig bare.o &&
	scx 1 lint bare.o && findings err error not-on-boundary | grep -q "\.text+0x5: " &&
	findings err error prefixed-branch | grep -q "\.text+0xa: "'

# A zero-size STT_FUNC label (ENTRY without END) anchors and names too.
expect "a zero-size function label after data anchors the sweep and names the site" '
	printf "\t.text\n\t.byte 0x0f, 0x1f, 0x84\n\t.globl lbl\n\t.type lbl, @function\nlbl:\n\tcall __SCT__foo\n\tret\n\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.quad 0\n" >lbl.s &&
	gcc -c lbl.s -o lbl.o && readelf -sW lbl.o | grep -Eq " 0 FUNC +GLOBAL .* lbl\$" &&
	scx 0 check -v -W cacheline=off lbl.o && empty err &&
	[ "$(table_set lbl.o)" = ".text+0x3 __SCK__foo 0" ] &&
	scx 0 dump lbl.o && grep -q "^  .text+0x3  lbl+0x0  call " out'

expect "a label is no name after a sized function that starts between it and the site" '
	printf "\t.text\nlab:\n\tnop\n\t.globl g\n\t.type g, @function\ng:\n\tret\n\t.size g, .-g\n\tcall __SCT__foo\n\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.quad 0\n" >far.s &&
	gcc -c far.s -o far.o && scx 0 check far.o && scx 0 dump far.o &&
	grep -q "^  .text+0x2  .text+0x2  call " out'

# --- arm64 ---
A="--target=aarch64-linux-gnu"
expect "arm64: arm64-notype.S builds: NOTYPE code, a .word marked \$d, an OBJECT in .text" '
	build clang arm64-notype.S a.orig $A &&
	readelf -sW a.orig | grep -Eq " 8 NOTYPE +GLOBAL .* asm_fn\$" &&
	readelf -sW a.orig | grep -Eq " NOTYPE +LOCAL .* \\\$d" &&
	readelf -sW a.orig | grep -Eq " 4 OBJECT +LOCAL .* tbl\$" &&
	[ "$(readelf -rW a.orig | grep -c "__SCT__foo")" -eq 4 ]'

cp a.orig a.o
expect "arm64: the bl and b in NOTYPE code are sites named after their symbols" '
	scx 0 check -v a.o && { echo "$(fn_site a.orig asm_fn) __SCK__foo 0"; echo "$(fn_site a.orig asm_tail) __SCK__foo 1"; } |
		sort >want && table_set a.o >got && diff want got &&
	scx 0 dump a.o && grep -q "^  [^ ]*  asm_fn+0x0  call " out && grep -q "^  [^ ]*  asm_tail+0x0  tail " out'

expect "arm64: the data word and the object are data references, not sites" '
	scx 0 lint -v a.orig && [ "$(wc -l <err)" -eq 2 ] && findings_n err note not-a-branch 2 &&
	grep -q ": lit+0x0: data reference " err && grep -q ": tbl+0x0: data reference " err'

# A $d mapping symbol marks data, up to the next mapping symbol, even inside
# a sized function: the second of two data words
# that encodes "bl" to a local trampoline is no branch.  The same word as an
# instruction (the control) is a resolved branch.
expect "arm64: a word after \$d that encodes bl to a local trampoline is data; as code it is a resolved branch" '
	printf "\t.text\n\t.globl f\n\t.type f, %%function\nf:\n\tret\n\tWORD\n\t.size f, .-f\n\t.type __SCT__loc, %%function\n__SCT__loc:\n\tret\n\t.size __SCT__loc, .-__SCT__loc\n\t.data\n\t.globl __SCK__loc\n__SCK__loc:\n\t.quad 0\n" >mapd.tmpl &&
	sed "s/WORD/.word 0\n\t.word 0x94000001/" mapd.tmpl >mapd.s && sed "s/WORD/.word 0\n\tbl __SCT__loc/" mapd.tmpl >mapc.s &&
	clang '"$A"' -c mapd.s -o mapd.o && clang '"$A"' -c mapc.s -o mapc.o &&
	llvm-readelf -s mapd.o | grep -q " NOTYPE .* \$d" &&
	[ "$(llvm-objdump -d mapd.o | grep -c "01 00 00 94")" -eq 1 ] &&
	scx 0 lint -v mapd.o && empty err &&
	scx 0 lint mapc.o && findings_n err warning resolved-branch 1 &&
	grep -q ": f+0x8: 4-byte .*\[resolved-branch\]\$" err'

done_testing
