#!/bin/bash
# What check writes, and when: the new sections and nothing else, objects
# that link, idempotence and determinism, existing tables (identical,
# stale, --force), --dry-run, -o, file modes, many files and -j.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# fresh NAME: NAME.o, a new copy of k.orig, and NAME.o.orig beside it.
fresh() {
	cp k.orig "$1.o" && cp k.orig "$1.o.orig"
}

expect "the fixtures build" '
	build gcc kinds.c k.orig && build clang kinds.c kc.orig &&
	build gcc module.c nokey.orig && build gcc nosite.c nosite.orig &&
	build gcc stubs.S stubs.o && ld -r -o kr.orig k.orig &&
	build gcc notbranch.c nbc.orig'
expected_sites k.orig >k.want
nsites=$(wc -l <k.want)

# --- what a first check writes ---
fresh a && sc check a.o 2>/dev/null
expect "the written object holds the expected table" '
	[ "$nsites" -eq 6 ] && table_set a.o >got && diff k.want got'

# ld -r gives every section a section symbol, so the writer has no symbol
# to add: then only .shstrtab changes.
cp kr.orig r.o && sc check r.o 2>/dev/null
expect "with section symbols present, only .shstrtab of the input changes" '
	table_set r.o >got && [ "$(wc -l <got)" -eq "$nsites" ] &&
	changed_sections kr.orig r.o >changed &&
	[ "$(cat changed)" = .shstrtab ] || { cat changed; false; }'

expect "with section symbols present, every other section header is kept" '
	readelf -SW kr.orig | grep "^  \[" | grep -v " \.shstrtab " >before &&
	readelf -SW r.o | grep "^  \[" | grep -v " \.shstrtab " | grep -v "static_call_sites" >after &&
	diff before after'

expect "an ld.lld -r object (.strtab after .shstrtab): right table, only .shstrtab changes" '
	ld.lld -r -o lldr.orig k.orig && cp lldr.orig lldr.o && scx 0 check lldr.o &&
	table_set lldr.o >got && diff k.want got &&
	changed_sections lldr.orig lldr.o >changed &&
	[ "$(cat changed)" = .shstrtab ] && readelf -a lldr.o >/dev/null 2>rerr && empty rerr'

expect "exactly two sections are added" '
	[ "$(section_count r.o)" -eq $(($(section_count kr.orig) + 2)) ] &&
	[ "$(section_count a.o)" -eq $(($(section_count k.orig) + 2)) ] &&
	[ "$(readelf -SW a.o | grep -c "\.static_call_sites ")" -eq 2 ]'

# Compiler output has no section symbol for most function sections: the
# writer adds one for each site section that lacks it.
expect "compiler output: besides .shstrtab only .symtab and .rela.* change" '
	changed_sections k.orig a.o | grep -v "^\.shstrtab\$" |
		grep -v "^\.symtab\$" | grep -v "^\.rela\." >changed;
	[ ! -s changed ] || { cat changed; false; }'

expect "compiler output: sections other than .symtab and .shstrtab keep their headers" '
	readelf -SW k.orig | grep "^  \[" | grep -Ev " \.(symtab|shstrtab) " >before &&
	readelf -SW a.o | grep "^  \[" | grep -Ev " \.(symtab|shstrtab) " |
		grep -v "static_call_sites" >after &&
	diff before after'

# "NAME VALUE SIZE TYPE BIND NDX" of every symbol but the null one.
symbols() {
	readelf -sW "$1" | gawk '$1 ~ /^[0-9]+:$/ && $1 != "0:" { print $8, $2, $3, $4, $5, $7 }' | sort
}
expect "every symbol of the input is still there, unchanged" '
	symbols k.orig >before && symbols a.o >after &&
	comm -23 before after >lost && [ ! -s lost ] || { cat lost; false; }'

expect "the symbols added are section symbols of the site sections that lacked one" '
	symbols k.orig >before && symbols a.o >after &&
	comm -13 before after >added &&
	cut -d+ -f1 k.want | sort -u >sitesecs &&
	gawk "\$4 == \"SECTION\" { print \$1 }" before | sort >had &&
	comm -23 sitesecs had >want && [ "$(wc -l <want)" -ge 1 ] &&
	gawk "{ print \$1 }" added | sort >got && diff want got &&
	gawk "\$4 != \"SECTION\" || \$5 != \"LOCAL\" || \$2 != \"0000000000000000\" { exit 1 }" added'

