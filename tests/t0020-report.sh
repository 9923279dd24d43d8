#!/bin/bash
# Machine-readable reports (docs/report.md): --format=yaml|sarif, --report,
# --stats, lint.  Each report is read back by tests/tools/reportcheck,
# which shares no code with scstool's emitters, and its values are
# compared with what objdump, addr2line and the diagnostics say.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

RC=$WORK/reportcheck

# yaml_ok FILE: FILE is a valid YAML report; its flat view goes to FILE.flat.
yaml_ok() {
	"$RC" yaml "$1" >"$1.flat"
}

# sarif_ok FILE: FILE is a valid SARIF report; its summary goes to FILE.flat.
sarif_ok() {
	"$RC" sarif "$1" >"$1.flat"
}

# has FLAT LINE...: every LINE is a whole line of FLAT.
has() {
	local f=$1 l
	shift
	for l; do
		grep -qxF -- "$l" "$f" && continue
		echo "no line '$l' in $f" >&2
		return 1
	done
}

# value FLAT PATH: the value at PATH ("files.0.status").
value() {
	grep -F -- "$2=" "$1" | grep -m1 "^$2=" | cut -d= -f2-
}

# records FLAT LIST FIELD...: one line per entry of every files.N.LIST
# (sites or findings), its FIELDs joined by " | "; a list field (flags)
# shows its items joined by ",", or [] when empty.
records() {
	local flat=$1 list=$2
	shift 2
	gawk -v list="$list" -v fields="$*" '
		BEGIN { nf = split(fields, f, " ") }
		{
			eq = index($0, "="); val = substr($0, eq + 1)
			k = split(substr($0, 1, eq - 1), p, ".")
			if (k < 5 || p[1] != "files" || p[3] != list) next
			id = p[2] "." p[4]
			if (!(id in seen)) { seen[id] = 1; order[++n] = id }
			if (k > 5 && (id, p[5]) in v) val = v[id, p[5]] "," val
			v[id, p[5]] = val
		}
		END {
			for (i = 1; i <= n; i++) {
				line = v[order[i], f[1]]
				for (j = 2; j <= nf; j++)
					line = line " | " v[order[i], f[j]]
				print line
			}
		}' "$flat"
}

# report_dump FLAT: the report's sites as expected_dump prints them
# ("SECTION+0xOFF KIND KEY FLAGS", sorted).
report_dump() {
	records "$1" sites section offset kind key flags |
		gawk -F' [|] ' '{ printf "%s+0x%x %s %s %s\n", $1, strtonum($2),
			$3, $4, $5 == "tail" ? "tail" : "-" }' | sort
}

# objdump_branches OBJ: every branch whose rel32 is relocated against a
# __SCT__ symbol, as objdump decodes it: "SECTION+0xOFF LEN BYTES" with
# OFF the opcode's offset (after any prefix), sorted.
objdump_branches() {
	objdump -drw "$1" | gawk '
		/^Disassembly of section / { sec = $4; sub(/:$/, "", sec); next }
		/^ *[0-9a-f]+:\t/ {
			n = split($0, t, "\t")
			if (n < 5 || t[n] !~ /^__SCT__[A-Za-z0-9_]+-0x4$/) next
			addr = t[1]; gsub(/[ :]/, "", addr)
			nb = split(t[2], b, " ")
			op = b[nb - 4] ~ /^e[89]$/ ? nb - 5 : nb - 6
			bytes = b[1]
			for (i = 2; i <= nb; i++) bytes = bytes " " b[i]
			printf "%s+0x%x %d %s\n", sec, strtonum("0x" addr) + op,
			       nb, bytes
		}' | sort
}

# report_branches FLAT: the report's sites in objdump_branches' form.
report_branches() {
	records "$1" sites section offset length bytes |
		gawk -F' [|] ' '{ printf "%s+0x%x %d %s\n", $1, strtonum($2),
			$3, $4 }' | sort
}

# same_lines A B: the two commands' outputs are equal (shows a diff).
same_lines() {
	diff <(eval "$1") <(eval "$2") >&2
}

