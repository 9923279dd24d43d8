#!/bin/bash
# The i386 backend (ELF32, REL): every kind of site (call, jmp, Jcc through
# R_386_PC32 and R_386_PLT32) from assembly and from C, the REL table entry
# by entry with its addends in the table's own bytes, dump and the YAML
# report, got-indirect, bad-addend and prefixed-branch on i386, and outputs
# that readelf, llvm-readelf and ld.lld accept.  Expected sites come from
# llvm-objdump's view of the fixture, never from scstool.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

T="--target=i386-linux-gnu"
RC=$WORK/reportcheck

# exp_sites OBJ: one line per site llvm-objdump shows, sorted:
# "SECTION+0xOFF KIND TRAMPOLINE MNEMONIC".  A site is an e8 (call), e9
# (tail) or 0f 8x (cond) whose rel32, right after the opcode, is relocated
# by R_386_PC32 or R_386_PLT32 against __SCT__<name> and holds -4 (the
# REL addend that targets the trampoline's first byte).
exp_sites() {
	llvm-objdump -dr "$1" | gawk '
		/^Disassembly of section / { sec = $4; sub(/:$/, "", sec); next }
		/^ *[0-9a-f]+:[ \t]/ {
			split($0, t, "\t"); a = t[1]; sub(/:.*/, "", a); gsub(/ /, "", a)
			addr = strtonum("0x" a); by = t[1]; sub(/^ *[0-9a-f]+: */, "", by)
			nb = split(by, b, " "); split(t[2], m, " "); mn = m[1]; next
		}
		$2 ~ /^R_386_/ {
			off = $1; sub(/:$/, "", off); off = strtonum("0x" off)
			if ($2 != "R_386_PC32" && $2 != "R_386_PLT32") next
			if ($3 !~ /^__SCT__[A-Za-z0-9_]+$/) next
			if (b[1] == "e8") { k = "call"; op = 1 }
			else if (b[1] == "e9") { k = "tail"; op = 1 }
			else if (b[1] == "0f" && b[2] ~ /^8[0-9a-f]$/) { k = "cond"; op = 2 }
			else next
			if (off != addr + op || nb != op + 4) next
			if (b[op + 1] b[op + 2] b[op + 3] b[op + 4] != "fcffffff") next
			printf "%s+0x%x %s %s %s\n", sec, addr, k, $3, mn
		}' | sort
}

source "$TEST_ROOT/tests/arch-helpers.sh"

expect "the fixtures build with clang $T" '
	build clang i386-kinds.S k.orig $T && build clang i386-rules.S r.orig $T &&
	build clang kinds.c c.orig $T && build clang kinds.c cn.orig $T -fno-pic &&
	build clang module.c m.orig $T -DMODINFO && build clang stubs-any.c stubs.o $T &&
	readelf -hW k.orig | grep -q "Class: *ELF32" &&
	readelf -hW k.orig | grep -q "Machine: *Intel 80386"'

expect "the report validator builds" '
	log=$(cc -Wall -Wextra -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) 2>&1) &&
	[ -z "$log" ] && [ -x "$RC" ] || { echo "$log"; exit 1; }'

exp_sites k.orig >k.sites
expect "llvm-objdump sees calls, jumps and Jcc, through PC32 and PLT32" '
	[ "$(wc -l <k.sites)" -eq 9 ] &&
	[ "$(grep -c " call " k.sites)" -eq 3 ] && [ "$(grep -c " tail " k.sites)" -eq 2 ] &&
	[ "$(grep -c " cond " k.sites)" -eq 4 ] &&
	[ "$(readelf -rW k.orig | grep -c "R_386_PLT32 .* __SCT__")" -eq 3 ] || { cat k.sites; false; }'

cp k.orig k.o
expect "check: exit 0, nothing on stderr" 'scx 0 check k.o && empty err'

expect "the table holds every site, entry by entry, with its key and flags" '
	exp_table k.orig >want && table_set k.o >got && diff want got'

expect "the table is sorted by section, then offset" 'table_list k.o | in_order'

