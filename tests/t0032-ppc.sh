#!/bin/bash
# The PowerPC backends: ppc64 in both byte orders and both ABIs (ELFv2 LE,
# ELFv2 BE, ELFv1 BE) and ppc32.  Every kind of site (bl, b, bc forms)
# through every relocation a branch may carry, from assembly and from C;
# the table entry by entry, dump and the YAML report; the toc-restore,
# toc-tail and branch-range rules with fixtures that trigger them and ones
# that must not; outputs that readelf, llvm-readelf and ld.lld accept.
# Expected sites come from llvm-objdump's view of the fixture (the opcode
# decoded from its bytes), never from scstool.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

RC=$WORK/reportcheck

# exp_sites OBJ: one line per site llvm-objdump shows, sorted:
# "SECTION+0xOFF KIND TRAMPOLINE MNEMONIC RELOC".  A site is an I-form
# branch (opcode 18, AA=0: bl if LK, else b) relocated by a 24-bit branch
# relocation, or a B-form bc (opcode 16, AA=0, LK=0: cond) relocated by a
# REL14 form, at its own address, against __SCT__<name> with addend 0 (or
# the secure PLT's 0x8000 with R_PPC_PLTREL24).
exp_sites() {
	local be
	be=$(readelf -hW "$1" | gawk '$1 == "Data:" { print /big endian/ ? 1 : 0 }')
	llvm-objdump -dr "$1" | gawk -v be="$be" '
		/^Disassembly of section / { sec = $4; sub(/:$/, "", sec); next }
		/^ *[0-9a-f]+:[ \t]/ {
			split($0, t, "\t"); a = t[1]; sub(/:.*/, "", a); gsub(/ /, "", a)
			addr = strtonum("0x" a); by = t[1]; sub(/^ *[0-9a-f]+: */, "", by)
			nb = split(by, b, " "); w = 0
			for (i = 1; i <= 4; i++) w = w * 256 + strtonum("0x" b[be ? i : 5 - i])
			split(t[2], m, " "); mn = m[1]; next
		}
		$2 ~ /^R_PPC/ {
			off = $1; sub(/:$/, "", off)
			if (strtonum("0x" off) != addr || nb != 4) next
			sym = $3
			if ($2 == "R_PPC_PLTREL24") sub(/\+0x8000$/, "", sym)
			if (sym !~ /^__SCT__[A-Za-z0-9_]+$/) next
			op = int(w / 67108864); lk = w % 2; aa = int(w / 2) % 2
			if (aa) next
			if (op == 18 && $2 ~ /^R_PPC(64)?_(REL24|REL24_NOTOC|PLTREL24|LOCAL24PC)$/)
				k = lk ? "call" : "tail"
			else if (op == 16 && !lk && $2 ~ /^R_PPC(64)?_REL14(_BRTAKEN|_BRNTAKEN)?$/)
				k = "cond"
			else next
			printf "%s+0x%x %s %s %s %s\n", sec, addr, k, sym, mn, $2
		}' | sort
}

source "$TEST_ROOT/tests/arch-helpers.sh"

# sites_where LIST FIELD VALUE: the SECTION+0xOFF of the sites in LIST
# (exp_sites output) whose FIELD (2: kind, 5: relocation) is VALUE.
sites_where() {
	gawk -v f="$2" -v v="$3" '$f == v { print $1 }' "$1" | sort
}