expect "locals still precede globals (.symtab sh_info)" '
	info=$(readelf -SW a.o | sed "s/\[ */[/" | gawk "\$2 == \".symtab\" { print \$(NF-1) }") &&
	readelf -sW a.o | gawk -v i="$info" "\$1 ~ /^[0-9]+:\$/ { n = \$1 + 0; if ((n < i) != (\$5 == \"LOCAL\")) bad = 1 } END { exit bad }"'

# "SECTION OFFSET TYPE SYMBOL ADDEND" of every relocation outside the table.
relocs() {
	readelf -rW "$1" | gawk '/^Relocation section/ { sec = $3; skip = (sec ~ /static_call_sites/); next }
		!skip && $1 ~ /^[0-9a-f]+$/ && NF >= 5 { print sec, $1, $3, $5, $NF }'
}
expect "every other relocation still names the same symbol and addend" '
	relocs k.orig >before && relocs a.o >after && [ -s before ] && diff before after'

expect ".static_call_sites is PROGBITS, WA, entsize 8, align 8, 8 bytes an entry" '
	readelf -SW a.o | sed "s/\[ */[/" | awk "\$2 == \".static_call_sites\"" >sec &&
	read -r idx name type addr off size es flg lk inf al <sec &&
	[ "$type" = PROGBITS ] && [ "$flg" = WA ] && [ "$es" = 08 ] && [ "$al" = 8 ] &&
	[ $((0x$size)) -eq $((8 * nsites)) ]'

expect ".rela.static_call_sites is RELA, links .symtab, applies to the table" '
	readelf -SW a.o | sed "s/\[ */[/" | awk "\$2 == \".rela.static_call_sites\"" >sec &&
	read -r idx name type addr off size es flg lk inf al <sec &&
	[ "$type" = RELA ] && [ "$es" = 18 ] && [[ $flg == *I* ]] &&
	[ "$lk" -eq "$(sec_idx a.o .symtab)" ] &&
	[ "$inf" -eq "$(sec_idx a.o .static_call_sites)" ] &&
	[ $((0x$size)) -eq $((24 * 2 * nsites)) ]'

expect "every entry has two R_X86_64_PC32 relocations, at +0 and +4" '
	readelf -rW a.o | gawk "/^Relocation section/ { on = (\$3 ~ /\.rela\.static_call_sites/); next }
		on && \$1 ~ /^[0-9a-f]+\$/ { print \$1, \$3 }" >rels &&
	[ "$(wc -l <rels)" -eq $((2 * nsites)) ] &&
	gawk "{ o = strtonum(\"0x\" \$1); if (\$2 != \"R_X86_64_PC32\" || o % 4 || seen[o]++) exit 1 }
	     END { if (NR == 0) exit 1 }" rels &&
	for ((i = 0; i < 2 * nsites; i++)); do
		grep -q "^$(printf %016x $((4 * i))) " rels || exit 1
	done'

expect "the code and its relocations disassemble exactly as before" '
	objdump -drw k.orig | sed 1,2d >before && objdump -drw a.o | sed 1,2d >after &&
	[ -s before ] && diff before after'

expect "readelf -a reads the output without a complaint" '
	readelf -a a.o >/dev/null 2>rerr && empty rerr'

expect "the output links with ld -r, and the table survives" '
	ld -r -o ld.o a.o 2>lerr && empty lerr &&
	[ "$(table_set ld.o | wc -l)" -eq "$nsites" ]'

expect "the output links with ld.lld -r, and the table survives" '
	ld.lld -r -o lld.o a.o 2>lerr && empty lerr &&
	[ "$(table_set lld.o | wc -l)" -eq "$nsites" ]'

# Linked for real, each entry must point at a branch to its trampoline and
# at its key, plus the TAIL flag exactly for jumps.
awk '{ print ($3 == 0 ? "call" : "jmp"), "__SCT__" substr($2, 8), $2, $3 }' k.want |
	sort >k.linked.want
