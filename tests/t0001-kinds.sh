#!/bin/bash
# The three kinds of site (call, tail call, conditional tail call), from C
# built by gcc and by clang and from assembly; the table's exact entries
# and order, and what `scstool dump` says about them.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# dump's entry lines without the FUNC column, sorted like expected_dump.
dump_lines() {
	sc dump "$1" | awk 'NR > 1 { print $1, $3, $4, $5 }' | sort
}

for cc in $COMPILERS; do
	expect "$cc: kinds.c builds, with a call and a tail call to __SCT__" '
		build '$cc' kinds.c k-'$cc'.o &&
		cp k-'$cc'.o k-'$cc'.orig &&
		objdump -drw k-'$cc'.o | grep -Eq "\scallq?\s.*R_X86_64_PLT32\s__SCT__foo-0x4$" &&
		objdump -drw k-'$cc'.o | grep -Eq "\sjmpq?\s.*R_X86_64_PLT32\s__SCT__bar-0x4$"'

	expect "$cc: check finds the sites silently and exits 0" '
		scx 0 check k-'$cc'.o &&
		empty out && empty err && has_table k-'$cc'.o'

	expect "$cc: the table holds exactly the branches objdump shows" '
		expected_sites k-'$cc'.orig >want &&
		[ "$(wc -l <want)" -eq 6 ] &&
		table_set k-'$cc'.o >got &&
		diff want got'

	expect "$cc: a tail call in C is a jmp site with the TAIL flag" '
		table_set k-'$cc'.o | grep -qx "\.text\.f_tail+0x0 __SCK__bar 1"'

	expect "$cc: a plain call is a site with flags 0 and its own key" '
		table_set k-'$cc'.o | grep -Eqx "\.text\.f_call\+0x[0-9a-f]+ __SCK__foo 0" &&
		table_set k-'$cc'.o | grep -Eqx "\.text\.f_both\+0x[0-9a-f]+ __SCK__ret 0"'

	expect "$cc: a call from a static (local) function is a site" '
		table_set k-'$cc'.o | grep -Eqx "\.text\.f_local\+0x[0-9a-f]+ __SCK__ret 0"'

	expect "$cc: the key symbol, defined or undefined, is the one named __SCK__" '
		table_set k-'$cc'.o | awk "{ print \$2 }" | sort -u >keys &&
		printf "%s\n" __SCK__bar __SCK__foo __SCK__ret >want &&
		diff want keys'

	expect "$cc: every table relocation is R_X86_64_PC32" '
		readelf -rW k-'$cc'.o |
			awk "/^Relocation section/ { on = (\$3 ~ /static_call_sites/); next }
			     on && \$1 ~ /^[0-9a-f]+\$/ { print \$3 }" >types &&
		[ "$(wc -l <types)" -eq 12 ] &&
		[ "$(sort -u types)" = R_X86_64_PC32 ]'

	expect "$cc: dump names the right kind, key and flags for each entry" '
		expected_dump k-'$cc'.orig >want &&
		dump_lines k-'$cc'.o >got &&
		diff want got'

	expect "$cc: dump header counts the entries" '
		sc dump k-'$cc'.o | head -1 | grep -qx "k-'$cc'\.o: 6 static-call sites"'

	expect "$cc: dump shows the covering function and offset" '
		sc dump k-'$cc'.o |
			grep -Eqx "  \.text\.f_tail\+0x0  f_tail\+0x0  tail  __SCK__bar  tail"'

	expect "$cc: cond.S builds" '
		build '$cc' cond.S c-'$cc'.o && cp c-'$cc'.o c-'$cc'.orig'

	expect "$cc: all sixteen Jcc rel32 forms are sites with the TAIL flag" '
		scx 0 check c-'$cc'.o &&
		expected_sites c-'$cc'.orig >want &&
		[ "$(wc -l <want)" -eq 20 ] &&
		table_set c-'$cc'.o >got && diff want got &&
		[ "$(grep -c "^\.text\.z+.* __SCK__foo 1\$" got)" -eq 16 ]'

	expect "$cc: dump says cond for each Jcc, call and tail for the others" '
		expected_dump c-'$cc'.orig >want && dump_lines c-'$cc'.o >got &&
		diff want got &&
		[ "$(grep -c " cond __SCK__foo tail\$" got)" -eq 17 ] &&
		[ "$(grep -c " call __SCK__foo -\$" got)" -eq 2 ] &&
		[ "$(grep -c " tail __SCK__foo tail\$" got)" -eq 1 ]'

	expect "$cc: entries are sorted by section index, then offset" '
		table_list c-'$cc'.o >list && [ "$(wc -l <list)" -eq 20 ] &&
		in_order <list &&
		head -1 list | grep -q " \.text\.z+0x2\$" &&
		tail -1 list | grep -q " \.text\.a+0xd\$"'

	expect "$cc: a branch relocated with R_X86_64_PC32 is a site too" '
		build '$cc' pc32.S p-'$cc'.o &&
		[ "$(readelf -rW p-'$cc'.o | grep -c "R_X86_64_PC32 .* __SCT__foo - 4")" -eq 2 ] &&
		expected_sites p-'$cc'.o >want &&
		scx 0 check p-'$cc'.o && table_set p-'$cc'.o >got &&
		printf "%s\n" ".text+0x0 __SCK__foo 0" ".text+0x5 __SCK__foo 1" >exact &&
		diff exact want && diff exact got'

	expect "$cc: branches to a trampoline defined in the same object are sites" '
		build '$cc' deftramp.S d-'$cc'.o && scx 0 check d-'$cc'.o && empty err &&
		printf "%s\n" ".text+0x1 __SCK__foo 0" ".text+0x6 __SCK__foo 1" >want &&
		table_set d-'$cc'.o >got && diff want got'

	expect "$cc: dump shows the INIT flag bit (set by loaders) as init and tail,init" '
		cp p-'$cc'.o pi-'$cc'.o &&
		k0=$(table_rela_at pi-'$cc'.o 4) && k1=$(table_rela_at pi-'$cc'.o 12) &&
		poke pi-'$cc'.o $((k0 + 16)) $(le 2 8) &&
		poke pi-'$cc'.o $((k1 + 16)) $(le 3 8) &&
		scx 0 dump pi-'$cc'.o &&
		grep -qx "  \.text+0x0  pc32_call+0x0  call  __SCK__foo  init" out &&
		grep -qx "  \.text+0x5  pc32_call+0x5  tail  __SCK__foo  tail,init" out'

	# With -ffunction-sections, neither compiler gives a weak function's
	# section a symbol of its own: the table must still refer to it.
	expect "$cc: a site in a weak function is recorded" '
		build '$cc' weakfn.c w-'$cc'.o && cp w-'$cc'.o w-'$cc'.orig &&
		scx 0 check w-'$cc'.o &&
		expected_sites w-'$cc'.orig >want && [ -s want ] &&
		table_set w-'$cc'.o >got && diff want got'