# finding_sites OBJ ERR SEV RULE: where each such finding in ERR is, as
# SECTION+0xOFF: its FUNCTION+0xOFF resolved with OBJ's symbols (readelf).
finding_sites() {
	local obj=$1 err=$2
	findings "$err" "$3" "$4" | sed 's/^[^ ]*: [a-z]*: \([^ ]*\): .*/\1/' |
		while IFS=+ read -r fn off; do
			s=$(fn_site "$obj" "$fn") || return 1
			printf '%s+0x%x\n' "${s%+*}" $((${s#*+} + off))
		done | sort
}

expect "the report validator builds" '
	log=$(cc -Wall -Wextra -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) 2>&1) &&
	[ -z "$log" ] && [ -x "$RC" ] || { echo "$log"; exit 1; }'

# ===================== ppc64: three byte order / ABI variants ==============
for v in le2 be2 be1; do
	case $v in
	le2) T="--target=powerpc64le-linux-gnu" order=little abi=2 slot=24 wrong=40 ;;
	be2) T="--target=powerpc64-linux-gnu -mabi=elfv2" order=big abi=2 slot=24 wrong=40 ;;
	be1) T="--target=powerpc64-linux-gnu -mabi=elfv1" order=big abi=1 slot=40 wrong=24 ;;
	esac
	k=k-$v t=t-$v

	expect "$v: the fixtures build ($T): $order endian, ELFv$abi" '
		build clang ppc64-kinds.S $k.orig $T && build clang ppc64-toc.S $t.orig $T &&
		readelf -hW $k.orig | grep -q "Machine: *PowerPC64" &&
		readelf -hW $k.orig | grep -q "Data: .*$order endian" &&
		readelf -hW $k.orig | grep -Eq "Flags: *0x$abi, abiv$abi" &&
		readelf -hW $t.orig | grep -Eq "Flags: *0x$abi, abiv$abi"'

	exp_sites $k.orig >$k.sites
	expect "$v: llvm-objdump sees every form: REL24 and REL24_NOTOC bl and b, REL14 (3 forms) bc" '
		[ "$(wc -l <$k.sites)" -eq 12 ] &&
		[ "$(gawk "\$2 == \"call\" && \$5 == \"R_PPC64_REL24\"" $k.sites | wc -l)" -eq 3 ] &&
		[ "$(gawk "\$2 == \"call\" && \$5 == \"R_PPC64_REL24_NOTOC\"" $k.sites | wc -l)" -eq 1 ] &&
		[ "$(gawk "\$2 == \"tail\" && \$5 == \"R_PPC64_REL24\"" $k.sites | wc -l)" -eq 1 ] &&
		[ "$(gawk "\$2 == \"tail\" && \$5 == \"R_PPC64_REL24_NOTOC\"" $k.sites | wc -l)" -eq 2 ] &&
		[ "$(gawk "\$2 == \"cond\"" $k.sites | wc -l)" -eq 5 ] &&
		for r in R_PPC64_REL14 R_PPC64_REL14_BRTAKEN R_PPC64_REL14_BRNTAKEN; do
			grep -q " $r\$" $k.sites || exit 1; done || { cat $k.sites; false; }'

	cp $k.orig $k.o
	expect "$v: check: exit 0, only toc-tail and branch-range warnings" '
		scx 0 check $k.o && [ "$(wc -l <err)" -eq 6 ] &&
		findings_n err warning toc-tail 1 && findings_n err warning branch-range 5'

	expect "$v: the table holds every site, entry by entry, with its key and flags" '
		exp_table $k.orig >want && table_set $k.o >got && diff want got'

	expect "$v: the table is sorted; every field an R_PPC64_REL32" '
		table_list $k.o | in_order &&
		readelf -SW $k.o | grep -Eq " \.rela\.static_call_sites +RELA " &&
		n=$(readelf -rW $k.o | gawk "/^Relocation section/ { on = (\$3 ~ /static_call_sites/); next }
			on && \$1 ~ /^[0-9a-f]+\$/ { print \$3 }" | sort | uniq -c | tr -s " ") &&
		[ "$n" = " 24 R_PPC64_REL32" ] || { echo "$n"; false; }'

	expect "$v: code and data bytes are unchanged" '
		changed_sections $k.orig $k.o | grep -E "^\.(text|data)" >changed; [ ! -s changed ] ||
			{ cat changed; false; }'

	expect "$v: dump shows the kind decoded at each entry" '
		scx 0 dump $k.o && head -1 out | grep -q "$k.o: 12 static-call sites" &&
		exp_dump $k.orig | sort >want && dump_lines out >got && diff want got'

	expect "$v: readelf -a and llvm-readelf -a read the output without a word on stderr" '
		readelf -a $k.o >/dev/null 2>rerr && empty rerr &&
		llvm-readelf -a $k.o >/dev/null 2>rerr && empty rerr'

	# ld.lld 14 refuses objects marked ELFv1 (e_flags 1), even with -r;
	# the unmarked ELFv1 object from C below goes through it.
	[ $v != be1 ] &&
	expect "$v: ld.lld -r keeps the table" '
		ld.lld -r -o $k-r.o $k.o 2>lerr && empty lerr && table_set $k-r.o >got &&
		exp_table $k.orig >want && diff want got'

	expect "$v: the YAML report names ppc64, each site with its kind; NULL forms nop, blr, branch-to-blr" '
		scx 0 check -n --format=yaml $k.orig && "$RC" yaml out >$k.flat &&
		grep -qx "files.0.arch=ppc64" $k.flat &&
		ysites $k.flat | gawk "{ print \$1, \$2 }" | sort >got &&
		gawk "{ print \$1, \$2 }" $k.sites | sort >want && diff want got &&
		ysites $k.flat | gawk "{ print \$2, \$3, \$4, \$5 }" | sort -u >got &&
		printf "%s\n" "call nop safe true" "cond branch-to-blr safe true" "tail blr safe true" >want &&
		diff want got'

	# --- toc-tail ---
	expect "$v: toc-tail: only the b with R_PPC64_REL24, not the REL24_NOTOC ones" '
		cp $k.orig x.o && scx 0 check x.o &&
		finding_sites $k.orig err warning toc-tail >got &&
		gawk "\$2 == \"tail\" && \$5 == \"R_PPC64_REL24\" { print \$1 }" $k.sites >want &&
		[ "$(cat want)" = "$(fn_site $k.orig f_tail)" ] && diff want got &&
		! grep -q ": f_tail_notoc+" err && ! grep -q ": z_mixed+.*toc-tail" err'

	expect "$v: toc-tail keeps the site in the table; -W toc-tail=error: exit 1, nothing written" '
		grep -q "^$(fn_site $k.orig f_tail) __SCK__bar 1\$" <(table_set x.o) &&
		cp $k.orig y.o && cp $k.orig y.orig && scx 1 check -W toc-tail=error y.o &&
		findings_n err error toc-tail 1 && same y.orig y.o && no_temp'

	# --- branch-range ---
	expect "$v: branch-range: one warning per bc site (+-32 KiB), none for bl or b" '
		cp $k.orig x.o && scx 0 check x.o &&
		finding_sites $k.orig err warning branch-range >got &&
		sites_where $k.sites 2 cond >want && diff want got &&
		[ "$(findings err warning branch-range | grep -c "reaches only +-32 KiB")" -eq 5 ]'

	expect "$v: -W branch-range=off: the bc sites still go in the table" '
		cp $k.orig x.o && scx 0 check -W branch-range=off x.o && findings_n err warning toc-tail 1 &&
		[ "$(wc -l <err)" -eq 1 ] && exp_table $k.orig >want && table_set x.o >got && diff want got'

	# --- toc-restore ---
	cp $t.orig $t.o
	expect "$v: toc-restore: bl; addi, bl; ld r3, a bl ending its section, bl; ld r2,$wrong(r1): 4 errors, exit 1" '
		scx 1 check $t.o && findings_n err error toc-restore 4 && [ "$(wc -l <err)" -eq 4 ] &&
		for f in addi ldr3 last ld$wrong; do
			findings err error toc-restore | grep -q ": $f+0x0: " || { echo "no $f"; exit 1; }
		done && same $t.orig $t.o && no_temp'

	expect "$v: toc-restore names the ELFv$abi slot, ld r2,$slot(r1)" '
		[ "$(findings err error toc-restore | grep -c "(nop or ld r2,$slot(r1))")" -eq 4 ]'

	expect "$v: bl; nop, bl; ld r2,$slot(r1) and REL24_NOTOC bl; addi pass" '
		for f in good ld$slot notoc; do
			! grep -q ": $f+" err || { echo "$f flagged"; exit 1; }
		done'

	expect "$v: -W toc-restore=warning: exit 0, but those sites stay out of the table" '
		scx 0 check -W toc-restore=warning $t.o && findings_n err warning toc-restore 4 &&
		for f in good ld$slot notoc; do echo "$(fn_site $t.orig $f) __SCK__foo 0"; done | sort >want &&
		table_set $t.o >got && diff want got'

	expect "$v: -W toc-restore=off: silent, and still out of the table" '
		cp $t.orig $t.o && scx 0 check -W toc-restore=off $t.o && empty err &&
		table_set $t.o >got && diff want got'

	expect "$v: the report: the four flagged sites are not in the table" '
		scx 1 check -n --format=yaml $t.orig && "$RC" yaml out >$t.flat &&
		ysites $t.flat | gawk "\$5 == \"false\" { print \$1 }" | sort >got &&
		for f in addi ldr3 last ld$wrong; do fn_site $t.orig $f; done | sort >want &&
		diff want got'
done

# Linking: ld.lld 14 has no REL14_BRTAKEN/BRNTAKEN and no ELFv1, so the
# link uses the fixture without those two branches, on ELFv2 only.
for v in le2 be2; do
	case $v in
	le2) T="--target=powerpc64le-linux-gnu" ;;
	be2) T="--target=powerpc64-linux-gnu -mabi=elfv2" ;;
	esac
	expect "$v: linked by ld.lld, each entry points at its branch and its key" '
		build clang ppc64-kinds.S l-$v.orig $T -DNO_HINTS && build clang stubs-any.c st-$v.o $T &&
		cp l-$v.orig l-$v.o && scx 0 check l-$v.o &&
		ld.lld -o l-$v.exe l-$v.o st-$v.o 2>lerr && empty lerr &&
		linked_sites l-$v.exe >got && exp_linked l-$v.orig >want &&
		[ "$(wc -l <want)" -eq 10 ] && diff want got'
