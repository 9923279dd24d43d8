#!/bin/bash
# The rule registry (check/rules.c) and everything derived from it:
# `scstool help rules` in every format, the README's rule table, SARIF's
# tool.driver.rules[], and the architectures each rule claims.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# The registry as scstool prints it; the other checks read this.
sc help rules --format=json >rules.json 2>rules.err

expect "help rules --format=json is a list of every rule with every field" '
	empty rules.err &&
	/usr/bin/python3 - rules.json <<-EOF
	import json, sys
	rules = json.load(open(sys.argv[1]))
	assert len(rules) >= 21, len(rules)
	keys = {"name", "severity", "architectures", "commands",
	        "keeps_site_out", "summary", "description", "help"}
	names = set()
	for r in rules:
	    assert set(r) == keys, r
	    assert r["severity"] in ("note", "warning", "error"), r
	    assert r["architectures"], r
	    assert set(r["architectures"]) <= {"x86-64", "i386", "arm64", "ppc64", "ppc32"}, r
	    assert r["commands"] in (["check", "lint"], ["verify"],
	                             ["check", "lint", "verify"]), r
	    assert isinstance(r["keeps_site_out"], bool), r
	    for k in ("summary", "description", "help"):
	        assert r[k].strip() and "|" not in r[k] and "\n" not in r[k], (r["name"], k)
	    assert r["name"] not in names, r["name"]
	    names.add(r["name"])
	EOF'

expect "help rules --format=yaml holds the same rules as the JSON" '
	sc help rules --format=yaml >rules.yaml &&
	/usr/bin/python3 - <<-EOF
	import json, yaml
	assert yaml.safe_load(open("rules.yaml")) == json.load(open("rules.json"))
	EOF'

expect "help rules lists each rule with its default severity and architectures" '
	scx 0 help rules && empty err &&
	/usr/bin/python3 - rules.json out <<-EOF
	import json, sys
	lines = open(sys.argv[2]).read().splitlines()
	rules = json.load(open(sys.argv[1]))
	arch = lambda r: "all" if len(r["architectures"]) == 5 else ", ".join(r["architectures"])
	w = max(len(arch(r)) for r in rules)
	for r in rules:
	    want = "  %-21s %-7s %-*s %s" % (r["name"], r["severity"], w, arch(r), r["summary"])
	    assert want in lines, want
	EOF'

# Each command's help lists the rules whose findings it can give, and no
# other: the registry's commands field, as help rules --format=json says.
for c in check lint verify; do
	expect "help $c lists exactly the rules of $c, in help rules' order" '
		/usr/bin/python3 -c "import json; print(\"\n\".join(r[\"name\"] for r in json.load(open(\"rules.json\")) if \"'$c'\" in r[\"commands\"]))" >want &&
		[ "$(wc -l <want)" -ge 10 ] &&
		scx 0 help '$c' && sed -n "/^Rules (/,/^\$/p" out | gawk "/^  [a-z]/ { print \$1 }" >got &&
		diff want got'
done

expect "check and verify share some rules, and each has its own" '
	/usr/bin/python3 - rules.json <<-EOF
	import json, sys
	rules = {r["name"]: r["commands"] for r in json.load(open(sys.argv[1]))}
	assert rules["missing-table"] == ["verify"], rules["missing-table"]
	assert rules["stale-table"] == ["check", "lint"], rules["stale-table"]
	assert rules["not-on-boundary"] == ["check", "lint", "verify"]
	EOF'

expect "help rules RULE names the commands of the rule" '
	scx 0 help rules unlisted-site && grep -qx "  commands: verify" out &&
	scx 0 help rules cacheline && grep -qx "  commands: check, lint, verify" out'

expect "help rules RULE describes one rule in full" '
	scx 0 help rules toc-restore && empty err &&
	grep -qx "toc-restore" out && grep -qx "  default severity: error" out &&
	grep -qx "  architectures: ppc64" out &&
	grep -qx "  keeps its site out of the table: yes, whatever its severity" out &&
	grep -q "What to do: " out'

expect "help rules with a misspelt rule: exit 2 and a suggestion" '
	scx 2 help rules toc-restor && empty out &&
	grep -qF "unknown rule '"'"'toc-restor'"'"'; did you mean '"'"'toc-restore'"'"'?" err'

expect "help rules with a name far from any rule suggests nothing" '
	scx 2 help rules frobnicate && ! grep -q "did you mean" err'

expect "help rules --format=bogus: exit 2" 'scx 2 help rules --format=bogus'

expect "rules --format=json with a rule name: exit 2, not text in its place" '
	scx 2 rules --format=json cacheline && empty out &&
	grep -qF "a named rule ('"'"'cacheline'"'"') is described in text only" err &&
	scx 2 help rules --format=yaml cacheline && empty out &&
	scx 0 rules --format=text cacheline && grep -qx cacheline out'

