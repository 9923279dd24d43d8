#!/bin/bash
# dump and verify on linked files of the other four architectures: i386,
# arm64, ppc64 (ELFv2, little- and big-endian) and ppc32, built with clang
# and linked with ld.lld at test time from objects that `scstool check`
# gave tables.  dump lists the objects' sites at their final addresses;
# verify passes, and fails with the right rule on a table dropped by
# --gc-sections, a site whose word was changed after linking, an entry
# moved off an instruction boundary and an entry whose key is another's.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# The branch forms ld.lld 14 cannot link (ppc's REL14_BRTAKEN/BRNTAKEN)
# are left out of the assembly fixtures with -DNO_HINTS.
ARCHES="i386 arm64 ppc64le ppc64be ppc32"
target() {
	case $1 in
	i386) echo "--target=i386-linux-gnu" ;;
	arm64) echo "--target=aarch64-linux-gnu" ;;
	ppc64le) echo "--target=powerpc64le-linux-gnu" ;;
	ppc64be) echo "--target=powerpc64-linux-gnu -mabi=elfv2" ;;
	ppc32) echo "--target=powerpc-linux-gnu" ;;
	esac
}
source_of() {
	case $1 in
	i386) echo i386-kinds.S ;;
	arm64) echo arm64-kinds.S ;;
	ppc64*) echo ppc64-kinds.S ;;
	ppc32) echo ppc32-kinds.S ;;
	esac
}

# be FILE: the file is big-endian.
be() {
	readelf -hW "$1" | grep -q "big endian"
}

# rword FILE OFF: the signed 32-bit word at file offset OFF, in the file's
# byte order.
rword() {
	local b v
	b=$(od -An -t u1 -j "$2" -N 4 "$1")
	set -- "$1" $b
	if be "$1"; then v=$(( ($2 << 24) | ($3 << 16) | ($4 << 8) | $5 ))
	else v=$(( ($5 << 24) | ($4 << 16) | ($3 << 8) | $2 )); fi
	echo $(( v >= 2147483648 ? v - 4294967296 : v ))
}

# wword FILE OFF VALUE: writes VALUE as a 32-bit word in the file's order.
wword() {
	local f=$1 off=$2 v=$3
	if be "$f"; then
		poke "$f" "$off" $(printf '%02x %02x %02x %02x' $(((v >> 24) & 255)) \
			$(((v >> 16) & 255)) $(((v >> 8) & 255)) $((v & 255)))
	else
		poke "$f" "$off" $(le "$v" 4)
	fi
}

# secinfo FILE NAME: "ADDR OFFSET SIZE" of section NAME, in decimal.
secinfo() {
	readelf -SW "$1" | sed 's/\[ */[/' |
		gawk -v n="$2" '$2 == n { print strtonum("0x" $4), strtonum("0x" $5), strtonum("0x" $6) }'
}

# site_off FILE I: the file offset of entry I's site (in .text).
site_off() {
	local ta to ts xa xo xs w
	read ta to ts <<<"$(secinfo "$1" .static_call_sites)"
	read xa xo xs <<<"$(secinfo "$1" .text)"
	w=$(rword "$1" $((to + 8 * $2)))
	echo $(( (ta + 8 * $2 + w) - xa + xo ))
}

# mapped OBJ EXE: OBJ's dump entries at EXE's addresses (by nm), sorted.
mapped() {
	{ nm "$2" | gawk 'NF == 3 { print "N", $1, $3 }'
	  "$SCSTOOL" dump "$1" | gawk 'NR > 1 { print "W", $2, $3, $4, $5 }'; } |
		gawk '$1 == "N" { a[$3] = strtonum("0x" $2); next }
		      { split($2, p, "+"); if (!(p[1] in a)) { print "no symbol " p[1]; next }
			printf "0x%x %s %s %s %s\n", a[p[1]] + strtonum(p[2]), $2, $3, $4, $5 }' |
		sort
}