for ld in ld ld.lld; do
	expect "$ld: in a linked executable every entry resolves to its branch and key" '
		'$ld' -o '$ld'.exe -e f_call a.o stubs.o 2>lerr && empty lerr &&
		linked_entries '$ld'.exe | sort >got && diff k.linked.want got'
done

expect "clang's object links too, entries resolving to branch and key" '
	cp kc.orig kc.o && scx 0 check kc.o &&
	ld -o kc.exe -e f_call kc.o stubs.o &&
	expected_sites kc.orig | awk "{ print (\$3 == 0 ? \"call\" : \"jmp\"), \"__SCT__\" substr(\$2, 8), \$2, \$3 }" |
		sort >want &&
	linked_entries kc.exe | sort >got && diff want got'

# --- idempotence and determinism ---
expect "a second check leaves the object alone: exit 0, same bytes, same inode" '
	cp a.o a.o.first && ino=$(inode a.o) &&
	scx 0 check a.o && empty err && same a.o.first a.o && [ "$(inode a.o)" = "$ino" ]'

expect "two copies of one input give byte-identical outputs" '
	fresh d1 && fresh d2 && scx 0 check d1.o && scx 0 check d2.o && same d1.o d2.o'

expect "clang: two copies give byte-identical outputs, and a second check keeps them" '
	cp kc.orig e1.o && cp kc.orig e2.o && scx 0 check e1.o e2.o && same e1.o e2.o &&
	cp e1.o e1.first && scx 0 check e1.o && same e1.first e1.o'

expect "the output does not depend on the input file's name or place" '
	mkdir -p sub/deeper && cp k.orig sub/deeper/other-name.o &&
	scx 0 check sub/deeper/other-name.o && same a.o.first sub/deeper/other-name.o &&
	no_temp sub && no_temp .'

# --- existing tables ---
expect "an identical table: exit 0, silent, not rewritten (same inode)" '
	cp a.o.first t.o && ino=$(inode t.o) &&
	scx 0 check t.o && empty err && same a.o.first t.o && [ "$(inode t.o)" = "$ino" ]'

expect "--force on an identical table gives the same table, still one of each section" '
	cp a.o.first f.o && scx 0 check --force f.o &&
	table_set f.o >got && diff k.want got &&
	[ "$(section_count f.o)" -eq "$(section_count a.o.first)" ] &&
	[ "$(readelf -SW f.o | grep -c "\.static_call_sites ")" -eq 2 ]'

expect "-f is --force" '
	cp a.o.first f2.o && scx 0 check -f f2.o && table_set f2.o >got && diff k.want got'

# A stale table: written in module mode (trampoline as key); then the key
# symbol appears, so a check outside module mode wants __SCK__baz.
expect "a stale table can be made: module table, then the key symbol added" '
	cp nokey.orig s0.o && scx 0 check --module s0.o &&
	table_set s0.o | grep -q " __SCT__baz 0\$" &&
	objcopy --add-symbol __SCK__baz=.data:0,global s0.o stale.orig 2>oerr && empty oerr &&
	readelf -sW stale.orig | grep -Eq " GLOBAL +DEFAULT +[0-9]+ __SCK__baz\$" &&
	table_set stale.orig | grep -q " __SCT__baz 0\$"'

expect "a stale table is an error: exit 1, one [stale-table] line" '
	cp stale.orig s1.o && scx 1 check s1.o &&
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^s1\.o: error: .*\[stale-table\]\$" err'

expect "a stale table is left alone" '
	cp stale.orig s2.o && ino=$(inode s2.o) && sc check s2.o 2>/dev/null
	same stale.orig s2.o && [ "$(inode s2.o)" = "$ino" ] && no_temp'

expect "--force regenerates a stale table with the right key" '
	cp stale.orig s3.o && scx 0 check --force s3.o &&
	expected_sites stale.orig >want && table_set s3.o >got && diff want got &&
	grep -q " __SCK__baz 0\$" got'

