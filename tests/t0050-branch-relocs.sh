#!/bin/bash
# Every relocation whose bytes look like a branch to a trampoline either
# makes a site or gets a named finding (warning or error) that says why it
# cannot be one: a displacement too short (x86 rel8, rel16), an absolute
# branch (ppc ba, bla, bca), a conditional call (ppc bcl forms), a
# relocation type that is unknown or does not fit the branch.
#
# Each architecture's list of branch relocations below is copied from its
# ELF ABI (names and numbers), and binutils' readelf must give the same
# name for each number:
#   x86-64 psABI 1.0, "Relocation Types" (PC16 and PC8 as listed there),
#   i386 psABI 1.1, "Relocation Types",
#   ELF for the Arm 64-bit Architecture, "Control flow instructions",
#   OpenPOWER ELFv2 ABI 1.5 and the 64-bit PowerPC ELF ABI 1.9 (ELFv1),
#     plus R_PPC64_REL24_P9NOTOC (124), which binutils 2.40 emits,
#   System V ABI PowerPC Processor Supplement (ppc32).
# Each type is put on an instruction of the matching form (assembled with a
# relocation the assembler emits, then retyped with tests/tools/setreloc);
# the rows marked "more" go beyond the ABI lists: types that do not fit
# their branch, unknown numbers, conditional calls.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/arch-helpers.sh"

SR=$WORK/setreloc
expect "the relocation retyper builds" '
	log=$(cc -Wall -Wextra -o "$SR" "$TEST_ROOT/tests/tools/setreloc.c" -lelf 2>&1) &&
	[ -z "$log" ] && [ -x "$SR" ] || { echo "$log"; exit 1; }'

# gen: one function rN per row of stdin ("NAME|NUMBER|EXPECT|INSN", INSN's
# statements split by ';'), then the key.
gen() {
	local i=0 name num exp insn
	printf '\t.text\n'
	while IFS='|' read -r name num exp insn; do
		printf '\t.globl r%d\n\t.type r%d, %%function\nr%d:\n' $i $i $i
		printf '%s\n' "$insn" | tr ';' '\n' | sed 's/^ */\t/'
		printf '\t.size r%d, .-r%d\n' $i $i
		i=$((i + 1))
	done
	printf '\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.long 0\n'
}