done

# e_flags 0 (no .abiversion): big-endian means ELFv1, little-endian ELFv2.
expect "without .abiversion, BE takes ELFv1's slot and LE ELFv2's" '
	printf "\t.text\nf:\n\tbl __SCT__foo\n\tld 2, 40(1)\n\tblr\ng:\n\tbl __SCT__foo\n\tld 2, 24(1)\n\tblr\n\t.data\n\t.globl __SCK__foo\n__SCK__foo:\n\t.quad 0\n" >noabi.s &&
	clang --target=powerpc64-linux-gnu -c noabi.s -o noabi-be.o &&
	clang --target=powerpc64le-linux-gnu -c noabi.s -o noabi-le.o &&
	readelf -hW noabi-be.o | grep -Eq "Flags: *0x0\$" &&
	scx 1 check -n noabi-be.o && findings_n err error toc-restore 1 && grep -q "(nop or ld r2,40(r1))" err &&
	scx 1 check -n noabi-le.o && findings_n err error toc-restore 1 && grep -q "(nop or ld r2,24(r1))" err'

# --- ppc64 from C ---
for c in le2 le2p10 be2 be1; do
	case $c in
	le2) T="--target=powerpc64le-linux-gnu" ;;
	be2) T="--target=powerpc64-linux-gnu -mabi=elfv2" ;;
	le2p10) T="--target=powerpc64le-linux-gnu -mcpu=pwr10" ;;
	be1) T="--target=powerpc64-linux-gnu -mabi=elfv1" ;;
	esac
	expect "kinds.c ($T): exit 0, the right table, dump agrees" '
		build clang kinds.c c-$c.orig $T && cp c-$c.orig c-$c.o &&
		exp_table c-$c.orig >want && [ "$(wc -l <want)" -ge 5 ] &&
		scx 0 check c-$c.o && table_set c-$c.o >got && diff want got &&
		scx 0 dump c-$c.o && exp_dump c-$c.orig | sort >want && dump_lines out >got && diff want got'
