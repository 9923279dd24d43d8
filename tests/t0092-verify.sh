#!/bin/bash
# scstool verify on linked x86-64 files: executables (PIE and non-PIE) and
# shared libraries, built at test time with gcc and clang, linked with GNU
# ld and lld, from objects that `scstool check` gave tables.  verify passes
# on them, and fails with the right rule on a table dropped by
# --gc-sections, on a site whose bytes were changed after linking, on an
# entry moved off an instruction boundary, and on each other defect the
# loader would trip on.  Byte patches go through readelf's offsets.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

RC=$WORK/reportcheck

expect "the report validator builds" '
	log=$(cc -Wall -Wextra -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) 2>&1) &&
	[ -z "$log" ] && [ -x "$RC" ] || { echo "$log"; exit 1; }'

for cc in gcc clang; do
	expect "$cc: the fixtures build and check gives them tables" '
		build '$cc' kinds.c '$cc'.o -fPIC && build '$cc' stubs.S stubs-'$cc'.o -fPIC &&
		cp '$cc'.o '$cc'-orig.o && scx 0 check '$cc'.o && has_table '$cc'.o'
done

# link CC LD MODE OUT [FLAGS...]: CC's objects linked by LD (bfd or lld) as
# MODE (nopie, pie or shared), with no C library; f_call is the entry.
link() {
	local cc=$1 ld=$2 mode=$3 out=$4 flags=(-nostdlib -fuse-ld=$2 -Wl,-e,f_call)
	shift 4
	case $mode in
	nopie) flags+=(-no-pie) ;;
	pie) flags+=(-pie) ;;
	shared) flags+=(-shared -Wl,-Bsymbolic) ;;
	esac
	gcc "${flags[@]}" "$@" -o "$out" $cc.o stubs-$cc.o 2>lerr && empty lerr
}

# entries N: the number of entries dump finds in the object CC.o.
entries() {
	"$SCSTOOL" dump "$1.o" | tail -n +2 | wc -l
}

for cc in gcc clang; do
	for ld in bfd lld; do
		for mode in nopie pie shared; do
			x=$cc-$ld-$mode
			expect "$x: verify passes: exit 0, nothing on stderr, every entry checked" '
				link '$cc' '$ld' '$mode' '$x'.exe && scx 0 verify --stats '$x'.exe && empty err &&
				grep -qx "'$x'.exe: $(entries '$cc') entries checked (section .static_call_sites); [0-9]* functions swept (0 stopped early), 3 trampolines; 0 sites outside the table" out'
		done
	done
done

# --- the table dropped by --gc-sections ---
# Nothing refers to .static_call_sites, so --gc-sections drops it whole;
# the functions are kept (-u) so that their sites remain.
KEEPFN="-Wl,-u,f_both,-u,f_tail,-u,f_cond_tail,-u,f_uses_local"
for ld in bfd lld; do
	expect "$ld: --gc-sections drops the table: missing-table, exit 1" '
		link gcc '$ld' nopie gc-'$ld'.exe -Wl,--gc-sections '$KEEPFN' &&
		! has_table gc-'$ld'.exe &&
		scx 1 verify gc-'$ld'.exe && findings_n err error missing-table 1 &&
		grep -q -- "--gc-sections without KEEP" err'
	expect "$ld: it counts every branch to a trampoline as a site outside the table" '
		scx 1 verify --stats gc-'$ld'.exe &&
		grep -q "^gc-'$ld'.exe: no table; .* $(entries gcc) sites outside the table: call [0-9]*, tail [0-9]*\$" out'
	expect "$ld: control: with a KEEP fragment the table survives --gc-sections and verify passes" '
		link gcc '$ld' nopie keep-'$ld'.exe -Wl,--gc-sections '$KEEPFN' -Wl,-T,"$FIXTURES/keep.lds" &&
		has_table keep-'$ld'.exe && scx 0 verify keep-'$ld'.exe && empty err'
done

