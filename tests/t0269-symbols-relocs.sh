#!/bin/bash
# Symbol names as elf/object.c reads them: an ELF64 object's symbols come
# from libelf's converted array and their names straight from the string
# table's bytes (ELF32 and SHT_SYMTAB_SHNDX objects go through gelf and
# elf_strptr: t0030, t0062).  The checks must be elf_strptr's: a name
# offset past the table, or one with no NUL at or after it, is one error
# line (exit 2), a name that ends before the table's last NUL is read,
# and every name is the one readelf shows.  And which names are
# trampolines: those that start with __SCT__, and no other.  Then the
# relocations the site scan passes over (elf/object.c,
# sc_reloc_iter_next_in: those against other symbols) are checked as
# the ones it keeps.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

damaged() { cp good.o "$1.o"; }
save() { cp "$1.o" "$1.o.orig"; }

# st_name OBJ INDEX: the name offset of symbol INDEX (ELF64: 24 bytes each).
st_name() {
	od -An -t u4 -j $(($(sec_off "$1" .symtab) + 24 * $2)) -N 4 "$1" | tr -d ' '
}

expect "the object builds and checks cleanly" '
	build gcc kinds.c good.o && cp good.o probe.o && scx 0 check -n probe.o'

strsize=$(sec_size good.o .strtab)
symoff=$(sec_off good.o .symtab)
nsym=$(($(sec_size good.o .symtab) / 24))
foo=$(sym_idx good.o __SCT__foo)

expect "every trampoline and key scstool names is a symbol readelf shows" '
	sc lint -v --format json good.o 2>/dev/null |
		jq -r ".files[].sites[] | .trampoline, .key" | sort -u >named &&
	[ "$(grep -c "^__SCT__" named)" -ge 2 ] && [ "$(grep -c "^__SCK__" named)" -ge 2 ] &&
	readelf -sW good.o | gawk "\$1 ~ /^[0-9]+:\$/ { print \$8 }" | sort -u >shown &&
	[ -z "$(comm -23 named shown)" ]'

damaged past && poke past.o $((symoff + 24 * foo)) $(le "$strsize" 4) && save past
expect "a name offset just past the string table: one error line, exit 2" '
	rejected past.o &&
	grep -q "symbol $foo: name offset 0x$(printf %x "$strsize") out of range" err'

# The symbol whose name ends the table, and the table with its last NUL
# replaced: that name now has no NUL at or after it; the others keep theirs.
last=0 lastoff=-1
for ((i = 1; i < nsym; i++)); do
	o=$(st_name good.o $i)
	[ "$o" -gt "$lastoff" ] && last=$i lastoff=$o
done
damaged unterminated &&
	poke unterminated.o $(($(sec_off good.o .strtab) + strsize - 1)) 78 && save unterminated
expect "a string table whose last byte is no NUL: its last name is refused (exit 2)" '
	[ "$lastoff" -gt 0 ] && rejected unterminated.o &&
	grep -q "symbol $last: name offset 0x$(printf %x "$lastoff") out of range" err'

# A name offset into the middle of another name ends at that name's NUL.
damaged suffix && poke suffix.o $((symoff + 24 * foo)) $(le $(($(st_name good.o "$foo") + 2)) 4)
expect "a name offset inside another name reads its tail (SCT__foo: no trampoline)" '
	scx 0 lint -v --format json suffix.o &&
	! jq -r ".files[].sites[].trampoline" out | grep -qx "__SCT__foo" &&
	readelf -sW suffix.o | grep -q " SCT__foo$"'

# The trampoline test itself (check/symbols.h, sc_is_tramp_name).
expect "of seven calls to names near __SCT__, only the one to __SCT__foo is a site" '
	build gcc trampnames.S names.o &&
	scx 0 lint --module --format json names.o &&
	[ "$(jq -r ".files[].sites[].trampoline" out)" = __SCT__foo ] &&
	[ "$(readelf -rW names.o | grep -c "R_X86_64_PLT32\|R_X86_64_PC32")" -eq 7 ]'

# .rela.text.key_bar's one relocation is against __SCK__bar: no site.
keyrel=$(sec_off good.o .rela.text.key_bar)
expect "the key's relocation is one the site scan passes over" '
	readelf -rW good.o | grep -A2 "\.rela\.text\.key_bar" | grep -q " __SCK__bar - 4"'
damaged keyoff && poke keyoff.o "$keyrel" $(le $((0x7fffffff)) 8) && save keyoff
expect "a passed-over relocation outside its target section: one error line, exit 2" '
	rejected keyoff.o &&
	grep -q "\.rela\.text\.key_bar: relocation 0 at offset 0x7fffffff lies outside its target section" err'
damaged keysym && poke keysym.o $((keyrel + 12)) $(le 32767 4) && save keysym
expect "a passed-over relocation whose symbol is out of range: one error line, exit 2" '
	rejected keysym.o &&
	grep -q "\.rela\.text\.key_bar: relocation 0 refers to symbol 32767, out of range" err'

done_testing
