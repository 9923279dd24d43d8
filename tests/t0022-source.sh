#!/bin/bash
# Source lines from DWARF: each site's `source` in the YAML report and the
# file:line that starts a diagnostic, proven against addr2line and against
# the line numbers of an assembly fixture.  Relocatable objects need
# libdwfl's relocation of their DWARF: every .text.* section starts at 0.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# "SECTION OFFSET FUNCTION SOURCE" for every site of a YAML report on
# stdin (SOURCE is ~ when there is none).
site_sources() {
	gawk '
		/^  [a-z_]+:/ { part = $1 }
		part != "sites:" { next }
		/^  - section: / { sec = $3 }
		$1 == "offset:" { off = $2 }
		$1 == "function:" { fn = $2 }
		$1 == "source:" { print sec, off, fn, $2 }'
}

# "RULE FUNCTION SOURCE" for every finding of a YAML report on stdin.
finding_sources() {
	gawk '
		/^  [a-z_]+:/ { part = $1 }
		part != "findings:" { next }
		/^  - rule: / { rule = $3 }
		$1 == "function:" { fn = $2 }
		$1 == "source:" { print rule, fn, $2 }'
}

# What addr2line says of each site on stdin ("SECTION OFFSET ..."), as
# "SECTION OFFSET FILE:LINE", for OBJ; its discriminators left out.
addr2line_of() {
	local obj=$1 sec off rest where
	while read -r sec off rest; do
		where=$(addr2line -e "$obj" -j "$sec" "$off" |
			sed 's/ (discriminator [0-9]*)$//')
		echo "$sec $off $where"
	done
}

# The site lines of SRC's YAML report against addr2line: both lists, one
# line per site, must be equal and name a line.
#   same_as_addr2line OBJ [SCSTOOL OPTIONS...]
same_as_addr2line() {
	local obj=$1
	shift
	sc lint --format=yaml "$@" "$obj" >"$obj.yaml" 2>/dev/null
	site_sources <"$obj.yaml" | gawk '{ print $1, $2, $4 }' >"$obj.got"
	site_sources <"$obj.yaml" | addr2line_of "$obj" >"$obj.want"
	[ -s "$obj.got" ] && ! grep -q -e ' ~$' -e '?' "$obj.want" &&
		diff "$obj.want" "$obj.got"
}

# "FILE:LINE" of every Jcc to __SCT__foo in the fixture cond.S, counted
# from its text: what the assembler's line table must say.
cond_lines() {
	grep -n -E '^\s+j[a-z]+\s+__SCT__foo' "$FIXTURES/cond.S" |
		grep -v -E ':\s+jmp\s' |
		gawk -F: -v f="$FIXTURES/cond.S" '{ print f ":" $1 }'
}

for cc in $COMPILERS; do
	g=g-$cc n=n-$cc
	expect "$cc: source.c builds with and without -g" '
		build '$cc' source.c '$g'.o -g && build '$cc' source.c '$n'.o &&
		readelf -SW '$g'.o | grep -q " \.debug_line " &&
		! readelf -SW '$n'.o | grep -q " \.debug_"'

	expect "$cc: -g: every site has a source, and it is what addr2line says" '
		same_as_addr2line '$g'.o &&
		[ "$(wc -l <'$g'.o.got)" -eq "$(expected_sites '$g'.o | wc -l)" ]'

	expect "$cc: -g: sites in different .text.* sections get their own lines" '
		gawk "{ print \$3 }" '$g'.o.got | sort -u | wc -l >nlines &&
		[ "$(cat nlines)" -ge 6 ] &&
		grep -q "^\.text\.src_call 0x[0-9a-f]* $FIXTURES/source.c:13$" '$g'.o.got &&
		grep -q "^\.text\.src_tail 0x0 $FIXTURES/source.c:19$" '$g'.o.got'

	expect "$cc: -g: the calls of src_many are lines 46 to 49, in order" '
		grep "^\.text\.src_many " '$g'.o.got | head -4 |
			sed "s/.*://" | tr "\n" " " >many &&
		[ "$(cat many)" = "46 47 48 49 " ]'

	expect "$cc: -g: a call inlined from helper() is at helper's line" '
		grep "^\.text\.src_inlined " '$g'.o.got | grep -q ":24$"'

	expect "$cc: without -g no site and no finding has a source" '
		sc lint -v --format=yaml '$n'.o >'$n'.yaml 2>'$n'.err &&
		site_sources <'$n'.yaml >ss && [ -s ss ] &&
		! gawk "\$4 != \"~\"" ss | grep -q . &&
		! finding_sources <'$n'.yaml | gawk "\$3 != \"~\"" | grep -q . &&
		! grep -v "^'$n'\.o: " '$n'.err | grep -q .'

	expect "$cc: a prefix written as .byte has no line: no source, as addr2line says" '
		build '$cc' noline.S nl-'$cc'.o -g &&
		scx 1 lint nl-'$cc'.o && [ "$(wc -l <err)" -eq 1 ] &&
		grep -q "^nl-'$cc'\.o: error: second+0x0: .*\[prefixed-branch\]$" err &&
		sc lint --format=yaml nl-'$cc'.o 2>/dev/null | site_sources >s &&
		printf "%s\n" ".text.first 0x0 first+0x0 $FIXTURES/noline.S:9" \
			".text.second 0x1 second+0x0 ~" | diff - s &&
		[ "$(addr2line -e nl-'$cc'.o -j .text.second 0)" = "??:?" ]'

	# Assembly: the line table is the assembler's, one row per line.
	a=a-$cc
	expect "$cc: cond.S -g: each Jcc site's source is its line in cond.S" '
		build '$cc' cond.S '$a'.o -g &&
		sc lint --format=yaml '$a'.o 2>/dev/null | site_sources |
			grep " cond_all+" | gawk "{ print \$4 }" >got &&
		cond_lines | head -16 >want && [ "$(wc -l <want)" -eq 16 ] &&
		diff want got'

	expect "$cc: cond.S -g: each cond-tail note starts with the Jcc's FILE:LINE" '
		scx 0 lint -v -W cacheline=off '$a'.o &&
		[ "$(grep -c "\[cond-tail\]$" err)" -eq 17 ] &&
		sed -n "s/: note: '$a'\.o: [a-z_]*+0x[0-9a-f]*: conditional .*\[cond-tail\]$//p" err >got &&
		[ "$(wc -l <got)" -eq 17 ] && cond_lines >want && diff want got'

	expect "$cc: -g: a finding carries the source of its site in the report" '
		sc lint -v --format=yaml '$a'.o 2>/dev/null | finding_sources |
			grep "^cond-tail cond_all+0x2 " >f &&
		[ "$(cat f)" = "cond-tail cond_all+0x2 $(cond_lines | head -1)" ]'
