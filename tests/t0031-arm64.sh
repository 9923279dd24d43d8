#!/bin/bash
# The arm64 backend: every kind of site (bl, b, b.cond, cbz, cbnz, tbz,
# tbnz) from assembly and from C, the table entry by entry, dump and the
# YAML report, the branch-range rule, and outputs that readelf, llvm-readelf
# and ld.lld accept.  Expected sites come from llvm-objdump's view of the
# fixture's relocations, never from scstool.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

T="--target=aarch64-linux-gnu"
RC=$WORK/reportcheck

# exp_sites OBJ: one line per site llvm-objdump shows, sorted:
# "SECTION+0xOFF KIND TRAMPOLINE MNEMONIC".  A site is a bl (CALL26), b
# (JUMP26), b.cond/cbz/cbnz (CONDBR19) or tbz/tbnz (TSTBR14) relocated at
# its own address against __SCT__<name> with addend 0.
exp_sites() {
	llvm-objdump -dr --no-show-raw-insn "$1" | gawk '
		/^Disassembly of section / { sec = $4; sub(/:$/, "", sec); next }
		/^ *[0-9a-f]+:[ \t]/ {
			split($0, t, "\t"); a = t[1]; gsub(/[ :]/, "", a)
			addr = strtonum("0x" a); split(t[2], m, " "); mn = m[1]; next
		}
		$2 ~ /^R_AARCH64_/ {
			off = $1; sub(/:$/, "", off)
			if (strtonum("0x" off) != addr || $3 !~ /^__SCT__[A-Za-z0-9_]+$/) next
			if (mn == "bl" && $2 == "R_AARCH64_CALL26") k = "call"
			else if (mn == "b" && $2 == "R_AARCH64_JUMP26") k = "tail"
			else if ((mn ~ /^b\./ || mn == "cbz" || mn == "cbnz") &&
				 $2 == "R_AARCH64_CONDBR19") k = "cond"
			else if ((mn == "tbz" || mn == "tbnz") && $2 == "R_AARCH64_TSTBR14") k = "cond"
			else next
			printf "%s+0x%x %s %s %s\n", sec, addr, k, $3, mn
		}' | sort
}

source "$TEST_ROOT/tests/arch-helpers.sh"

expect "the fixtures build with clang $T" '
	build clang arm64-kinds.S k.orig $T && build clang arm64-rules.S r.orig $T &&
	build clang kinds.c c.orig $T && build clang module.c m.orig $T -DMODINFO &&
	build clang stubs-any.c stubs.o $T &&
	readelf -hW k.orig | grep -q "Machine: *AArch64"'

expect "the report validator builds" '
	log=$(cc -Wall -Wextra -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) 2>&1) &&
	[ -z "$log" ] && [ -x "$RC" ] || { echo "$log"; exit 1; }'

exp_sites k.orig >k.sites
expect "llvm-objdump sees each of the seven branch forms in the fixture" '
	for mn in bl b b.eq b.ne cbz cbnz tbz tbnz b.lt; do
		gawk -v m=$mn "\$4 == m { f = 1 } END { exit !f }" k.sites ||
			{ echo "no $mn site"; cat k.sites; exit 1; }
	done && [ "$(wc -l <k.sites)" -eq 11 ] &&
	[ "$(grep -c " call " k.sites)" -eq 2 ] && [ "$(grep -c " tail " k.sites)" -eq 2 ] &&
	[ "$(grep -c " cond " k.sites)" -eq 7 ]'

cp k.orig k.o
expect "check: exit 0, only branch-range warnings on stderr" '
	scx 0 check k.o && [ -s err ] &&
	[ "$(wc -l <err)" -eq "$(findings err warning branch-range | wc -l)" ]'

expect "the table holds every site, entry by entry, with its key and flags" '
	exp_table k.orig >want && table_set k.o >got && diff want got'

expect "the table is sorted by section, then offset" 'table_list k.o | in_order'

