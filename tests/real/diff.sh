#!/bin/bash
# Real-world differential test.  Debian's kernel modules carry the
# .static_call_sites tables that objtool wrote at build time: strip them,
# regenerate them with scstool, and require the same tables.  objtool of the
# same build, run post-link on the same stripped modules, is a second,
# independent reference.  A missing reference fails the test: never a skip.
source "$(dirname "$0")/../lib.sh"
source "$TEST_ROOT/tests/real/fetch.sh"

KVM=arch/x86/kvm/kvm.ko

# strip_table IN OUT: OUT is IN without its static-call table.
strip_table() {
	objcopy --remove-section .rela.static_call_sites \
		--remove-section .static_call_sites "$1" "$2"
}

# The per-module steps run under xargs in child shells: they are exported.
strip_one() {
	mkdir -p "sc/${1%/*}" "ot/${1%/*}" &&
		strip_table "$REAL_MODS/$1" "sc/$1" && cp "sc/$1" "ot/$1"
}

# has_table FILE: FILE has a .static_call_sites section.
has_table() {
	readelf -SW "$1" 2>/dev/null | grep -q '\] \.static_call_sites '
}

# objtool fails on a few modules: it may exit 0 after a warning and write no
# table at all, so a missing table counts as a failure.  Failures are
# recorded and never stop the run.
objtool_one() {
	"$REAL_OBJTOOL" --static-call --module "ot/$1" >"ot/$1.log" 2>&1 &&
		has_table "ot/$1" || echo "$1" >>objtool-failed.list
	return 0
}

# Tables of the original, of scstool's and (when it succeeded) of objtool's
# copy, next to each file as FILE.ts.
tables_one() {
	mkdir -p "orig/${1%/*}" &&
		table_set "$REAL_MODS/$1" >"orig/$1.ts" && table_set "sc/$1" >"sc/$1.ts" &&
		if ! grep -qxF "$1" objtool-failed.list; then
			table_set "ot/$1" >"ot/$1.ts"
		fi
}
export REAL_MODS REAL_OBJTOOL
export -f has_table strip_table strip_one objtool_one tables_one table_set table_entries

# each FUNC: runs FUNC on every module of modules.list, two at a time.
each() {
	xargs -d '\n' -n 16 -P 2 \
		bash -c 'f=$1; shift; for m; do "$f" "$m" || exit 255; done' _ "$1" \
		<modules.list
}

# same_tables DIR_A DIR_B LIST: the modules of LIST whose tables differ, with
# the start of the first differences, and the count; fails on any.
same_tables() {
	local a=$1 b=$2 list=$3 m bad=()
	while IFS= read -r m; do
		cmp -s "$a/$m.ts" "$b/$m.ts" || bad+=("$m")
	done <"$list"
	[ ${#bad[@]} -eq 0 ] && return 0
	for m in "${bad[@]:0:3}"; do
		echo "--- $a/$m +++ $b/$m"
		diff "$a/$m.ts" "$b/$m.ts" | head -6
	done
	echo "${#bad[@]} modules differ: ${bad[*]:0:20}"
	return 1
}

# Modules whose original table read as empty: table_set cannot have worked.
empty_tables() {
	local m
	while IFS= read -r m; do
		[ -s "orig/$m.ts" ] || echo "$m"
	done <modules.list
}

# Runs scstool on a fresh stripped copy of the original $1 into DIR $2.
fresh_check() {
	mkdir -p "$2" && strip_table "$REAL_MODS/$1" "$2/${1##*/}" &&
		sc check "$2/${1##*/}"
}

real_fetch
fetch_rc=$?
expect "reference data: Debian linux ${REAL_VERSION:-(none)} modules and objtool" \
	'[ $fetch_rc -eq 0 ]'
[ $fetch_rc -eq 0 ] || { done_testing; exit 1; }
# Without gawk, table_set prints empty sets that would all compare equal.
expect 'gawk is there, as table_set needs (apt-get install gawk)' \
	'gawk "BEGIN { exit strtonum(\"0x10\") != 16 }"'

cp "$REAL_LIST" modules.list
n=$(wc -l <modules.list)
echo "# real: Debian linux $REAL_VERSION: $n modules with .static_call_sites"
: >objtool-failed.list
expect "$n modules have a table (at least 700)" '[ "$n" -ge 700 ]'
expect 'every module stripped of its table' 'each strip_one'
expect 'no stripped copy has .static_call_sites left' \
	'! (cd sc && xargs -d "\n" readelf -SW <../modules.list) | grep -q static_call_sites'

expect "one 'scstool check -j2' call over all $n modules exits 0" \
	'cd sc && mapfile -t mods <../modules.list &&
	 { status 0 sc check -j2 "${mods[@]}" 2>../check.err || { tail ../check.err; false; }; }'
echo "# real: scstool printed $(wc -l <check.err) diagnostic lines (see check.err)"
objtool_start=$SECONDS
each objtool_one
echo "# real: objtool run on $n modules in $((SECONDS - objtool_start)) s," \
	"failed on $(wc -l <objtool-failed.list)"
expect 'table sets read with readelf' 'each tables_one'
expect 'every original table reads as a non-empty set' '[ -z "$(empty_tables)" ]'
echo "# real: $(sed 's/$/.ts/; s,^,orig/,' modules.list | xargs -d '\n' cat | wc -l) sites in the original tables"

expect "real: $n modules: tables identical to the distribution's" \
	'same_tables orig sc modules.list'
grep -vxF -f objtool-failed.list modules.list >objtool-ok.list
expect "real: $(wc -l <objtool-ok.list) modules where objtool succeeds: objtool's tables identical to scstool's" \
	'same_tables ot sc objtool-ok.list'

# objtool's post-link failures are a report; scstool must handle them.
while IFS= read -r m; do
	msg=$(head -1 "ot/$m.log")
	echo "# real: objtool fails on $m: ${msg:-no table written, no message}"
	expect "objtool fails on $m; scstool wrote its table ($(wc -l <"orig/$m.ts") sites), equal to the original" \
		'{ has_table "sc/$m" || echo "sc/$m: no .static_call_sites"; } && cmp "orig/$m.ts" "sc/$m.ts"'
done <objtool-failed.list

# Determinism and idempotence on real data.
expect 'kvm.ko: a second fresh copy checks to a byte-identical file' \
	'fresh_check $KVM det && cmp det/kvm.ko sc/$KVM'
expect 'kvm.ko: checking an already checked file exits 0, bytes unchanged' \
	'mkdir -p idem && cp sc/$KVM idem/kvm.ko && status 0 sc check idem/kvm.ko && cmp idem/kvm.ko sc/$KVM'
expect "all $n checked modules: checked again in one call, bytes unchanged" \
	'cp -r sc again && cd again && mapfile -t mods <../modules.list &&
	 status 0 sc check -j2 "${mods[@]}" &&
	 for m in "${mods[@]}"; do cmp "$m" "../sc/$m" || exit 1; done'

# The output must stay a valid object for the tools that come after.
expect 'kvm.ko: readelf -a reads the checked file without a warning' \
	'readelf -a sc/$KVM >/dev/null 2>readelf.err && ! [ -s readelf.err ] || { cat readelf.err; false; }'
expect 'kvm.ko: ld -r links the checked file, keeping its table' \
	'ld -r -o kvm-linked.o sc/$KVM && [ "$(table_set kvm-linked.o)" = "$(cat sc/$KVM.ts)" ]'

done_testing