expect "without a table, the sites are in the YAML report, none in the table" '
	scx 1 verify --format=yaml gc-bfd.exe && "$RC" yaml out >flat &&
	[ "$(grep -c "sites\.[0-9]*\.in_table=false" flat)" -eq "$(entries gcc)" ] &&
	! grep -q "in_table=true" flat'

# --- byte patches ---
X=gcc-bfd-nopie.exe
TBL=$(sec_off $X .static_call_sites)
TADDR=$(readelf -SW $X | sed 's/\[ */[/' | gawk '$2 == ".static_call_sites" { print strtonum("0x" $4) }')
TEXT=$(sec_off $X .text)
TEXTADDR=$(readelf -SW $X | sed 's/\[ */[/' | gawk '$2 == ".text" { print strtonum("0x" $4) }')

# word FILE OFF: the signed 32-bit little-endian word at file offset OFF.
word() {
	od -An -t d4 -j "$2" -N 4 "$1" | tr -d ' '
}

# site_off I: the file offset of entry I's site in $X.
site_off() {
	echo $((TADDR + 8 * $1 + $(word $X $((TBL + 8 * $1))) - TEXTADDR + TEXT))
}

# entry_of KIND: the index of the first entry whose site is a KIND (call
# or jmp) in $X.
entry_of() {
	local i n
	n=$(($(sec_size $X .static_call_sites) / 8))
	for ((i = 0; i < n; i++)); do
		case $1 in
		call) [ "$(od -An -t x1 -j $(site_off $i) -N 1 $X | tr -d ' ')" = e8 ] && { echo $i; return; } ;;
		jmp) [ "$(od -An -t x1 -j $(site_off $i) -N 1 $X | tr -d ' ')" = e9 ] && { echo $i; return; } ;;
		esac
	done
	return 1
}
CALL=$(entry_of call)
JMP=$(entry_of jmp)

expect "the fixture has a call entry and a jmp entry to patch" '[ -n "$CALL" ] && [ -n "$JMP" ]'

expect "a call site overwritten with nops after linking: bad-site, exit 1" '
	cp $X nops.exe && poke nops.exe $(site_off $CALL) 90 90 90 90 90 &&
	scx 1 verify nops.exe && findings_n err error bad-site 1 &&
	grep -q "table entry $CALL (call) points at \`nop\` (90): the loader accepts only call" err'

expect "a call site patched to the 5-byte nop (a NULL target): accepted" '
	cp $X nop5.exe && poke nop5.exe $(site_off $CALL) 0f 1f 44 00 00 &&
	scx 0 verify nop5.exe && empty err'

expect "a call site patched to cs cs cs xor %eax,%eax (return 0): accepted" '
	cp $X xor.exe && poke xor.exe $(site_off $CALL) 2e 2e 2e 31 c0 &&
	scx 0 verify xor.exe && empty err'

expect "a tail site patched to ret (a NULL target): accepted" '
	cp $X ret.exe && poke ret.exe $(site_off $JMP) c3 cc cc cc cc &&
	scx 0 verify ret.exe && empty err'

expect "a call where a tail entry points: bad-site (the loader wants jmp, ret or Jcc)" '
	cp $X tcall.exe && poke tcall.exe $(site_off $JMP) e8 &&
	scx 1 verify tcall.exe && findings_n err error bad-site 1 &&
	grep -q "table entry $JMP (tail) points at \`call" err && grep -q "jmp (e9), ret (c3) or Jcc" err'

expect "a call entry given the tail flag: bad-site" '
	cp $X flag.exe && k=$((TBL + 8 * CALL + 4)) &&
	poke flag.exe $k $(le $(($(word $X $k) + 1)) 4) &&
	scx 1 verify flag.exe && findings_n err error bad-site 1 &&
	grep -q "table entry $CALL (tail) points at \`call" err'

