#!/bin/bash
# The policy file: each key (rules, suppress, cacheline, cond-tail) and
# what it changes, how -W and --werror combine with it, where it is looked
# for, and that every kind of bad file is refused with one line that names
# FILE:LINE:COLUMN, before any object is touched.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# policy.S: four prefixed-branch errors, at legacy_log (key
# __SCK__debug_log), legacy_foo (__SCK__foo), modern_foo (__SCK__foo) and
# modern_log (__SCK__debug_log); a clean call; a Jcc (a cond-tail note);
# a pointer in .data (a not-a-branch note).
PFX="legacy_log legacy_foo modern_foo modern_log"

# fresh: a new copy of the policy object, p.o.
fresh() {
	cp p.orig p.o
}

# errors_at FUNC...: err holds exactly one prefixed-branch error for each
# FUNC and no other line.
errors_at() {
	local fn
	findings_n err error prefixed-branch $# || return 1
	[ "$(wc -l <err)" -eq $# ] || { cat err >&2; return 1; }
	for fn; do
		findings err error prefixed-branch | grep -q ": $fn+0x0: " ||
			{ echo "no error for $fn" >&2; return 1; }
	done
}

# conf NAME LINE...: writes the lines to the config file NAME.
conf() {
	local f=$1
	shift
	printf '%s\n' "$@" >"$f"
}

# "FUNCTION VALUE" of key KEY of every site in a YAML report on stdin.
site_field() {
	gawk -v k="$1" '
		/^  [a-z_]+:/ { part = $1 }
		part != "sites:" { next }
		$1 == "function:" { fn = $2; sub(/\+0x.*/, "", fn) }
		$1 == k ":" { print fn, $2 }'
}

expect "the fixtures build" '
	build gcc policy.S p.orig && build gcc policy.S pg.orig -g &&
	build gcc cacheline.S cl.orig && build gcc cond.S cond.orig'

expect "without a config: four prefixed-branch errors, exit 1" '
	fresh && scx 1 check p.o && errors_at '"$PFX"' && same p.orig p.o'

expect "an empty config file changes nothing" '
	: >empty.yaml && fresh && scx 1 check --config empty.yaml p.o &&
	errors_at '"$PFX"' && same p.orig p.o'

expect "a config of comments only changes nothing" '
	conf comments.yaml "# nothing yet" "#rules:" && fresh &&
	scx 1 check --config comments.yaml p.o && errors_at '"$PFX"

# --- rules ---
conf warn.yaml "rules:" "  prefixed-branch: warning"
expect "rules: prefixed-branch: warning: four warnings, exit 0" '
	fresh && scx 0 check --config warn.yaml p.o &&
	findings_n err warning prefixed-branch 4 && [ "$(wc -l <err)" -eq 4 ]'

expect "... and the prefixed sites still stay out of the table" '
	table_set p.o >set &&
	printf "%s\n" ".text.clean+0x0 __SCK__foo 0" \
		".text.maybe+0x2 __SCK__debug_log 1" | diff - set'

conf off.yaml "rules:" "  prefixed-branch: off"
expect "rules: prefixed-branch: off: silent even with -v about them, exit 0" '
	fresh && scx 0 check -v --config off.yaml p.o &&
	! grep -q "\[prefixed-branch\]" err'

conf nab.yaml "rules:" "  not-a-branch: error"
expect "rules: not-a-branch: error: the data pointer fails the run" '
	fresh && scx 1 check --config nab.yaml p.o &&
	findings_n err error not-a-branch 1 &&
	grep -q ": \.data+0x10: .*\[not-a-branch\]$" err && same p.orig p.o'

conf two.yaml "rules:" "  prefixed-branch: note" "  cond-tail: warning"
expect "rules: two rules at once: notes hidden, the Jcc a warning" '
	fresh && scx 0 check --config two.yaml p.o &&
	[ "$(wc -l <err)" -eq 1 ] && findings_n err warning cond-tail 1'

# --- -W and --werror ---
expect "-W beats the file: file off, -W error: exit 1" '
	fresh && scx 1 check --config off.yaml -W prefixed-branch=error p.o &&
	errors_at '"$PFX"' && same p.orig p.o'

expect "-W beats the file: file warning, -W off: silent, exit 0" '
	fresh && scx 0 check --config warn.yaml -W prefixed-branch=off p.o &&
	empty err'

expect "-W for another rule leaves the file's rules alone" '
	fresh && scx 0 check --config warn.yaml -W not-a-branch=off p.o &&
	findings_n err warning prefixed-branch 4'

expect "--werror: the file's warnings fail the run as errors, nothing written" '
	fresh && scx 1 check --werror --config warn.yaml p.o &&
	[ "$(grep -c ": error: .* \[prefixed-branch, -Werror\]\$" err)" -eq 4 ] &&
	same p.orig p.o'

expect "--werror: notes alone still pass" '
	fresh && scx 0 check -v --werror --config off.yaml p.o &&
	findings_n err note cond-tail 1 && has_table p.o'

expect "--werror with lint too" '
	scx 1 lint --werror --config warn.yaml p.orig &&
	scx 0 lint --config warn.yaml p.orig'

# --- suppress ---
conf s-rule.yaml "suppress:" "  - rule: prefixed-branch"
expect "suppress by rule: all four errors gone, exit 0" '
	fresh && scx 0 check --config s-rule.yaml p.o && empty err'

expect "... and the suppressed sites still stay out of the table" '
	[ "$(table_set p.o | wc -l)" -eq 2 ] &&
	! table_set p.o | grep -q -e legacy -e modern'

expect "... and they are left out of the report" '
	sc lint --config s-rule.yaml --format=yaml p.orig >r.yaml 2>/dev/null &&
	! grep -q "rule: prefixed-branch" r.yaml &&
	grep -q "rule: cond-tail" r.yaml'

conf s-glob.yaml "suppress:" "  - rule: 'prefixed-*'"
expect "suppress by a rule glob" '
	fresh && scx 0 check --config s-glob.yaml p.o && empty err'

conf s-other.yaml "suppress:" "  - rule: bad-addend"
expect "suppress of another rule: the errors stay" '
	fresh && scx 1 check --config s-other.yaml p.o && errors_at '"$PFX"

conf s-fn.yaml "suppress:" "  - function: legacy_*"
expect "suppress by function glob: only the modern_* errors are left" '
	fresh && scx 1 check --config s-fn.yaml p.o &&
	errors_at modern_foo modern_log'

conf s-key.yaml "suppress:" "  - key: __SCK__debug_*"
expect "suppress by key glob: only the __SCK__foo errors are left" '
	fresh && scx 1 check --config s-key.yaml p.o &&
	errors_at legacy_foo modern_foo'

conf s-nokey.yaml "suppress:" "  - key: '*'" "    rule: not-a-branch"
expect "suppress by key also covers a not-a-branch note about a trampoline" '
	fresh && scx 1 check -v --config s-nokey.yaml p.o &&
	! grep -q "\[not-a-branch\]" err'

conf s-and.yaml "suppress:" "  - function: legacy_*" "    key: __SCK__debug_*"
expect "one entry with two fields: both must match" '
	fresh && scx 1 check --config s-and.yaml p.o &&
	errors_at legacy_foo modern_foo modern_log'

conf s-or.yaml "suppress:" "  - function: legacy_*" "  - key: __SCK__debug_*"
expect "two entries: either one suppresses" '
	fresh && scx 1 check --config s-or.yaml p.o && errors_at modern_foo'

conf s-file.yaml "suppress:" "  - file: 'p*.o'"
expect "suppress by file: the object's path" '
	fresh && scx 0 check --config s-file.yaml p.o && empty err &&
	cp p.orig q.o && scx 1 check --config s-file.yaml q.o &&
	errors_at '"$PFX"

conf s-dir.yaml "suppress:" "  - file: 'sub/*'"
expect "suppress by file: a folder glob against the path as given" '
	mkdir -p sub && cp p.orig sub/p.o &&
	scx 0 check --config s-dir.yaml sub/p.o && empty err &&
	fresh && scx 1 check --config s-dir.yaml p.o'

conf s-src.yaml "suppress:" "  - file: '*/fixtures/policy.S'"
expect "suppress by file: the DWARF source file, with -g" '
	cp pg.orig pg.o && scx 0 check --config s-src.yaml pg.o && empty err'

expect "... but not without -g: there is no source to match" '
	fresh && scx 1 check --config s-src.yaml p.o && errors_at '"$PFX"

# --- cacheline ---
# cacheline.S puts a call across 0x20 in a 64-byte aligned section
# (a64_l32) and one across 0x40 (a64_cross).
expect "cacheline: 32 makes a64_l32 cross; the default 64 does not" '
	conf c32.yaml "cacheline: 32" &&
	sc lint --config c32.yaml --format=yaml cl.orig 2>/dev/null |
		site_field cacheline | grep -qx "a64_l32 crosses" &&
	sc lint --format=yaml cl.orig 2>/dev/null |
		site_field cacheline | grep -qx "a64_l32 safe"'

expect "cacheline: 32: a64_l32 is a cacheline note about a 32-byte line" '
	scx 0 check -n -v --config c32.yaml cl.orig &&
	grep -q ": note: a64_l32+0x1c: .*cross a 32-byte cache line \[cacheline\]$" err &&
	findings_n err note cacheline 4'

expect "cacheline: 128: a64_cross is only maybe, a128_cross still crosses" '
	conf c128.yaml "cacheline: 128" &&
	sc lint --config c128.yaml --format=yaml cl.orig 2>/dev/null |
		site_field cacheline >st &&
	grep -qx "a64_cross maybe" st && grep -qx "a128_cross crosses" st'

conf clw.yaml "cacheline: 32" "rules:" "  cacheline: warning"
expect "cacheline size and the cacheline rule together: four warnings" '
	scx 0 check -n --config clw.yaml cl.orig &&
	findings_n err warning cacheline 4 && [ "$(wc -l <err)" -eq 4 ]'

# --- cond-tail ---
# cond.S has 17 Jcc sites and 3 other sites.
non_cond() {
	expected_dump cond.orig |
		gawk '$2 != "cond" { print $1, $3, ($4 == "tail") }' | sort
}
conf nocond.yaml "cond-tail: false"
expect "cond-tail: false: each Jcc site is a cond-tail error, exit 1" '
	cp cond.orig c.o && scx 1 check --config nocond.yaml c.o &&
	[ "$(grep -c ": error: .*\[cond-tail\]$" err)" -eq 17 ] &&
	[ "$(wc -l <err)" -eq 17 ] && same cond.orig c.o'

expect "cond-tail: false with the rule a warning: written, without the Jcc sites" '
	cp cond.orig c.o &&
	scx 0 check --config nocond.yaml -W cond-tail=warning c.o &&
	[ "$(grep -c ": warning: .*\[cond-tail\]$" err)" -eq 17 ] &&
	non_cond >want && [ "$(wc -l <want)" -eq 3 ] &&
	table_set c.o >got && diff want got'

conf yescond.yaml "cond-tail: true"
expect "cond-tail: true (the default): Jcc sites are notes, and in the table" '
	cp cond.orig c.o && scx 0 check --config yescond.yaml c.o && empty err &&
	[ "$(table_set c.o | wc -l)" -eq 20 ]'

conf nocond-note.yaml "cond-tail: false" "rules:" "  cond-tail: note"
expect "cond-tail: false, the rule set to note by the file: kept out, exit 0" '
	cp cond.orig c.o && scx 0 check --config nocond-note.yaml c.o &&
	empty err && non_cond >want && table_set c.o >got && diff want got'

# --- where the file is found ---
mkdir -p proj/a/b && cp p.orig proj/a/b/p.orig
conf proj/.scstool.yaml "rules:" "  prefixed-branch: warning"
expect "lookup: .scstool.yaml in the current folder" '
	(cd proj && cp a/b/p.orig x.o && scx 0 check x.o &&
	 findings_n err warning prefixed-branch 4)'

expect "lookup: .scstool.yaml two folders up" '
	(cd proj/a/b && cp p.orig x.o && scx 0 check x.o &&
	 findings_n err warning prefixed-branch 4)'

expect "lookup: the nearest file wins" '
	conf proj/a/.scstool.yaml "rules:" "  prefixed-branch: off" &&
	(cd proj/a/b && cp p.orig x.o && scx 0 check -v x.o &&
	 ! grep -q "\[prefixed-branch\]" err) &&
	rm proj/a/.scstool.yaml'

expect "lookup: relative to the current folder, not to the object" '
	cp p.orig far.o && (cd proj/a/b && scx 0 check ../../../far.o &&
	 findings_n err warning prefixed-branch 4) &&
	cp p.orig proj/a/b/y.o && scx 1 check proj/a/b/y.o'

expect "--config beats the lookup" '
	(cd proj/a/b && cp p.orig x.o &&
	 scx 0 check -v --config ../../../off.yaml x.o &&
	 ! grep -q "\[prefixed-branch\]" err)'

expect "--config with an empty file also beats the lookup" '
	(cd proj/a/b && cp p.orig x.o &&
	 scx 1 check --config ../../../empty.yaml x.o && errors_at '"$PFX"')'

expect "a bad .scstool.yaml found by lookup: exit 2, its full path and place" '
	mkdir -p badproj/sub && conf badproj/.scstool.yaml "cacheline: 48" &&
	cp p.orig badproj/sub/x.o &&
	(cd badproj/sub && scx 2 check x.o) &&
	[ "$(wc -l <badproj/sub/err)" -eq 1 ] &&
	grep -qx "$PWD/badproj/\.scstool\.yaml:1:12: error: .*power of two.*" badproj/sub/err &&
	same p.orig badproj/sub/x.o'

# --- bad files: exit 2, one line FILE:LINE:COLUMN: error: ..., nothing
# touched ---
# bad NAME 'LINE:COL: ERE' LINE...: writes NAME; check refuses it with
# "NAME:LINE:COL: error: ERE".
bad() {
	local f=$1 want="${2%%: *}: error: ${2#*: }"
	shift 2
	printf '%s\n' "$@" >"$f"
	cp p.orig bad.o
	scx 2 check --config "$f" bad.o || return 1
	if [ "$(wc -l <err)" -ne 1 ] || ! grep -Eq "^$f:$want" err; then
		echo "want one line '$f:$want', got:" >&2
		cat err >&2
		return 1
	fi
	empty out && same p.orig bad.o
}

expect "bad YAML: the parser's place and problem" '
	bad b1.yaml "3:2: did not find expected key" \
		"rules:" "  prefixed-branch: error" " bad: x"'
expect "bad YAML: a tab for indentation" '
	bad b2.yaml "2:1: found character that cannot start any token" \
		"rules:" "	prefixed-branch: off"'
expect "bad YAML: an unclosed flow list" '
	bad b3.yaml "[0-9]+:[0-9]+: " "rules: [a, b"'
expect "the top level is a list, not a map" '
	bad b4.yaml "1:1: .*must be a map" "- rules"'
expect "an unknown top-level key" '
	bad b5.yaml "3:1: unknown key .colour." \
		"rules:" "  prefixed-branch: error" "colour: red"'
expect "an unknown rule under rules" '
	bad b6.yaml "3:3: unknown rule .no-such-rule." \
		"rules:" "  prefixed-branch: error" "  no-such-rule: off"'
expect "a bad severity" '
	bad b7.yaml "2:20: bad severity .fatal." \
		"rules:" "  prefixed-branch: fatal"'
expect "a severity that is not a scalar" '
	bad b8.yaml "2:20: bad severity" "rules:" "  prefixed-branch: [off]"'
expect "rules is not a map" '
	bad b9.yaml "1:8: .rules. must be a map" "rules: [prefixed-branch]"'
expect "suppress is not a list" '
	bad b10.yaml "2:3: .suppress. must be a list" \
		"suppress:" "  rule: prefixed-branch"'
expect "a suppress entry is not a map" '
	bad b11.yaml "3:5: a suppress entry must be a map" \
		"suppress:" "  - rule: prefixed-branch" "  - prefixed-branch"'
expect "an unknown key in a suppress entry" '
	bad b12.yaml "3:5: unknown key .symbol. in a suppress entry" \
		"suppress:" "  - rule: prefixed-branch" "    symbol: foo"'
expect "a suppress value that is not a scalar" '
	bad b13.yaml "2:15: suppress .function. must be a glob" \
		"suppress:" "  - function: [a, b]"'
expect "an unknown rule in a suppress entry" '
	bad b14.yaml "3:11: unknown rule .no-such-\*." \
		"suppress:" "  - function: legacy_*" "    rule: no-such-*"'
expect "an empty suppress entry" '
	bad b15.yaml "2:5: .*empty" "suppress:" "  - {}"'
expect "cacheline 48 is not a power of two" '
	bad b16.yaml "1:12: .cacheline. must be a positive power of two" \
		"cacheline: 48"'
expect "cacheline 0, -64, 64 bytes, \"64\" and 2^32 are refused too" '
	bad b17.yaml "1:12: .cacheline." "cacheline: 0" &&
	bad b18.yaml "1:12: .cacheline." "cacheline: -64" &&
	bad b19.yaml "1:12: .cacheline." "cacheline: 64 bytes" &&
	bad b20.yaml "1:12: .cacheline." "cacheline: \"64\"" &&
	bad b21.yaml "1:12: .cacheline." "cacheline: 4294967296" &&
	bad b22.yaml "2:3: .cacheline." "cacheline:" "  - 64"'
expect "cond-tail yes is not a boolean (only true and false are)" '
	bad b23.yaml "1:12: .cond-tail. must be true or false" "cond-tail: yes" &&
	bad b24.yaml "1:12: .cond-tail." "cond-tail: \"false\""'
expect "a duplicate top-level key" '
	bad b25.yaml "3:1: duplicate key .cacheline. \(first at line 1\)" \
		"cacheline: 64" "rules: {}" "cacheline: 32"'
expect "a duplicate rule" '
	bad b26.yaml "3:3: duplicate key .prefixed-branch." \
		"rules:" "  prefixed-branch: off" "  prefixed-branch: error"'
expect "a duplicate key in a suppress entry" '
	bad b27.yaml "3:5: duplicate key .rule." \
		"suppress:" "  - rule: prefixed-branch" "    rule: bad-addend"'
expect "a second YAML document" '
	bad b28.yaml "3:1: more than one YAML document" \
		"cacheline: 64" "---" "cacheline: 32"'
expect "an undefined alias" '
	bad b29.yaml "1:[0-9]+: .*alias" "cacheline: *size"'
expect "a multi-line bad value still gives one line" '
	bad b30.yaml "2:3: unknown rule" "rules:" "  \"no\\nsuch\": off"'

expect "a missing config file: exit 2, one line, PATH: error: cannot open" '
	fresh && scx 2 check --config nope.yaml p.o &&
	[ "$(wc -l <err)" -eq 1 ] &&
	grep -qx "nope.yaml: error: cannot open: No such file or directory" err &&
	same p.orig p.o'

expect "a folder as config file: exit 2, one line" '
	fresh && mkdir -p confdir && scx 2 check --config confdir p.o &&
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^confdir: error: is a directory, not a regular file$" err'

expect "lint refuses a bad config the same way" '
	scx 2 lint --config b7.yaml p.orig && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "^b7.yaml:2:20: error: " err'

done_testing
