#!/bin/bash
# The README and docs/report.md match the code: each command's options as
# the README names them are the ones its --help lists (both come from the
# option tables, the help by construction, the README by this test), the
# examples are what the tool prints for the demo objects, and the report's
# key tables name the keys a report has.  (The rule table is t0200's.)
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

DC="/usr/bin/python3 $TEST_ROOT/tests/tools/docscheck.py"
README=$TEST_ROOT/README.md
DOC=$TEST_ROOT/docs/report.md

# The example objects, built as `make demo` builds them (tests/demo.sh).
(cd "$TEST_ROOT" && gcc -g -O2 -fno-pie -ffunction-sections \
	-fno-asynchronous-unwind-tables -fdebug-prefix-map="$TEST_ROOT"=. \
	-c tests/demo/demo.c -o "$WORK/demo.o") || echo "cannot build demo.o"
gcc -c "$TEST_ROOT/tests/demo/prefixed.S" -o prefixed.o ||
	echo "cannot build prefixed.o"
echo 'not an object' >bad.o
for c in check lint dump verify; do "$SCSTOOL" $c --help >help.$c; done
for c in check dump verify; do
	$DC section "$README" "### \`scstool $c\`" >readme.$c
done
$DC section "$README" "### Diagnostics and exit status" >readme.diag
$DC section "$README" "## Reports" >readme.rep

expect "check: the README's option table names exactly the options of check --help" '
	$DC options help.check readme.check table'

expect "lint: its help lists check's options but -o, -n and -f, and adds -r, as the README says" '
	grep -q "^\`lint\` takes the same options but \`-o\`, \`-n\` and \`-f\`" readme.check &&
	grep -q "^nothing for a command that writes nothing: it refuses them. It adds \`-r\`\$" readme.check &&
	{ $DC list help.check | grep -Ev " -[onf]$"; $DC list help.lint | grep -E " -r$"; } | sort >want &&
	[ $(($(wc -l <want) + 2)) -eq $($DC list help.check | wc -l) ] &&
	$DC list help.lint | sort >got && diff want got'

expect "dump: the options the README says it takes are those of dump --help" '
	$DC options help.dump readme.dump takes'

expect "verify: the options the README says it takes are those of verify --help" '
	$DC options help.verify readme.verify takes'

expect "control: a help with an option the README does not name fails" '
	sed "s/^  -v, --verbose /  -v, --verbose \\n      --frobnicate  x\\n/" help.verify >h2 &&
	grep -q -- --frobnicate h2 &&
	! $DC options h2 readme.verify takes >why && grep -q frobnicate why'

expect "control: a README naming an option the help lacks fails" '
	sed "s/\`-j\`, /\`-j\`, \`--frobnicate\`, /" readme.dump >r2 &&
	! $DC options help.dump r2 takes >why && grep -q frobnicate why'

# docs/report.md's examples, run for real.
expect "docs/report.md: the first YAML example is check --format=yaml --stats prefixed.o" '
	grep -q "(\`scstool check$" "$DOC" &&
	grep -q "^--format=yaml --stats prefixed.o\`)" "$DOC" &&
	$DC block "$DOC" 0 >want &&
	scx 1 check --format=yaml --stats prefixed.o && diff want out'

expect "docs/report.md: the make demo example is lint --format=yaml demo.o" '
	$DC block "$DOC" -1 >want &&
	scx 0 lint --format=yaml demo.o && diff want out'

expect "docs/report.md: the --stats text examples are lint --stats of demo.o, prefixed.o and bad.o" '
	{ $DC block "$DOC" 1 && $DC block "$DOC" 2; } >want &&
	scx 2 lint --stats demo.o prefixed.o bad.o && diff want out'

expect "docs/report.md: the key tables name exactly the keys of a report" '
	scx 2 lint --format=yaml --stats demo.o prefixed.o bad.o &&
	$DC keys "$DOC" out'

expect "control: a key the tables do not name fails" '
	scx 2 lint --format=yaml --stats demo.o prefixed.o bad.o &&
	sed "s/^    in_table: true/    in_table: true\\n    frob: 1/" out >out2 &&
	grep -q frob out2 && ! $DC keys "$DOC" out2 >why && grep -q frob why'

# The README's own examples.
expect "README: the diagnostics example is what lint -v prints" '
	$DC block readme.diag 0 >want && [ "$(wc -l <want)" -ge 2 ] &&
	scx 1 lint -v demo.o prefixed.o &&
	while IFS= read -r l; do grep -qxF -- "$l" err || { echo "not printed: $l"; exit 1; }; done <want'

expect "README: the dump example is dump of demo.o once checked" '
	mkdir -p d && cp demo.o d/ && $DC block readme.dump 0 >want &&
	(cd d && sc check demo.o && "$SCSTOOL" dump demo.o) >got && diff want got'

expect "README: the report example is the start of lint --format=yaml demo.o, less two sites" '
	$DC block readme.rep 0 >want &&
	scx 0 lint --format=yaml demo.o &&
	/usr/bin/python3 - want out <<-"EOF"
	import sys, yaml
	want, got = (yaml.safe_load(open(f)) for f in sys.argv[1:3])
	site = want["files"][0].pop("sites")
	assert len(site) == 1, site
	assert site[0] in got["files"][0].pop("sites")
	got["files"][0].pop("findings")
	assert want == got, (want, got)
	EOF'

# The libscs example and its recipe, as a user copies them: the program
# builds with the build tree's scs.pc (the normal libscs: the recipe adds
# no sanitizer flags), verify passes, and the update takes effect.
$DC section "$README" "## Static calls in your own program" >readme.scs
$DC section "$README" "### The recipe" >readme.recipe
expect "README: the libscs example builds with the recipe, verifies and retargets" '
	mkdir -p scs && $DC block readme.scs 0 >scs/lookup.c &&
	$DC block readme.recipe 0 >scs/recipe.sh &&
	grep -q "^scstool verify lookup$" scs/recipe.sh &&
	(cd scs && export PKG_CONFIG_PATH=$TEST_ROOT/build/runtime/pkgconfig &&
	 scstool() { "$SCSTOOL" "$@"; } && set -e && . ./recipe.sh) &&
	scs/lookup >out && printf "33\n3\n" >want && diff want out'

done_testing