expect "a regenerated table still leaves one table and one relocation section" '
	[ "$(section_count s3.o)" -eq "$(section_count stale.orig)" ] &&
	[ "$(readelf -SW s3.o | grep -c "\.static_call_sites ")" -eq 2 ]'

expect "a regenerated table passes readelf -a and links" '
	readelf -a s3.o >/dev/null 2>rerr && empty rerr &&
	ld -r -o s3-ld.o s3.o && ld.lld -r -o s3-lld.o s3.o'

expect "--force then a plain check: identical, exit 0" '
	cp s3.o s3.first && scx 0 check s3.o && same s3.first s3.o'

expect "--dry-run on a stale table still reports it (exit 1) and writes nothing" '
	cp stale.orig s4.o && scx 1 check -n s4.o && grep -q "\[stale-table\]\$" err &&
	same stale.orig s4.o'

expect "-W stale-table=warning: exit 0, a warning, the table left alone" '
	cp stale.orig s5.o && scx 0 check -W stale-table=warning s5.o &&
	grep -q "^s5\.o: warning: .*\[stale-table\]\$" err && same stale.orig s5.o'

# Another way to make a table stale: the code changes under it.
f_call_text=$(sec_off a.o.first .text.f_call)
f_call_site=$(grep "^\.text\.f_call+" k.want | sed "s/.*+0x\([0-9a-f]*\) .*/\1/")
cp a.o.first kind.orig && poke kind.orig $((f_call_text + 0x$f_call_site)) e9
expect "a call turned into a jmp under the table: stale (its flags differ)" '
	[ "$(od -An -tx1 -j $((f_call_text + 0x$f_call_site)) -N1 a.o.first)" = " e8" ] &&
	cp kind.orig k1.o && scx 1 check k1.o && grep -q "\[stale-table\]\$" err &&
	same kind.orig k1.o'

expect "--force then records the jmp with the TAIL flag" '
	cp kind.orig k2.o && scx 0 check -f k2.o &&
	table_set k2.o | grep -qx "\.text\.f_call+0x$f_call_site __SCK__foo 1"'

cp a.o.first gone.orig && poke gone.orig $((f_call_text + 0x$f_call_site)) 90
expect "a site that is gone (call byte now a nop) makes the table stale" '
	cp gone.orig g1.o && scx 1 check g1.o && grep -q "\[stale-table\]\$" err &&
	same gone.orig g1.o'

expect "--force then drops the entry of the site that is gone" '
	cp gone.orig g2.o && scx 0 check -f g2.o &&
	grep -v "^\.text\.f_call+" k.want >want && table_set g2.o >got && diff want got'

# --- no site, dry run, -o ---
expect "an object without a site: exit 0, silent, untouched, no table" '
	cp nosite.orig ns.o && ino=$(inode ns.o) &&
	scx 0 check ns.o && empty err && empty out &&
	same nosite.orig ns.o && [ "$(inode ns.o)" = "$ino" ] && no_temp'

expect "--dry-run finds the sites but writes nothing" '
	fresh n && ino=$(inode n.o) && scx 0 check --dry-run n.o && empty err &&
	same n.o.orig n.o && [ "$(inode n.o)" = "$ino" ] && no_temp'

expect "-n is --dry-run" '
	fresh n2 && scx 0 check -n n2.o && same n2.o.orig n2.o'

expect "--dry-run with -o creates no output" '
	fresh n3 && scx 0 check -n -o n3-out.o n3.o && [ ! -e n3-out.o ] &&
	same n3.o.orig n3.o && no_temp'

expect "--dry-run still reports errors with exit 1" '
	cp nokey.orig nk.o && scx 1 check -n nk.o && findings_n err error missing-key 2 &&
	same nokey.orig nk.o'

expect "-o writes the table to OUT and leaves the input untouched" '
	fresh o && scx 0 check -o o-out.o o.o && empty err &&
	same o.o.orig o.o && same a.o.first o-out.o && no_temp'

expect "--output is -o" '
	fresh o2 && scx 0 check --output o2-out.o o2.o && same a.o.first o2-out.o'

