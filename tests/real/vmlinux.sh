#!/bin/bash
# make check-vmlinux: dump and verify on Debian's real vmlinux (6.12, from
# linux-image-6.12.*-amd64-dbg, cached by tests/real/vmlinux-fetch.sh).
# Its static-call table, written by the kernel build's objtool, lies
# inside .data between __start_static_call_sites and
# __stop_static_call_sites.  Opt-in (not in make check): the download is
# about 1 GB.  A missing reference fails the test: never a skip.
source "$(dirname "$0")/../lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/real/vmlinux-fetch.sh"

if ! vmlinux_fetch; then
	expect "the reference vmlinux can be had (see FETCH FAILED above)" 'false'
	done_testing
	exit 1
fi
V=$VMLINUX
echo "# vmlinux: Debian linux $VMLINUX_VERSION, $V"

# sym V NAME: NAME's address, in hex without 0x.
sym() {
	nm "$1" | gawk -v n="$2" '$3 == n { print $1; exit }'
}

# The table decoded without scstool: the words between the two symbols
# (found in .data's bytes through readelf's offsets), each site and key
# resolved PC-relative with 64-bit arithmetic (gawk -M), one
# "0xSITE 0xKEY FLAGS" line per entry, in table order.
independent_table() {
	local start stop data
	start=$(sym "$V" __start_static_call_sites)
	stop=$(sym "$V" __stop_static_call_sites)
	data=$(readelf -SW "$V" | sed 's/\[ */[/' | gawk '$2 == ".data" { print $4, $5 }')
	read -r da do <<<"$data"
	od -An -v -t d4 -j $((0x$start - 0x$da + 0x$do)) -N $((0x$stop - 0x$start)) "$V" |
		tr -s ' ' '\n' | grep . |
		gawk -M -v base="$start" 'BEGIN { b = strtonum("0x" base) }
			NR % 2 { s = b + 8 * int((NR - 1) / 2) + $1; next }
			{ k = b + 8 * int((NR - 1) / 2) + 4 + $1
			  printf "0x%x 0x%x %d\n", s, k - k % 4, k % 4 }'
}

expect "the reference is an x86-64 vmlinux with its table between the start and stop symbols" '
	readelf -hW "$V" | grep -q "Machine: *Advanced Micro Devices X86-64" &&
	[ -n "$(sym "$V" __start_static_call_sites)" ] && [ -n "$(sym "$V" __stop_static_call_sites)" ] &&
	! readelf -SW "$V" | grep -q " \.static_call_sites "'

independent_table >table.ind
N=$(wc -l <table.ind)
echo "# vmlinux: objtool's table has $N entries"

expect "dump finds the table by the symbols and lists all $N entries" '
	[ "$N" -gt 1000 ] && scx 0 dump "$V" && empty err &&
	head -1 out | grep -q ": $N static-call sites (symbols __start_static_call_sites and __stop_static_call_sites)\$"'

expect "dump lists every entry of objtool's table, at the address it resolves to" '
	gawk "NR > 1 { print \$1 }" out | sort >got &&
	gawk "{ print \$1 }" table.ind | sort >want && diff want got'

expect "each entry's key and flags are the table's: a key symbol at the key's address" '
	nm "$V" | gawk "\$3 ~ /^__SCK__/ { printf \"0x%s %s\n\", gensub(/^0+/, \"\", 1, \$1), \$3 }" >keys &&
	gawk "NR == FNR { k[\$1] = \$2; next } { print \$1, k[\$2], \$3 % 2 ? \"tail\" : \"-\" }" keys table.ind | sort >want &&
	gawk "NR > 1 { print \$1, \$4, \$5 }" out | sort >got && diff want got'

# objdump's view of every site: the mnemonic and the symbol it branches to.
# "0xADDR MNEMONIC TARGET SECTION" for every instruction.
objdump -dw --no-show-raw-insn "$V" 2>/dev/null |
	gawk -F'\t' '/^Disassembly of section / { sec = $0; sub(/^Disassembly of section /, "", sec); sub(/:$/, "", sec) }
		/^ *[0-9a-f]+:\t/ { a = $1; gsub(/[ :]/, "", a); sub(/^0+/, "", a)
		split($2, m, " "); t = "-"; if (match($2, /<[^>]*>/)) t = substr($2, RSTART + 1, RLENGTH - 2)
		print "0x" a, m[1], t, sec }' >insns
gawk 'NR == FNR { want[$1] = 1; next } $1 in want' table.ind insns >sites.objdump