done

expect "kinds.c with -mcpu=pwr10: all sites are REL24_NOTOC, no TOC finding even with -v" '
	[ "$(gawk "\$5 != \"R_PPC64_REL24_NOTOC\"" <(exp_sites c-le2p10.orig) | wc -l)" -eq 0 ] &&
	cp c-le2p10.orig x.o && scx 0 check -v x.o && ! grep -q "\[toc-" err'

expect "kinds.c ELFv1 (.opd): ld.lld -r keeps the table" '
	ld.lld -r -o c-be1-r.o c-be1.o 2>lerr && empty lerr &&
	exp_table c-be1.orig >want && table_set c-be1-r.o >got && diff want got'

# --- bc forms that decrement CTR ---
# bdnz and bdz are bc forms with the same REL14 relocation as beq, at an
# instruction boundary: cond sites, not misplaced branches.
for v in ppc64 ppc32; do
	case $v in
	ppc64) T="--target=powerpc64le-linux-gnu" ;;
	ppc32) T="--target=powerpc-linux-gnu" ;;
	esac
	expect "$v: bdnz and bdz to a trampoline are cond sites, not [not-on-boundary]" '
		build clang ppc-bcforms.S bc-$v.orig $T && cp bc-$v.orig bc-$v.o &&
		exp_sites bc-$v.orig >want && [ "$(grep -c " cond " want)" -eq 3 ] &&
		sc check bc-$v.o >out 2>err; s=$?;
		! grep -q "\[not-on-boundary\]" err && [ $s -eq 0 ] &&
		exp_table bc-$v.orig >want && table_set bc-$v.o >got && diff want got ||
		{ echo "exit $s"; cat err; false; }'