# report_diags FLAT: the diagnostic line each finding of the report
# stands for ("PATH: severity: function: message [rule]").
report_diags() {
	local path
	path=$(value "$1" files.0.path)
	records "$1" findings severity function message rule |
		gawk -F' [|] ' -v p="$path" '{ printf "%s: %s: %s: %s [%s]\n",
			p, $1, $2, $3, $4 }'
}

# stats_of FLAT WHICH: "name count" lines of files.0.stats.WHICH.
stats_of() {
	grep "^files\.0\.stats\.$2\." "$1" | sed "s/^files\.0\.stats\.$2\.//; s/=/ /"
}

expect "the report validator builds" '
	log=$(cc -Wall -Wextra -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) 2>&1) &&
	[ -z "$log" ] && [ -x "$RC" ] || { echo "$log"; exit 1; }'

expect "the fixtures build" '
	build gcc cond.S cond.orig && build gcc prefixed.S pfx.orig &&
	build gcc notbranch.S nb.orig && build gcc altinstr.S alt.orig &&
	build gcc prefixed.S pfxg.orig -g &&
	build gcc kinds.c kinds-gcc.orig && build clang kinds.c kinds-clang.orig &&
	build gcc kinds.c kindsg.orig -g &&
	printf "not an object\n" >bad.o'

# --- YAML: structure and values ---

expect "check --format=yaml: exit 0, no diagnostics, a valid report on stdout" '
	cp cond.orig cond.o && scx 0 check --format=yaml cond.o &&
	empty err && cp out cond.yaml && yaml_ok cond.yaml &&
	has cond.yaml.flat "version=1" "command=check" "files.0.path=cond.o" \
		"files.0.arch=x86-64" "files.0.module=false" "files.0.status=0"'

expect "the report names the tool and its version" '
	has cond.yaml.flat "tool=scstool $(sc version | gawk "{ print \$NF }")"'

expect "... and the table it wrote is the one the report lists" '
	same_lines "report_dump cond.yaml.flat" "expected_dump cond.o" &&
	same_lines "table_set cond.o" "expected_sites cond.o"'

expect "every site has the 14 keys and every finding the 7" '
	n=$(expected_dump cond.o | wc -l) && [ "$n" -eq 20 ] &&
	for k in section offset function source kind bytes insn length \
		 trampoline key flags cacheline null in_table; do
		got=$(grep -c "^files\.0\.sites\.[0-9]*\.$k[=.]" cond.yaml.flat |
		      tr -d " ")
		[ "$k" = flags ] && got=$(records cond.yaml.flat sites flags | wc -l)
		[ "$got" -eq "$n" ] || { echo "$k: $got of $n"; exit 1; }
	done &&
	nf=$(grep -c "^files\.0\.findings\.[0-9]*\.rule=" cond.yaml.flat) &&
	for k in rule severity message section offset function source; do
		[ "$(grep -c "^files\.0\.findings\.[0-9]*\.$k=" cond.yaml.flat)" \
		  -eq "$nf" ] || { echo "finding key $k"; exit 1; }
	done'

expect "each kind has its bytes, length, flags and null form" '
	same_lines "records cond.yaml.flat sites kind flags null | sort -u" \
		"printf \"%s\n\" \"call | [] | nop5\" \"cond | tail | jcc-to-ret\" \
			\"tail | tail | ret\""'

expect "bytes and length are the instruction objdump decodes at the site" '
	same_lines "report_branches cond.yaml.flat" "objdump_branches cond.o"'

expect "each site names its function, trampoline, key and disassembly" '
	has cond.yaml.flat "files.0.sites.0.section=.text.z" \
		"files.0.sites.0.offset=0x2" \
		"files.0.sites.0.function=cond_all+0x2" \
		"files.0.sites.0.trampoline=__SCT__foo" \
		"files.0.sites.0.key=__SCK__foo" \
		"files.0.sites.0.insn=jo 8" "files.0.sites.0.in_table=true" &&
	[ "$(records cond.yaml.flat sites in_table | sort -u)" = true ]'

