#!/bin/bash
# Formats: --format=json mirrors the YAML report key for key; --stats
# totals cover every file; SARIF's invocation, %SRCROOT% and notes.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

mkdir -p sub
build gcc kinds.c sub/k.o -g 2>/dev/null
build gcc prefixed.S sub/p.o 2>/dev/null
build gcc cond.S sub/c.o -g 2>/dev/null
build gcc undecodable.S sub/u.o 2>/dev/null
echo junk >sub/junk.o
OBJS="sub/k.o sub/p.o sub/c.o sub/u.o sub/junk.o sub/missing.o"

# same_doc YAML JSON: the two documents are equal, mapping keys in the
# same order, as PyYAML (YAML 1.1: 0x1f is a number, ~ is null) and
# Python's json read them.
same_doc() {
	/usr/bin/python3 - "$1" "$2" <<-EOF
	import json, sys, yaml
	y = yaml.safe_load(open(sys.argv[1]))
	j = json.load(open(sys.argv[2]))
	assert y == j, "documents differ"
	assert json.dumps(y) == json.dumps(j), "key order differs"
	EOF
}

for args in "lint -v" "lint --stats" "lint -W cacheline=warning -Werror --stats" \
	    "dump --stats"; do
	expect "$args: --format=json is the YAML report, key for key" '
		sc '"$args"' --format=yaml $OBJS >r.yaml 2>/dev/null
		sc '"$args"' --format=json $OBJS >r.json 2>/dev/null
		[ -s r.yaml ] && [ -s r.json ] && same_doc r.yaml r.json'
done

expect "control: a report of another run is not the same document" '
	sc lint --format=yaml sub/k.o >a.yaml 2>/dev/null
	sc lint --format=json sub/p.o >b.json 2>/dev/null
	! same_doc a.yaml b.json 2>/dev/null'

expect "a checked object dumps to the same JSON as YAML, linked vaddr and all" '
	cp sub/k.o kk.o && scx 0 check kk.o &&
	sc dump --format=yaml kk.o >d.yaml && sc dump --format=json kk.o >d.json &&
	same_doc d.yaml d.json && grep -q "\"in_table\":true" d.json'

expect "--format=json --report FILE writes it there" '
	scx 2 lint --format=json --report r2.json $OBJS && empty out &&
	/usr/bin/python3 -c "import json; json.load(open(\"r2.json\"))"'

expect "--report - is stdout: the same bytes in each report format, no file named -" '
	for f in yaml json sarif; do
		sc lint -v --stats --format=$f $OBJS >a.$f 2>/dev/null
		sc lint -v --stats --format=$f --report - $OBJS >b.$f 2>/dev/null
		[ -s a.$f ] && cmp a.$f b.$f && [ ! -e ./- ] || exit 1
	done'

expect "JSON is deterministic: -j 2 gives the same bytes as -j 1" '
	sc lint -j 1 --stats --format=json $OBJS >j1 2>/dev/null
	sc lint -j 2 --stats --format=json $OBJS >j2 2>/dev/null
	[ -s j1 ] && cmp j1 j2'

# --- --stats totals over every file ---
expect "--stats: the YAML totals add up over every file (reportcheck)" '
	RC=$WORK/reportcheck &&
	cc -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) &&
	sc lint --stats --format=yaml $OBJS >t.yaml 2>/dev/null;
	"$RC" yaml t.yaml >t.flat &&
	grep -qx "totals.files=6" t.flat && grep -qx "totals.not_checked=2" t.flat'

expect "--stats: the totals are the sums of the files' counts" '
	/usr/bin/python3 - t.yaml <<-EOF
	import yaml, sys, collections
	r = yaml.safe_load(open(sys.argv[1]))
	t = r["totals"]
	kinds, rules = collections.Counter(), collections.Counter()
	for f in r["files"]:
	    kinds.update(f["stats"]["sites_by_kind"])
	    rules.update(f["stats"]["findings_by_rule"])
	assert dict(kinds) == t["sites_by_kind"], (kinds, t)
	assert dict(rules) == t["findings_by_rule"], (rules, t)
	assert t["sites"] == sum(len(f["sites"]) for f in r["files"])
	assert t["in_table"] == sum(s["in_table"] for f in r["files"] for s in f["sites"])
	assert t["sites"] > 0 and t["findings"] > 0
	EOF'

expect "--stats text: a total line after the files' lines" '
	sc lint --stats $OBJS >s.txt 2>/dev/null;
	tail -3 s.txt | head -1 | grep -Eq "^total: 6 files \(2 not checked\): [0-9]+ sites \([0-9]+ in table\): " &&
	grep -Eq "^total: [0-9]+ findings: " s.txt &&
	n=$(grep -E "^sub/[a-z]+\.o: [0-9]+ sites? " s.txt | sed -E "s/^[^:]*: ([0-9]+) .*/\1/" | gawk "{ s += \$1 } END { print s }") &&
	grep -Eq "^total: 6 files \(2 not checked\): $n sites" s.txt'

# --- SARIF ---
sarif() {
	/usr/bin/python3 -c "import json, sys
s = json.load(open(sys.argv[1]))
run = s['runs'][0]
exec(sys.argv[2])" "$@"
}