expect "the table: PROGBITS, WA, entsize 8, every field an R_AARCH64_PREL32" '
	readelf -SW k.o | grep -Eq " \.static_call_sites +PROGBITS +[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ 08 +WA " &&
	n=$(readelf -rW k.o | gawk "/^Relocation section/ { on = (\$3 ~ /static_call_sites/); next }
		on && \$1 ~ /^[0-9a-f]+\$/ { print \$3 }" | sort | uniq -c | tr -s " ") &&
	[ "$n" = " 22 R_AARCH64_PREL32" ] || { echo "$n"; false; }'

expect "code and data bytes are unchanged" '
	changed_sections k.orig k.o | grep -E "^\.(text|data)" >changed; [ ! -s changed ] || { cat changed; false; }'

expect "dump shows the kind decoded at each entry: call, tail, cond" '
	scx 0 dump k.o && head -1 out | grep -q "k.o: 11 static-call sites" &&
	exp_dump k.orig | sort >want && dump_lines out >got && diff want got'

expect "readelf -a reads the output without a word on stderr" '
	readelf -a k.o >/dev/null 2>rerr && empty rerr'

expect "llvm-readelf -a reads the output without a word on stderr" '
	llvm-readelf -a k.o >/dev/null 2>rerr && empty rerr'

expect "ld.lld -r keeps the table" '
	ld.lld -r -o kr.o k.o 2>lerr && empty lerr && table_set kr.o >got &&
	exp_table k.orig >want && diff want got'

expect "linked by ld.lld, each entry points at its branch and its key" '
	ld.lld -o k.exe k.o stubs.o 2>lerr && empty lerr &&
	linked_sites k.exe >got && exp_linked k.orig >want && diff want got'

expect "a second check finds the same table and leaves the file alone" '
	cp k.o k2.o && scx 0 check k2.o && same k.o k2.o && no_temp'

# --- the report ---
expect "the YAML report names arm64 and lists each site with its kind" '
	scx 0 check -n --format=yaml k.orig && "$RC" yaml out >k.flat &&
	grep -qx "files.0.arch=arm64" k.flat &&
	ysites k.flat | gawk "{ print \$1, \$2 }" | sort >got &&
	gawk "{ print \$1, \$2 }" k.sites | sort >want && diff want got'

expect "NULL forms: call nop, tail ret, cond branch-to-ret; all in the table" '
	ysites k.flat | gawk "{ print \$2, \$3, \$5 }" | sort -u >got &&
	printf "%s\n" "call nop true" "cond branch-to-ret true" "tail ret true" >want &&
	diff want got'

expect "every site in the 4-byte-aligned .text is cacheline safe" '
	ysites k.flat | grep "^\.text+" >t && [ "$(wc -l <t)" -eq 8 ] &&
	! grep -v " safe true\$" t'

# clang 14's assembler gives `.section .text.z,"ax"` sh_addralign 1, but an
# arm64 instruction is always a 4-byte aligned word: it never crosses a line.
expect "a site in a 1-byte-aligned code section is still cacheline safe" '
	readelf -SW k.orig | grep -Eq " \.text\.z .* 1\$" &&
	ysites k.flat | grep "^\.text\.z+" >z && [ "$(wc -l <z)" -eq 3 ] &&
	! grep -v " safe true\$" z'

# --- branch-range ---
cp k.orig k.o && sc check -v k.o >/dev/null 2>v.err
expect "branch-range: one warning per cond site, none for bl or b" '
	findings v.err warning branch-range | sed "s/^k.o: warning: \([^ ]*\): .*/\1/" | sort >got &&
	[ "$(wc -l <got)" -eq 7 ] &&
	for f in f_call f_tail; do ! grep -q "^$f+" got || exit 1; done &&
	! grep -qx "z_mixed+0x4" got && ! grep -qx "z_mixed+0xc" got &&
	grep -qx "z_mixed+0x8" got'

expect "b.cond, cbz and cbnz reach +-1 MiB" '
	[ "$(findings v.err warning branch-range | grep -E "\`(b\.[a-z]+|cbn?z) " |
	     grep -c "reaches only +-1 MiB")" -eq 5 ]'

expect "tbz and tbnz reach only +-32 KiB" '
	[ "$(findings v.err warning branch-range | grep -E "\`tbn?z " |
	     grep -c "reaches only +-32 KiB")" -eq 2 ] &&
	! findings v.err warning branch-range | grep -E "\`tbn?z " | grep -q "1 MiB"'

expect "each cond site has a cond-tail note, no call or tail site does" '
	findings_n v.err note cond-tail 7 &&
	! findings v.err note cond-tail | grep -Eq ": (f_call|f_tail)\+"'

expect "branch-range warnings keep the sites in the table" '
	exp_table k.orig >want && table_set k.o >got && diff want got'

cp k.orig bre.o && cp k.orig bre.orig
expect "-W branch-range=error: exit 1, seven errors, nothing written" '
	scx 1 check -W branch-range=error bre.o && findings_n err error branch-range 7 &&
	untouched bre'

cp k.orig bro.o
expect "-W branch-range=off: silent, and the cond sites still go in" '
	scx 0 check -W branch-range=off bro.o && empty err &&
	exp_table k.orig >want && table_set bro.o >got && diff want got'

# --- sites that stay out ---
cp r.orig r.o
expect "bl __SCT__foo+4, b __SCT__foo-8: exit 1, two [bad-addend], nothing written" '
	scx 1 check r.o && findings_n err error bad-addend 2 && [ "$(wc -l <err)" -eq 2 ] &&
	grep -q ": plus4+0x0: .*addend 4, expected 0" err &&
	grep -q ": minus8+0x0: .*addend -8, expected 0" err && untouched r'

expect "-W bad-addend=warning: only the good bl is in the table" '
	scx 0 check -W bad-addend=warning r.o &&
	[ "$(table_set r.o)" = "$(fn_site r.orig good) __SCK__foo 0" ]'

expect "adrp/add and a data pointer to a trampoline are no sites (-v: not-a-branch)" '
	cp k.orig nb.o && scx 0 check -v $QUIET_NOTES -W branch-range=off nb.o &&
	findings_n err note not-a-branch 3 && [ "$(wc -l <err)" -eq 3 ] &&
	[ "$(findings err note not-a-branch | grep -c ": f_addr+0x")" -eq 2 ]'

# --- big-endian arm64 ---
# aarch64_be objects keep their data big-endian, but AArch64 instructions
# are little-endian words whatever the data order (llvm-objdump and the
# assembler agree: bl is 00 00 00 94 in the file).
expect "aarch64_be: the fixture builds, big-endian, with little-endian instruction words" '
	build clang arm64-kinds.S be.orig --target=aarch64_be-linux-gnu &&
	readelf -hW be.orig | grep -q "Data: .*big endian" &&
	readelf -x .text be.orig | grep -q "^  0x00000000 fd7bbfa9 00000094 "'

cp be.orig be.o
expect "aarch64_be: check finds every site (exit 0) and writes the right table" '
	exp_sites be.orig >be.sites && [ "$(wc -l <be.sites)" -eq 11 ] &&
	scx 0 check be.o && exp_table be.orig >want && table_set be.o >got && diff want got'

expect "aarch64_be: dump shows the kind decoded at each entry" '
	scx 0 dump be.o && exp_dump be.orig | sort >want && dump_lines out >got && diff want got'

# --- from C ---
cp c.orig c.o
expect "kinds.c (clang -O2): calls and tail calls, the right table" '
	exp_table c.orig >want && [ "$(wc -l <want)" -ge 5 ] &&
	grep -q " 1\$" want && grep -q " 0\$" want &&
	scx 0 check c.o && table_set c.o >got && diff want got'

expect "kinds.c: dump agrees with llvm-objdump" '
	scx 0 dump c.o && exp_dump c.orig | sort >want && dump_lines out >got && diff want got'

expect "kinds.c: linked, each entry points at its branch and key" '
	ld.lld -o c.exe c.o stubs.o 2>lerr && empty lerr &&
	linked_sites c.exe >got && exp_linked c.orig >want && diff want got'

cp m.orig m.o
expect "module.c with .modinfo: module mode, the trampoline is the missing key" '
	scx 0 check --format=yaml m.o && "$RC" yaml out >m.flat &&
	grep -qx "files.0.module=true" m.flat &&
	exp_table m.orig module >want && grep -q " __SCT__baz " want &&
	table_set m.o >got && diff want got'

done_testing
