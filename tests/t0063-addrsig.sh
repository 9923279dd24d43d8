#!/bin/bash
# clang's .llvm_addrsig names the symbols whose address is significant by
# their .symtab indices.  When the writer moves globals, the indices must
# follow, or ld.lld --icf=safe folds the wrong functions.  addrsig.c's
# program prints whether two address-significant twins were folded: with
# the right indices they never are (while two plain twins fold), with
# --icf=all they are, and with the input's indices left in the output (the
# old behaviour) they are again: the test can fail.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# sig OBJ: the names .llvm_addrsig lists, as llvm-readobj reads them.
sig() {
	llvm-readobj --addrsig "$1" | gawk '$1 == "Sym:" { print $2 }'
}

# run ICF OBJ: links OBJ with the main program under --icf=ICF; prints
# what it prints, then "h" when h1 and h2 share an address.
run() {
	clang -fuse-ld=lld -Wl,--icf="$1" -o "$2.$1.exe" main.o "$2" &&
		"./$2.$1.exe" && nm "$2.$1.exe" |
		gawk '$3 == "h1" { a = $1 } $3 == "h2" { b = $1 } END { if (a == b) print "h" }'
}

# sigbytes OBJ: .llvm_addrsig's bytes, in hex.
sigbytes() {
	readelf -x .llvm_addrsig "$1" | gawk '/^  0x/ { print $2 $3 $4 $5 }' | tr -d '\n'
}

SAFE=$(printf 'folded 0, site %d\nh' 115)
FOLDED=$(printf 'folded 1, site %d\nh' 115)

expect "the fixtures build" '
	build clang addrsig.c few.orig && build clang addrsig.c many.orig -DMANY &&
	build clang addrsig-main.c main.o'

for v in few many; do
	expect "$v: .llvm_addrsig lists f1 and f2; the program keeps them apart under --icf=safe" '
		[ "$(sig '$v'.orig | tr "\n" " ")" = "f1 f2 " ] &&
		[ "$(run safe '$v'.orig)" = "$SAFE" ]'

	expect "$v: check writes the table and f1 and f2 move" '
		cp '$v'.orig '$v'.o && scx 0 check '$v'.o && has_table '$v'.o &&
		expected_sites '$v'.orig | diff - <(table_set '$v'.o) &&
		[ "$(sym_idx '$v'.o f1)" != "$(sym_idx '$v'.orig f1)" ] &&
		[ "$(sym_idx '$v'.o f2)" != "$(sym_idx '$v'.orig f2)" ]'

	expect "$v: .llvm_addrsig still lists f1 and f2" '
		[ "$(sig '$v'.o | tr "\n" " ")" = "f1 f2 " ]'

	expect "$v: linked with --icf=safe, f1 and f2 stay apart and h1, h2 fold" '
		[ "$(run safe '$v'.o)" = "$SAFE" ]'

	expect "$v: control: with --icf=all, f1 and f2 fold" '
		[ "$(run all '$v'.o)" = "$FOLDED" ]'
done

expect "few: the indices fit their bytes: .llvm_addrsig keeps its size and offset" '
	[ "$(sec_size few.o .llvm_addrsig)" = "$(sec_size few.orig .llvm_addrsig)" ] &&
	[ "$(sec_off few.o .llvm_addrsig)" = "$(sec_off few.orig .llvm_addrsig)" ] &&
	[ "$(sigbytes few.o)" != "$(sigbytes few.orig)" ]'

expect "many: the indices pass 127 and take two bytes: the section grows" '
	[ "$(sym_idx many.o f1)" -gt 127 ] &&
	[ "$(sec_size many.o .llvm_addrsig)" -gt "$(sec_size many.orig .llvm_addrsig)" ]'

# The input's indices in the output: what the writer did before it
# renumbered .llvm_addrsig.
cp few.o stale.o && poke stale.o "$(sec_off stale.o .llvm_addrsig)" \
	$(sigbytes few.orig | sed 's/../& /g')
expect "control: with the input's indices left in, --icf=safe folds f1 and f2" '
	[ "$(sig stale.o | tr "\n" " ")" != "f1 f2 " ] &&
	[ "$(run safe stale.o)" = "$FOLDED" ]'

done_testing