expect "an entry moved one byte, off an instruction boundary: not-on-boundary, exit 1" '
	cp $X moved.exe && a=$((TBL + 8 * CALL)) &&
	poke moved.exe $a $(le $(($(word $X $a) + 1)) 4) &&
	scx 1 verify moved.exe && findings_n err error not-on-boundary 1 &&
	grep -q "table entry $CALL points inside \`call 0x[0-9a-f]*\` at [a-z_]*+0x[0-9a-f]*, not at an instruction.s start" err'

expect "... and the branch it left is reported as outside the table" '
	findings_n err warning unlisted-site 1'

expect "two entries naming one site: duplicate-entry" '
	cp $X dup.exe && o=$((CALL == 0 ? 1 : 0)) &&
	poke dup.exe $((TBL + 8 * o)) $(le $(($(word $X $((TBL + 8 * CALL))) + 8 * (CALL - o))) 4) &&
	scx 1 verify dup.exe && findings_n err error duplicate-entry 1 &&
	grep -q "table entries [0-9]* and [0-9]* both name the site at 0x" err'

# The key field of entry CALL made to point at another entry's key.
expect "an entry whose key is another trampoline's: wrong-target, naming both" '
	cp $X key.exe && k=$((TBL + 8 * CALL + 4)) &&
	for i in 0 1 2 3 4 5; do
		j=$((TBL + 8 * i + 4)); t=$(( $(word $X $j) + 8 * (i - CALL) ))
		[ $(( (TADDR + 8 * CALL + 4 + t) )) -ne $(( TADDR + 8 * CALL + 4 + $(word $X $k) )) ] && break
	done && poke key.exe $k $(le $t 4) &&
	scx 1 verify key.exe && findings_n err error wrong-target 1 &&
	grep -q "branches to __SCT__[a-z]* (0x[0-9a-f]*), not to its key.s trampoline __SCT__[a-z]* (0x" err'

expect "an entry whose key points at a function: bad-key" '
	cp $X badkey.exe && k=$((TBL + 8 * CALL + 4)) &&
	f=$(nm $X | gawk "\$3 == \"f_call\" { print strtonum(\"0x\" \$1) }") &&
	poke badkey.exe $k $(le $((f - (TADDR + 8 * CALL + 4))) 4) &&
	scx 1 verify badkey.exe && findings_n err error bad-key 1 &&
	grep -q "key field points at 0x[0-9a-f]* (f_call), not at a __SCK__ key" err'

expect "an entry pointing into data: bad-site" '
	cp $X data.exe && a=$((TBL + 8 * CALL)) && poke data.exe $a 00 00 00 00 &&
	scx 1 verify data.exe && grep -q "table entry $CALL points at 0x[0-9a-f]*, in .static_call_sites \[bad-site\]" err'

# --- sites outside the table ---
expect "an object that skipped check: its branches are unlisted-site warnings, exit 0" '
	build gcc unchecked.S unchecked.o &&
	gcc -nostdlib -no-pie -Wl,-e,f_call -o extra.exe gcc.o stubs-gcc.o unchecked.o &&
	scx 0 verify extra.exe && findings_n err warning unlisted-site 2 &&
	grep -q "unchecked+0x0: call to __SCT__foo is in no table entry" err &&
	grep -q "tail to __SCT__bar is in no table entry" err'

expect "a rel8 jmp to a trampoline: short-branch, never patchable" '
	findings_n err warning short-branch 1 && grep -q "\`jmp 0x[0-9a-f]*\` to __SCT__near has a displacement too short" err'

expect "--werror makes them fail; -W unlisted-site=error too; -W ...=off silences" '
	scx 1 verify --werror extra.exe &&
	scx 1 verify -W unlisted-site=error extra.exe && findings_n err error unlisted-site 2 &&
	scx 0 verify -W unlisted-site=off -W short-branch=off extra.exe && empty err'

