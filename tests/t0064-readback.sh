#!/bin/bash
# Before the rename, check reads its output back through the same model as
# any input and compares it with the input and the sites found.  A wrong
# output is made here by corrupting one byte of what libelf writes
# (tests/tools/flipshim.c, through LD_PRELOAD), in each kind of place the
# comparison covers: it must exit 2 with one line that asks for a bug
# report, leave the input as it was, and leave no temporary file.  The
# shim loaded without a byte to flip changes nothing.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

SHIM=$WORK/flipshim.so
# ASan wants to come first among the loaded libraries; the shim wraps only
# pwrite, which ASan does not need to see.
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"

expect "the corruption shim builds" '
	log=$(cc -Wall -Wextra -shared -fPIC -o "$SHIM" "$TEST_ROOT/tests/tools/flipshim.c" -ldl 2>&1) &&
	[ -z "$log" ] && [ -s "$SHIM" ] || { echo "$log"; exit 1; }'

expect "the fixtures build" '
	build gcc kinds.c k.orig && build clang kinds.c i.orig --target=i386-linux-gnu'
expected_sites k.orig >k.want

# The output's layout, from a clean run: offsets to corrupt.
cp k.orig ref.o && sc check ref.o 2>/dev/null
expect "with the shim loaded and no byte to flip, check writes the right table" '
	cp k.orig plain.o && LD_PRELOAD=$SHIM scx 0 check plain.o &&
	table_set plain.o | diff k.want - && same ref.o plain.o'

# flipped NAME OFFSET: check of a fresh copy NAME.o with the byte at
# OFFSET of the output corrupted: exit 2, one line asking for a bug
# report, the input untouched (same bytes, same inode), no temporary file.
flipped() {
	cp k.orig "$1.o" && cp k.orig "$1.o.orig" && local ino=$(inode "$1.o") &&
		FLIPSHIM_AT=$2 LD_PRELOAD=$SHIM rejected "$1.o" &&
		grep -q "^$1\.o: error: the output, read back, is not what was meant (.*), so nothing was written: this is a bug in scstool; please report it with this input file\$" err &&
		[ "$(inode "$1.o")" = "$ino" ]
}

f_call=$(sec_off ref.o .text.f_call)
expect "a byte of the code changed: caught" '
	flipped code $((f_call + 1)) && grep -q "(\.text\.f_call: its bytes changed)" err'

# r_info's symbol index is the high word of the entry's second field.
rela=$(sec_off ref.o .rela.text.f_both)
first=$(readelf -rW ref.o | gawk '/^Relocation section .\.rela\.text\.f_both/ { on = 1; next }
	on && $1 ~ /^[0-9a-f]+$/ { print $5; exit }')
expect "a relocation that names another symbol (its index plus one): caught" '
	[ -n "$first" ] && FLIPSHIM_XOR=1 flipped rel $((rela + 8 + 4)) &&
	grep -q "(\.rela\.text\.f_both names .*, not $first)" err'

expect "a relocation whose addend changed: caught" '
	flipped addend $((rela + 16)) && grep -q "(\.rela\.text\.f_both: the relocation at 0x[0-9a-f]* changed)" err'

expect "a table entry that points elsewhere (its addend): caught" '
	flipped entry $(($(table_rela_at ref.o 0) + 16)) &&
	grep -q "(\.static_call_sites entry [0-9]* is .*, not .*)" err'

expect "a symbol whose value changed: caught" '
	flipped sym $(($(sec_off ref.o .symtab) + 24 * $(sym_idx ref.o f_call) + 8)) &&
	grep -q "(symbol f_call is not the input.s)" err'

expect "a section renamed (.symtab, in .shstrtab, becomes .rymtab): caught" '
	readelf -p .shstrtab ref.o | grep -q "^  \[ *1\]  \.symtab\$" &&
	FLIPSHIM_XOR=1 flipped name $(($(sec_off ref.o .shstrtab) + 2)) &&
	grep -q "(section [0-9]* (\.symtab) is renamed \.rymtab)" err'

expect "a section header changed (the ELF header's e_flags): caught" '
	flipped ehdr 48 && grep -q "(the ELF header changed)" err'

expect "ELF32 (i386, REL): a byte of the code changed: caught" '
	cp i.orig iref.o && sc check iref.o 2>/dev/null &&
	cp i.orig i32.o && cp i.orig i32.o.orig &&
	FLIPSHIM_AT=$(($(sec_off iref.o .text.f_call) + 1)) LD_PRELOAD=$SHIM rejected i32.o &&
	grep -q "this is a bug in scstool" err'

done_testing