expect "-o replaces an existing OUT" '
	fresh o3 && echo old >o3-out.o && scx 0 check -o o3-out.o o3.o &&
	same a.o.first o3-out.o'

expect "-o for an object without a site makes OUT a byte copy" '
	cp nosite.orig ns2.o && scx 0 check -o ns2-out.o ns2.o &&
	same nosite.orig ns2-out.o && same nosite.orig ns2.o'

expect "-o for an object whose table is up to date makes OUT a byte copy" '
	cp a.o.first up.o && scx 0 check -o up-out.o up.o && same a.o.first up-out.o &&
	same a.o.first up.o'

expect "-o with two inputs is a usage error: exit 2, nothing written" '
	fresh m1 && fresh m2 && scx 2 check -o m-out.o m1.o m2.o && [ -s err ] &&
	[ ! -e m-out.o ] && same m1.o.orig m1.o && same m2.o.orig m2.o'

expect "-o on an error finding (exit 1) makes no output file" '
	cp nokey.orig ne.o && scx 1 check -o ne-out.o ne.o && [ ! -e ne-out.o ] &&
	same nokey.orig ne.o && no_temp'

expect "-o on an error finding leaves an existing OUT as it was" '
	cp nokey.orig ne2.o && echo old >ne2-out.o &&
	scx 1 check -o ne2-out.o ne2.o && [ "$(cat ne2-out.o)" = old ] && no_temp'

expect "-o on a stale table makes no output file" '
	cp stale.orig so.o && scx 1 check -o so-out.o so.o && [ ! -e so-out.o ]'

expect "-o with --force regenerates into OUT, the input untouched" '
	cp stale.orig sf.o && scx 0 check -f -o sf-out.o sf.o &&
	same stale.orig sf.o && same s3.o sf-out.o'

# --- file modes ---
for mode in 640 755 600 444; do
	expect "in-place check keeps file mode $mode" '
		fresh mode'$mode' && chmod '$mode' mode'$mode'.o &&
		scx 0 check mode'$mode'.o && has_table mode'$mode'.o &&
		[ "$(stat -c %a mode'$mode'.o)" = '$mode' ]'
done

expect "a symbolic link stays a link, and its target gets the table" '
	mkdir -p real && cp k.orig real/target.o && ln -sf real/target.o link.o &&
	scx 0 check link.o && [ -L link.o ] &&
	[ "$(readlink link.o)" = real/target.o ] &&
	table_set real/target.o >got && diff k.want got && no_temp . && no_temp real'

expect "in place, the file keeps its owner and group" '
	fresh own && chown nobody:nogroup own.o && scx 0 check own.o &&
	has_table own.o && [ "$(stat -c %U:%G own.o)" = nobody:nogroup ]'

# --- many files ---
fresh bad && poke bad.o $(($(sec_off k.orig .rela.text.f_local) + 12)) $(le 32767 4) &&
	cp bad.o bad.o.orig
expect "a bad file among good ones: the good ones are written, exit 2" '
	fresh mf1 && fresh mf2 && scx 2 check mf1.o bad.o mf2.o &&
	table_set mf1.o >got1 && diff k.want got1 &&
	table_set mf2.o >got2 && diff k.want got2 && same bad.o.orig bad.o'

expect "... and stderr has one line, for the bad file" '
	fresh mf3 && fresh mf4 && scx 2 check mf3.o bad.o mf4.o &&
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^bad\.o: error: " err'

expect "a file with an error finding among good ones: exit 1, the others written" '
	fresh mf5 && cp nokey.orig nk2.o && scx 1 check mf5.o nk2.o &&
	has_table mf5.o && same nokey.orig nk2.o'

expect "error finding plus bad file: exit 2 (the worst)" '
	fresh mf6 && cp nokey.orig nk3.o && scx 2 check nk3.o bad.o mf6.o && has_table mf6.o &&
	scx 2 check bad.o nk3.o'

expect "a missing file among good ones does not stop the others" '
	fresh mf7 && scx 2 check missing.o mf7.o && has_table mf7.o &&
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^missing\.o: error: " err'

