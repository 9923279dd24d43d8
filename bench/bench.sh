#!/bin/bash
# Benchmark: scstool against the objtool of the same kernel build, on
# Debian's modules stripped of their static-call tables (see
# tests/real/fetch.sh).  It prints figures and ratios and never judges
# them: speed targets are read from this output, not asserted by tests.
# It fails only when a figure cannot be trusted (no data, scstool failed).
#
# Timed runs are bare (no wrapper): peak RSS comes from separate runs
# under GNU time, so that its fork+exec does not weigh on the small files.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/real/fetch.sh"
source "$root/tests/real/vmlinux-fetch.sh"
SCSTOOL=${SCSTOOL:-$root/scstool}
# The corpus runs from inside its folder: the binary's path must be absolute.
case $SCSTOOL in /*) ;; *) SCSTOOL=$root/$SCSTOOL ;; esac
OUT=$root/bench/out
KVM_RUNS=${KVM_RUNS:-20}
AMDGPU_RUNS=${AMDGPU_RUNS:-5}
CORPUS_RUNS=${CORPUS_RUNS:-3}
KVM=arch/x86/kvm/kvm.ko
AMDGPU=drivers/gpu/drm/amd/amdgpu/amdgpu.ko
ROWS=()
SWEEP_ROWS=()

die() {
	echo "BENCH FAILED: $*" >&2
	exit 1
}

# Microseconds since the epoch, without forking (bash 5).
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# timed_us CMD...: runs CMD (output to $OUT/last.log), prints its wall time
# in microseconds; fails when CMD fails.
timed_us() {
	local t0 t1 rc
	t0=$(now_us)
	"$@" >"$OUT/last.log" 2>&1
	rc=$?
	t1=$(now_us)
	echo $((t1 - t0))
	return $rc
}

# GNU time as a prefix: it writes the peak resident set (KB) to $OUT/rss.
RSS=(/usr/bin/time -f %M -o)

# rss_kb CMD...: peak resident set of the program CMD, in KB.
rss_kb() {
	"${RSS[@]}" "$OUT/rss" "$@" >"$OUT/last.log" 2>&1
	local rc=$?
	cat "$OUT/rss"
	return $rc
}

median() {
	sort -n | awk '{ v[NR] = $1 }
		END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ms() { awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0) ? "%.1fx" : "-", a / b }'; }

# row LABEL SCSTOOL OBJTOOL RATIO: one line of the final table.
row() { ROWS+=("$(printf '%-50s %12s %12s %10s' "$@")"); }

strip_table() {
	objcopy --remove-section .rela.static_call_sites \
		--remove-section .static_call_sites "$1" "$2"
}

# Stripped copies of every module, made once per run: the untimed source
# of each fresh copy.
make_masters() {
	local m
	rm -rf "$OUT/master" && mkdir -p "$OUT/master" || die "cannot write $OUT"
	while IFS= read -r m; do
		mkdir -p "$OUT/master/${m%/*}" &&
			strip_table "$REAL_MODS/$m" "$OUT/master/$m" || die "objcopy failed on $m"
	done <"$REAL_LIST"
}

# fresh REL: path of a new copy of the stripped module REL.
fresh() {
	cp "$OUT/master/$1" "$OUT/run.ko" && echo "$OUT/run.ko"
}

# bench_module REL RUNS: interleaved runs of both tools, each on a fresh copy.
bench_module() {
	local rel=$1 runs=$2 name=${1##*/} i f t sites
	: >"$OUT/sc.us"
	: >"$OUT/sc2.us"
	: >"$OUT/ot.us"
	for ((i = 0; i < runs; i++)); do
		f=$(fresh "$rel") && t=$(timed_us "${SC[@]}" "$f") ||
			die "scstool check failed on $name: $(head -3 "$OUT/last.log")"
		echo "$t" >>"$OUT/sc.us"
		# One file, two decoding threads.
		f=$(fresh "$rel") && t=$(timed_us "${SC[@]}" -j2 "$f") ||
			die "scstool check -j2 failed on $name: $(head -3 "$OUT/last.log")"
		echo "$t" >>"$OUT/sc2.us"
		f=$(fresh "$rel") && t=$(timed_us "${OT[@]}" "$f") ||
			echo "bench: objtool failed on $name (run $i)" >&2
		echo "$t" >>"$OUT/ot.us"
	done
	sites=$("$SCSTOOL" dump "$REAL_MODS/$rel" 2>/dev/null | head -1 | awk '{ print $2 }')
	local sc_med sc2_med ot_med sc_rss ot_rss
	sc_med=$(median <"$OUT/sc.us")
	sc2_med=$(median <"$OUT/sc2.us")
	ot_med=$(median <"$OUT/ot.us")
	sc_rss=$(rss_kb "${SC[@]}" "$(fresh "$rel")") || die "scstool failed on $name"
	ot_rss=$(rss_kb "${OT[@]}" "$(fresh "$rel")")
	echo "bench: $name ($sites sites, $(du -k "$OUT/master/$rel" | cut -f1) KB):" \
		"scstool $(ms "$sc_med") (-j2: $(ms "$sc2_med")), objtool $(ms "$ot_med")," \
		"median of $runs"
	row "$name: median wall, $runs runs" "$(ms "$sc_med")" "$(ms "$ot_med")" \
		"$(ratio "$ot_med" "$sc_med")"
	row "$name: scstool -j2 (two decoding threads)" "$(ms "$sc2_med")" "$(ms "$ot_med")" \
		"$(ratio "$ot_med" "$sc2_med")"
	row "$name: peak RSS" "$sc_rss KB" "$ot_rss KB" "$(ratio "$ot_rss" "$sc_rss")"
}