expect "sites are sorted by section (index) and offset, like the table" '
	records cond.yaml.flat sites section offset |
		gawk -F" [|] " "{ print \$1, strtonum(\$2) }" >order &&
	readelf -SW cond.o | sed "s/\[ */[/" |
		gawk "\$1 ~ /^\[[0-9]+\]\$/ { print \$2, substr(\$1, 2) + 0 }" >idx &&
	gawk "NR == FNR { i[\$1] = \$2; next } { print i[\$1], \$2 }" idx order |
		gawk "NR > 1 && (\$1 < s || (\$1 == s && \$2 <= o)) { bad = 1 }
		      { s = \$1; o = \$2 } END { exit bad }"'

for cc in $COMPILERS; do
	expect "$cc: kinds.c: the report lists every site objdump shows" '
		cp kinds-'$cc'.orig k.o &&
		scx 0 check -n --format=yaml k.o && cp out k-'$cc'.yaml &&
		yaml_ok k-'$cc'.yaml &&
		same_lines "report_dump k-'$cc'.yaml.flat" "expected_dump k.o" &&
		same_lines "report_branches k-'$cc'.yaml.flat" "objdump_branches k.o"'
done

expect "with DWARF, source is the line addr2line gives for the site" '
	cp kindsg.orig kg.o && scx 0 check -n --format=yaml kg.o &&
	cp out kg.yaml && yaml_ok kg.yaml &&
	records kg.yaml.flat sites section offset source >src &&
	[ -s src ] && ! grep -q " | ~\$" src &&
	while IFS="|" read -r sec off line; do
		sec=${sec% } off=${off# } off=${off% } line=${line# }
		want=$(addr2line -e kg.o -j "$sec" "$off" | sed "s/ (.*//")
		[ "$line" = "$want" ] || { echo "$sec+$off: $line, want $want"; exit 1; }
	done <src'

expect "without DWARF, every source is null (~)" '
	[ "$(records cond.yaml.flat sites source | sort -u)" = "~" ] &&
	[ "$(records cond.yaml.flat findings source | sort -u)" = "~" ]'

# --- findings ---

expect "prefixed sites: exit 1, the same five errors on stderr as in text" '
	cp pfx.orig pfx.o && scx 1 check pfx.o && cp err pfx.text-err &&
	scx 1 check --format=yaml pfx.o && same pfx.text-err err &&
	findings_n err error prefixed-branch 5 && cp out pfx.yaml &&
	yaml_ok pfx.yaml && has pfx.yaml.flat "files.0.status=1"'

expect "... each prefixed site is in the report with in_table: false" '
	[ "$(records pfx.yaml.flat sites in_table | sort | uniq -c |
	     gawk "{ print \$2, \$1 }" | tr "\n" " ")" = "false 5 true 1 " ] &&
	same_lines "report_branches pfx.yaml.flat" "objdump_branches pfx.o" &&
	has pfx.yaml.flat "files.0.sites.1.function=pfx_cs+0x1" \
		"files.0.sites.1.offset=0x8" "files.0.sites.1.bytes=2e e8 00 00 00 00"'

expect "... with a prefixed-branch error for each, at its instruction" '
	records pfx.yaml.flat findings rule severity section function |
		grep "^prefixed-branch " | sed "s/^prefixed-branch | //" |
		sort >got &&
	records pfx.yaml.flat sites in_table section function |
		grep "^false " | sed "s/^false | /error | /" | sort >want &&
	[ "$(wc -l <got)" -eq 5 ] && same got want'

expect "... and nothing was written" 'same pfx.orig pfx.o && no_temp'

expect "every finding of the report is a diagnostic of check -v, in order" '
	scx 1 check -v --format=yaml pfx.o && cp out pfxv.yaml &&
	yaml_ok pfxv.yaml && same_lines "report_diags pfxv.yaml.flat" "cat err"'

expect "notes are in the report without -v (not-a-branch)" '
	cp nb.orig nb.o && scx 0 check --format=yaml nb.o && empty err &&
	cp out nb.yaml && yaml_ok nb.yaml &&
	[ "$(records nb.yaml.flat findings rule severity |
	     grep -c "^not-a-branch | note\$")" -eq 3 ] &&
	records nb.yaml.flat findings rule section offset function |
		grep -qx "not-a-branch | .data | 0x8 | .data+0x8" &&
	records nb.yaml.flat findings rule function |
		grep -q "^not-a-branch | take_addr+0x"'

expect "references that are no branches are no sites" '
	[ "$(records nb.yaml.flat sites function)" = "good+0x0" ]'

expect "altinstr-replacement notes are in the report, the sites are not" '
	cp alt.orig alt.o && scx 0 check -n --format=yaml alt.o && empty err &&
	cp out alt.yaml && yaml_ok alt.yaml &&
	[ "$(records alt.yaml.flat findings rule section |
	     grep -c "^altinstr-replacement | .altinstr_replacement\$")" -eq 2 ] &&
	! grep -q "sites\.[0-9]*\.section=\.altinstr_replacement" alt.yaml.flat'

expect "-W RULE=off: no finding, but the unpatchable sites stay out" '
	scx 0 check -n --format=yaml -W prefixed-branch=off pfx.o &&
	cp out off.yaml && yaml_ok off.yaml &&
	! grep -q "rule=prefixed-branch" off.yaml.flat &&
	[ "$(grep -c "sites\.[0-9]*\.in_table=false" off.yaml.flat)" -eq 5 ]'

expect "-W RULE=warning: the report gives the finding that severity" '
	scx 0 check -n --format=yaml -W not-a-branch=warning nb.o &&
	cp out nbw.yaml && yaml_ok nbw.yaml &&
	[ "$(records nbw.yaml.flat findings rule severity |
	     grep -c "^not-a-branch | warning\$")" -eq 3 ]'

expect "a whole-file finding (stale-table) has a null section" '
	cp cond.o stale.o && printf "cond-tail: false\n" >nocond.yaml &&
	scx 1 check -n --config nocond.yaml --format=yaml stale.o &&
	cp out stale.yaml && yaml_ok stale.yaml &&
	records stale.yaml.flat findings rule section function |
		grep -qx "stale-table | ~ | .static_call_sites+0x0"'

expect "... and in SARIF, a result without section or offset" '
	scx 1 check -n --config nocond.yaml --format=sarif stale.o &&
	sarif_ok out && grep -qx "stale-table error stale.o" out.flat &&
	tr -d " \n" <out | grep -q "\"properties\":{\"object\":\"stale.o\"}"'

# --- where the report goes ---

expect "--report FILE: the report goes to FILE, stdout stays empty" '
	scx 1 check -n --format=yaml --report r.yaml pfx.o && empty out &&
	same pfx.text-err err && yaml_ok r.yaml &&
	scx 1 check -n --format=yaml pfx.o && same out r.yaml'

expect "--report FILE that cannot be written: exit 2" '
	scx 2 check -n --format=yaml --report no/such/dir/r.yaml cond.o &&
	grep -q "no/such/dir/r.yaml" err'

expect "--format=bogus is a usage error (exit 2), nothing on stdout" '
	scx 2 check --format=bogus cond.o && empty out && [ -s err ]'

expect "the exit status does not depend on the format" '
	cp pfx.orig p2.o &&
	for f in text yaml sarif; do
		scx 0 check -n --format=$f cond.o >/dev/null &&
		scx 1 check -n --format=$f p2.o >/dev/null &&
		scx 2 check -n --format=$f bad.o >/dev/null &&
		scx 2 check -n --format=$f cond.o bad.o p2.o >/dev/null ||
			{ echo "format $f"; exit 1; }
	done && same pfx.orig p2.o'

# --- lint and dump ---

expect "lint is check --dry-run: the file is left alone, same report" '
	cp cond.orig lint.o && cp cond.orig lint.orig &&
	scx 0 lint --format=yaml lint.o && same lint.orig lint.o && no_temp &&
	yaml_ok out && has out.flat "command=lint" && cp out lint.yaml &&
	scx 0 check -n --format=yaml lint.o && same lint.orig lint.o &&
	diff <(sed "s/^command: lint\$/command: check/" lint.yaml) out >&2'

expect "lint keeps the exit status and diagnostics of check" '
	scx 1 lint --format=yaml pfx.o && same pfx.text-err err &&
	same pfx.orig pfx.o'

expect "dump --format=yaml: the sites of the table check wrote" '
	scx 0 dump --format=yaml cond.o && cp out dump.yaml && yaml_ok dump.yaml &&
	has dump.yaml.flat "command=dump" "files.0.path=cond.o" &&
	same_lines "report_dump dump.yaml.flat" "expected_dump cond.o" &&
	[ "$(records dump.yaml.flat sites in_table | sort -u)" = true ]'

expect "... with the same values as the report of check for those sites" '
	same_lines "records dump.yaml.flat sites section offset function kind \
			bytes insn length trampoline key flags null" \
		"records cond.yaml.flat sites section offset function kind \
			bytes insn length trampoline key flags null"'

expect "dump --format=yaml of an object without a table: no sites" '
	scx 0 dump --format=yaml pfx.o && yaml_ok out &&
	has out.flat "files.0.sites=[]"'

# --- SARIF ---

expect "check -v --format=sarif: a valid SARIF 2.1.0 log, one result per finding" '
	scx 1 check -n --format=sarif pfx.o && same pfx.text-err err &&
	scx 1 check -n -v --format=sarif pfx.o &&
	cp out pfx.sarif && sarif_ok pfx.sarif &&
	n=$(grep -c "^files\.0\.findings\.[0-9]*\.rule=" pfx.yaml.flat) &&
	has pfx.sarif.flat "results=$n"'

expect "... each result has the rule and level of its finding, in order" '
	same_lines "sed -n \"/^results=/,/^rules=/p\" pfx.sarif.flat |
			sed \"1d;\\\$d\" | cut -d\" \" -f1,2" \
		"records pfx.yaml.flat findings rule severity | sed \"s/ | / /\""'

expect "... located in the object, with its function and offset" '
	grep -q "^prefixed-branch error pfx.o\$" pfx.sarif.flat &&
	json=$(tr -d " \n" <pfx.sarif) &&
	[[ $json == *"\"name\":\"pfx_cs+0x1\",\"kind\":\"function\""* ]] &&
	[[ $json == *"\"object\":\"pfx.o\",\"section\":\".text\",\"offset\":7"* ]] &&
	[[ $json == *"\"version\":\"2.1.0\""* ]]'

expect "... and its results use each rule of their findings" '
	want=$(records pfx.yaml.flat findings rule | sort -u | tr "\n" " ") &&
	[ "rules=${want% }" = "$(grep ^rules= pfx.sarif.flat)" ]'

expect "SARIF with DWARF: the result points at the source line" '
	cp pfxg.orig pg.o && scx 1 check -n -v --format=sarif pg.o &&
	cp out pg.sarif && sarif_ok pg.sarif &&
	scx 1 check -n --format=yaml pg.o && cp out pg.yaml && yaml_ok pg.yaml &&
	src=$(records pg.yaml.flat findings rule source |
	      grep -m1 "^prefixed-branch" | sed "s/.* | //") &&
	[ "${src##*/}" = "prefixed.S:${src##*:}" ] &&
	grep -qx "prefixed-branch error file://$src" pg.sarif.flat'

expect "SARIF: a file that cannot be read is a tool execution notification, not a result" '
	scx 2 check -n -v --format=sarif cond.o bad.o && sarif_ok out &&
	grep -qx "notification error bad.o" out.flat &&
	grep -qx "invocation=failed" out.flat &&
	! grep -q "^input-error " out.flat &&
	has out.flat "rules=$(records cond.yaml.flat findings rule | sort -u |
				tr "\n" " " | sed "s/ \$//")"'

