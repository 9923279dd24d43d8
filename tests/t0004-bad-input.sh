#!/bin/bash
# Malformed and unusable inputs: each is refused with exit status 2 and
# exactly one line on stderr that names the file, never a crash; the
# input stays byte-identical and no temporary file is left behind.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"


# damaged NAME: a fresh copy of the good object as NAME.o (and NAME.o.orig
# after the caller patched it: see save).
damaged() {
	cp good.o "$1.o"
}
save() {
	cp "$1.o" "$1.o.orig"
}

expect "the good object builds and checks cleanly" '
	build gcc kinds.c good.o && cp good.o probe.o &&
	scx 0 check -n probe.o'

# --- not ELF at all ---
echo "just some text, not an object" >notelf.o && save notelf
expect "a text file is refused" 'rejected notelf.o'
expect "dump refuses a text file too" 'rejected notelf.o dump'

: >empty.o && save empty
expect "an empty file is refused" 'rejected empty.o'
expect "dump refuses an empty file too" 'rejected empty.o dump'

# --- truncated ---
head -c 64 good.o >trunc-header.o && save trunc-header
expect "a file cut after its ELF header is refused" 'rejected trunc-header.o'
expect "dump refuses a file cut after its ELF header" 'rejected trunc-header.o dump'

head -c 40 good.o >trunc-ident.o && save trunc-ident
expect "a file cut inside its ELF header is refused" 'rejected trunc-ident.o'

shoff=$(readelf -hW good.o | awk '/Start of section headers/ { print $5 }')
head -c $((shoff + 100)) good.o >trunc-shdrs.o && save trunc-shdrs
expect "a file cut inside its section header table is refused" 'rejected trunc-shdrs.o'

# --- header fields that lie ---
damaged class && poke class.o 4 01 && save class
expect "an ELF64 object whose EI_CLASS says ELF32 is refused" 'rejected class.o'
expect "dump refuses the flipped class too" 'rejected class.o dump'

damaged order && poke order.o 5 02 && save order
expect "a little-endian object whose EI_DATA says big-endian is refused" 'rejected order.o'
expect "dump refuses the flipped byte order too" 'rejected order.o dump'

damaged machine && poke machine.o 18 34 12 && save machine
expect "an unsupported e_machine (0x1234) is refused" 'rejected machine.o'
expect "the unsupported machine message says so" '
	sc check machine.o 2>&1 | grep -qi "machine"'
expect "dump refuses an unsupported machine too" 'rejected machine.o dump'

# --- indices out of range ---
rela=$(sec_off good.o .rela.text.f_call)
damaged relsym && poke relsym.o $((rela + 12)) $(le 32767 4) && save relsym
expect "a relocation whose symbol index is out of range is refused" 'rejected relsym.o'

damaged relsym0 &&
	poke relsym0.o $(($(sec_off good.o .rela.text.f_local) + 12)) $(le 32767 4) &&
	save relsym0
expect "the first relocation with a bad symbol index is refused too" 'rejected relsym0.o'

damaged link && poke link.o $(($(shdr_at good.o .rela.text.f_call) + 40)) $(le 999 4) && save link
expect "a relocation section whose sh_link is out of range is refused" 'rejected link.o'

damaged symlink && poke symlink.o $(($(shdr_at good.o .symtab) + 40)) $(le 999 4) && save symlink
expect "a symbol table whose sh_link (string table) is out of range is refused" 'rejected symlink.o'

damaged align && poke align.o $(($(shdr_at good.o .text.f_call) + 48)) $(le 24 8) && save align
expect "a section alignment that is not a power of two is refused, even with --dry-run" '
	rejected align.o check --dry-run && grep -q "power of two" err'

damaged info && poke info.o $(($(shdr_at good.o .rela.text.f_call) + 44)) $(le 999 4) && save info
expect "a relocation section whose sh_info is out of range is refused" 'rejected info.o'

damaged shstrndx && poke shstrndx.o 62 $(le 200 2) && save shstrndx
expect "an e_shstrndx out of range is refused" 'rejected shstrndx.o'
expect "dump refuses an e_shstrndx out of range too" 'rejected shstrndx.o dump'

damaged shndx &&
	poke shndx.o $(($(sec_off good.o .symtab) + 24 * $(sym_idx good.o f_call) + 6)) $(le 28672 2) &&
	save shndx
expect "a symbol whose st_shndx is out of range is refused" 'rejected shndx.o'

damaged roff && poke roff.o $rela $(le 1048576 8) && save roff
expect "a relocation whose offset lies beyond its section is refused" 'rejected roff.o'

damaged roff2 && poke roff2.o $rela $(le $(($(sec_size good.o .text.f_call))) 8) && save roff2
expect "a relocation at exactly its section's end is refused" 'rejected roff2.o'