# fresh_corpus: a new copy of every stripped module under $OUT/corpus.
fresh_corpus() {
	rm -rf "$OUT/corpus" && cp -r "$OUT/master" "$OUT/corpus"
}

# corpus_scstool [PREFIX...]: one scstool call over every module.
corpus_scstool() {
	local mods
	mapfile -t mods <"$REAL_LIST"
	(cd "$OUT/corpus" && "$@" "${SC[@]}" -j2 "${mods[@]}")
}

# corpus_objtool P: objtool once per module (as kbuild runs it), P at a time.
corpus_objtool() {
	(cd "$OUT/corpus" && xargs -d '\n' -n 1 -P "$1" "${OT[@]}" <"$REAL_LIST") \
		>/dev/null 2>&1
	return 0
}

# Modules of the corpus left without a table: where objtool gave up.
no_table_count() {
	(cd "$OUT/corpus" && xargs -d '\n' readelf -SW <"$REAL_LIST") 2>/dev/null |
		awk '/^File: / { n++ } /\] \.static_call_sites / { t++ } END { print n - t }'
}

# Peak RSS of objtool over all modules: the largest single process.
corpus_objtool_rss() {
	rm -f "$OUT/rss"
	(cd "$OUT/corpus" && xargs -d '\n' -n 1 -P 2 "${RSS[@]}" "$OUT/rss" -a \
		"${OT[@]}" <"$REAL_LIST") >/dev/null 2>&1
	sort -n "$OUT/rss" | tail -1
}

bench_corpus() {
	local n i t sc_med sc_rss seq p2 ot_rss gave_up
	n=$(wc -l <"$REAL_LIST")
	: >"$OUT/corpus.us"
	for ((i = 0; i < CORPUS_RUNS; i++)); do
		fresh_corpus && t=$(timed_us corpus_scstool) ||
			die "scstool check -j2 failed on the corpus: $(head -3 "$OUT/last.log")"
		echo "$t" >>"$OUT/corpus.us"
	done
	sc_med=$(median <"$OUT/corpus.us")
	fresh_corpus && corpus_scstool "${RSS[@]}" "$OUT/rss" >"$OUT/last.log" 2>&1 &&
		sc_rss=$(cat "$OUT/rss") || die "scstool failed on the corpus"
	fresh_corpus && seq=$(timed_us corpus_objtool 1)
	fresh_corpus && p2=$(timed_us corpus_objtool 2)
	gave_up=$(no_table_count)
	fresh_corpus && ot_rss=$(corpus_objtool_rss)
	echo "bench: corpus of $n modules: scstool -j2 $(ms "$sc_med") (median of" \
		"$CORPUS_RUNS), objtool sequential $(ms "$seq"), objtool -P2 $(ms "$p2")"
	echo "bench: objtool wrote no table for $gave_up of the $n modules (its times include them)"
	row "$n modules: scstool -j2 vs objtool, 1 at a time" "$(ms "$sc_med")" "$(ms "$seq")" \
		"$(ratio "$seq" "$sc_med")"
	row "$n modules: scstool -j2 vs objtool, xargs -P2" "$(ms "$sc_med")" "$(ms "$p2")" \
		"$(ratio "$p2" "$sc_med")"
	row "$n modules: peak RSS (objtool: max over modules)" "$sc_rss KB" "$ot_rss KB" \
		"$(ratio "$ot_rss" "$sc_rss")"
}

