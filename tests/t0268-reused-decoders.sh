#!/bin/bash
# A many-file run keeps one Capstone decoder per (architecture, mode) in
# each worker thread and reuses it from file to file (decode/decode.h,
# struct sc_decoders).  What that must not change: every file's output
# bytes, messages and exit status are those of a run on that file alone,
# with x86-64, i386, arm64 (both byte orders), ppc64 (both) and ppc32
# objects mixed in one call, an unreadable file among them, at -j1 and
# -j2, for check (the written objects, the messages) and for lint's JSON
# report (each site's decoded instruction).  And the reuse is real: a -j1
# run opens each mode's handle once.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# name:compiler:fixture:flags, in the order of the many-file run: each
# mode comes back after others have been used.
specs=(
	x64k:gcc:kinds.c:
	i386k:clang:i386-kinds.S:--target=i386-linux-gnu
	a64k:clang:arm64-kinds.S:--target=aarch64-linux-gnu
	x64c:gcc:cond.S:
	p64le:clang:ppc64-kinds.S:--target=powerpc64le-linux-gnu
	p32k:clang:ppc32-kinds.S:--target=powerpc-linux-gnu
	i386c:clang:kinds.c:--target=i386-linux-gnu
	a64be:clang:arm64-kinds.S:--target=aarch64_be-linux-gnu
	p64be:clang:ppc64-kinds.S:"--target=powerpc64-linux-gnu -mabi=elfv2"
	x64r:gcc:resolved.c:-fno-function-sections
	a64c:clang:kinds.c:--target=aarch64-linux-gnu
	p64c:clang:kinds.c:--target=powerpc64le-linux-gnu
	a64r:clang:resolved-fixed.S:--target=aarch64-linux-gnu
)
names=()
built=0
for s in "${specs[@]}"; do
	IFS=: read -r n cc src flags <<<"$s"
	# shellcheck disable=SC2086
	build "$cc" "$src" "$n.orig" $flags && built=$((built + 1))
	names+=("$n.o")
done
# Not an object: its failure sits between two files that decode.
printf 'not an ELF object\n' >bad.orig
names=("${names[@]:0:6}" bad.o "${names[@]:6}")
# x86-64, i386, arm64, ppc64 LE and BE, ppc32: arm64 code is
# little-endian in both byte orders (arch/arm64), so 7 kinds of object
# need 6 Capstone modes.
KINDS=7 MODES=6

expect "the ${#specs[@]} fixtures build, $KINDS machines and byte orders" '
	[ "$built" -eq "${#specs[@]}" ] &&
	[ "$(for n in "${names[@]}"; do [ -s "${n%.o}.orig" ] &&
		readelf -hW "${n%.o}.orig" 2>/dev/null |
		gawk "/Machine:|Data:/ { printf \"%s \", \$0 } END { print \"\" }"
		done | sort -u | grep -c .)" -eq "$KINDS" ]'

# One call per file: the reference, in its own folder.
mkdir one
for n in "${names[@]}"; do
	cp "${n%.o}.orig" "one/$n"
	(cd one && sc check -v "$n" >"$n.out" 2>"$n.err"; echo $? >"$n.status")
done

# x64r.o and a64r.o: branches the assembler resolved, found by decoding
# (a sweep on x86, each word with Capstone on arm64).
expect "alone, bad.o gets one error (exit 2), x64r.o and a64r.o resolved-branch, the others a table" '
	[ "$(cat one/bad.o.status)" -eq 2 ] &&
	[ "$(grep -c . one/bad.o.err)" -eq 1 ] &&
	grep -q "\[resolved-branch\]" one/x64r.o.err &&
	grep -q "4-byte \`bl #0\` to __SCT__loc has no relocation" one/a64r.o.err &&
	for n in "${names[@]}"; do case $n in bad.o|?64r.o) continue ;; esac
		[ "$(cat one/$n.status)" -eq 0 ] &&
		readelf -SW one/$n | grep -q "\.static_call_sites" || exit 1; done'

# lint's JSON report, one file at a time: each file's record, one line.
mkdir lint
for n in "${names[@]}"; do cp "${n%.o}.orig" "lint/$n"; done
(cd lint && for n in "${names[@]}"; do
	sc lint -v --format json "$n" 2>/dev/null | jq -c ".files[]"
	done >../alone.json)
expect "alone, lint decoded the sites of every mode (call, bl, b.ne, bne)" '
	[ "$(grep -c . alone.json)" -eq "${#names[@]}" ] &&
	jq -r ".sites[].insn" alone.json >insns &&
	grep -q "^call " insns && grep -q "^jne " insns && grep -q "^bl " insns &&
	grep -q "^b\.ne " insns && grep -q "^bne$" insns'

for j in 1 2; do
	mkdir many$j
	for n in "${names[@]}"; do cp "${n%.o}.orig" "many$j/$n"; done
	(cd many$j && sc check -v -j$j "${names[@]}" >../many$j.out 2>../many$j.err
	 echo $? >../many$j.status)
	expect "check -j$j over all the files: each output is byte-identical to its run alone" '
		for n in "${names[@]}"; do cmp "one/$n" "many'$j'/$n" || exit 1; done'
	expect "check -j$j: the messages are those of the runs alone, in input order" '
		for n in "${names[@]}"; do cat "one/$n.err"; done >alone.err &&
		for n in "${names[@]}"; do cat "one/$n.out"; done >alone.out &&
		cmp alone.err many'$j'.err && cmp alone.out many'$j'.out'
	expect "check -j$j: the status is the worst of the runs alone (2, bad.o)" '
		[ "$(cat many'$j'.status)" -eq 2 ]'
	(cd lint && sc lint -v --format json -j$j "${names[@]}" 2>/dev/null |
		jq -c ".files[]" >../many$j.json)
	expect "lint -j$j over all the files: each file's JSON record is that of its run alone" '
		cmp alone.json many'$j'.json'
done

# Each stop at cs_open prints one line; -n writes nothing.
cat >opens.gdb <<'EOF'
set pagination off
set breakpoint pending on
break cs_open
commands
silent
printf "cs_open\n"
continue
end
run
EOF
expect "a -j1 run over ${#names[@]} files opens $MODES Capstone handles, one per mode" '
	(cd many1 && timeout 300 gdb -q -batch -x ../opens.gdb --args \
		"$SCSTOOL" check -n -j1 "${names[@]}" >../opens.log 2>&1) ;
	[ "$(grep -c "^cs_open$" opens.log)" -eq "$MODES" ] ||
		{ tail -5 opens.log; grep -c "^cs_open$" opens.log; false; }'
expect "the control: ${#specs[@]} runs of one file each open ${#specs[@]} handles" '
	for n in "${names[@]}"; do [ "$n" = bad.o ] && continue
		(cd many1 && timeout 120 gdb -q -batch -x ../opens.gdb --args \
			"$SCSTOOL" check -n "$n" 2>&1); done >control.log ;
	[ "$(grep -c "^cs_open$" control.log)" -eq "${#specs[@]}" ] ||
		{ grep -c "^cs_open$" control.log; false; }'

done_testing