# --- shapes ---
symsize=$(sec_size good.o .symtab)
damaged ragged && poke ragged.o $(($(shdr_at good.o .symtab) + 32)) $(le $((symsize - 8)) 8) && save ragged
expect "a symbol table whose size is no multiple of 24 is refused" 'rejected ragged.o'

damaged ragrel &&
	poke ragrel.o $(($(shdr_at good.o .rela.text.f_call) + 32)) $(le $(($(sec_size good.o .rela.text.f_call) - 4)) 8) &&
	save ragrel
expect "a relocation section whose size is no multiple of 24 is refused" 'rejected ragrel.o'

damaged nosym && poke nosym.o $(($(shdr_at good.o .symtab) + 4)) 01 00 00 00 && save nosym
expect "an object without a symbol table (SYMTAB retyped) is refused" 'rejected nosym.o'

printf 'int x = 1;\n' >plain.c
expect "a stripped object (no .symtab at all) is refused" '
	gcc -c plain.c -o plain.o && strip plain.o -o stripped.o &&
	! readelf -SW stripped.o | grep -q "\.symtab" &&
	cp stripped.o stripped.o.orig && rejected stripped.o'

damaged bigsec && poke bigsec.o $(($(shdr_at good.o .text.f_call) + 32)) $(le 1048576 8) && save bigsec
expect "a section that runs past the end of the file is refused" 'rejected bigsec.o'

# --- not a relocatable object ---
printf 'int main(void) { return 0; }\n' >main.c
expect "a linked executable is refused as not a relocatable object" '
	gcc main.c -o exe && cp exe exe.orig && rejected exe &&
	{ grep -q "not a relocatable object" err || { cat err; false; }; }'

expect "a shared library is refused as not a relocatable object" '
	gcc -shared -fPIC plain.c -o lib.so && cp lib.so lib.so.orig &&
	rejected lib.so &&
	{ grep -q "not a relocatable object" err || { cat err; false; }; }'

expect "a static executable is refused as not a relocatable object" '
	ld -e 0 -o static.exe good.o --unresolved-symbols=ignore-all &&
	cp static.exe static.exe.orig && rejected static.exe &&
	grep -q "not a relocatable object" err'

# --- not a regular file, missing, unwritable ---
mkdir -p adir
expect "a directory is refused" 'rejected adir'
expect "a missing file is refused" '
	rejected missing.o && [ ! -e missing.o ]'
expect "dump refuses a missing file" 'rejected missing.o dump'

cp good.o out-src.o && save out-src
expect "-o into a directory that does not exist: exit 2, one line, nothing made" '
	scx 2 check -o nodir/sub/out.o out-src.o &&
	[ "$(wc -l <err)" -eq 1 ] && grep -qF "nodir/sub/out.o" err &&
	[ ! -e nodir ] && same out-src.o.orig out-src.o && no_temp'

expect "-o into /proc (not writable even for root): exit 2, one line" '
	scx 2 check -o /proc/scstool-out.o out-src.o &&
	[ "$(wc -l <err)" -eq 1 ] && grep -qF "/proc/scstool-out.o" err &&
	[ ! -e /proc/scstool-out.o ] && same out-src.o.orig out-src.o && no_temp'

expect "-o onto an existing directory: exit 2, one line, the directory stays" '
	mkdir -p outdir &&
	scx 2 check -o outdir out-src.o &&
	[ "$(wc -l <err)" -eq 1 ] && [ -d outdir ] &&
	same out-src.o.orig out-src.o && no_temp'

expect "-o for a malformed input makes no output file" '
	sc check -o made.o ragged.o 2>err; s=$?
	[ $s -eq 2 ] && [ ! -e made.o ] && no_temp || { echo "exit $s"; cat err; false; }'

# --- values that must not crash the tool ---
damaged hugeadd && poke hugeadd.o $((rela + 16)) $(le 0x7ffffffffffffffc 8) && save hugeadd
expect "a call relocation with an addend near INT64_MAX is reported, not a crash" '
	sc check hugeadd.o 2>err; s=$?
	{ [ $s -eq 1 ] && findings err error bad-addend >/dev/null; } ||
	{ [ $s -eq 2 ] && [ "$(wc -l <err)" -eq 1 ]; } || { cat err; false; }'
expect "after that the object is untouched" 'same hugeadd.o.orig hugeadd.o && no_temp'

# A table entry whose site lies far outside its section.
cp good.o wild.o && sc check wild.o &&
	poke wild.o $(($(sec_off wild.o .rela.static_call_sites) + 16)) $(le 0xff00000000000000 8)
expect "dump of a table entry far outside its section does not crash" '
	sc dump wild.o >out 2>err; s=$?
	{ [ $s -eq 0 ] || { [ $s -eq 2 ] && [ "$(wc -l <err)" -eq 1 ]; }; } ||
	{ cat err; false; }'
expect "check of that table does not crash either" '
	cp wild.o wild.o.orig && sc check wild.o 2>err; s=$?
	[ $s -eq 1 ] || [ $s -eq 2 ] || { cat err; false; }'

done_testing
