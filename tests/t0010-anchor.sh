#!/bin/bash
# The symbol each table entry is relocated against, and the symbol table
# changes that a missing section symbol forces.
source "$(dirname "$0")/lib.sh"

# "OFFSET SYMBOL" for every relocation of every section but the table's.
relocs_by_name() {
	readelf -rW "$1" | awk '
		/^Relocation section/ { sec = $3; skip = (sec ~ /static_call_sites/); next }
		!skip && $1 ~ /^[0-9a-f]+$/ && NF >= 5 { print sec, $1, $3, $5 }'
}

gcc -c "$FIXTURES/anchor-global.S" -o global.o &&
cp global.o global.orig &&
gcc -c "$FIXTURES/anchor-hidden.S" -o hidden.o &&
cp hidden.o hidden.orig || exit 1
sc check global.o 2>check.err
echo $? >check.status
sc check hidden.o 2>hidden.err
echo $? >hidden.status

expect 'fixtures lack section symbols before the check' '
	! readelf -sW global.orig | grep -q " SECTION .* [0-9]* \.text\.first$"
'
expect 'check succeeds silently' '
	[ "$(cat check.status)" = 0 ] && [ ! -s check.err ]
'
expect 'a section symbol is added for each site section' '
	for s in .text.first .text.second .text.grouped; do
		readelf -sW global.o | awk -v s="$s" "\$4 == \"SECTION\" && \$8 == s" | grep -q . || exit 1
	done
'
expect 'the table is relocated against the new section symbols' '
	readelf -rW global.o | sed -n "/static_call_sites/,/^\$/p" >table.txt &&
	grep -q "\.text\.first + 0$" table.txt &&
	grep -q "\.text\.second + 0$" table.txt &&
	grep -q "\.text\.grouped + 0$" table.txt
'
expect 'entries hold the right sites, keys and flags' '
	table_set global.o >got &&
	printf "%s\n" ".text.first+0x0 __SCK__alpha 0" \
		".text.grouped+0x0 __SCK__alpha 0" \
		".text.second+0x0 __SCK__beta 1" | sort >want &&
	diff want got
'
expect 'locals still precede globals (sh_info counts them)' '
	info=$(readelf -SW global.o | sed "s/\[ */[/" | awk "\$2 == \".symtab\" { print \$(NF-1) }") &&
	readelf -sW global.o | awk -v i="$info" "\$1 ~ /^[0-9]+:\$/ { n = \$1 + 0; if ((n < i) != (\$5 == \"LOCAL\")) bad = 1 } END { exit bad }"
'
expect 'every other relocation still names the same symbol' '
	relocs_by_name global.orig >before &&
	relocs_by_name global.o >after &&
	diff before after
'
expect 'the COMDAT group keeps its signature symbol' '
	readelf -gW global.o | grep -q "\[grouped\]"
'
expect 'the result reads without warnings and links' '
	readelf -a global.o >/dev/null 2>warn && [ ! -s warn ] &&
	ld -r -o linked.o global.o && ld.lld -r -o linked2.o global.o &&
	table_set linked.o | grep -q "__SCK__beta 1"
'
expect 'a hidden global anchors the site: the symbol table is untouched' '
	[ "$(cat hidden.status)" = 0 ] &&
	changed_sections hidden.orig hidden.o >changed &&
	echo .shstrtab | diff - changed &&
	readelf -rW hidden.o | grep -q "hid + 1$"
'
done_testing