expect "the config file applies to verify: a rule severity and a suppression" '
	mkdir -p cfg && cp extra.exe cfg/ &&
	printf "rules:\n  unlisted-site: error\nsuppress:\n  - rule: short-branch\n    function: unchecked\n" >cfg/.scstool.yaml &&
	(cd cfg && scx 1 verify extra.exe && findings_n err error unlisted-site 2 &&
	 ! grep -q short-branch err)'

expect "--stats counts the sites outside the table by kind" '
	scx 0 verify --stats extra.exe &&
	grep -q "^extra.exe: $(entries gcc) entries checked .*; 3 sites outside the table: call 1, tail 2\$" out'

expect "the YAML report lists them with in_table false, and validates" '
	scx 0 verify --format=yaml extra.exe && "$RC" yaml out >flat &&
	[ "$(grep -c "sites\.[0-9]*\.in_table=false" flat)" -eq 3 ] &&
	[ "$(grep -c "sites\.[0-9]*\.in_table=true" flat)" -eq "$(entries gcc)" ] &&
	grep -q "^command=verify\$" flat'

expect "the SARIF report validates and carries each finding's vaddr" '
	scx 0 verify --format=sarif extra.exe && "$RC" sarif out >flat &&
	grep -q "^unlisted-site warning" flat &&
	gawk "/\"vaddr\"/ { n++ } END { exit n < 3 }" out'

# --- shared libraries and the PLT ---
expect "a shared library whose trampolines may be preempted: its calls go through the PLT: wrong-target" '
	gcc -nostdlib -shared -fuse-ld=bfd -o plt.so gcc.o stubs-gcc.o 2>lerr &&
	scx 1 verify plt.so && [ "$(findings err error wrong-target | wc -l)" -ge 1 ] &&
	grep -q "a PLT entry: the trampoline has default visibility in a shared library" err'

# --- stripped files: trampolines known by their code ---
expect "stripped, with the kernel's trampolines: the targets are recognised by their signature" '
	build gcc ktramp.S kt.o &&
	gcc -nostdlib -no-pie -Wl,-e,f_call -o kt.exe gcc.o kt.o && strip -o kt-s.exe kt.exe &&
	scx 0 verify kt-s.exe && empty err'

expect "control: stripped, with plain trampolines: wrong-target, no trampoline's shape" '
	strip -o plain-s.exe $X && scx 1 verify plain-s.exe &&
	findings_n err error wrong-target "$(entries gcc)" &&
	grep -q "no symbol names a trampoline there, and the code there has no trampoline.s shape" err'

expect "stripped of its table and its symbols: nothing to verify, exit 2, one line" '
	strip -o none.exe gc-bfd.exe && rejected none.exe verify && grep -q "nothing to verify" err'

expect "a relocatable object: exit 2, one line saying to use check" '
	rejected gcc.o verify && grep -q "not a linked file" err && grep -q "use check" err'

# --- cache lines, exactly ---
expect "cache lines: the object says maybe, the linked file safe or crosses from the address" '
	build gcc cacheline.S cl.o && scx 0 check cl.o &&
	scx 0 lint --format=yaml cl.o && grep -q "cacheline: maybe" out &&
	gcc -nostdlib -no-pie -Wl,-e,a64_safe -o cl.exe cl.o stubs-gcc.o &&
	scx 0 verify --format=yaml cl.exe && ! grep -q "cacheline: maybe" out &&
	"$RC" yaml out | gawk -F= "/\.vaddr=/ { a = strtonum(\$2) } /\.length=/ { l = \$2 }
		/\.cacheline=/ { want = (int(a / 64) != int((a + l - 1) / 64)) ? \"crosses\" : \"safe\"
			if (\$2 != want) { print a, l, \$2, want; bad = 1 } n++ }
		END { exit bad || n != 6 }"'

expect "verify -v notes each site that crosses a line, with its address" '
	scx 0 verify -v cl.exe && n=$(findings err note cacheline | wc -l) && [ "$n" -ge 2 ] &&
	grep -q "the 5 bytes at 0x[0-9a-f]* cross a 64-byte cache line" err'

done_testing