done

# ============================== ppc32 ===================================
T="--target=powerpc-linux-gnu"
expect "ppc32: the fixtures build ($T): ELF32, big endian" '
	build clang ppc32-kinds.S p.orig $T && build clang ppc32-rules.S pr.orig $T &&
	build clang ppc32-kinds.S pl.orig $T -DNO_HINTS && build clang stubs-any.c st32.o $T &&
	build clang kinds.c pc.orig $T && build clang kinds.c pcs.orig $T -fPIC -msecure-plt &&
	readelf -hW p.orig | grep -q "Class: *ELF32" &&
	readelf -hW p.orig | grep -q "Machine: *PowerPC\$" &&
	readelf -hW p.orig | grep -q "Data: .*big endian"'

exp_sites p.orig >p.sites
expect "ppc32: llvm-objdump sees REL24, PLTREL24 (+0 and +0x8000), LOCAL24PC and the REL14 forms" '
	[ "$(wc -l <p.sites)" -eq 13 ] &&
	for r in R_PPC_REL24 R_PPC_PLTREL24 R_PPC_LOCAL24PC R_PPC_REL14 R_PPC_REL14_BRTAKEN R_PPC_REL14_BRNTAKEN; do
		grep -q " $r\$" p.sites || { echo "no $r"; exit 1; }; done &&
	readelf -rW p.orig | grep -q "R_PPC_PLTREL24 .* __SCT__foo + 8000" &&
	readelf -rW p.orig | grep -q "R_PPC_PLTREL24 .* __SCT__bar + 0" &&
	[ "$(grep -c " call " p.sites)" -eq 5 ] && [ "$(grep -c " tail " p.sites)" -eq 3 ] &&
	[ "$(grep -c " cond " p.sites)" -eq 5 ] || { cat p.sites; false; }'

cp p.orig p.o
expect "ppc32: check: exit 0, only branch-range warnings (no TOC rules on ppc32)" '
	scx 0 check p.o && [ "$(wc -l <err)" -eq 5 ] && findings_n err warning branch-range 5 &&
	! grep -q "toc-" err'

expect "ppc32: the table holds every site, entry by entry, with its key and flags" '
	exp_table p.orig >want && table_set p.o >got && diff want got'

