#!/bin/bash
# Objects with no machine code.  A GCC -flto object holds only its IR in
# .gnu.lto_* sections: a lint that passes it has checked nothing, so it
# gets the lto-object warning, which says to check the LTO link's output.
# A fat one (-ffat-lto-objects) also holds machine code: that is checked
# and gets its table as usual, with the same warning (an LTO link drops
# the table).  clang -flto writes LLVM bitcode, which is no ELF: exit 2
# with a message that names it.  Built from kinds.c with the real
# compilers; the LTO links' outputs are then ordinary objects.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "gcc -flto (slim): only .gnu.lto_* sections with bytes, no machine code" '
	build gcc kinds.c slim.o -flto &&
	readelf -SW slim.o | grep -q " \.gnu\.lto_" &&
	! readelf -SW slim.o | gawk "\$3 == \"PROGBITS\" && \$8 ~ /X/ && strtonum(\"0x\" \$6) > 0" | grep -q .'

expect "gcc -flto: lint exits 0 with one [lto-object] warning that says to check the LTO link's output" '
	scx 0 lint slim.o && [ "$(wc -l <err)" -eq 1 ] &&
	grep -Eq "^slim\.o: warning: \.gnu\.lto_[^ ]*\+0x0: GCC LTO IR \(\.gnu\.lto_\*\) and no machine code: nothing to check here; run scstool on the output of the LTO link .*\[lto-object\]\$" err'

expect "gcc -flto: lint --werror fails the CI run (exit 1)" '
	scx 1 lint --werror slim.o &&
	[ "$(grep -c ": error: .* \[lto-object, -Werror\]\$" err)" -eq 1 ]'

expect "gcc -flto: check writes nothing and leaves the file alone" '
	cp slim.o slim.orig && scx 0 check slim.o && same slim.orig slim.o && no_temp'

expect "gcc -flto: the YAML report carries the finding" '
	sc lint --format=yaml slim.o 2>/dev/null >slim.yaml &&
	grep -q "rule: lto-object" slim.yaml'

expect "gcc -flto -ffat-lto-objects: machine code and IR both" '
	build gcc kinds.c fat.orig -flto -ffat-lto-objects &&
	readelf -SW fat.orig | grep -q " \.gnu\.lto_" && [ "$(expected_sites fat.orig | wc -l)" -ge 5 ]'

cp fat.orig fat.o
expect "gcc fat LTO: check warns [lto-object] (a fat object: the LTO link drops the table) and writes the table of its code" '
	scx 0 check fat.o && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "^fat\.o: warning: .*: a fat GCC LTO object: its machine code is checked, but an LTO link compiles the IR again and drops this table" err &&
	expected_sites fat.orig >want && table_set fat.o >got && diff want got'

# After the LTO link (ld -r through the compiler driver), the output is an
# ordinary object: checked without the warning.
expect "gcc: the output of the LTO link (gcc -flto -r -flinker-output=nolto-rel) is an ordinary object" '
	gcc -O2 -flto -r -nostdlib -flinker-output=nolto-rel slim.o -o linked.o &&
	! readelf -SW linked.o | grep -q " \.gnu\.lto_" &&
	cp linked.o linked.orig && scx 0 check linked.o && empty err &&
	expected_sites linked.orig >want && [ -s want ] && table_set linked.o >got && diff want got'

for flto in -flto -flto=thin; do
	expect "clang $flto: LLVM bitcode, refused by check, lint and dump with one line that names it" '
		build clang kinds.c bc.o '$flto' && [ "$(head -c 4 bc.o | od -An -tx1 | tr -d " ")" = "4243c0de" ] &&
		cp bc.o bc.o.orig && rejected bc.o && grep -q "^bc.o: error: LLVM bitcode (clang -flto), not an ELF object" err &&
		rejected bc.o lint && grep -q "LLVM bitcode" err &&
		rejected bc.o dump && grep -q "LLVM bitcode" err'
done

# LLVM's bitcode wrapper: magic 0x0B17C0DE, version, offset and size of
# the bitcode, CPU type (five little-endian words), then the bitcode.
word() {
	local i
	for ((i = 0; i < 4; i++)); do
		printf "\\x$(printf %02x $((($1 >> (8 * i)) & 255)))"
	done
}
expect "bitcode in LLVM's wrapper (0x0B17C0DE) is named as bitcode too" '
	{ word $((0x0b17c0de)); word 0; word 20; word "$(stat -c %s bc.o)"; word 7; cat bc.o; } >wrap.o &&
	[ "$(head -c 20 wrap.o | od -An -tx1 | tr -d " \n")" = "dec0170b0000000014000000$(word "$(stat -c %s bc.o)" | od -An -tx1 | tr -d " \n")07000000" ] &&
	rejected wrap.o && grep -q "^wrap.o: error: LLVM bitcode" err'

expect "clang: the output of the LTO link (ld.lld -r) is an ordinary object" '
	ld.lld -r bc.o -o clinked.o && cp clinked.o clinked.orig &&
	scx 0 check clinked.o && empty err &&
	expected_sites clinked.orig >want && [ -s want ] && table_set clinked.o >got && diff want got'

expect "a file that is neither ELF nor bitcode is still just \"not an ELF file\"" '
	printf "BC\xc0" >short.o && rejected short.o && grep -q "^short.o: error: not an ELF file\$" err'

done_testing
