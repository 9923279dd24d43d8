#!/bin/bash
# What make fuzz found, each rebuilt at test time from a fixture.  (Its
# first find, a NOBITS .static_call_sites claiming 2^63 bytes, is in
# t0076-bounded.)
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the i386 fixture builds" '
	clang --target=i386-linux-gnu -O2 -ffunction-sections -c "$FIXTURES/kinds.c" -o k32.orig'

# The second find (a 10-minute run, fuzz_check reading its output back):
# in an ELF32 object whose section symbol has a value (0xf8000000), the
# writer anchors the site at that symbol with the addend 0x08000017; the
# table reader added them in 64 bits (0x100000017) where the loader's
# 32-bit arithmetic gives 0x17, so check refused its own correct output.
# sym_value_at OBJ SECTION: file offset of st_value of SECTION's section
# symbol (ELF32: 16-byte entries, st_value at +4).
sym_value_at() {
	local idx n
	idx=$(sec_idx "$1" "$2") &&
	n=$(readelf -sW "$1" | gawk -v i="$idx" '$4 == "SECTION" && $7 == i { sub(":", "", $1); print $1; exit }') &&
	[ -n "$n" ] && echo $(( $(sec_off "$1" .symtab) + 16 * n + 4 ))
}
expect "ELF32: a section symbol at 0xf8000000 anchors a site correctly; check writes and reads back the table" '
	cp k32.orig w.o && at=$(sym_value_at w.o .text.f_cond_tail) &&
	poke w.o "$at" $(le 0xf8000000 4) && cp w.o w.orig &&
	sc check w.o 2>err && has_table w.o &&
	sc dump w.o >out && grep -q "^  \.text\.f_cond_tail+0x[0-9a-f]*  f_cond_tail+" out &&
	! grep -q "0x1[0-9a-f]\{8\}" out'
expect "its table matches the table of the same object with the value left at 0" '
	cp k32.orig z.o && sc check z.o && sc dump z.o | tail -n +2 >want &&
	sc dump w.o | tail -n +2 >got && diff want got'

# The third find (make fuzz killed by the kernel's OOM killer, twice): an
# inactive (SHT_NULL) section, whose members are undefined and so not
# checked by the reader, at offset 0x180000 in a 964-byte object.  libelf
# makes the output reach every section's offset, so the writer wrote
# 1.5 MiB of zeros; 2^40 would have asked for a 1 TiB file.  The writer
# now moves an empty section past its contents to their end.  (64 MiB
# here, so that the control, without the fix, costs only 64 MiB of disk.)
expect "the x86-64 fixture builds" 'build gcc kinds.c k64.orig'
expect "an inactive section claiming offset 64 MiB: -o writes an output of the input's size, with its table" '
	cp k64.orig n.o && h=$(shdr_at n.o .note.GNU-stack) &&
	poke n.o $((h + 4)) $(le 0 4) && poke n.o $((h + 24)) $(le $((64 << 20)) 8) &&
	cp n.o n.orig && sc check -o n.out n.o &&
	same n.orig n.o && has_table n.out &&
	[ $(stat -c %s n.out) -lt $(( $(stat -c %s n.o) + 65536 )) ] &&
	[ $(du -k n.out | cut -f1) -lt 1024 ]'
expect "in place too, and check reads its output back" '
	cp n.orig p.o && sc check p.o && has_table p.o &&
	[ $(stat -c %s p.o) -lt $(( $(stat -c %s n.orig) + 65536 )) ] &&
	sc dump p.o >out && [ $(grep -c "__SCK__" out) -ge 1 ]'

# The fourth find (a 10-minute run, fuzz_check reading its output back):
# an object whose ELF header counts 16 program headers of 0 bytes each
# at offset 42.  The reader took the table as 0 bytes long, the writer
# wrote 16 real ones (56 bytes each) over what followed, and the read
# back caught it: check refused its own output as a bug.  A program
# header size that is not its class's is now refused on reading, as the
# section header size is.  (e_phoff at 0x20, e_phentsize at 0x36,
# e_phnum at 0x38.)
phdrs() {
	cp k64.orig "$1" && poke "$1" $((0x20)) $(le 42 8) &&
	poke "$1" $((0x36)) $(le "$2" 2) && poke "$1" $((0x38)) $(le 16 2) &&
	cp "$1" "$1.orig"
}
expect "16 program headers of 0 bytes: check refuses the file in one line, exit 2, and leaves it as it was" '
	phdrs ph0.o 0 && rejected ph0.o && grep -q "program header size 0 does not match ELF64 (56)" err'
expect "dump and lint refuse it too" '
	phdrs ph1.o 0 && rejected ph1.o dump && rejected ph1.o lint'
expect "a program header size of ELF32 (32) in an ELF64 file is refused with the class hint" '
	phdrs ph2.o 32 && rejected ph2.o && grep -q "wrong class" err'

done_testing