done

# clang emits no .debug_aranges: the lines must not depend on them.
expect "clang -g objects have no .debug_aranges, and still every source" '
	! readelf -SW g-clang.o | grep -q "\.debug_aranges" &&
	! site_sources <g-clang.o.yaml | grep -q " ~$"'

expect "gcc -gdwarf-4 and clang -gdwarf-4: still what addr2line says" '
	build gcc source.c d4-gcc.o -g -gdwarf-4 && same_as_addr2line d4-gcc.o &&
	build clang source.c d4-clang.o -g -gdwarf-4 && same_as_addr2line d4-clang.o'

expect "without -ffunction-sections (one .text): what addr2line says" '
	gcc -O2 -g -fno-asynchronous-unwind-tables -c "$FIXTURES/source.c" -o one.o &&
	[ "$(readelf -SW one.o | grep -c " \.text")" -eq 1 ] &&
	same_as_addr2line one.o'

# gcc's unit has .debug_aranges, clang's has not; clang's definitions are
# made weak so that the two link.
weak=""
for s in src_call src_tail src_inlined src_cond_tail src_many \
	 __SCK__foo __SCK__bar __SCK__ret; do
	weak="$weak --weaken-symbol=$s"
done
expect "two objects linked with ld -r (two units): what addr2line says" '
	objcopy $weak g-clang.o weak.o && ld -r -o two.o g-gcc.o weak.o &&
	[ "$(readelf --debug-dump=info two.o | grep -c DW_TAG_compile_unit)" -eq 2 ] &&
	same_as_addr2line two.o &&
	[ "$(cat g-gcc.o.got g-clang.o.got | wc -l)" -eq "$(wc -l <two.o.got)" ] &&
	[ "$(cut -d" " -f1 two.o.got | sort -u | wc -l)" -eq 5 ]'

# File names: absolute in DWARF; shown relative below the current folder.
mkdir -p src && cp "$FIXTURES/source.c" src/
expect "a source under the current folder is shown relative to it" '
	(cd src && gcc -O2 -g -ffunction-sections -c source.c -o ../rel.o) &&
	sc lint --format=yaml rel.o 2>/dev/null | site_sources >s &&
	grep -q " src_call+0x[0-9a-f]* src/source\.c:13$" s &&
	! gawk "\$4 !~ /^src\/source\.c:[0-9]+$/" s | grep -q .'

expect "... from its own folder, just the file name" '
	(cd src && sc lint --format=yaml ../rel.o 2>/dev/null) | site_sources |
		grep -q " src_call+0x[0-9a-f]* source\.c:13$"'

expect "... and from elsewhere, the full path" '
	(cd / && sc lint --format=yaml "$OLDPWD/rel.o" 2>/dev/null) | site_sources |
		grep -q " src_call+0x[0-9a-f]* $PWD/src/source\.c:13$"'

# The table's writer keeps the DWARF usable; dump reads the same lines.
expect "after check writes the table, dump gives the same sources" '
	cp g-gcc.o w.o && scx 0 check w.o && has_table w.o &&
	sc dump --format=yaml w.o | site_sources | gawk "{ print \$1, \$2, \$4 }" >d &&
	sc lint --format=yaml g-gcc.o 2>/dev/null | site_sources |
		gawk "{ print \$1, \$2, \$4 }" >l && [ -s d ] && diff l d'

# Each file opens its own line information: -j must not mix them up.
expect "-j4 over eight -g objects gives the same report as -j1" '
	for i in 1 2 3 4; do cp g-gcc.o jg$i.o; cp g-clang.o jc$i.o; done &&
	sc lint --format=yaml -j1 jg1.o jc1.o jg2.o jc2.o jg3.o jc3.o jg4.o jc4.o >j1 2>/dev/null &&
	sc lint --format=yaml -j4 jg1.o jc1.o jg2.o jc2.o jg3.o jc3.o jg4.o jc4.o >j4 2>/dev/null &&
	diff j1 j4 && [ "$(grep -c "source: .*source\.c:" j4)" -ge 40 ]'

# Compressed debug sections (-gz): their relocations apply to the
# uncompressed bytes, and the lines are found all the same.
expect "an object with compressed DWARF (-gz) is read, with its lines" '
	build gcc source.c gz.o -g -gz=zlib &&
	readelf -SW gz.o | grep -q "debug_info.* C " &&
	sc lint --format=yaml gz.o >gz.yaml 2>gz.err && empty gz.err &&
	grep -q "source: .*source\.c:13$" gz.yaml'

done_testing