expect "dump --format=sarif: no findings, no results" '
	scx 0 dump --format=sarif cond.o && sarif_ok out &&
	has out.flat "results=0" "rules="'

# --- bad input ---

expect "a bad file is in the report with its error and status 2" '
	scx 2 check -n --format=yaml cond.o bad.o pfx.o && cp out many.yaml &&
	yaml_ok many.yaml &&
	has many.yaml.flat "files.0.path=cond.o" "files.0.status=0" \
		"files.1.path=bad.o" "files.1.status=2" "files.1.arch=~" \
		"files.1.sites=[]" "files.1.findings=[]" \
		"files.2.path=pfx.o" "files.2.status=1" &&
	! grep -q "^files\.[02]\.error=" many.yaml.flat'

expect "... the error is what the diagnostic says" '
	msg=$(value many.yaml.flat files.1.error) && [ -n "$msg" ] &&
	grep -qxF "bad.o: error: $msg" err'

expect "a missing file is reported the same way" '
	scx 2 check -n --format=yaml no-such.o && yaml_ok out &&
	has out.flat "files.0.path=no-such.o" "files.0.status=2" &&
	grep -qxF "no-such.o: error: $(value out.flat files.0.error)" err'

# --- stats ---

expect "--stats: the YAML report counts sites by kind and key" '
	scx 0 check -n --format=yaml --stats cond.o && cp out st.yaml &&
	yaml_ok st.yaml &&
	same_lines "stats_of st.yaml.flat sites_by_kind" \
		"expected_dump cond.o | gawk \"{ print \\\$2 }\" | sort | uniq -c |
			gawk \"{ print \\\$2, \\\$1 }\"" &&
	same_lines "stats_of st.yaml.flat sites_by_key" "echo __SCK__foo 20"'