# -j N: same results, same output, in input order.
mkdir -p j1 j4
for d in j1 j4; do
	cp k.orig $d/a.o && cp kc.orig $d/b.o && cp nokey.orig $d/c.o &&
		cp bad.o.orig $d/d.o && cp nbc.orig $d/e.o && cp stale.orig $d/f.o &&
		cp k.orig $d/g.o && cp kc.orig $d/h.o
done
(cd j1 && sc check -v $QUIET_NOTES -j 1 a.o b.o c.o d.o e.o f.o g.o h.o >../j1.out 2>../j1.err; echo $? >../j1.status)
(cd j4 && sc check -v $QUIET_NOTES -j 4 a.o b.o c.o d.o e.o f.o g.o h.o >../j4.out 2>../j4.err; echo $? >../j4.status)
expect "-j 4 and -j 1 exit alike (2, the worst)" '
	[ "$(cat j1.status)" = 2 ] && [ "$(cat j4.status)" = 2 ]'
expect "-j 4 and -j 1 print the same diagnostics, in input order" '
	diff j1.err j4.err && diff j1.out j4.out &&
	awk -F: "{ print \$1 }" j1.err | uniq >order &&
	printf "%s\n" c.o d.o e.o f.o >want && diff want order'
expect "-j 4 and -j 1 write the same bytes" '
	for f in a b c d e f g h; do same j1/$f.o j4/$f.o || exit 1; done &&
	has_table j4/a.o && has_table j4/h.o && no_temp j4'
expect "--jobs is -j" '
	fresh jl && scx 0 check --jobs 2 jl.o && has_table jl.o'

expect "dump -j 3 prints the same as dump -j 1" '
	sc dump -j 1 j1/*.o >dj1.out 2>dj1.err; s1=$?
	sc dump -j 3 j1/*.o >dj3.out 2>dj3.err; s3=$?
	[ $s1 = $s3 ] && diff dj1.out dj3.out && diff dj1.err dj3.err &&
	grep -q "^j1/a\.o: $nsites static-call sites\$" dj3.out'

# One file with many functions: -j N may sweep them on N threads, but
# the bytes and the diagnostics must not depend on it.
{
	for i in $(seq 1 300); do
		printf '\t.section .text.f%d,"ax",@progbits\n\t.globl f%d\n\t.type f%d, @function\nf%d:\n' $i $i $i $i
		printf '\tnop\n\ttest %%edi, %%edi\n\tjne __SCT__foo\n\tcall __SCT__foo\n'
		[ $((i % 7)) -eq 0 ] && printf '\t.byte 0x2e\n\tcall __SCT__foo\n'
		printf '\tjmp __SCT__foo\n\t.size f%d, .-f%d\n' $i $i
	done
	printf '\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.quad 0\n'
} >many.S
expect "one file, many functions: -j 4 gives the bytes and diagnostics of -j 1" '
	mkdir -p m1 m4 && gcc -c many.S -o m1/many.o && cp m1/many.o m4/many.o &&
	(cd m1 && sc check -j 1 -W prefixed-branch=warning many.o) 2>e1 &&
	(cd m4 && sc check -j 4 -W prefixed-branch=warning many.o) 2>e4 &&
	[ "$(wc -l <e1)" -eq 42 ] && diff e1 e4 && same m1/many.o m4/many.o &&
	[ "$(readelf -rW m4/many.o | grep -c "__SCK__foo + [01]\$")" -eq 900 ]'

# --- dump of objects without a table ---
expect "dump of an object without a table says so, exit 0" '
	scx 0 dump nosite.orig && [ "$(cat out)" = "nosite.orig: no .static_call_sites" ] &&
	empty err'

expect "dump of several files prints each, in order" '
	scx 0 dump nosite.orig a.o.first &&
	head -1 out | grep -qx "nosite.orig: no .static_call_sites" &&
	sed -n 2p out | grep -qx "a.o.first: $nsites static-call sites" &&
	[ "$(wc -l <out)" -eq $((2 + nsites)) ]'

expect "dump never changes the file" '
	cp a.o.first dd.o && ino=$(inode dd.o) && scx 0 dump dd.o &&
	same a.o.first dd.o && [ "$(inode dd.o)" = "$ino" ]'

done_testing