# reloc_in OBJ FN: the offset of the relocation against __SCT__foo that
# lies inside function FN.
reloc_in() {
	local v s
	read -r v s < <(readelf -sW "$1" | gawk -v n="$2" '$8 == n { print $2, $3; exit }')
	readelf -rW "$1" | gawk -v lo=$((16#$v)) -v sz="$s" '
		$1 ~ /^[0-9a-f]+$/ && /__SCT__foo/ {
			o = strtonum("0x" $1)
			if (o >= lo && o < lo + sz) { printf "0x%x\n", o; exit }
		}'
}

# retype OBJ RELSEC ROWS: gives each function's relocation its row's type.
retype() {
	local obj=$1 relsec=$2 i=0 name num exp insn off
	while IFS='|' read -r name num exp insn; do
		off=$(reloc_in "$obj" r$i) && [ -n "$off" ] &&
			"$SR" "$obj" "$relsec" "$off" "$num" || return 1
		i=$((i + 1))
	done <"$3"
}

# verdict ARCH OBJ I NAME NUMBER EXPECT: function rI of OBJ (whose lint
# messages are in OBJ.lint and whose checked copy is OBJ.chk) is a site in
# the table, or has exactly one finding of rule EXPECT, warning or error;
# and never the old "not a direct branch" note.
verdict() {
	local obj=$2 fn=r$3 name=$4 num=$5 exp=$6 off at
	off=$(reloc_in "$obj" $fn)
	if [ "$name" != unknown ]; then
		readelf -rW "$obj" | gawk -v o="$off" -v n="$name" '
			$1 ~ /^[0-9a-f]+$/ && strtonum("0x" $1) == strtonum(o) && $3 == n { f = 1 }
			END { exit !f }' || { echo "readelf does not call type $num $name"; return 1; }
	fi
	at=$(fn_site "$obj" $fn)
	! grep -q ": $fn+0x[0-9a-f]*: .*\[not-a-branch\]" "$obj.lint" ||
		{ echo "$fn: a not-a-branch note"; cat "$obj.lint"; return 1; }
	if [ "$exp" = site ]; then
		table_set "$obj.chk" | grep -q "^$at __SCK__foo [01]\$" ||
			{ echo "$fn ($at) is not in the table:"; table_set "$obj.chk"; return 1; }
		return 0
	fi
	[ "$(grep -cE "^[^ ]+: (warning|error): $fn\+0x[0-9a-f]+: .*\[$exp\]\$" "$obj.lint")" -eq 1 ] ||
		{ echo "$fn: want one [$exp] warning or error:"; cat "$obj.lint"; return 1; }
	! grep -q "^$at " <(table_set "$obj.chk") ||
		{ echo "$fn ($at) is in the table"; return 1; }
}

# abi ARCH CC FLAGS RELSEC: builds ARCH.rows into ARCH.o, retypes, runs
# lint and check on it, then one test per row.
abi() {
	local arch=$1 cc=$2 flags=$3 relsec=$4 i=0 name num exp insn what
	expect "$arch: the fixture of every branch relocation builds and is retyped" '
		gen <'$arch'.rows >'$arch'.s && '$cc' '"$flags"' -c '$arch'.s -o '$arch'.o 2>log &&
		empty log && retype '$arch'.o '$relsec' '$arch'.rows &&
		cp '$arch'.o '$arch'.o.chk'
	sc lint -W got-indirect=error "$arch.o" >/dev/null 2>"$arch.o.lint"
	sc check -W got-indirect=warning "$arch.o.chk" >/dev/null 2>&1
	while IFS='|' read -r name num exp insn; do
		what=ABI
		case $exp in *' more') what=more; exp=${exp% more} ;; esac
		expect "$arch ($what): $name ($num) on \`${insn%%;*}\`: ${exp/site/a site in the table}" \
			"verdict $arch $arch.o $i $name $num $exp"
		i=$((i + 1))
	done <"$arch.rows"
}

cat >x86-64.rows <<'EOF'
R_X86_64_PC32|2|site|.byte 0xe8;.long __SCT__foo-4;ret
R_X86_64_PLT32|4|site|call __SCT__foo;ret
R_X86_64_PC16|13|short-branch|.byte 0x66, 0xe9;.word __SCT__foo-2;ret
R_X86_64_PC8|15|short-branch|.byte 0xeb;.byte __SCT__foo-1;ret
R_X86_64_GOTPCREL|9|got-indirect|call *__SCT__foo@GOTPCREL(%rip);ret
R_X86_64_GOTPCRELX|41|got-indirect|call *__SCT__foo@GOTPCREL(%rip);ret
R_X86_64_REX_GOTPCRELX|42|got-indirect|jmp *__SCT__foo@GOTPCREL(%rip)
R_X86_64_PC8|15|short-branch more|jrcxz __SCT__foo;ret
R_X86_64_PC8|15|short-branch more|loop __SCT__foo;ret
R_X86_64_PC8|15|short-branch more|.byte 0x74;.byte __SCT__foo-1;ret
R_X86_64_PC8|15|short-branch more|.byte 0x2e, 0x75;.byte __SCT__foo-1;ret
R_X86_64_PC16|13|short-branch more|.byte 0x66, 0xe8;.word __SCT__foo-2;ret
R_X86_64_32S|11|branch-reloc more|.byte 0xe8;.long __SCT__foo;ret
R_X86_64_32|10|branch-reloc more|.byte 0x0f, 0x84;.long __SCT__foo;ret
R_X86_64_PC32|2|branch-reloc more|.byte 0xeb;.long __SCT__foo-4;ret
unknown|200|branch-reloc more|.byte 0xe9;.long __SCT__foo-4
unknown|250|branch-reloc more|.byte 0x7f;.byte __SCT__foo-1;ret
EOF
abi x86-64 gcc "" .rela.text

cat >i386.rows <<'EOF'
R_386_PC32|2|site|.byte 0xe8;.long __SCT__foo-4;ret
R_386_PLT32|4|site|call __SCT__foo@PLT;ret
R_386_PC16|21|short-branch|.byte 0x66, 0xe9;.word __SCT__foo-2;ret
R_386_PC8|23|short-branch|.byte 0xeb;.byte __SCT__foo-1;ret
R_386_GOT32|3|got-indirect|call *__SCT__foo@GOT(%ebx);ret
R_386_GOT32X|43|got-indirect|call *__SCT__foo@GOT(%ebx);ret
R_386_PC8|23|short-branch more|jecxz __SCT__foo;ret
R_386_32|1|branch-reloc more|.byte 0xe8;.long __SCT__foo;ret
unknown|200|branch-reloc more|.byte 0x0f, 0x85;.long __SCT__foo-4;ret
EOF
abi i386 clang "--target=i386-linux-gnu" .rel.text

cat >arm64.rows <<'EOF'
R_AARCH64_CALL26|283|site|bl __SCT__foo;ret
R_AARCH64_JUMP26|282|site|b __SCT__foo
R_AARCH64_CONDBR19|280|site|b.eq __SCT__foo;ret
R_AARCH64_TSTBR14|279|site|tbz x0, #3, __SCT__foo;ret
R_AARCH64_CONDBR19|280|site more|cbnz w1, __SCT__foo;ret
R_AARCH64_JUMP26|282|branch-reloc more|bl __SCT__foo;ret
R_AARCH64_CALL26|283|branch-reloc more|b __SCT__foo
R_AARCH64_CONDBR19|280|branch-reloc more|tbnz x0, #1, __SCT__foo;ret
R_AARCH64_TSTBR14|279|branch-reloc more|cbz x0, __SCT__foo;ret
unknown|1000|branch-reloc more|b.ne __SCT__foo;ret
EOF
abi arm64 clang "--target=aarch64-linux-gnu" .rela.text

cat >ppc64.rows <<'EOF'
R_PPC64_REL24|10|site|bl __SCT__foo;nop;blr
R_PPC64_REL24_NOTOC|116|site|bl __SCT__foo@notoc;blr
R_PPC64_REL24_P9NOTOC|124|site|bl __SCT__foo@notoc;blr
R_PPC64_REL14|11|site|beq __SCT__foo;blr
R_PPC64_REL14_BRTAKEN|12|site|beq+ __SCT__foo;blr
R_PPC64_REL14_BRNTAKEN|13|site|beq- __SCT__foo;blr
R_PPC64_ADDR24|2|absolute-branch|bla __SCT__foo;nop;blr
R_PPC64_ADDR14|7|absolute-branch|beqa __SCT__foo;blr
R_PPC64_ADDR14_BRTAKEN|8|absolute-branch|beqa+ __SCT__foo;blr
R_PPC64_ADDR14_BRNTAKEN|9|absolute-branch|beqa- __SCT__foo;blr
R_PPC64_REL24_P9NOTOC|124|site more|b __SCT__foo@notoc
R_PPC64_REL14|11|cond-call more|beql __SCT__foo;blr
R_PPC64_REL14|11|cond-call more|bdnzl __SCT__foo;blr
R_PPC64_ADDR14|7|absolute-branch more|bdnzla __SCT__foo;blr
R_PPC64_ADDR24|2|branch-reloc more|bl __SCT__foo;nop;blr
R_PPC64_REL24|10|branch-reloc more|bla __SCT__foo;nop;blr
R_PPC64_REL14|11|branch-reloc more|b __SCT__foo
unknown|250|branch-reloc more|bl __SCT__foo;nop;blr
EOF
for v in le be; do
	case $v in
	le) T="--target=powerpc64le-linux-gnu" ;;
	be) T="--target=powerpc64-linux-gnu -mabi=elfv1" ;;
	esac
	cp ppc64.rows ppc64-$v.rows
	abi ppc64-$v clang "$T" .rela.text
