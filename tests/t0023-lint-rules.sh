#!/bin/bash
# The lint rules about how a site can be patched: cacheline, got-indirect,
# cond-tail and init-site.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# "FUNCTION VALUE" for key KEY of every site in a YAML report on stdin.
site_field() {
	gawk -v k="$1" '
		/^  - section: / { fn = "" }
		/^    function: / { fn = $2; sub(/\+0x.*/, "", fn) }
		$1 == k ":" { print fn, $2 }'
}

build gcc cacheline.S cl.o && cp cl.o cl.orig &&
	build gcc got.S got.o && cp got.o got.orig &&
	build gcc init.S init.o && cp init.o init.orig &&
	build gcc cond.S cond.o && cp cond.o cond.orig || exit 1

# --- cacheline ---
sc lint --format=yaml cl.o >cl.yaml 2>cl.err
expect "each site's cacheline status follows its alignment and place" '
	site_field cacheline <cl.yaml | sort >got &&
	printf "%s\n" "a128_cross crosses" "a16_maybe maybe" "a16_safe safe" \
		"a64_cross crosses" "a64_l32 safe" "a64_safe safe" | diff - got'
expect "crossing and maybe sites are cacheline notes, shown with -v" '
	scx 0 check -n -v cl.o &&
	findings_n err note cacheline 3 &&
	grep -q ": a64_cross+0x3c: .*cross a 64-byte cache line" err &&
	grep -q ": a16_maybe+0xc: .*only 16-byte aligned" err'
expect "cacheline notes are silent without -v; the sites stay in the table" '
	scx 0 check cl.o && empty err && [ "$(table_set cl.o | wc -l)" -eq 6 ]'
expect "a 32-byte line makes the site across 0x20 cross" '
	printf "cacheline: 32\n" >cl32.yaml &&
	sc lint --config cl32.yaml --format=yaml cl.orig 2>/dev/null |
		site_field cacheline | grep -qx "a64_l32 crosses"'
expect "-W cacheline=warning shows them without -v, exit 0" '
	scx 0 check -n -W cacheline=warning cl.orig &&
	findings_n err warning cacheline 3'

# --- got-indirect ---
expect "calls and jumps through the GOT are got-indirect errors, exit 1" '
	scx 1 check got.o && findings_n err error got-indirect 2 &&
	grep -q ": got_call+0x0: call to __SCT__foo through the GOT" err &&
	grep -q ": got_tail+0x0: tail to __SCT__foo through the GOT" err &&
	same got.orig got.o'
expect "-W got-indirect=warning: written, but without the GOT sites" '
	scx 0 check -W got-indirect=warning got.o &&
	table_set got.o >got.set && [ "$(wc -l <got.set)" -eq 1 ] &&
	grep -q "^\.text+0x[0-9a-f]* __SCK__foo 0$" got.set'
expect "the report lists GOT sites with in_table: false" '
	sc lint -W got-indirect=warning --format=yaml got.orig 2>/dev/null >got.yaml &&
	site_field in_table <got.yaml | sort >got &&
	printf "%s\n" "direct true" "got_call false" "got_tail false" | diff - got'
# gcc calls through the GOT slot; clang loads it into a register first.
expect "gcc: -fno-plt -fPIC calls through the GOT are got-indirect errors" '
	build gcc noplt.c np-gcc.o -fno-plt -fPIC &&
	scx 1 check np-gcc.o && findings_n err error got-indirect 2'
expect "clang: -fno-plt -fPIC: the GOT load is a not-a-branch note that says so" '
	build clang noplt.c np-clang.o -fno-plt -fPIC && cp np-clang.o np-clang.orig &&
	scx 0 check -v np-clang.o &&
	grep -q ": note: noplt_call+0x[0-9a-f]*: address loaded from the GOT; a call through it could never be patched: __SCT__foo \[not-a-branch\]$" err &&
	same np-clang.orig np-clang.o'

# --- init-site ---
expect "a site in .init.text is an init-site note, with -v only" '
	scx 0 check -n init.o && empty err &&
	scx 0 check -n -v -W cacheline=off init.o &&
	findings_n err note init-site 1 &&
	grep -q ": boot_only+0x0: call to __SCT__foo in \.init\.text" err'
expect "init sites go into the table, without the INIT flag (the loader sets it)" '
	scx 0 check init.o && table_set init.o >init.set &&
	grep -q "^\.init\.text+0x0 __SCK__foo 0$" init.set &&
	[ "$(wc -l <init.set)" -eq 2 ]'

# --- cond-tail ---
expect "a Jcc site is a cond-tail note, and in the table" '
	scx 0 check -n -v -W cacheline=off cond.o &&
	[ "$(grep -c "\[cond-tail\]$" err)" -eq 17 ] &&
	! grep -v "\[cond-tail\]$" err | grep -q . &&
	scx 0 check cond.o && [ "$(sc dump cond.o | grep -c "  cond  ")" -eq 17 ]'
printf "cond-tail: false\n" >nocond.yaml
expect "cond-tail: false in the config: an error, exit 1, nothing written" '
	cp cond.orig c2.o && scx 1 check --config nocond.yaml c2.o &&
	grep -q ": error: .*kept out of the table (cond-tail: false) \[cond-tail\]$" err &&
	same cond.orig c2.o'
expect "cond-tail: false keeps Jcc sites out even when the rule is off" '
	cp cond.orig c3.o &&
	scx 0 check --config nocond.yaml -W cond-tail=off c3.o && empty err &&
	sc dump c3.o >d3 && ! grep -q "  cond  " d3 &&
	grep -q "  call  " d3 && grep -q "  tail  " d3'
done_testing