expect "objdump agrees: each entry is a call, jmp or Jcc to __SCT__ of its key" '
	[ "$(wc -l <sites.objdump)" -eq "$N" ] &&
	gawk "NR == FNR { k[\$1] = \$4; next }
		{ t = \$3; sub(/^__SCT__/, \"__SCK__\", t)
		  if (t != k[\$1] || \$2 !~ /^(call|jmp|j[a-z]+)\$/) { print; bad = 1 } }
		END { exit bad }" <(gawk "NR > 1" out) sites.objdump'

expect "verify finishes (a generous bound; its speed is in make bench)" '
	timeout 300 "$SCSTOOL" verify --stats "$V" >summary 2>err;
	s=$?; [ $s -le 1 ] || { echo "exit $s"; cat err; false; }'

expect "verify reports no entry that is not a branch to its key's trampoline" '
	! grep -E "\[(bad-site|wrong-target|bad-key|not-on-boundary|prefixed-branch|undecodable|duplicate-entry)\]\$" err'

expect "verify passes: exit 0, no error or warning" '
	timeout 300 "$SCSTOOL" verify "$V" >/dev/null 2>err2 && empty err2'

expect "verify checked all $N entries" '
	grep -q "^$V: $N entries checked (symbols __start_static_call_sites and __stop_static_call_sites);" summary'

# objdump, independently: every direct call, jmp or Jcc whose target is a
# __SCT__ symbol, outside .altinstr_replacement, is an entry or one of the
# sites verify found outside the table.
gawk '$4 != ".altinstr_replacement" && $3 ~ /^__SCT__[A-Za-z0-9_]+$/ && $2 ~ /^(call|jmp|j[a-z]+)$/' \
	insns >branches.objdump
expect "objdump's direct branches to trampolines = the entries + the sites outside the table" '
	out_n=$(sed -n "s/.*; \([0-9]*\) sites outside the table.*/\1/p" summary) &&
	[ -n "$out_n" ] && [ "$(wc -l <branches.objdump)" -eq $((N + out_n)) ] ||
		{ echo "objdump $(wc -l <branches.objdump), entries $N, outside ${out_n:-?}"; false; }'
echo "# vmlinux: objdump: $(wc -l <branches.objdump) direct branches to trampolines ($(gawk '{ print $2 }' branches.objdump | sort | uniq -c | tr -s ' ' | tr '\n' ','));" \
	"$(gawk '$3 ~ /^__SCT__/ && $4 == ".altinstr_replacement"' insns | wc -l) in .altinstr_replacement"

expect "its YAML report validates" '
	cc -Wall -Wextra -o rc "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) &&
	timeout 300 "$SCSTOOL" verify --format=yaml --report vmlinux.yaml "$V" &&
	./rc yaml vmlinux.yaml >flat &&
	[ "$(grep -c "sites\.[0-9]*\.in_table=true" flat)" -eq "$N" ]'

# What the summary says, for the record (the lead's closing note explains
# the sites outside the table, if any).
echo "# vmlinux: verify --stats:"
sed "s|^$V|#   vmlinux|" summary | head -1
sed "s|^$V|#   vmlinux|" summary | sed -n 2p | cut -c1-100
echo "# vmlinux: sites outside the table, by kind and function:"
gawk -F= '/sites\.[0-9]+\.function=/ { f = $2 } /sites\.[0-9]+\.kind=/ { k = $2 }
	/sites\.[0-9]+\.in_table=false/ { print "#   " k " in " f }' flat | sort | uniq -c | head -40
echo "# vmlinux: findings by rule: $(grep -o "findings\.[0-9]*\.rule=.*" flat | cut -d= -f2 | sort | uniq -c | tr -s ' ' | tr '\n' ',')"

# --- stripped, with a System.map ---
nm -n "$V" >System.map
expect "stripped, with --system-map System.map: dump lists the same entries" '
	strip -o vmlinux.stripped "$V" && ! readelf -SW vmlinux.stripped | grep -q "\.symtab" &&
	scx 0 dump --system-map System.map vmlinux.stripped &&
	gawk "NR > 1 { print \$1, \$4, \$5 }" out | sort >got &&
	"$SCSTOOL" dump "$V" | gawk "NR > 1 { print \$1, \$4, \$5 }" | sort >want && diff want got'

expect "stripped, with --system-map: verify passes and checks all $N entries" '
	timeout 300 "$SCSTOOL" verify --stats --system-map System.map vmlinux.stripped >summary2 2>err &&
	empty err && grep -q "^vmlinux.stripped: $N entries checked" summary2'

done_testing