done

cat >ppc32.rows <<'EOF'
R_PPC_REL24|10|site|bl __SCT__foo;blr
R_PPC_PLTREL24|18|site|bl __SCT__foo@plt;blr
R_PPC_LOCAL24PC|23|site|bl __SCT__foo;blr
R_PPC_REL14|11|site|beq __SCT__foo;blr
R_PPC_REL14_BRTAKEN|12|site|beq+ __SCT__foo;blr
R_PPC_REL14_BRNTAKEN|13|site|beq- __SCT__foo;blr
R_PPC_ADDR24|2|absolute-branch|bla __SCT__foo;blr
R_PPC_ADDR14|7|absolute-branch|beqa __SCT__foo;blr
R_PPC_ADDR14_BRTAKEN|8|absolute-branch|beqa+ __SCT__foo;blr
R_PPC_ADDR14_BRNTAKEN|9|absolute-branch|beqa- __SCT__foo;blr
R_PPC_REL14|11|cond-call more|bcl 12, 2, __SCT__foo;blr
R_PPC_PLTREL24|18|branch-reloc more|beq __SCT__foo;blr
unknown|200|branch-reloc more|b __SCT__foo
EOF
abi ppc32 clang "--target=powerpc-linux-gnu" .rela.text

# --- The issue's examples, through check and dump ---
expect "ppc64: bl __SCT__foo@notoc as R_PPC64_REL24_P9NOTOC is a call site, like REL24_NOTOC: no TOC rule, in the table" '
	printf "\t.abiversion 2\n\t.text\n\t.globl f\n\t.type f, @function\nf:\n\tbl __SCT__foo@notoc\n\taddi 3, 3, 1\n\tblr\n\t.size f, .-f\n\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.quad 0\n" >p9.s &&
	clang --target=powerpc64le-linux-gnu -c p9.s -o p9.o && "$SR" p9.o .rela.text 0 124 &&
	readelf -rW p9.o | grep -q " R_PPC64_REL24_P9NOTOC " &&
	scx 0 check -v -W cacheline=off p9.o && empty err &&
	[ "$(table_set p9.o)" = ".text+0x0 __SCK__foo 0" ] &&
	scx 0 dump p9.o && [ "$(dump_lines out)" = ".text+0x0 call __SCK__foo -" ]'

