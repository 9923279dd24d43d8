#!/bin/bash
# make fuzz: builds seed objects for every architecture from the test
# fixtures and seed policy files, then runs both libFuzzer targets at once
# for FUZZ_SECONDS (default 120), the cores shared between them: fuzz_check
# (any bytes as an object) and fuzz_config (any bytes as .scstool.yaml).
# A crash, leak or timeout leaves crash-* (leak-*, timeout-*) files in
# build/fuzz (fuzz_check) or build/fuzz/config (fuzz_config) and fails.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/fuzz
seeds=$out/seeds
mkdir -p "$seeds" || exit 2
cd "$root/tests/fixtures" || exit 2
i=0
seed() {
	"$@" -c -o "$seeds/seed$i.o" 2>/dev/null && i=$((i + 1))
}
seed gcc -O2 -ffunction-sections kinds.c
seed gcc -O2 prefixed.S
seed gcc -O2 cacheline.S
seed gcc -g -O2 source.c
for t in i386-linux-gnu aarch64-linux-gnu powerpc64le-linux-gnu \
	 powerpc64-linux-gnu powerpc-linux-gnu; do
	seed clang --target=$t -O2 -ffunction-sections kinds.c
done
seed clang --target=i386-linux-gnu i386-kinds.S
seed clang --target=aarch64-linux-gnu arm64-kinds.S
seed clang --target=powerpc64le-linux-gnu ppc64-toc.S
# For the writer: gaps, new section symbols, .llvm_addrsig, groups.
seed gcc gaps.S
seed clang -O2 -ffunction-sections manysites.c
seed clang -O2 -ffunction-sections addrsig.c
seed gcc anchor-global.S
seed gcc covering.S
# Seeds that already carry a table, so that reading one is fuzzed too.
for f in "$seeds"/seed0.o "$seeds"/seed5.o "$seeds"/seed6.o; do
	cp "$f" "$f.t.o" && "$root/scstool" check "$f.t.o" >/dev/null 2>&1
done
# Linked files with resolved tables (an executable, a kernel-style link
# with the table between start and stop symbols, an arm64 one), so that
# dump's and verify's readers are fuzzed too.
tmp=$out/link.tmp
mkdir -p "$tmp" &&
	gcc -c stubs.S -o "$tmp/stubs.o" &&
	clang --target=aarch64-linux-gnu -c stubs-any.c -o "$tmp/stubs-a64.o" &&
	gcc -nostdlib -no-pie -Wl,-e,f_call -o "$seeds/linked0.o" \
		"$seeds/seed0.o.t.o" "$tmp/stubs.o" &&
	ld -T kernel.lds -e f_call -o "$seeds/linked1.o" "$seeds/seed0.o.t.o" \
		"$tmp/stubs.o" &&
	ld.lld -o "$seeds/linked2.o" "$seeds/seed5.o.t.o" "$tmp/stubs-a64.o" ||
	echo "fuzz: could not link the linked seeds" >&2
rm -rf "$tmp"
# Policy files: the README's example and the shapes each key takes.
cseeds=$out/config-seeds
mkdir -p "$cseeds" || exit 2
printf '%s\n' "rules:" "  not-a-branch: warning" "  cacheline: off" \
	"suppress:" "  - rule: prefixed-branch" "    function: legacy_*" \
	"  - key: __SCK__debug_*" "    file: drivers/*" "cacheline: 64" \
	"cond-tail: true" >"$cseeds/readme.yaml"
printf '%s\n' "rules: {cond-tail: error, init-site: note}" \
	"suppress: [{rule: 'c*', file: \"a/*.o\"}]" "cond-tail: False" \
	"cacheline: 128" >"$cseeds/flow.yaml"
printf '%s\n' "rules:" "suppress:" "# only comments" "---" >"$cseeds/empty.yaml"
# Its dictionary: the keys, the values, YAML's punctuation and every rule
# name (from help, so that it follows the rule table).
{
	cat <<'DICT'
"rules"
"suppress"
"cacheline"
"cond-tail"
"rule"
"function"
"key"
"file"
"off"
"note"
"warning"
"error"
"true"
"false"
"null"
"~"
"---"
"- "
": "
"{"
"}"
"["
"]"
"&a "
"*a"
"!!str "
"'"
"\""
DICT
	"$root/scstool" help check | gawk '/^Rules:/ { on = 1; next }
		on && NF >= 2 && $1 ~ /^[a-z-]+$/ { printf "\"%s\"\n", $1 }
		on && NF == 0 { exit }'
} >"$out/config.dict"

half=$(( $(nproc) / 2 ))
[ "$half" -ge 1 ] || half=1
secs=${FUZZ_SECONDS:-120}
echo "fuzz: $(ls "$seeds" | wc -l) object seeds, $(ls "$cseeds" | wc -l) config seeds;" \
	"$secs s, $half core(s) per target"

# run_target DIR BINARY SEEDS MAX_LEN [FLAGS...]: one target in DIR.
run_target() {
	local dir=$1 bin=$2 sd=$3 len=$4
	shift 4
	mkdir -p "$dir/corpus" && cd "$dir" || return 2
	rm -f crash-* leak-* timeout-* oom-* fuzz-*.log
	"$bin" -max_total_time="$secs" -jobs="$half" -workers="$half" \
		-max_len="$len" "$@" corpus "$sd" >fuzz.log 2>&1
}
run_target "$out" "$out/fuzz_check" "$seeds" 65536 &
check_pid=$!
run_target "$out/config" "$out/fuzz_config" "$cseeds" 8192 \
	-dict="$out/config.dict" &
config_pid=$!
wait $check_pid; check_status=$?
wait $config_pid; config_status=$?

failed=0
for t in check:"$out":$check_status config:"$out/config":$config_status; do
	name=${t%%:*}; rest=${t#*:}; dir=${rest%:*}; status=${rest##*:}
	echo "fuzz_$name:"
	grep -h -E "^#[0-9]+.*DONE|SUMMARY|ERROR" "$dir"/fuzz-*.log | head
	if ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* >/dev/null 2>&1; then
		echo "fuzz_$name: failures: $(cd "$dir" && ls crash-* leak-* timeout-* oom-* 2>/dev/null | tr '\n' ' ')"
		failed=1
	elif [ "$status" -ne 0 ]; then
		echo "fuzz_$name: the fuzzer failed (exit $status): see $dir/fuzz-*.log"
		failed=1
	else
		echo "fuzz_$name: no crash, leak or timeout; corpus of $(ls "$dir/corpus" | wc -l) inputs"
	fi
done
exit $failed
