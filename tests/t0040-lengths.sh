#!/bin/bash
# Instruction lengths.  Boundary sweeps (decode/sweep.c: Zydis 4 in minimal
# mode, plus its own fallback for what Zydis 4.0 does not know) must measure
# every instruction as objdump does: one that is measured wrong makes the
# sweep drift, and a good site after it is reported as not-on-boundary.
# The fixtures hold one or more instructions of every ISA extension
# binutils 2.40's gas assembles, in 64-bit and 32-bit mode, assembled here.
# tests/tools/sweeplen runs the project's own sweep code over .text; the
# same instructions then go through `scstool check` with a call after each.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

SL=$WORK/sweeplen
# The sanitized run builds the sweep tool with the sanitizers as well.
if [ "${TEST_VARIANT:-rel}" = san ]; then
	SLFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined"
else
	SLFLAGS="-O2"
fi

# od_lengths OBJ: "OFFSET LENGTH" for each instruction `objdump -d` shows
# in .text (offset in hex, as objdump prints it).
od_lengths() {
	objdump -d --insn-width=16 -j .text "$1" | gawk -F'\t' '
		/^ *[0-9a-f]+:\t/ {
			a = $1; sub(/:.*/, "", a); gsub(/ /, "", a)
			print a, split($2, b, " ")
		}'
}

# od_branches OBJ: "OFFSET TARGET" for each direct call, jmp, Jcc, loop or
# jcxz objdump shows in .text, with the target it computes.
od_branches() {
	objdump -d --insn-width=16 -j .text "$1" | gawk -F'\t' '
		/^ *[0-9a-f]+:\t/ {
			a = $1; sub(/:.*/, "", a); gsub(/ /, "", a)
			n = split($3, w, " +")
			for (i = 1; i < n; i++)
				if (w[i] ~ /^(call|jmp|j[a-z]+|loop[a-z]*)[wlq]?$/ &&
				    w[i + 1] ~ /^0x[0-9a-f]+$/) {
					print a, substr(w[i + 1], 3)
					break
				}
		}'
}

# sw_lengths OBJ: the same two columns from scstool's sweep; a line
# "OFFSET bad" where the sweep stops, and then a failure.
sw_lengths() {
	"$SL" "$1" >"$1.sweep" || { gawk '{ print $1, $2 }' "$1.sweep"; return 1; }
	gawk '{ print $1, $2 }' "$1.sweep"
}

# insn_lines SRC: the instruction lines of a fixture (one per line, after a
# tab; directives other than .byte are not instructions).
insn_lines() {
	grep -E $'^\t' "$1" | grep -vE $'^\t\\.(text|data|globl|type|size)'
}

# with_calls SRC OUT: SRC's instructions in one function, each followed by
# a call to __SCT__foo, so that every instruction precedes a site.
with_calls() {
	{
		printf '\t.text\n\t.globl all\n\t.type all, @function\nall:\n'
		insn_lines "$1" | sed $'s/$/\\n\tcall __SCT__foo/'
		printf '\t.size all, .-all\n\t.data\n\t.globl __SCK__foo\n'
		printf '__SCK__foo:\n\t.long 0\n'
	} >"$2"
}

expect "the sweep tool builds from the project's decode/ sources" '
	log=$(cd "$TEST_ROOT" && cc -Wall -Wextra $SLFLAGS -Iinclude -o "$SL" \
		tests/tools/sweeplen.c decode/sweep.c decode/x86_len.c \
		-lelf -lZydis 2>&1) && [ -z "$log" ] && [ -x "$SL" ] ||
		{ echo "$log"; exit 1; }'

for bits in 64 32; do
	src=$FIXTURES/lengths-$bits.S
	expect "lengths-$bits.S assembles with gas --$bits, without a message" '
		log=$(as --'$bits' -o l'$bits'.o "'$src'" 2>&1) && [ -z "$log" ] &&
		[ -s l'$bits'.o ] || { echo "$log"; false; }'
	od_lengths l$bits.o >l$bits.od
	expect "objdump shows each of lengths-$bits.S's lines as one instruction" '
		n=$(insn_lines "'$src'" | wc -l) && [ "$n" -ge 60 ] &&
		[ "$(wc -l <l'$bits'.od)" -eq "$n" ] ||
		{ echo "source lines: $n, objdump: $(wc -l <l'$bits'.od)"; false; }'
	expect "the sweep measures every instruction of lengths-$bits.S as objdump does" '
		sw_lengths l'$bits'.o >l'$bits'.sw; diff l'$bits'.od l'$bits'.sw'
	expect "the sweep finds each direct branch of lengths-$bits.S with objdump'\''s target" '
		od_branches l'$bits'.o >b'$bits'.od && [ "$(wc -l <b'$bits'.od)" -ge 8 ] &&
		gawk "NF == 6 { print \$1, \$6 }" l'$bits'.o.sweep >b'$bits'.sw &&
		diff b'$bits'.od b'$bits'.sw'
done
# Seeks: one sweep asked, in order, for the instruction that holds the
# first byte of every third instruction, the last byte of the next one, and
# a byte past the end.
gawk '{ o = strtonum("0x" $1)
	if (NR % 3 == 1) printf "%x %x %d\n", o, o, $2
	else if (NR % 3 == 2) printf "%x %x %d\n", o + $2 - 1, o, $2
	end = o + $2 }
	END { printf "%x end\n", end + 4 }' l64.od >seek.want
