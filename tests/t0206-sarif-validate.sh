#!/bin/bash
# The SARIF of a run with errors, warnings, notes, an unreadable input and
# source lines passes two independent validators: the SARIF 2.1.0 JSON
# schema (ajv), and the SARIF multitool's validate with GitHub's rules
# (--rule-kind "Sarif;Gh") with no error.  Both come from npm, cached in
# tests/.cache/sarif-tools; if they cannot be had, this fails.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/tools/sarif-tools.sh"

expect "the SARIF validators are installed (npm, cached)" 'sarif_tools'
sarif_tools 2>/dev/null

# schema_ok FILE: ajv against the official schema (it wants .json).
schema_ok() {
	cp "$1" "$1.json" && $SARIF_AJV -s "$SARIF_SCHEMA" -d "$1.json"
}

# github_ok FILE: the multitool with GitHub's rules reports no error.
github_ok() {
	"$SARIF_MULTITOOL" validate --rule-kind "Sarif;Gh" "$1" >"$1.mt" 2>&1
	grep -q "Analysis completed successfully" "$1.mt" &&
		! grep -E ": error [A-Z]+[0-9]+:" "$1.mt"
}

# Errors (prefixed-branch), warnings (undecodable), notes (cond-tail,
# cacheline), source lines (-g), a file that is no ELF and a missing one,
# in a folder below the source root.
mkdir -p src
build gcc prefixed.S src/p.o -g 2>/dev/null
build gcc undecodable.S src/u.o 2>/dev/null
build gcc cond.S src/c.o -g 2>/dev/null
echo junk >src/junk.o

expect "the run has errors, warnings, notes, source lines and unreadable inputs" '
	scx 2 lint -v --format=sarif --report all.sarif src/p.o src/u.o src/c.o \
		src/junk.o src/missing.o &&
	/usr/bin/python3 - all.sarif <<-EOF
	import json, sys
	run = json.load(open(sys.argv[1]))["runs"][0]
	levels = {r["level"] for r in run["results"]}
	assert levels == {"error", "warning", "note"}, levels
	assert any("region" in r["locations"][0]["physicalLocation"] for r in run["results"])
	n = run["invocations"][0]["toolExecutionNotifications"]
	assert len(n) == 2, n
	EOF'

expect "it passes the SARIF 2.1.0 schema (ajv)" 'schema_ok all.sarif'

expect "it passes the multitool with GitHub's rules, no error" 'github_ok all.sarif'

expect "... and with --source-root, the same" '
	scx 2 lint -v --format=sarif --report root.sarif --source-root "$TEST_ROOT" \
		src/p.o src/c.o src/junk.o &&
	schema_ok root.sarif && github_ok root.sarif'

expect "dump's SARIF passes both too" '
	cp src/c.o d.o && scx 0 check d.o &&
	scx 0 dump --format=sarif --report dump.sarif d.o &&
	schema_ok dump.sarif && github_ok dump.sarif'

# --- controls: each validator catches what it is there for ---
expect "control: the schema refuses a result with a level SARIF has not" '
	sed "0,/\"level\":\"error\"/s//\"level\":\"fatal\"/" all.sarif >bad1.sarif &&
	! cmp -s all.sarif bad1.sarif && ! schema_ok bad1.sarif >/dev/null 2>&1'

expect "control: GitHub's rules refuse a rule without help" '
	/usr/bin/python3 - all.sarif bad2.sarif <<-EOF
	import json, sys
	s = json.load(open(sys.argv[1]))
	del s["runs"][0]["tool"]["driver"]["rules"][0]["help"]
	json.dump(s, open(sys.argv[2], "w"))
	EOF
	! github_ok bad2.sarif && grep -q "GH" bad2.sarif.mt'

done_testing
