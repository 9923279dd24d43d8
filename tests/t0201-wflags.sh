#!/bin/bash
# GCC's warning flags: -Werror (and --werror), -Werror=RULE,
# -Wno-error=RULE, -WRULE and -Wno-RULE beside -W RULE=SEVERITY, applied
# in order after the config file; a changed severity names its flag.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# u.o: one undecodable warning (after_junk) and a clean site (good).
# p.o: prefixed-branch errors.  c.o: cacheline notes only.
build gcc undecodable.S u.orig 2>/dev/null
build gcc prefixed.S p.orig 2>/dev/null
build gcc cacheline.S c.orig 2>/dev/null
cp u.orig u.o && cp p.orig p.o && cp c.orig c.o

expect "by default the undecodable warning is a warning, exit 0" '
	scx 0 lint u.o && findings_n err warning undecodable 1 && [ "$(wc -l <err)" -eq 1 ]'

expect "-Werror: the warning prints as an error naming -Werror, exit 1" '
	scx 1 lint -Werror u.o &&
	grep -Eq "^u\.o: error: after_junk\+0x[0-9a-f]+: .* \[undecodable, -Werror\]\$" err &&
	[ "$(wc -l <err)" -eq 1 ]'

expect "--werror is -Werror" '
	scx 1 lint -Werror u.o && cp err a && scx 1 lint --werror u.o && diff a err'

expect "-Werror: check writes nothing" '
	scx 1 check -Werror u.o && same u.orig u.o'

expect "-Werror leaves notes alone" '
	scx 0 lint -Werror -v c.o && grep -q ": note: .*\[cacheline\]\$" err && ! grep -q ": error: " err'

expect "-Werror -Wno-error=undecodable: a plain warning again, exit 0" '
	scx 0 lint -Werror -Wno-error=undecodable u.o &&
	findings_n err warning undecodable 1'

expect "-Werror=undecodable alone makes it an error naming the flag" '
	scx 1 lint -Werror=undecodable u.o &&
	grep -q ": error: .* \[undecodable, -Werror=undecodable\]\$" err'

expect "-Werror=cacheline makes notes errors, shown without -v" '
	scx 1 lint -Werror=cacheline c.o && [ -s err ] &&
	! grep -v ": error: .* \[cacheline, -Werror=cacheline\]\$" err'

expect "-Werror=RULE on a rule that is off turns it on, as in GCC" '
	scx 1 lint -W undecodable=off -Werror=undecodable u.o &&
	grep -q "\[undecodable, -Werror=undecodable\]\$" err'

expect "-Wno-undecodable: off, nothing printed, exit 0" '
	scx 0 lint -Wno-undecodable u.o && empty err'

expect "-Wno-undecodable then -Werror: still nothing" '
	scx 0 lint -Wno-undecodable -Werror u.o && empty err'

expect "-Wcacheline: notes become warnings, shown without -v" '
	scx 0 lint -Wcacheline c.o && [ -s err ] &&
	! grep -v ": warning: .* \[cacheline\]\$" err'

expect "-Wcacheline -Werror: and errors with -Werror" '
	scx 1 lint -Wcacheline -Werror c.o && [ -s err ] &&
	! grep -v ": error: .* \[cacheline, -Werror\]\$" err'

expect "-WRULE never lowers a rule: -Wprefixed-branch keeps it an error" '
	scx 1 lint -Wprefixed-branch p.o && findings err error prefixed-branch >/dev/null'

expect "flags apply in order: -Wno-cacheline -Wcacheline is on" '
	scx 0 lint -Wno-cacheline -Wcacheline c.o && [ -s err ]'

expect "flags apply in order: -Wcacheline -Wno-cacheline is off" '
	scx 0 lint -Wcacheline -Wno-cacheline c.o && empty err'

expect "flags apply in order: -Werror -Wno-error is no -Werror" '
	scx 0 lint -Werror -Wno-error u.o && findings_n err warning undecodable 1'

expect "-W RULE=SEVERITY still works, and mixes with the GCC forms" '
	scx 0 lint -W cacheline=warning c.o && [ -s err ] &&
	scx 1 lint -W cacheline=warning -Werror c.o &&
	! grep -v "\[cacheline, -Werror\]\$" err'

expect "-Wno-error=RULE makes an error rule a warning, named, exit 0" '
	scx 0 lint -Wno-error=prefixed-branch p.o &&
	grep -q ": warning: .* \[prefixed-branch, -Wno-error=prefixed-branch\]\$" err &&
	! grep -q ": error: " err'

expect "... and the prefixed sites still stay out of the table" '
	scx 0 check -Wno-error=prefixed-branch p.o && has_table p.o &&
	scx 0 dump p.o && ! grep -q "pfx_" out'

# --- the config file comes first, the flags win ---
cat >off.yaml <<-EOF
	rules:
	  cacheline: off
	  undecodable: error
EOF
expect "-WRULE beats the config's off" '
	scx 0 lint --config off.yaml c.o && empty err &&
	scx 0 lint --config off.yaml -Wcacheline c.o && [ -s err ]'

expect "-Wno-error=RULE beats the config's error" '
	scx 1 lint --config off.yaml u.o &&
	scx 0 lint --config off.yaml -Wno-error=undecodable u.o'

cat >sup.yaml <<-EOF
	suppress:
	  - rule: undecodable
EOF
expect "a suppressed warning is neither printed nor promoted by -Werror" '
	scx 0 lint --config sup.yaml -Werror u.o && empty err'

# --- reports carry the judged severity ---
expect "the YAML report has the promoted severity" '
	scx 1 lint -Werror --format=yaml u.o &&
	/usr/bin/python3 -c "import yaml, sys
r = yaml.safe_load(open(\"out\"))
f = [d for d in r[\"files\"][0][\"findings\"] if d[\"rule\"] == \"undecodable\"]
assert [d[\"severity\"] for d in f] == [\"error\"], f"'

expect "the SARIF result has level error" '
	scx 1 lint -Werror --format=sarif u.o &&
	/usr/bin/python3 -c "import json
r = json.load(open(\"out\"))[\"runs\"][0][\"results\"]
assert [x[\"level\"] for x in r if x[\"ruleId\"] == \"undecodable\"] == [\"error\"], r"'

# --- mistakes: one line, exit 2, a suggestion when one is near ---
for bad in "-Wcachline:cachline:cacheline" "-Wno-cachline:cachline:cacheline" \
	   "-Werror=undecodabel:undecodabel:undecodable" \
	   "-Wno-error=prefix-branch:prefix-branch:prefixed-branch"; do
	IFS=: read -r flag name near <<<"$bad"
	expect "$flag: exit 2, the rule named, '$near' suggested, file untouched" '
		scx 2 check '"$flag"' u.o && same u.orig u.o && empty out &&
		grep -qF "unknown rule '"'$name'"'" err &&
		grep -qF "did you mean '"'$near'"'?" err'
done

expect "-W cachline=off: the old form suggests too" '
	scx 2 lint -W cachline=off u.o && grep -qF "did you mean '"'"'cacheline'"'"'?" err'

expect "-W cacheline=warn: a bad severity is named" '
	scx 2 lint -W cacheline=warn u.o &&
	grep -qF "bad severity '"'"'warn'"'"'" err'

expect "-Wfrobnicate: no suggestion when nothing is near" '
	scx 2 lint -Wfrobnicate u.o && grep -qF "unknown rule '"'"'frobnicate'"'"'" err &&
	! grep -q "did you mean" err'

expect "-Werror= with no rule is an error" 'scx 2 lint -Werror= u.o && [ -s err ]'

done_testing