# The boundary sweep alone, decoding only: scstool's (decode/sweep.h, Zydis)
# against a plain Capstone 4 sweep, the decoder sweeps used before, over
# every executable section of the corpus (bench/sweeprate.c).
bench_sweep() {
	local mods out sec bytes zi zms ci cms differ unknown mb
	(cd "$root" && cc -O2 -Iinclude -o "$OUT/sweeprate" bench/sweeprate.c \
		decode/sweep.c decode/x86_len.c \
		$(pkg-config --cflags --libs capstone libelf) -lZydis) ||
		die "cannot build bench/sweeprate.c"
	mapfile -t mods <"$REAL_LIST"
	out=$(cd "$OUT/master" && "$OUT/sweeprate" "${mods[@]}") || die "sweeprate failed"
	read -r _ _ _ sec _ bytes <<<"$(grep '^files ' <<<"$out")"
	read -r _ _ zi _ _ _ zms <<<"$(grep '^sweep ' <<<"$out")"
	read -r _ _ ci _ _ _ cms <<<"$(grep '^capstone ' <<<"$out")"
	read -r _ _ differ _ unknown <<<"$(grep '^agree ' <<<"$out")"
	mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
	echo "bench: sweep over $sec executable sections ($mb MB, $zi instructions):" \
		"scstool's sweep $zms ms, Capstone 4 $cms ms ($ci instructions)"
	echo "bench: Capstone 4 at the sweep's boundaries: $differ lengths differ," \
		"$unknown instructions it cannot decode"
	SWEEP_ROWS+=("$(printf '%-50s %12s %12s %10s' "sweep $mb MB of text, one thread" \
		"$zms ms" "$cms ms" "$(ratio "$cms" "$zms")")")
	SWEEP_ROWS+=("$(printf '%-50s %12s %12s %10s' "throughput" \
		"$(awk -v b="$mb" -v t="$zms" 'BEGIN { printf "%.0f MB/s", b * 1000 / t }')" \
		"$(awk -v b="$mb" -v t="$cms" 'BEGIN { printf "%.0f MB/s", b * 1000 / t }')" "")")
	SWEEP_ROWS+=("$(printf '%-50s %12s %12s %10s' "16 MB of text (a vmlinux), estimated" \
		"$(awk -v b="$mb" -v t="$zms" 'BEGIN { printf "%.0f ms", 16 * t / b }')" \
		"$(awk -v b="$mb" -v t="$cms" 'BEGIN { printf "%.0f ms", 16 * t / b }')" "")")
}

# verify on Debian's vmlinux (about 16 MB of text, 7,700 entries), when
# make check-vmlinux has cached it: bench never downloads a GB.
VMLINUX_RUNS=${VMLINUX_RUNS:-5}
bench_vmlinux() {
	local i t med rss text
	if ! vmlinux_cached; then
		echo "bench: no cached vmlinux (make check-vmlinux fetches it):" \
			"verify on vmlinux skipped"
		VMLINUX_ROW="verify vmlinux: skipped, not cached (make check-vmlinux)"
		return 0
	fi
	: >"$OUT/vm.us"
	for ((i = 0; i < VMLINUX_RUNS; i++)); do
		t=$(timed_us "$SCSTOOL" verify "$VMLINUX") ||
			die "scstool verify failed on $VMLINUX: $(head -3 "$OUT/last.log")"
		echo "$t" >>"$OUT/vm.us"
	done
	med=$(median <"$OUT/vm.us")
	rss=$(rss_kb "$SCSTOOL" verify "$VMLINUX") || die "scstool verify failed on vmlinux"
	text=$(readelf -SW "$VMLINUX" | sed 's/\[ */[/' |
		awk '$8 ~ /X/ { s += strtonum("0x" $6) } END { printf "%.1f", s / 1048576 }')
	echo "bench: verify vmlinux ($VMLINUX_VERSION, $text MB of code," \
		"$(du -m "$VMLINUX" | cut -f1) MB file): $(ms "$med"), median of $VMLINUX_RUNS," \
		"peak RSS $rss KB"
	VMLINUX_ROW=$(printf '%-50s %12s %12s' "verify vmlinux ($text MB code), median wall" \
		"$(ms "$med")" "$rss KB RSS")
}

print_table() {
	echo
	printf '%-50s %12s %12s %10s\n' "" scstool objtool objtool/sc
	printf '%s\n' "${ROWS[@]}"
	echo "($("$SCSTOOL" version 2>/dev/null), kernel $REAL_VERSION objtool, $(nproc) CPUs;" \
		"ratio > 1: scstool is faster or smaller)"
	echo
	printf '%-50s %12s %12s %10s\n' "" "sweep" "Capstone 4" "cs/sweep"
	printf '%s\n' "${SWEEP_ROWS[@]}"
	echo "(decoding only; the sweep is Zydis 4 with scstool's fallback, ratio > 1:" \
		"the sweep is faster)"
	echo
	echo "$VMLINUX_ROW"
}

main() {
	[ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null ||
		die "GNU time is missing: apt-get install time"
	[ -x "$SCSTOOL" ] || die "no scstool binary at $SCSTOOL (run make)"
	real_fetch || die "no reference data"
	SC=("$SCSTOOL" check)
	OT=("$REAL_OBJTOOL" --static-call --module)
	mkdir -p "$OUT" || die "cannot create $OUT"
	echo "bench: stripping the $(wc -l <"$REAL_LIST") modules (untimed)"
	make_masters
	bench_module "$KVM" "$KVM_RUNS"
	bench_module "$AMDGPU" "$AMDGPU_RUNS"
	bench_corpus
	bench_sweep
	bench_vmlinux
	print_table
}

main "$@"