done

# A site must be found whatever instruction comes before it in its
# function: the boundary is found by decoding from the function's start.
# The instructions assemble to the same bytes with either compiler.
expect "newinsn.S builds" 'build gcc newinsn.S n.orig && cp n.orig n.o'
expect "newer instructions never cause an error: exit 0" '
	scx 0 check -n n.o && ! grep -q ": error: " err'
# Capstone 4 took 0f b9 (ud1) for a two-byte instruction, but ud1 has a
# ModRM byte: a decoder that gets its length wrong reports a real call as
# lying inside another instruction.
expect "ud1 with its ModRM byte is not mistaken: no not-on-boundary for n_ud1" '
	sc check -n n.o 2>err; s=$?
	{ [ $s -eq 0 ] || [ $s -eq 1 ]; } &&
	! grep -q ": n_ud1+0x.*\[not-on-boundary\]\$" err'
sc check -o n-out.o n.orig 2>n-out.err
expected_sites n.orig >n.want
# The sweep knows every one of these instructions (Capstone 4 knew only
# endbr64 and, with corrections, serialize and ud1): the call after each is
# a site, with no finding.  tests/t0040-lengths.sh checks many more.
for fn in $(grep -o "^\.text\.n_[a-z0-9]*" n.want | sed "s/^\.text\.//"); do
	insn=$(objdump -dw -j .text.$fn n.orig | awk -F"\t" "/^ +0:/ { print \$3 }" | sed "s/ \+/ /g")
	expect "the call after \`$insn\` is a site, with no finding" '
		grep "^\.text\.'$fn'+" n.want >want && [ "$(wc -l <want)" -eq 1 ] &&
		table_set n-out.o | grep "^\.text\.'$fn'+" >got && diff want got &&
		! grep -q ": '$fn'+" n-out.err'
done
expect "every call of newinsn.S is in the table" '
	[ "$(wc -l <n.want)" -eq 14 ] && [ "$(table_set n-out.o | wc -l)" -eq 14 ]'

done_testing