expect "the table is REL: .rel.static_call_sites, every field an R_386_PC32" '
	readelf -SW k.o | grep -Eq " \.rel\.static_call_sites +REL " &&
	! readelf -SW k.o | grep -q "\.rela\.static_call_sites" &&
	readelf -SW k.o | grep -Eq " \.static_call_sites +PROGBITS +[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ 08 +WA " &&
	n=$(readelf -rW k.o | gawk "/^Relocation section/ { on = (\$3 ~ /static_call_sites/); next }
		on && \$1 ~ /^[0-9a-f]+\$/ { print \$3 }" | sort | uniq -c | tr -s " ") &&
	[ "$n" = " 18 R_386_PC32" ] || { echo "$n"; false; }'

# The site words hold the sites' offsets from the symbol each is
# relocated against (the section symbol here), the key words the flags.
expect "the addends are in the table bytes: site offsets, then flags 0 or 1" '
	readelf -x .static_call_sites k.o | gawk "match(\$0, /^  0x[0-9a-f]+ /) {
		n = split(substr(\$0, RLENGTH + 1, 35), w, \" \"); for (i = 1; i <= n; i++) print w[i] }" >words &&
	[ "$(wc -l <words)" -eq 18 ] &&
	gawk "NR % 2 == 1 { printf \"0x%x\n\", strtonum(\"0x\" substr(\$1, 7, 2) substr(\$1, 5, 2) substr(\$1, 3, 2) substr(\$1, 1, 2)) }" words |
		sort >sitew && sed "s/.*+//; s/ .*//" k.sites | sort >want && diff want sitew &&
	gawk "NR % 2 == 0" words | sort | uniq -c | tr -s " " >keyw &&
	printf "%s\n" " 3 00000000" " 6 01000000" >want && diff want keyw'

expect "code and data bytes are unchanged" '
	changed_sections k.orig k.o | grep -E "^\.(text|data)" >changed; [ ! -s changed ] || { cat changed; false; }'

expect "dump reads the REL table: the kind decoded at each entry" '
	scx 0 dump k.o && head -1 out | grep -q "k.o: 9 static-call sites" &&
	exp_dump k.orig | sort >want && dump_lines out >got && diff want got'

expect "readelf -a reads the output without a word on stderr" '
	readelf -a k.o >/dev/null 2>rerr && empty rerr'

expect "llvm-readelf -a reads the output without a word on stderr" '
	llvm-readelf -a k.o >/dev/null 2>rerr && empty rerr'

expect "ld.lld -r keeps the table (and its addends)" '
	ld.lld -r -o kr.o k.o 2>lerr && empty lerr && table_set kr.o >got &&
	exp_table k.orig >want && diff want got'

expect "linked by ld.lld, each entry points at its branch and its key" '
	ld.lld -o k.exe k.o stubs.o 2>lerr && empty lerr &&
	linked_sites k.exe >got && exp_linked k.orig >want && diff want got'

expect "a second check reads the REL table back as identical: file left alone" '
	cp k.o k2.o && scx 0 check k2.o && empty err && same k.o k2.o && no_temp'

expect "a REL table with a wrong addend byte is stale: exit 1, nothing written" '
	cp k.o st.o && off=$(sec_off st.o .static_call_sites) &&
	poke st.o $((off + 8)) 05 && cp st.o st.orig &&
	scx 1 check st.o && grep -q "\[stale-table\]" err && untouched st'

# --- anchors: REL addends relative to a symbol that is not at offset 0 ---
expect "anchors: a hidden global at +3, a local label at +2, a new section symbol" '
	build clang i386-anchor.S a.orig $T && cp a.orig a.o && scx 0 check a.o &&
	! readelf -sW a.orig | grep -q " SECTION " &&
	readelf -rW a.o | sed -n "/\.rel\.static_call_sites/,\$p" >arel &&
	grep -q " hid\$" arel && grep -q " loc\$" arel && grep -q " \.text\.pub\$" arel &&
	readelf -sW a.o | grep -Eq "SECTION +LOCAL +DEFAULT +[0-9]+ \.text\.pub\$"'

expect "anchors: each entry holds its site, the addend counted from the anchor" '
	exp_table a.orig >want && [ "$(wc -l <want)" -eq 4 ] && table_set a.o >got && diff want got'

expect "anchors: linked by ld.lld, each entry points at its branch and its key" '
	ld.lld -o a.exe a.o stubs.o 2>lerr && empty lerr &&
	linked_sites a.exe >got && exp_linked a.orig >want && diff want got'

expect "anchors: code bytes unchanged; readelf -a clean" '
	changed_sections a.orig a.o | grep -E "^\.(text|data)" >changed; [ ! -s changed ] &&
	readelf -a a.o >/dev/null 2>rerr && empty rerr'

# --- the report ---
expect "the YAML report names i386 and lists each site with its kind" '
	scx 0 check -n --format=yaml k.orig && "$RC" yaml out >k.flat &&
	grep -qx "files.0.arch=i386" k.flat &&
	ysites k.flat | gawk "{ print \$1, \$2 }" | sort >got &&
	gawk "{ print \$1, \$2 }" k.sites | sort >want && diff want got'

expect "NULL forms: call nop5, tail ret, cond jcc-to-ret; all in the table" '
	ysites k.flat | gawk "{ print \$2, \$3, \$5 }" | sort -u >got &&
	printf "%s\n" "call nop5 true" "cond jcc-to-ret true" "tail ret true" >want &&
	diff want got'

expect "mov and lea of a trampoline and a data pointer are no sites (-v: not-a-branch)" '
	cp k.orig nb.o && scx 0 check -v $QUIET_NOTES nb.o &&
	findings_n err note not-a-branch 3 && [ "$(wc -l <err)" -eq 3 ] &&
	[ "$(findings err note not-a-branch | grep -c ": f_addr+0x")" -eq 2 ]'

# --- sites that stay out ---
GOOD=".text+0x0 __SCK__foo 0"
cp r.orig r.o
expect "rules fixture: exit 1, three got-indirect, one bad-addend, one prefixed-branch" '
	scx 1 check r.o && [ "$(wc -l <err)" -eq 5 ] &&
	findings_n err error got-indirect 3 && findings_n err error bad-addend 1 &&
	findings_n err error prefixed-branch 1 && untouched r'

expect "call and jmp through R_386_GOT32X and a call through R_386_GOT32 are got-indirect" '
	findings err error got-indirect | grep -q ": got_call+0x0: call to __SCT__foo through the GOT" &&
	findings err error got-indirect | grep -q ": got_tail+0x0: tail to __SCT__foo through the GOT" &&
	findings err error got-indirect | grep -q ": got32_call+0x0: call to __SCT__foo through the GOT" &&
	readelf -rW r.orig | grep -c "R_386_GOT32X .* __SCT__foo" | grep -qx 2'

expect "the addend a REL call keeps in its bytes is checked (call __SCT__foo+4)" '
	findings err error bad-addend | grep -q ": plus4+0x0: .*(addend 0, expected -4)"'

expect "the cs-prefixed call is a prefixed-branch" '
	findings err error prefixed-branch | grep -q ": pfx_cs+0x0: "'

expect "as warnings: exit 0, only the good call goes in the table" '
	scx 0 check -W got-indirect=warning -W bad-addend=warning -W prefixed-branch=warning r.o &&
	[ "$(table_set r.o)" = "$GOOD" ] && [ "$(fn_site r.orig good)" = ".text+0x0" ]'

expect "the report lists the GOT sites as not in the table" '
	scx 1 check -n --format=yaml r.orig && "$RC" yaml out >r.flat &&
	[ "$(ysites r.flat | grep -c " false\$")" -eq 5 ] &&
	[ "$(ysites r.flat | grep -c " true\$")" -eq 1 ]'

# --- from C ---
for v in c cn; do
	cp $v.orig $v.o
	expect "kinds.c ($v: $([ $v = cn ] && echo -fno-pic || echo default PIE)): the right table" '
		exp_table $v.orig >want && [ "$(wc -l <want)" -ge 5 ] &&
		scx 0 check $v.o && table_set $v.o >got && diff want got'

	expect "kinds.c ($v): dump agrees with llvm-objdump" '
		scx 0 dump $v.o && exp_dump $v.orig | sort >want && dump_lines out >got && diff want got'

	expect "kinds.c ($v): linked, each entry points at its branch and key" '
		ld.lld -o $v.exe $v.o stubs.o 2>lerr && empty lerr &&
		linked_sites $v.exe >got && exp_linked $v.orig >want && diff want got'
done

cp m.orig m.o
expect "module.c with .modinfo: module mode, the trampoline is the missing key" '
	scx 0 check --format=yaml m.o && "$RC" yaml out >m.flat &&
	grep -qx "files.0.module=true" m.flat &&
	exp_table m.orig module >want && grep -q " __SCT__baz " want &&
	table_set m.o >got && diff want got'

done_testing
