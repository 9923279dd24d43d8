#!/bin/bash
# Bounded work in the symbol lookups: the covering symbol, the sweep's
# anchor and the key of a trampoline are found in O(log n), whatever the
# symbols hold.  Each input is generated here, large on purpose; a test
# asserts that the run completes (under a generous timeout) and is right,
# never how fast: speed lives in `make bench`.  Also: a sweep stops at the
# end of its section's bytes.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# labels N: N zero-size function labels, each followed by a call (the
# lookups of one site walked back over every label before it).
labels() {
	gawk -v n="$1" 'BEGIN {
		print "\t.text"
		for (i = 0; i < n; i++)
			printf "\t.type l%d, @function\nl%d:\n\tcall __SCT__foo\n", i, i
		print "\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.quad 0"
	}'
}

for n in 80000 160000; do
	expect "$n zero-size function labels, a call after each: lint completes, every call a site named after its label" '
		labels '$n' >l'$n'.s && gcc -c l'$n'.s -o l'$n'.o &&
		[ "$(readelf -sW l'$n'.o | grep -c " 0 FUNC ")" -eq '$n' ] &&
		timeout 120 "$SCSTOOL" lint -W cacheline=off --format=yaml l'$n'.o >l'$n'.yaml 2>err &&
		empty err && [ "$(grep -c "^  - section: \.text" l'$n'.yaml)" -eq '$n' ] &&
		grep -q "function: l'$((n - 1))'+0x0\$" l'$n'.yaml'
done

# 100,000 local symbols named __SCK__kzzzzzz (an assembler refuses a name
# twice, so the names are made equal after assembly: same length, same
# places) and 100,000 calls to __SCT__kzzzzzz.
expect "100,000 duplicate key names and 100,000 sites: check completes, each site keyed to the first of them" '
	gawk "BEGIN { print \"\t.text\n\t.globl f\n\t.type f, @function\nf:\"
		for (i = 0; i < 100000; i++) print \"\tcall __SCT__kzzzzzz\"
		print \"\t.size f, .-f\n\t.data\"
		for (i = 0; i < 100000; i++) printf \"__SCK__k%06d:\n\t.byte 0\n\", i }" >dup.s &&
	gcc -c dup.s -o dup.o && LC_ALL=C sed -i -E "s/__SCK__k[0-9]{6}/__SCK__kzzzzzz/g" dup.o &&
	[ "$(readelf -sW dup.o | grep -c " __SCK__kzzzzzz\$")" -eq 100000 ] &&
	timeout 120 "$SCSTOOL" check -W cacheline=off dup.o 2>err && empty err &&
	first=$(readelf -sW dup.o | gawk "\$8 == \"__SCK__kzzzzzz\" { sub(\":\", \"\", \$1); print \$1; exit }") &&
	readelf -rW dup.o | gawk "/^Relocation section .\.rela\.static_call_sites/ { on = 1; next }
		/^Relocation section/ { on = 0 }
		on && \$1 ~ /^[0-9a-f]+\$/ && strtonum(\"0x\" \$1) % 8 == 4 { print \$5 }" | sort | uniq -c >keys &&
	[ "$(cat keys | tr -s " ")" = " 100000 __SCK__kzzzzzz" ] &&
	readelf -rW dup.o | gawk -v want="$first" "/^Relocation section .\.rela\.static_call_sites/ { on = 1; next }
		on && \$1 ~ /^[0-9a-f]+\$/ && strtonum(\"0x\" \$1) % 8 == 4 { if (strtonum(\"0x\" substr(\$2, 1, length(\$2) - 8)) != want) bad = 1 }
		END { exit bad }"'

# A sweep over a section that ends inside an instruction: 48 b8 starts a
# ten-byte movabs, and only seven bytes are left.  The decoder is never
# handed bytes past the section's end: the site is unproven.
expect "a section ending inside an instruction: the sweep stops there, an undecodable warning" '
	printf "\t.section .text.cut,\"ax\",@progbits\n\t.globl cut\n\t.type cut, @function\ncut:\n\t.byte 0x48, 0xb8\n\tcall __SCT__foo\n\t.size cut, .-cut\n\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.quad 0\n" >cut.s &&
	gcc -c cut.s -o cut.o && [ "$(sec_size cut.o .text.cut)" -eq 7 ] &&
	scx 0 lint cut.o && findings_n err warning undecodable 1 &&
	grep -q "the bytes at cut+0x0 (48 b8 e8 00...) are no instruction" err'

done_testing