expect "... and findings by rule, matching the findings listed" '
	same_lines "stats_of st.yaml.flat findings_by_rule" \
		"records st.yaml.flat findings rule | sort | uniq -c |
			gawk \"{ print \\\$2, \\\$1 }\""'

expect "... and the report is otherwise the one without --stats" '
	scx 0 check -n --format=yaml cond.o &&
	diff <(sed "/^totals:/,\$d" st.yaml | sed "/^  stats:/,/^  [^ ]/d") out >&2'

expect "without --stats there is no stats key" '
	! grep -q "\.stats\." cond.yaml.flat'

expect "--stats with text: counts on stdout, diagnostics on stderr" '
	scx 2 check -n --stats cond.o pfx.o bad.o &&
	grep -qx "cond.o: 20 sites (20 in table): call 2, cond 17, tail 1" out &&
	grep -qx "cond.o:   by key: __SCK__foo 20" out &&
	grep -qx "pfx.o: 6 sites (1 in table): call 4, cond 1, tail 1" out &&
	grep -Eqx "pfx.o: [0-9]+ findings: .*prefixed-branch 5.*" out &&
	grep -qx "bad.o: not checked" out &&
	findings_n err error prefixed-branch 5 && ! grep -q "sites" err'

expect "--stats text: the findings line adds up" '
	n=$(grep -c "^files\.0\.findings\.[0-9]*\.rule=" cond.yaml.flat) &&
	line=$(grep "^cond.o: [0-9]* finding" out) &&
	[ "${line#cond.o: $n finding}" != "$line" ] &&
	[ "$(echo "${line#*: *: }" | tr "," "\n" | gawk "{ s += \$NF } END { print s }")" -eq "$n" ]'

# --- determinism ---

expect "the same input gives the same YAML bytes" '
	scx 0 check -n --format=yaml --stats cond.o && cp out d1.yaml &&
	scx 0 check -n --format=yaml --stats cond.o && same d1.yaml out'

expect "-j 2 over several files gives the same YAML as -j 1" '
	cp kinds-gcc.orig kg1.o && cp kinds-clang.orig kc1.o &&
	set -- cond.o kg1.o bad.o pfx.o kc1.o nb.o alt.o &&
	scx 2 lint -j 1 --format=yaml --stats "$@" && cp out j1.yaml &&
	cp err j1.err && yaml_ok j1.yaml &&
	scx 2 lint -j 2 --format=yaml --stats "$@" && same j1.yaml out &&
	same j1.err err &&
	[ "$(grep -c "^files\.[0-9]*\.path=" j1.yaml.flat)" -eq 7 ]'

expect "-j 2 over several files gives the same SARIF as -j 1" '
	set -- cond.o kg1.o bad.o pfx.o kc1.o nb.o alt.o &&
	scx 2 lint -j 1 --format=sarif "$@" && cp out j1.sarif &&
	sarif_ok j1.sarif &&
	scx 2 lint -j 2 --format=sarif "$@" && same j1.sarif out'

expect "one file on two decoding threads gives the same report" '
	scx 0 check -n --format=yaml cond.o && cp out j0.yaml &&
	scx 0 check -n -j 2 --format=yaml cond.o && same j0.yaml out'

# --- strings that must stay strings ---

expect "paths that look like YAML values come back as strings" '
	for p in null 0x10 yes "~" "1.5" "a: b #c.o" "-x.o" "[x].o"; do
		cp -- cond.orig "$p" &&
		scx 0 check -n --format=yaml -- "$p" && yaml_ok out &&
		has out.flat "files.0.path=$p" || { echo "path $p"; exit 1; }
	done'

expect "the site key null is written quoted, so it reads back as a string" '
	grep -q "^    '"'"'null'"'"': nop5\$" cond.yaml &&
	has cond.yaml.flat "files.0.sites.0.null=jcc-to-ret"'

# --- the validator itself ---

expect "the validator rejects a site without one of its keys" '
	sed "0,/^    insn: /{/^    insn: /d}" cond.yaml >bad1.yaml &&
	! "$RC" yaml bad1.yaml >/dev/null 2>msg && grep -q "missing key .insn." msg'

expect "the validator rejects an unquoted null key and typed strings" '
	sed "s/^    '"'"'null'"'"':/    null:/" cond.yaml >bad2.yaml &&
	! "$RC" yaml bad2.yaml >/dev/null 2>msg && grep -q "want string" msg &&
	sed "0,/in_table: true/s//in_table: '"'"'true'"'"'/" cond.yaml >bad3.yaml &&
	! "$RC" yaml bad3.yaml >/dev/null 2>msg && grep -q "want boolean" msg &&
	sed "0,/section: .text.z/s//section: 1.5/" cond.yaml >bad4.yaml &&
	! "$RC" yaml bad4.yaml >/dev/null 2>msg && grep -q "want string" msg'

expect "the validator rejects stats that do not add up" '
	sed "s/{call: 2,/{call: 3,/" st.yaml >bad5.yaml && ! cmp -s st.yaml bad5.yaml &&
	! "$RC" yaml bad5.yaml >/dev/null 2>msg && grep -q "add up" msg'

expect "the validator rejects a SARIF log of another version" '
	sed "s/\"2\.1\.0\"/\"2.0.0\"/" pfx.sarif >bad.sarif &&
	! "$RC" sarif bad.sarif >/dev/null 2>msg && grep -q "2.1.0" msg'

# --- memory ---

if [ "${TEST_VARIANT:-rel}" = rel ] && command -v valgrind >/dev/null; then
	expect "valgrind: yaml, sarif and stats reports are clean" '
		for f in yaml sarif text; do
			valgrind -q --leak-check=full --error-exitcode=99 \
				--errors-for-leak-kinds=definite,indirect "$SCSTOOL" \
				check -n --stats --format=$f -j 2 pg.o bad.o kg.o \
				>/dev/null 2>vg.err
			[ $? -eq 2 ] || { cat vg.err; exit 1; }
			! grep -q "^==[0-9]*==" vg.err || { cat vg.err; exit 1; }
		done'
fi

done_testing