expect "a seek gives the instruction that holds each byte, then the end" '
	"$SL" l64.o .text $(cut -d" " -f1 seek.want) >seek.got &&
	[ "$(wc -l <seek.want)" -gt 250 ] && diff seek.want seek.got'
expect "there are over 450 instructions in all" '
	[ $(($(wc -l <l64.od) + $(wc -l <l32.od))) -gt 450 ]'

# Where the opcode is and how many prefix bytes come before it, for each
# kind of encoding: "INSTRUCTION|OPCODE_AT PREFIXES FLOW".
cat >layout.want <<'EOF'
	jne .+0x100|0 0 jcc
	call .+5|0 0 call
	jmp .+2|0 0 jmp
	jrcxz .+2|0 0 loop
	data16 call .+0x100|1 1 call
	bnd jmp .+0x100|1 1 jmp
	jne,pt .+0x100|1 1 jcc
	lock cmpxchg %rcx, (%rdx)|2 2 none
	cs nopw 0x0(%rax,%rax,1)|2 2 none
	call *%rax|0 0 none
	notrack jmp *%rax|1 1 none
	vzeroupper|2 0 none
	{vex} vpdpbusd %ymm1, %ymm2, %ymm3|3 0 none
	vaddps %zmm1, %zmm2, %zmm3|4 0 none
	vprotb %xmm1, %xmm2, %xmm3|3 0 none
	pfadd %mm1, %mm0|0 0 none
	aadd %eax, (%rdx)|0 0 none
	fs aand %rax, (%rdx)|3 3 none
	vpdpbssd %ymm1, %ymm2, %ymm3|3 0 none
	gs vpdpbssd (%rax), %ymm2, %ymm3|4 1 none
	wrmsrns|0 0 none
	rdmsrlist|1 1 none
EOF
expect "the sweep says where the opcode is, and counts the prefixes" '
	cut -d"|" -f1 layout.want >layout.S && as --64 -o layout.o layout.S &&
	"$SL" layout.o >layout.sweep &&
	[ "$(wc -l <layout.sweep)" -eq "$(wc -l <layout.want)" ] &&
	paste -d"|" <(cut -d"|" -f1 layout.want) \
		<(gawk "{ print \$3, \$4, \$5 }" layout.sweep) >layout.got &&
	diff layout.want layout.got'

# Bytes the sweep must not guess at: it stops on them, and says where.
# "BYTES|WHY", each assembled alone as .byte in 64-bit mode.
cat >stops.want <<'EOF'
0x0f, 0x04|an undefined opcode
0x66, 0xc4, 0xe2, 0x6f, 0x50, 0xd9|VEX after a 66 prefix (#UD), which the fallback refuses
0x0f, 0x38, 0xfc|a map-0F38 instruction cut short before its ModRM byte
0x0f, 0x38, 0xfc, 0x04|a map-0F38 instruction cut short before its SIB byte
0x0f, 0x38, 0xfc, 0x05, 0, 0|a map-0F38 instruction cut short inside its displacement
0xe8, 0, 0|a call cut short by the end of the section
0xc4, 0xe3, 0x79, 0xde, 0xc1, 0x01|VEX map 0F3A unknown to Zydis 4.0: the fallback leaves it out
EOF
while IFS="|" read -r bytes why; do
	expect "the sweep stops at $why ($bytes)" '
		printf ".byte %s\n" "'"$bytes"'" | as --64 -o stop.o - &&
		{ "$SL" stop.o >stop.out; [ $? -eq 1 ]; } &&
		[ "$(cat stop.out)" = "0 bad" ] || { cat stop.out; false; }'
done <stops.want
expect "after good instructions, it stops where the bad bytes start" '
	printf "\tnop\n\tserialize\n\t.byte 0x0f, 0x04\n" | as --64 -o stop.o - &&
	{ "$SL" stop.o >stop.out; [ $? -eq 1 ]; } &&
	printf "0 1 0 0 none\n1 3 0 0 none\n4 bad\n" | diff - stop.out'

# The same instructions, each followed by a call to a trampoline, through
# `scstool check`: one sweep from the function's start crosses them all.
for bits in 64 32; do
	with_calls "$FIXTURES/lengths-$bits.S" calls$bits.S
	expect "calls-$bits: a call after each instruction, all in the table, no finding" '
		as --'$bits' -o calls'$bits'.o calls'$bits'.S &&
		n=$(insn_lines "'$FIXTURES'/lengths-'$bits'.S" | wc -l) &&
		scx 0 check -v $QUIET_NOTES calls'$bits'.o && empty err &&
		[ "$(table_set calls'$bits'.o | wc -l)" -eq "$n" ]'
done
expect "calls-64: the table holds exactly the sites objdump shows" '
	as --64 -o c64.orig calls64.S && expected_sites c64.orig >want &&
	table_set calls64.o >got && diff want got'

# Issue 7's example: ud0 with its ModRM byte between two calls.
expect "ud0.S builds; gas encodes ud0 %eax,%eax as 0f ff c0" '
	build gcc ud0.S ud0.orig &&
	objdump -d ud0.orig | grep -Eq "^ +5:\s+0f ff c0\s+ud0 "'
expect "call; ud0 %eax,%eax; call: two table entries, no not-on-boundary" '
	cp ud0.orig ud0.o && scx 0 check ud0.o && ! grep -q "not-on-boundary" err &&
	empty err && table_set ud0.o >got &&
	printf ".text+0x0 __SCK__x 0\n.text+0x8 __SCK__x 0\n" >want && diff want got'

done_testing
