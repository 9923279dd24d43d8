#!/bin/bash
# Sweep anchors from the kernel's own tables (check/boundary.c): an
# instruction start that __jump_table, __ex_table, .altinstructions or
# __bug_table names (x86-64, R_X86_64_PC32 in a code field of an entry)
# starts a boundary sweep like a symbol's start.  Each site of the fixture
# follows bytes no sweep passes (0f 04), so only an anchor between them and
# the site proves the site's boundary: without one it is `undecodable`.
# Entries outside a code field, outside [0, size) of an executable
# section, or in a table of another layout are ignored.  An entry that
# names the middle of an instruction makes the site after it
# `not-on-boundary` unless decoding falls back onto it; a crafted object
# gets from a table no more than from a symbol.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

SRC=sweep-anchors.S
ALL="-DJUMP -DJUMP_TARGET -DEX -DEX_FIXUP -DALT -DBUG"
Q="-W cacheline=off"

# lint_of OBJ: lint's findings about OBJ, one a line, in err (exit 1:
# crafted's not-on-boundary is an error wherever no anchor hides it).
lint_of() {
	sc lint -v $Q "$1" >out 2>err
	[ $? -le 1 ] || { cat err >&2; return 1; }
}

# checked OBJ: the table that check writes into a copy of OBJ, sorted.
checked() {
	cp "$1" "$1.chk" && sc check -W not-on-boundary=warning $Q "$1.chk" 2>/dev/null &&
		table_set "$1.chk"
}

# site_of OBJ FUNC: "SECTION+0xOFF __SCK__foo 0" of FUNC's call.
site_of() {
	objdump -drw "$1" | gawk -v f="$2" '
		/^[0-9a-f]+ <.*>:$/ { cur = $2 == "<" f ">:" }
		cur && $0 ~ /R_X86_64_PLT32\t__SCT__foo-0x4$/ {
			a = $1; sub(":", "", a); printf ".text+0x%x __SCK__foo 0\n", strtonum("0x" a); exit }'
}

expect "the fixture builds: no kernel table by default, the four tables with -D, entries of the kernel's sizes" '
	build gcc '$SRC' none.o && build gcc '$SRC' all.o '"$ALL"' &&
	! readelf -SW none.o | grep -Eq "__jump_table|__ex_table|altinstructions|__bug_table" &&
	[ "$(sec_size all.o __jump_table)" -eq 32 ] && [ "$(sec_size all.o __ex_table)" -eq 24 ] &&
	[ "$(sec_size all.o .altinstructions)" -eq 14 ] && [ "$(sec_size all.o __bug_table)" -eq 12 ]'

# The control: without an entry, each site's sweep stops on 0f 04.
expect "control: without the tables the six sites after 0f 04 are undecodable and out of the table" '
	lint_of none.o && findings_n err warning undecodable 6 &&
	for f in in_jump in_jump_target in_ex in_ex_fixup in_alt in_bug; do
		findings err warning undecodable | grep -q ": $f+0x" || exit 1
	done &&
	checked none.o >got && ! grep -q "in_" got && [ "$(wc -l <got)" -eq 3 ]'

expect "with every table: no finding, and all nine calls are sites (objdump agrees)" '
	lint_of all.o && findings_n err warning undecodable 0 &&
	[ "$(grep -c "not-on-boundary" err)" -eq 1 ] && grep -q ": crafted+0x3: .*\[not-on-boundary\]\$" err &&
	checked all.o >got && expected_sites all.o >want && diff want got && [ "$(wc -l <got)" -eq 9 ]'

expect "the answer does not depend on the decoding threads (-j 2)" '
	cp all.o j.o && sc check -j 2 -W not-on-boundary=warning $Q j.o 2>/dev/null &&
	table_set j.o >j.got && checked all.o >one.got && diff one.got j.got'

# One table field at a time: each anchors its own site and no other.
for pair in JUMP:in_jump JUMP_TARGET:in_jump_target EX:in_ex EX_FIXUP:in_ex_fixup ALT:in_alt BUG:in_bug; do
	d=${pair%%:*} f=${pair#*:}
	expect "-D$d: the entry anchors $f's site (found, no finding), the other five stay undecodable" '
		build gcc '$SRC' '$d'.o -D'$d' && lint_of '$d'.o &&
		findings_n err warning undecodable 5 && ! grep -q ": '$f'+0x" err &&
		checked '$d'.o >got && grep -qx "$(site_of '$d'.o '$f')" got'
done

# Entries that name no code start of the object are no anchors.
for d in EX_DATA OUT_OF_RANGE IN_DATA "BAD_SIZE -DEX"; do
	n=${d%% *}
	expect "-D$d: ignored, the six sites stay undecodable" '
		build gcc '$SRC' '$n'.o -D'"$d"' && readelf -SW '$n'.o | grep -q __ex_table &&
		lint_of '$n'.o && findings_n err warning undecodable 6'
done
expect "OUT_OF_RANGE names .text past its end (the addend is checked, not only the symbol)" '
	readelf -rW OUT_OF_RANGE.o | gawk "/__ex_table/ { t = 1; next } t && /\.text \+ / { print \$NF }" >addends &&
	[ "$(wc -l <addends)" -eq 2 ] &&
	[ $((0x$(sort addends | tail -1))) -ge "$(sec_size OUT_OF_RANGE.o .text)" ]'

# An entry inside an instruction: the sweep from it decodes a shifted
# stream.  In hostile_split the stream swallows the call's opcode: the
# site is not-on-boundary, a visible error.  In hostile_sync it falls
# back onto the call: the answer is the symbols' one.
expect "hostile: an anchor in the middle of an instruction makes the site after it not-on-boundary (control: none.o has none)" '
	build gcc '$SRC' hostile.o -DHOSTILE && lint_of hostile.o &&
	findings_n err error not-on-boundary 2 &&
	grep -q ": hostile_split+0xb: .* inside .mov eax, 0xe8. at hostile_split+0x9 \[not-on-boundary\]\$" err &&
	lint_of none.o && ! grep -q "hostile_" err'
expect "hostile: ... that site leaves the table; hostile_sync, where decoding resynchronises, keeps its site" '
	checked hostile.o >got && ! grep -qx "$(site_of hostile.o hostile_split)" got &&
	grep -qx "$(site_of hostile.o hostile_sync)" got &&
	checked none.o >got0 && grep -qx "$(site_of none.o hostile_split)" got0'

# crafted hides a trampoline relocation inside a movabs: sweeping from
# the function finds it not-on-boundary.  Aimed at its fake opcode, a
# table entry accepts the "call", exactly as a sized symbol there does
# without any table: the tables give a crafted object no new power.
expect "crafted: a table entry on a fake opcode is believed as a symbol there is (same findings, same table)" '
	build gcc '$SRC' ct.o -DCRAFTED_TABLE && build gcc '$SRC' cs.o -DCRAFTED_SYMBOL &&
	lint_of ct.o && ! grep -q "crafted" err && cp err ct.err &&
	lint_of cs.o && ! grep -q "crafted" err && sed "s/^cs\.o/ct.o/" err | diff ct.err - &&
	checked ct.o >ct.got && checked cs.o >cs.got && diff ct.got cs.got &&
	[ "$(wc -l <ct.got)" -eq 4 ]'

expect "only x86-64: the same tables in an i386 object anchor nothing" '
	build gcc '$SRC' i386.o -m32 '"$ALL"' && readelf -SW i386.o | grep -q __jump_table &&
	lint_of i386.o && findings_n err warning undecodable 6'

done_testing