expect "SARIF: a run whose files were all read succeeded, errors or not" '
	scx 1 lint --format=sarif sub/p.o &&
	sarif out "inv = run[\"invocations\"][0]
assert inv[\"executionSuccessful\"] is True and inv[\"exitCode\"] == 1, inv
assert inv[\"toolExecutionNotifications\"] == []"'

expect "SARIF: unreadable files are notifications with their error, the run failed" '
	scx 2 lint --format=sarif sub/k.o sub/junk.o sub/missing.o &&
	sarif out "inv = run[\"invocations\"][0]
assert inv[\"executionSuccessful\"] is False and inv[\"exitCode\"] == 2
n = inv[\"toolExecutionNotifications\"]
assert [x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"] for x in n] == [\"sub/junk.o\", \"sub/missing.o\"], n
assert all(x[\"level\"] == \"error\" and x[\"descriptor\"][\"id\"] == \"input-error\" for x in n)
assert \"not an ELF\" in n[0][\"message\"][\"text\"], n[0]
assert all(r[\"ruleId\"] != \"input-error\" for r in run[\"results\"])"'

expect "SARIF: notes are left out without -v" '
	scx 0 lint --format=sarif sub/c.o && sarif out "
assert run[\"results\"] == [], run[\"results\"]" &&
	scx 0 lint -v --format=sarif sub/c.o && sarif out "
assert {r[\"level\"] for r in run[\"results\"]} == {\"note\"}, run[\"results\"]"'

expect "SARIF: paths are relative to %SRCROOT%, the current directory by default" '
	scx 1 lint --format=sarif sub/p.o && sarif out "
import os
base = run[\"originalUriBaseIds\"][\"%SRCROOT%\"][\"uri\"]
assert base == \"file://\" + os.getcwd() + \"/\", base
loc = run[\"results\"][0][\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"]
assert loc == {\"uri\": \"sub/p.o\", \"uriBaseId\": \"%SRCROOT%\"}, loc"'

expect "SARIF: --source-root DIR: relative to DIR, ../ and ./ made normal" '
	scx 1 lint --format=sarif --source-root ./sub/../.. sub/./p.o && sarif out "
import os
base = run[\"originalUriBaseIds\"][\"%SRCROOT%\"][\"uri\"]
assert base == \"file://\" + os.path.dirname(os.getcwd()) + \"/\", base
loc = run[\"results\"][0][\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"]
want = os.path.basename(os.getcwd()) + \"/sub/p.o\"
assert loc == {\"uri\": want, \"uriBaseId\": \"%SRCROOT%\"}, loc"'

expect "SARIF: a path outside the root is an absolute file: URI" '
	scx 1 lint --format=sarif --source-root sub "$PWD/sub/../sub/p.o" &&
	sarif out "
loc = run[\"results\"][0][\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"]
assert loc[\"uri\"] == \"p.o\", loc" &&
	mkdir -p other && scx 1 lint --format=sarif --source-root other sub/p.o &&
	sarif out "
import os
loc = run[\"results\"][0][\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"]
assert loc == {\"uri\": \"file://\" + os.getcwd() + \"/sub/p.o\"}, loc"'

expect "SARIF: a source line from DWARF is relative to the root too" '
	scx 0 lint -v --format=sarif --source-root "$TEST_ROOT" sub/c.o && sarif out "
r = [x for x in run[\"results\"] if \"region\" in x[\"locations\"][0][\"physicalLocation\"]]
assert r, run[\"results\"]
loc = r[0][\"locations\"][0][\"physicalLocation\"]
assert loc[\"artifactLocation\"] == {\"uri\": \"tests/fixtures/cond.S\", \"uriBaseId\": \"%SRCROOT%\"}, loc
assert loc[\"region\"][\"startLine\"] > 0"'

expect "SARIF: a name with a space is percent-encoded" '
	mkdir -p "a b" && cp sub/p.o "a b/p.o" &&
	scx 1 lint --format=sarif "a b/p.o" && sarif out "
loc = run[\"results\"][0][\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"]
assert loc[\"uri\"] == \"a%20b/p.o\", loc"'

expect "SARIF: each result names its rule by index into the registry" '
	scx 1 lint -v --format=sarif sub/p.o sub/u.o && sarif out "
rules = run[\"tool\"][\"driver\"][\"rules\"]
assert run[\"results\"]
for r in run[\"results\"]:
    assert rules[r[\"ruleIndex\"]][\"id\"] == r[\"ruleId\"], r"'

expect "--source-root is refused by the commands that have no SARIF paths to make" '
	scx 2 rules --source-root x'

# --- the config validator takes its rules from the registry ---
printf 'rules:\n  cachline: off\n' >typo.yaml
printf 'suppress:\n  - rule: prefixd-branch\n' >typo2.yaml
expect "a misspelt rule in the config: FILE:LINE:COLUMN and a suggestion" '
	scx 2 lint --config typo.yaml sub/k.o &&
	grep -qF "typo.yaml:2:3: error: unknown rule '"'cachline'"'; did you mean '"'cacheline'"'?" err &&
	scx 2 lint --config typo2.yaml sub/k.o &&
	grep -qF "did you mean '"'prefixed-branch'"'?" err'

done_testing
