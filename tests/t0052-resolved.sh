#!/bin/bash
# Branches to a trampoline that carry no relocation: the assembler resolved
# them, because the trampoline is defined in the same section (and gas
# shortens a jmp or Jcc to two bytes).  No table entry can point at them,
# so they are reported under resolved-branch, a warning whose message says
# how to avoid them, and stay out of the table; objtool records the 2-byte
# jmp, which the kernel's loader would reject.  Expected branches come from
# objdump: every branch to a __SCT__ symbol with no relocation on it.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/arch-helpers.sh"

# unrelocated OBJ: "SECTION+0xOFF" of each branch objdump shows to a
# __SCT__ symbol with no relocation on its line (-w puts them there).
unrelocated() {
	objdump -drw "$1" | gawk '
		/^Disassembly of section / { sec = $4; sub(/:$/, "", sec); next }
		/^ *[0-9a-f]+:\t/ && /<__SCT__[A-Za-z0-9_]+>/ && !/R_X86_64_/ {
			a = $1; sub(/:$/, "", a); printf "%s+0x%x\n", sec, strtonum("0x" a)
		}' | sort
}

# resolved_at OBJ ERR: "SECTION+0xOFF" of each [resolved-branch] warning.
resolved_at() {
	findings "$2" warning resolved-branch | sed 's/^[^ ]*: [a-z]*: \([^ ]*\): .*/\1/' |
		while IFS=+ read -r fn off; do
			s=$(fn_site "$1" "$fn") || return 1
			printf '%s+0x%x\n' "${s%+*}" $((${s#*+} + off))
		done | sort
}

for cc in $COMPILERS; do
	for pic in "" -fPIC; do
		o=r-$cc${pic:+-pic}
		what="$cc${pic:+ $pic}"
		expect "$what: resolved.c builds, one .text, some branches to __SCT__loc with no relocation" '
			'$cc' -O2 -fno-asynchronous-unwind-tables '$pic' -c "$FIXTURES/resolved.c" -o '$o'.orig &&
			unrelocated '$o'.orig >'$o'.want && [ "$(wc -l <'$o'.want)" -ge 3 ]'

		expect "$what: each of them, and nothing else, is a [resolved-branch] warning; exit 0" '
			scx 0 lint -W cacheline=off -W nonglobal-trampoline=off '$o'.orig &&
			resolved_at '$o'.orig err >got && diff '$o'.want got &&
			[ "$(wc -l <err)" -eq "$(wc -l <'$o'.want)" ]'

		expect "$what: the message says the assembler resolved it, and to keep trampolines in their own section" '
			[ "$(findings err warning resolved-branch | grep -c "has no relocation: the assembler resolved it (the trampoline is in the same section).*; keep trampolines in their own section, as the kernel does \[resolved-branch\]\$")" -eq "$(wc -l <'$o'.want)" ]'

		expect "$what: a 2-byte jmp or Jcc is named as shortened; none goes into the table" '
			grep -q ": a_tail+0x0: 2-byte \`jmp .* and shortened it," err &&
			grep -q ": a_cond+0x[0-9a-f]*: 2-byte \`jne .* and shortened it," err &&
			cp '$o'.orig '$o'.o && scx 0 check -W nonglobal-trampoline=off '$o'.o &&
			! has_table '$o'.o'
	done
done

expect "gcc: the resolved calls from C too (the 5-byte call and the 2-byte tail call)" '
	grep -q ": c_call+0x[0-9a-f]*: 5-byte \`call " <(sc lint r-gcc.orig 2>&1) &&
	grep -q ": c_tail+0x0: 2-byte \`jmp " <(sc lint r-gcc.orig 2>&1)'

expect "-W resolved-branch=error: exit 1, nothing written" '
	cp r-gcc.orig e.o && scx 1 check -W resolved-branch=error e.o && same r-gcc.orig e.o && no_temp'

# Every condition code, short and near: the sweep must know each Jcc
# opcode (70-7f, 0f 80-8f) as a branch, or a resolved one goes unreported.
expect "each of the 16 conditions, 2-byte and 6-byte, to a local trampoline: 32 [resolved-branch] warnings" '
	{ printf "\t.text\n\t.globl f\n\t.type f, @function\nf:\n"
	  for cc in o no b ae e ne be a s ns p np l ge le g; do
		printf "\tj%s __SCT__loc\n\t{disp32} j%s __SCT__loc\n" $cc $cc
	  done
	  printf "\tret\n\t.size f, .-f\n\t.type __SCT__loc, @function\n__SCT__loc:\n\tret\n"
	  printf "\t.size __SCT__loc, .-__SCT__loc\n\t.data\n\t.globl __SCK__loc\n__SCK__loc:\n\t.quad 0\n"
	} >jcc.s && gcc -c jcc.s -o jcc.o && unrelocated jcc.o >jcc.want && [ "$(wc -l <jcc.want)" -eq 32 ] &&
	scx 0 lint -W cacheline=off -W nonglobal-trampoline=off jcc.o &&
	resolved_at jcc.o err >got && diff jcc.want got &&
	[ "$(findings err warning resolved-branch | grep -c ": 2-byte \`j")" -eq 16 ] &&
	[ "$(findings err warning resolved-branch | grep -c ": 6-byte \`j")" -eq 16 ]'

# Control: with the trampoline global and in a section of its own, as the
# kernel does, the same branches carry relocations and are sites.
expect "control: a trampoline in its own section gives relocated branches, all sites, no finding" '
	sed -e "s/\.pushsection \.text/.pushsection .static_call.text, \\\\\"ax\\\\\"/" \
	    -e "s/\\\\t\.type __SCT__loc/\\\\t.globl __SCT__loc\\\\n&/" "$FIXTURES/resolved.c" >own.c &&
	grep -q "static_call.text" own.c && grep -q "globl __SCT__loc" own.c &&
	gcc -O2 -fno-asynchronous-unwind-tables -c own.c -o own.o && [ -z "$(unrelocated own.o)" ] &&
	cp own.o own.orig && scx 0 check -W cacheline=off -W cond-tail=off own.o && empty err &&
	expected_sites own.orig >want && [ "$(wc -l <want)" -eq 5 ] && table_set own.o >got && diff want got'

# A relocated branch's bytes say nothing of its target (a RELA field holds
# 0): with a global trampoline right after the call, gas keeps the
# relocation, and the zero displacement happens to reach the trampoline.
# It is a site, not a resolved branch.
expect "a relocated call whose zero displacement reaches the trampoline after it is a site, not resolved" '
	printf "\t.text\n\t.globl caller\n\t.type caller, @function\ncaller:\n\tcall __SCT__glob\n\t.size caller, .-caller\n\t.globl __SCT__glob\n\t.type __SCT__glob, @function\n__SCT__glob:\n\tret\n\t.size __SCT__glob, .-__SCT__glob\n\t.data\n\t.globl __SCK__glob\n__SCK__glob:\n\t.quad 0\n" >next.s &&
	gcc -c next.s -o next.o && readelf -rW next.o | grep -q "R_X86_64_PLT32 .* __SCT__glob - 4" &&
	objdump -d next.o | grep -q "call .*<__SCT__glob>" &&
	scx 0 check -v -W cacheline=off next.o && empty err &&
	[ "$(table_set next.o)" = ".text+0x0 __SCK__glob 0" ]'

# --- Fixed width: every aligned word is decoded ---
for T in aarch64-linux-gnu powerpc64le-linux-gnu powerpc-linux-gnu; do
	expect "$T: bl, b and two conditional forms resolved in their section: four warnings; the branch to a trampoline in its own section is a site" '
		build clang resolved-fixed.S fx.orig --target='$T' &&
		[ "$(llvm-objdump -dr fx.orig | grep -c "<__SCT__loc>\$")" -eq 4 ] &&
		scx 0 lint -W branch-range=off fx.orig && findings_n err warning resolved-branch 4 &&
		for at in 0x0 0x8 0xc 0x18; do grep -q ": f+$at: 4-byte .*\[resolved-branch\]\$" err || exit 1; done &&
		cp fx.orig fx.o && scx 0 check -W branch-range=off fx.o &&
		s=$(fn_site fx.orig f) &&
		[ "$(table_set fx.o)" = "$(printf "%s+0x%x" "${s%+*}" $((${s#*+} + 16))) __SCK__far 0" ]'
done

done_testing