for a in $ARCHES; do
	T=$(target $a)
	expect "$a: the fixtures build, check gives them a table, ld.lld links them" '
		build clang '"$(source_of $a)"' '$a'.o '"$T"' -DNO_HINTS &&
		build clang stubs-any.c '$a'-stubs.o '"$T"' &&
		scx 0 check -W branch-range=off -W toc-tail=off '$a'.o && has_table '$a'.o &&
		ld.lld -o '$a'.exe '$a'.o '$a'-stubs.o 2>lerr && empty lerr'

	n=$("$SCSTOOL" dump $a.o 2>/dev/null | tail -n +2 | wc -l)

	expect "$a: dump lists the object's $n sites at their final addresses" '
		[ '$n' -ge 9 ] && scx 0 dump '$a'.exe &&
		head -1 out | grep -qx "'$a'.exe: '$n' static-call sites (section .static_call_sites)" &&
		mapped '$a'.o '$a'.exe >want && gawk "NR > 1 { print \$1, \$2, \$3, \$4, \$5 }" out | sort >got &&
		diff want got'

	expect "$a: verify passes, every entry checked, nothing outside the table" '
		scx 0 verify --stats '$a'.exe && empty err &&
		grep -q "^'$a'.exe: '$n' entries checked (section .static_call_sites); .*; 0 sites outside the table\$" out'

	expect "$a: --gc-sections drops the table: missing-table, and all $n branches found by the sweep" '
		ld.lld --gc-sections $(nm '$a'.o | gawk "\$2 == \"T\" { printf \" -u %s\", \$3 }") \
			-o '$a'-gc.exe '$a'.o '$a'-stubs.o 2>lerr && empty lerr && ! has_table '$a'-gc.exe &&
		scx 1 verify --stats '$a'-gc.exe && findings_n err error missing-table 1 &&
		grep -q "; '$n' sites outside the table" out'

	expect "$a: a site changed after linking: bad-site" '
		cp '$a'.exe '$a'-bad.exe && o=$(site_off '$a'.exe 0) &&
		case '$a' in i386) poke '$a'-bad.exe $o 90 90 90 90 90 ;; *) poke '$a'-bad.exe $o 00 00 00 00 ;; esac &&
		scx 1 verify '$a'-bad.exe && findings_n err error bad-site 1 &&
		grep -q "table entry 0 (" err'

	expect "$a: an entry moved off an instruction boundary: not-on-boundary" '
		cp '$a'.exe '$a'-mv.exe && to=$(secinfo '$a'.exe .static_call_sites | cut -d" " -f2) &&
		wword '$a'-mv.exe $to $(( $(rword '$a'.exe $to) + 2 )) &&
		scx 1 verify '$a'-mv.exe && findings_n err error not-on-boundary 1 &&
		grep -q "table entry 0 points inside" err'

	expect "$a: an entry whose key is another trampoline's: wrong-target" '
		cp '$a'.exe '$a'-key.exe && to=$(secinfo '$a'.exe .static_call_sites | cut -d" " -f2) &&
		k0=$(( 4 + $(rword '$a'.exe $((to + 4))) )) &&
		for ((i = 1; i < '$n'; i++)); do
			k=$(( 8 * i + 4 + $(rword '$a'.exe $((to + 8 * i + 4))) ))
			[ $((k & ~3)) -ne $((k0 & ~3)) ] && break
		done &&
		wword '$a'-key.exe $((to + 4)) $(( (k & ~3) - 4 + (k0 & 3) )) &&
		scx 1 verify '$a'-key.exe && findings_n err error wrong-target 1'
done

# ppc64 ELFv2: a trampoline that sets up the TOC has a local entry point
# after that setup, and the linker points same-module calls there.
T=$(target ppc64le)
expect "ppc64le: calls that enter trampolines at their local entry point pass verify" '
	build clang kinds.c toc.o '"$T"' && build clang stubs-toc.c stubs-toc.o '"$T"' &&
	scx 0 check -W branch-range=off -W toc-tail=off toc.o &&
	ld.lld -o toc.exe toc.o stubs-toc.o 2>lerr && empty lerr &&
	a=$(nm toc.exe | gawk "\$3 == \"__SCT__foo\" { print \$1 }" | sed "s/^0*//") &&
	llvm-objdump -d toc.exe | grep -q "bl 0x$(printf %x $((0x$a + 8)))" &&
	scx 0 verify --stats toc.exe && empty err &&
	grep -q "; 0 sites outside the table\$" out'

expect "ppc64le: control: such a call to another entry's trampoline is still wrong-target" '
	cp toc.exe toc-key.exe && to=$(secinfo toc.exe .static_call_sites | cut -d" " -f2) &&
	n=$(("$(secinfo toc.exe .static_call_sites | cut -d" " -f3)" / 8)) &&
	k0=$(( 4 + $(rword toc.exe $((to + 4))) )) &&
	for ((i = 1; i < n; i++)); do
		k=$(( 8 * i + 4 + $(rword toc.exe $((to + 8 * i + 4))) ))
		[ $((k & ~3)) -ne $((k0 & ~3)) ] && break
	done &&
	wword toc-key.exe $((to + 4)) $(( (k & ~3) - 4 + (k0 & 3) )) &&
	scx 1 verify toc-key.exe && findings_n err error wrong-target 1'

# libscs's trampolines, in each architecture's own shape, which names the
# key: a stripped program (no symbol for its hidden keys and trampolines)
# is still checked branch by branch.
for a in $ARCHES; do
	T=$(target $a)
	expect "$a: a libscs program: verify passes, and stripped, by the trampolines' code" '
		build clang scs-arch.c scs-'$a'.o '"$T"' -I"$TEST_ROOT/runtime/include" &&
		scx 0 check scs-'$a'.o &&
		ld.lld -T "$TEST_ROOT/runtime/scs.ld" -e _start -o scs-'$a'.exe scs-'$a'.o 2>lerr &&
		empty lerr && scx 0 verify scs-'$a'.exe && empty err &&
		llvm-strip -o scs-'$a'-s.exe scs-'$a'.exe && ! nm scs-'$a'-s.exe 2>/dev/null | grep -q __SCT__ &&
		scx 0 verify --stats scs-'$a'-s.exe && empty err &&
		grep -q "^scs-'$a'-s.exe: 2 entries checked" out'

	expect "$a: stripped, an entry given the other call's key: wrong-target, by the key the code reads" '
		cp scs-'$a'-s.exe scs-'$a'-k.exe && to=$(secinfo scs-'$a'-k.exe .static_call_sites | cut -d" " -f2) &&
		k1=$(( 12 + $(rword scs-'$a'-s.exe $((to + 12))) )) &&
		wword scs-'$a'-k.exe $((to + 4)) $(( k1 - 4 )) &&
		scx 1 verify scs-'$a'-k.exe && findings_n err error wrong-target 1 &&
		grep -q "branches to a trampoline whose code reads the key at 0x[0-9a-f]*, not the entry.s key" err'
done

expect "the cond sites of every architecture are in the linked tables" '
	for a in '"$ARCHES"'; do
		"$SCSTOOL" dump $a.exe | gawk "NR > 1 { print \$3 }" | grep -qx cond ||
			{ echo "$a: no cond site"; exit 1; }
	done'

done_testing