expect "x86-64: a 2-byte jmp with R_X86_64_PC8 (.reloc) is [short-branch], a warning: exit 0, nothing in the table" '
	printf "\t.text\n\t.globl f\n\t.type f, @function\nf:\n\t.byte 0xeb\n\t.reloc ., R_X86_64_PC8, __SCT__foo-1\n\t.byte 0\n\t.size f, .-f\n\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.quad 0\n" >pc8.s &&
	gcc -c pc8.s -o pc8.o && readelf -rW pc8.o | grep -q " R_X86_64_PC8 .*__SCT__foo - 1" &&
	cp pc8.o pc8.orig && scx 0 check pc8.o && findings_n err warning short-branch 1 &&
	grep -q "^pc8.o: warning: f+0x0: 2-byte \`jmp .*\` to __SCT__foo has a 1-byte displacement (R_X86_64_PC8)" err &&
	same pc8.orig pc8.o'

expect "ppc64: bla __SCT__foo (R_PPC64_ADDR24) is [absolute-branch], named with its relocation" '
	printf "\t.text\n\t.globl f\n\t.type f, @function\nf:\n\tbla __SCT__foo\n\tnop\n\tblr\n\t.size f, .-f\n" >bla.s &&
	clang --target=powerpc64le-linux-gnu -c bla.s -o bla.o && readelf -rW bla.o | grep -q " R_PPC64_ADDR24 " &&
	scx 0 lint -m bla.o && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "^bla.o: warning: f+0x0: \`bla 0x0\` to __SCT__foo is an absolute branch (R_PPC64_ADDR24)" err'

# REL keeps the addend in the field: a 1-byte field at the very end of its
# section is valid, and its addend is that byte.
expect "i386: jecxz __SCT__foo (R_386_PC8) ending its section: [short-branch], not a malformed object" '
	printf "\t.text\n\t.globl f\n\t.type f, @function\nf:\n\tcall __SCT__foo\n\tjecxz __SCT__foo\n\t.size f, .-f\n" >end32.s &&
	clang --target=i386-linux-gnu -c end32.s -o end32.o &&
	[ "$(sec_size end32.o .text)" -eq 7 ] && readelf -rW end32.o | grep -q "^00000006 .* R_386_PC8 " &&
	scx 0 lint -m -W cacheline=off end32.o && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "^end32.o: warning: f+0x5: 2-byte \`jecxz .*(R_386_PC8)" err'

expect "each new rule can be raised to an error: exit 1, nothing written" '
	cp x86-64.o e.o && cp e.o e.orig &&
	scx 1 check -W short-branch=error -W got-indirect=warning e.o && same e.orig e.o && no_temp'

expect "-W short-branch=off silences it, and the branch still stays out of the table" '
	cp pc8.orig pc8.o && scx 0 check -v -W short-branch=off -W cacheline=off pc8.o && empty err &&
	same pc8.orig pc8.o'

done_testing