expect "a usage error of rules points at rules --help, which shows its options" '
	scx 2 rules --bogus &&
	grep -qxF "Run '"'"'scstool rules --help'"'"' for usage." err &&
	scx 0 rules --help && grep -q -- "--format F" out'

# The README's table is the registry's Markdown, byte for byte.
expect "the README's rule table is help rules --format=markdown" '
	sed -n "/^<!-- rules:begin/,/^<!-- rules:end/p" "$TEST_ROOT/README.md" |
		sed "1d;\$d" >readme.md &&
	scx 0 help rules --format=markdown && [ -s readme.md ] && diff readme.md out'

expect "the Markdown table has one row per rule, in the registry order" '
	scx 0 help rules --format=markdown &&
	sed -n "s/^| \`\([a-z-]*\)\` .*/\1/p" out >md.names &&
	/usr/bin/python3 -c "import json; print(\"\n\".join(r[\"name\"] for r in json.load(open(\"rules.json\"))))" >json.names &&
	diff json.names md.names'

# --- SARIF: every rule of the registry, with GitHub's required fields ---
build gcc prefixed.S p.o 2>/dev/null
expect "SARIF lists every rule with short and full descriptions and help" '
	sc lint --format=sarif --report p.sarif p.o 2>/dev/null; [ -s p.sarif ] &&
	/usr/bin/python3 - rules.json p.sarif <<-EOF
	import json, sys
	reg = {r["name"]: r for r in json.load(open(sys.argv[1]))}
	drv = json.load(open(sys.argv[2]))["runs"][0]["tool"]["driver"]
	got = {r["id"]: r for r in drv["rules"]}
	assert set(reg) <= set(got), set(reg) - set(got)
	for name, r in reg.items():
	    g = got[name]
	    assert g["shortDescription"]["text"] == r["summary"], name
	    assert g["fullDescription"]["text"] == r["description"], name
	    assert g["help"]["markdown"] == r["help"], name
	    assert g["help"]["text"] == r["help"].replace("\`", ""), name
	    lvl = g["defaultConfiguration"]["level"]
	    assert lvl == r["severity"], (name, lvl)
	EOF'

# --- each finding's rule claims the architecture it fired on ---
# Objects of every architecture, with as many kinds of finding as the
# fixtures give.
arch_objs() {
	local s
	for s in prefixed badaddend boundary undecodable nonglobal notbranch \
		 altinstr got cacheline cond init opsize pc32 policy; do
		build gcc $s.S x-$s.o || return 1
	done
	build gcc module.c x-nokey.o || return 1
	build clang i386-kinds.S i-k.o --target=i386-linux-gnu &&
	build clang i386-rules.S i-r.o --target=i386-linux-gnu &&
	build clang arm64-kinds.S a-k.o --target=aarch64-linux-gnu &&
	build clang arm64-rules.S a-r.o --target=aarch64-linux-gnu &&
	build clang ppc64-kinds.S p-k.o --target=powerpc64le-linux-gnu &&
	build clang ppc64-toc.S p-t.o --target=powerpc64le-linux-gnu &&
	build clang ppc-bcforms.S p-b.o --target=powerpc64le-linux-gnu &&
	build clang ppc32-kinds.S q-k.o --target=powerpc-linux-gnu &&
	build clang ppc32-rules.S q-r.o --target=powerpc-linux-gnu
}

# arch_ok RULES.json REPORT.yaml: every finding's rule lists its file's
# arch; prints how many findings of how many rules it saw.
arch_ok() {
	/usr/bin/python3 - "$1" "$2" <<-EOF
	import json, sys, yaml
	reg = {r["name"]: r for r in json.load(open(sys.argv[1]))}
	rep = yaml.safe_load(open(sys.argv[2]))
	n, rules = 0, set()
	for f in rep["files"]:
	    for d in f["findings"]:
	        n += 1
	        rules.add(d["rule"])
	        assert f["arch"] in reg[d["rule"]]["architectures"], (f["path"], f["arch"], d["rule"])
	print(n, len(rules))
	EOF
}

expect "every finding fires only on an architecture its rule lists" '
	arch_objs && { sc lint --format=yaml -- *.o >all.yaml 2>/dev/null; [ -s all.yaml ]; } &&
	arch_ok rules.json all.yaml >seen && read n r <seen &&
	echo "$n findings of $r rules" && [ "$n" -ge 40 ] && [ "$r" -ge 12 ]'

expect "control: the same check fails when a rule does not list its arch" '
	/usr/bin/python3 - <<-EOF &&
	import json
	r = json.load(open("rules.json"))
	for x in r:
	    if x["name"] == "branch-range": x["architectures"].remove("arm64")
	json.dump(r, open("bad.json", "w"))
	EOF
	! arch_ok bad.json all.yaml 2>/dev/null'

done_testing