expect "ppc32: the table is sorted; every field an R_PPC_REL32" '
	table_list p.o | in_order &&
	n=$(readelf -rW p.o | gawk "/^Relocation section/ { on = (\$3 ~ /static_call_sites/); next }
		on && \$1 ~ /^[0-9a-f]+\$/ { print \$3 }" | sort | uniq -c | tr -s " ") &&
	[ "$n" = " 26 R_PPC_REL32" ] || { echo "$n"; false; }'

expect "ppc32: branch-range: one warning per bc site, none for bl or b" '
	finding_sites p.orig err warning branch-range >got &&
	sites_where p.sites 2 cond >want && diff want got &&
	[ "$(findings err warning branch-range | grep -c "reaches only +-32 KiB")" -eq 5 ]'

expect "ppc32: code and data bytes are unchanged" '
	changed_sections p.orig p.o | grep -E "^\.(text|data)" >changed; [ ! -s changed ] ||
		{ cat changed; false; }'

expect "ppc32: dump shows the kind decoded at each entry" '
	scx 0 dump p.o && head -1 out | grep -q "p.o: 13 static-call sites" &&
	exp_dump p.orig | sort >want && dump_lines out >got && diff want got'

expect "ppc32: readelf -a and llvm-readelf -a read the output without a word on stderr" '
	readelf -a p.o >/dev/null 2>rerr && empty rerr &&
	llvm-readelf -a p.o >/dev/null 2>rerr && empty rerr'

expect "ppc32: ld.lld -r keeps the table" '
	ld.lld -r -o p-r.o p.o 2>lerr && empty lerr && table_set p-r.o >got &&
	exp_table p.orig >want && diff want got'

expect "ppc32: linked by ld.lld, each entry points at its branch and its key" '
	cp pl.orig pl.o && scx 0 check pl.o && ld.lld -o pl.exe pl.o st32.o 2>lerr && empty lerr &&
	linked_sites pl.exe >got && exp_linked pl.orig >want && [ "$(wc -l <want)" -eq 11 ] &&
	diff want got'

expect "ppc32: the YAML report names ppc32; NULL forms nop, blr, branch-to-blr" '
	scx 0 check -n --format=yaml p.orig && "$RC" yaml out >p.flat &&
	grep -qx "files.0.arch=ppc32" p.flat &&
	ysites p.flat | gawk "{ print \$1, \$2 }" | sort >got &&
	gawk "{ print \$1, \$2 }" p.sites | sort >want && diff want got &&
	ysites p.flat | gawk "{ print \$2, \$3, \$4, \$5 }" | sort -u >got &&
	printf "%s\n" "call nop safe true" "cond branch-to-blr safe true" "tail blr safe true" >want &&
	diff want got'

expect "ppc32: lis/addi of a trampoline and a data pointer are no sites (-v: not-a-branch)" '
	cp p.orig x.o && scx 0 check -v $QUIET_NOTES -W branch-range=off x.o &&
	findings_n err note not-a-branch 3 && [ "$(wc -l <err)" -eq 3 ] &&
	[ "$(findings err note not-a-branch | grep -c ": f_addr+0x")" -eq 2 ]'

cp pr.orig pr.o
expect "ppc32: bl __SCT__foo+4 and PLTREL24 +0x4000: two [bad-addend], exit 1, nothing written" '
	scx 1 check pr.o && findings_n err error bad-addend 2 && [ "$(wc -l <err)" -eq 2 ] &&
	grep -q ": plus4+0x0: .*(addend 4, expected 0)" err &&
	grep -q ": plt4000+0x0: .*(addend 16384, expected 0)" err &&
	same pr.orig pr.o && no_temp'

expect "ppc32: -W bad-addend=warning: only the good bl is in the table" '
	scx 0 check -W bad-addend=warning pr.o &&
	[ "$(table_set pr.o)" = "$(fn_site pr.orig good) __SCK__foo 0" ]'

for c in pc pcs; do
	expect "ppc32: kinds.c ($([ $c = pcs ] && echo "-fPIC -msecure-plt, PLTREL24+0x8000" || echo "no PIC")): the right table, dump agrees" '
		cp $c.orig $c.o && exp_table $c.orig >want && [ "$(wc -l <want)" -ge 5 ] &&
		{ [ $c = pc ] || readelf -rW $c.orig | grep -q "R_PPC_PLTREL24 .* __SCT__foo + 8000"; } &&
		scx 0 check $c.o && table_set $c.o >got && diff want got &&
		scx 0 dump $c.o && exp_dump $c.orig | sort >want && dump_lines out >got && diff want got'
done

done_testing
