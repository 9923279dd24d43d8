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
FLOOR=${FLOOR:-$root/build/bench/floor}
# The corpus runs from inside its folder: the binary's path must be absolute.
case $SCSTOOL in /*) ;; *) SCSTOOL=$root/$SCSTOOL ;; esac
OUT=$root/bench/out
# Runs of each tool on each module, and of scstool on the corpus (min and
# median of each); objtool on the corpus takes 10 s or more a run.
MODULE_RUNS=${MODULE_RUNS:-9}
CORPUS_RUNS=${CORPUS_RUNS:-7}
OT_CORPUS_RUNS=${OT_CORPUS_RUNS:-3}
KVM=arch/x86/kvm/kvm.ko
KVM_INTEL=arch/x86/kvm/kvm-intel.ko
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

# run1 CMD...: one run through bench/runone.c: prints "WALL_US CPU_US
# RSS_KB STATUS" (wall from fork to reaping, CPU and peak RSS from wait4:
# one run gives all three, with no wrapper process in between).
run1() { "$OUT/runone" "$OUT/last.log" "$@"; }

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
minimum() { sort -n | head -1; }

ms() { awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0) ? "%.1fx" : "-", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# row LABEL SCSTOOL OBJTOOL RATIO: one line of the final table.
row() { ROWS+=("$(printf '%-44s %19s %19s %13s' "$@")"); }

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

# Bytes of code (SHF_EXECINSTR sections) of every module, "BYTES PATH" a
# line, smallest first: $OUT/text.sizes.
text_sizes() {
	(cd "$OUT/master" && xargs -d '\n' readelf -SW <"$REAL_LIST") 2>/dev/null |
		sed 's/\[ */[/' | awk '
			/^File: / { if (f != "") print s, f; f = $2; s = 0 }
			/^ *\[[0-9]+\]/ && $8 ~ /X/ { s += strtonum("0x" $6) }
			END { if (f != "") print s, f }' | sort -n >"$OUT/text.sizes"
	[ "$(wc -l <"$OUT/text.sizes")" = "$(wc -l <"$REAL_LIST")" ] ||
		die "readelf did not read every module"
}

# The module of median code size.
median_module() {
	local n
	n=$(wc -l <"$OUT/text.sizes")
	sed -n "$(((n + 1) / 2))p" "$OUT/text.sizes" | awk '{ print $2 }'
}

# fresh REL: path of a new copy of the stripped module REL.
fresh() {
	cp "$OUT/master/$1" "$OUT/run.ko" && echo "$OUT/run.ko"
}

# stat_rows NAME FILE_SC FILE_OT: min and median rows of wall, CPU and
# peak RSS from two files of run1 lines.
stat_rows() {
	local name=$1 a=$2 b=$3 col what sa ma sb mb fmt
	for col in 1 2 3; do
		case $col in
		1) what="wall"; fmt=ms ;;
		2) what="CPU (user+sys)"; fmt=ms ;;
		3) what="peak RSS"; fmt=mib ;;
		esac
		sa=$(cut -d' ' -f$col "$a" | minimum)
		ma=$(cut -d' ' -f$col "$a" | median)
		sb=$(cut -d' ' -f$col "$b" | minimum)
		mb=$(cut -d' ' -f$col "$b" | median)
		row "$name: $what" "$($fmt "$sa") / $($fmt "$ma")" \
			"$($fmt "$sb") / $($fmt "$mb")" \
			"$(ratio "$sb" "$sa") / $(ratio "$mb" "$ma")"
	done
}

# bench_module REL RUNS: interleaved runs of both tools, each on a fresh
# copy; wall, CPU and peak RSS of every run.
bench_module() {
	local rel=$1 runs=$2 name=${1##*/} i f r sites
	: >"$OUT/sc.runs"
	: >"$OUT/ot.runs"
	for ((i = 0; i < runs; i++)); do
		f=$(fresh "$rel") && r=$(run1 "${SC[@]}" "$f") || die "runone failed"
		[ "${r##* }" = 0 ] ||
			die "scstool check failed on $name: $(head -3 "$OUT/last.log")"
		echo "$r" >>"$OUT/sc.runs"
		f=$(fresh "$rel") && r=$(run1 "${OT[@]}" "$f") || die "runone failed"
		[ "${r##* }" = 0 ] || echo "bench: objtool exit ${r##* } on $name (run $i)" >&2
		echo "$r" >>"$OUT/ot.runs"
	done
	sites=$("$SCSTOOL" dump "$REAL_MODS/$rel" 2>/dev/null | head -1 | awk '{ print $2 }')
	echo "bench: $name: $sites sites, $(du -k "$OUT/master/$rel" | cut -f1) KB," \
		"$(awk -v r="$rel" '$2 == r { printf "%.0f", $1 / 1024 }' "$OUT/text.sizes") KB of code, $runs runs"
	stat_rows "$name" "$OUT/sc.runs" "$OUT/ot.runs"
}

# Where the time goes in one scstool check of kvm.ko: SCSTOOL_TIMINGS's
# phases, min and median over RUNS fresh copies, and the start-up of the
# process (scstool version: loading and relocating the libraries).
bench_phases() {
	local rel=$1 runs=$2 i f
	: >"$OUT/phases"
	: >"$OUT/startup.runs"
	for ((i = 0; i < runs; i++)); do
		f=$(fresh "$rel") && SCSTOOL_TIMINGS=1 "${SC[@]}" "$f" 2>>"$OUT/phases" >/dev/null ||
			die "scstool check failed on $rel"
		run1 "$SCSTOOL" version >>"$OUT/startup.runs" || die "runone failed"
	done
	PHASE_ROWS=()
	while IFS= read -r line; do PHASE_ROWS+=("$line"); done < <(
		sed 's/^scstool: timings: [^:]*: //' "$OUT/phases" | tr ':,' '\n\n' |
			awk 'NF >= 2 && $NF == "ms" { name = $1; for (i = 2; i < NF - 1; i++)
					name = name " " $i
				if (!(name in seen)) { seen[name] = ++k; order[k] = name }
				v[name, ++n[name]] = $(NF - 1) }
			END { for (j = 1; j <= k; j++) { nm = order[j]; c = n[nm]
					for (a = 1; a <= c; a++) s[a] = v[nm, a]
					asort(s); med = (c % 2) ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
					printf "  %-12s %9.2f ms %9.2f ms\n", nm, s[1], med; delete s } }')
	PHASE_ROWS+=("$(printf '  %-12s %9.2f ms %9.2f ms' "start-up" \
		"$(cut -d' ' -f1 "$OUT/startup.runs" | minimum | awk '{ print $1 / 1000 }')" \
		"$(cut -d' ' -f1 "$OUT/startup.runs" | median | awk '{ print $1 / 1000 }')")")
	PHASE_HEAD="where the time goes: scstool check ${rel##*/}, $runs fresh copies (SCSTOOL_TIMINGS=1; start-up: scstool version)"
}

# fresh_corpus: a new copy of every stripped module under $OUT/corpus.
fresh_corpus() {
	rm -rf "$OUT/corpus" && cp -r "$OUT/master" "$OUT/corpus"
}

# corpus_scstool J: one scstool call over every module, J at a time
# (through runone: prints its line).
corpus_scstool() {
	local mods
	mapfile -t mods <"$REAL_LIST"
	(cd "$OUT/corpus" && run1 "${SC[@]}" -j"$1" "${mods[@]}")
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

# Time against code size over the corpus, from the per-file timings of
# one scstool -j1 call: a line  ms = fixed + per_KB * KB, fitted by
# Theil-Sen (the median of the slopes between every two files, then the
# median of what is left over): a least-squares line followed the
# largest file alone, whose time in a run over the whole corpus swings
# with the writeback of the corpus's fresh copy, and its fixed cost
# came out below 0.  Also the least-squares line, for comparison.
corpus_fit() {
	local mods
	mapfile -t mods <"$REAL_LIST"
	fresh_corpus && (cd "$OUT/corpus" && SCSTOOL_TIMINGS=1 "${SC[@]}" "${mods[@]}") \
		2>"$OUT/corpus.phases" >/dev/null || die "scstool failed on the corpus"
	sed -n 's/^scstool: timings: \(.*\): total \([0-9.]*\) ms:.*/\2 \1/p' \
		"$OUT/corpus.phases" | awk -v sizes="$OUT/text.sizes" '
		BEGIN { while ((getline l < sizes) > 0) { split(l, f, " "); kb[f[2]] = f[1] / 1024 } }
		{ print kb[$2], $1 }' >"$OUT/fit.points"
	awk '{ x[NR] = $1; y[NR] = $2 }
		END { for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++)
			if (x[j] != x[i]) print (y[j] - y[i]) / (x[j] - x[i]) }' \
		"$OUT/fit.points" | sort -g >"$OUT/fit.slopes"
	FIT=$(awk -v slopes="$OUT/fit.slopes" '
		BEGIN { while ((getline v < slopes) > 0) s[++ns] = v
			b = (ns % 2) ? s[(ns + 1) / 2] : (s[ns / 2] + s[ns / 2 + 1]) / 2 }
		{ x = $1; y = $2; n++; r[n] = y - b * x; sx += x; sy += y
		  sxx += x * x; sxy += x * y; if (x > xmax) xmax = x }
		END { asort(r); a = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
			lb = (n * sxy - sx * sy) / (n * sxx - sx * sx); la = (sy - lb * sx) / n
			printf "%d %.3f %.4f %.0f %.3f %.4f", n, a, b, xmax, la, lb }' \
		"$OUT/fit.points")
}

bench_corpus() {
	local n i j r seq p2 ot_rss gave_up SYNCED_SC SYNCED_OT
	n=$(wc -l <"$REAL_LIST")
	for j in 1 2; do
		: >"$OUT/corpus$j.runs"
		for ((i = 0; i < CORPUS_RUNS; i++)); do
			fresh_corpus && r=$(corpus_scstool $j) || die "runone failed"
			[ "${r##* }" = 0 ] ||
				die "scstool check -j$j failed on the corpus: $(head -3 "$OUT/last.log")"
			echo "$r" >>"$OUT/corpus$j.runs"
		done
	done
	# The same work without the write: how much of the wall time is the
	# file system's (rename makes ext4 flush each new file).
	: >"$OUT/corpusn.runs"
	for ((i = 0; i < CORPUS_RUNS; i++)); do
		r=$(cd "$OUT/master" && run1 "${SC[@]}" -n -j1 $(cat "$REAL_LIST")) ||
			die "runone failed"
		[ "${r##* }" = 0 ] || die "scstool check -n failed on the corpus"
		echo "$r" >>"$OUT/corpusn.runs"
	done
	# The same with the copies on disk first (sync): each file a rename
	# replaces then has blocks to free, which a file system mounted with
	# `discard` trims before the rename returns; objtool writes in place.
	fresh_corpus && sync && r=$(corpus_scstool 1) || die "runone failed"
	[ "${r##* }" = 0 ] || die "scstool check -j1 failed on the synced corpus"
	SYNCED_SC=${r%% *}
	fresh_corpus && sync && SYNCED_OT=$(timed_us corpus_objtool 1)
	: >"$OUT/ot1.us"
	: >"$OUT/ot2.us"
	for ((i = 0; i < OT_CORPUS_RUNS; i++)); do
		fresh_corpus && timed_us corpus_objtool 1 >>"$OUT/ot1.us"
		fresh_corpus && timed_us corpus_objtool 2 >>"$OUT/ot2.us"
	done
	gave_up=$(no_table_count)
	fresh_corpus && ot_rss=$(corpus_objtool_rss)
	echo "bench: corpus of $n modules: scstool $CORPUS_RUNS runs at -j1 and at -j2," \
		"objtool $OT_CORPUS_RUNS runs, once per module (kbuild's way)"
	echo "bench: objtool wrote no table for $gave_up of the $n modules (its times include them)"
	local s1 m1 s2 m2 o1 q1 o2 q2
	s1=$(cut -d' ' -f1 "$OUT/corpus1.runs" | minimum); m1=$(cut -d' ' -f1 "$OUT/corpus1.runs" | median)
	s2=$(cut -d' ' -f1 "$OUT/corpus2.runs" | minimum); m2=$(cut -d' ' -f1 "$OUT/corpus2.runs" | median)
	o1=$(minimum <"$OUT/ot1.us"); q1=$(median <"$OUT/ot1.us")
	o2=$(minimum <"$OUT/ot2.us"); q2=$(median <"$OUT/ot2.us")
	row "$n modules, 1 CPU: sc -j1 / ot one by one" "$(ms "$s1") / $(ms "$m1")" \
		"$(ms "$o1") / $(ms "$q1")" "$(ratio "$o1" "$s1") / $(ratio "$q1" "$m1")"
	row "$n modules, 2 CPUs: sc -j2 / ot xargs -P2" "$(ms "$s2") / $(ms "$m2")" \
		"$(ms "$o2") / $(ms "$q2")" "$(ratio "$o2" "$s2") / $(ratio "$q2" "$m2")"
	row "$n modules: scstool -j1 / -j2 (scaling)" "$(ms "$s1") / $(ms "$s2")" "" \
		"$(ratio "$s1" "$s2") faster"
	row "$n modules: sc -j1 -n (no write), wall" \
		"$(ms "$(cut -d' ' -f1 "$OUT/corpusn.runs" | minimum)") / $(ms "$(cut -d' ' -f1 "$OUT/corpusn.runs" | median)")" \
		"$(ms "$o1") / $(ms "$q1")" \
		"$(ratio "$o1" "$(cut -d' ' -f1 "$OUT/corpusn.runs" | minimum)") / $(ratio "$q1" "$(cut -d' ' -f1 "$OUT/corpusn.runs" | median)")"
	row "$n modules on disk (synced first), -j1" "$(ms "$SYNCED_SC") (1 run)" \
		"$(ms "$SYNCED_OT") (1 run)" "$(ratio "$SYNCED_OT" "$SYNCED_SC")"
	row "$n modules: CPU, sc -j1 (user+sys)" \
		"$(ms "$(cut -d' ' -f2 "$OUT/corpus1.runs" | minimum)") / $(ms "$(cut -d' ' -f2 "$OUT/corpus1.runs" | median)")" "" ""
	row "$n modules: peak RSS (objtool: largest one)" \
		"$(mib "$(cut -d' ' -f3 "$OUT/corpus1.runs" | median)") (-j1)" "$(mib "$ot_rss")" \
		"$(ratio "$ot_rss" "$(cut -d' ' -f3 "$OUT/corpus1.runs" | median)")"
	row "" "$(mib "$(cut -d' ' -f3 "$OUT/corpus2.runs" | median)") (-j2)" "" \
		"$(ratio "$ot_rss" "$(cut -d' ' -f3 "$OUT/corpus2.runs" | median)")"
	corpus_fit
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
	SWEEP_BYTES=$bytes
	SWEEP_INSNS=$zi
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

# The ways to replace a file safely, timed on this file system with the
# real output of scstool (bench/writemethods.c): the input copied anew and
# flushed to disk before each (untimed) run.
bench_write() {
	local rel name line
	cc -O2 -o "$OUT/writemethods" "$root/bench/writemethods.c" ||
		die "cannot build bench/writemethods.c"
	WRITE_ROWS=()
	for rel in "$KVM" "$AMDGPU"; do
		name=${rel##*/}
		"${SC[@]}" -o "$OUT/written.ko" "$(fresh "$rel")" >/dev/null 2>&1 ||
			die "scstool check -o failed on $name"
		rm -rf "$OUT/wm" && mkdir -p "$OUT/wm" || die "cannot write $OUT/wm"
		while read -r line; do
			set -- $line
			if [ "$2" = - ]; then
				WRITE_ROWS+=("$(printf '  %-14s %-20s %s' "$name" "$1" "${*:4}")")
			else
				WRITE_ROWS+=("$(printf '  %-14s %-20s %10s %10s   %s' "$name" "$1" \
					"$(ms "$2")" "$(ms "$3")" "$4")")
			fi
		done < <(cd "$OUT/wm" && "$OUT/writemethods" "$OUT/master/$rel" \
			"$OUT/written.ko" "$MODULE_RUNS") || die "writemethods failed"
	done
}

# The floor (bench/floor.c, built by make bench): the libraries alone,
# linked as ./scstool is, with one decode each; against objtool on the
# median module, the best ratio any scstool using them could reach there.
bench_floor() {
	local rel=$1 runs=$2 name=${1##*/} i args r w m ow orss what
	FLOOR_ROWS=()
	[ -x "$FLOOR" ] || die "no $FLOOR (make bench builds it)"
	for args in "" "capstone" "capstone zydis"; do
		: >"$OUT/floor.runs"
		for ((i = 0; i < runs; i++)); do
			r=$(run1 "$FLOOR" $args) || die "runone failed"
			[ "${r##* }" = 0 ] || die "bench/floor.c failed ($args)"
			echo "$r" >>"$OUT/floor.runs"
		done
		w=$(cut -d' ' -f1 "$OUT/floor.runs" | minimum)
		m=$(cut -d' ' -f3 "$OUT/floor.runs" | median)
		case $args in
		"") what="start, load and link the libraries" ;;
		capstone) what="and decode one call with Capstone" ;;
		*) what="and one more with Zydis" ;;
		esac
		FLOOR_ROWS+=("$(printf '  %-44s %9s %12s' "$what" "$(ms "$w")" "$(mib "$m")")")
	done
	ow=$(cut -d' ' -f1 "$OUT/ot.$name.runs" | minimum)
	orss=$(cut -d' ' -f3 "$OUT/ot.$name.runs" | median)
	FLOOR_ROWS+=("$(printf '  %-44s %9s %12s' "objtool on $name" "$(ms "$ow")" "$(mib "$orss")")")
	FLOOR_ROWS+=("$(printf '  %-44s %9s %12s' "best ratio reachable on $name" \
		"$(ratio "$ow" "$w")" "$(ratio "$orss" "$m")")")
}

# Peak RSS against file size, from the module runs: one row per module.
rss_rows() {
	local rel f kb rss base
	base=$(cut -d' ' -f3 "$OUT/startup.runs" | median)
	RSS_ROWS=()
	for rel in "${MODULES[@]}"; do
		kb=$(du -k "$OUT/master/$rel" | cut -f1)
		rss=$(cut -d' ' -f3 "$OUT/sc.${rel##*/}.runs" | median)
		RSS_ROWS+=("$(printf '  %-28s %10s %12s %10s' "${rel##*/}" "$(mib "$kb")" "$(mib "$rss")" \
			"$(awk -v r="$rss" -v b="$base" -v k="$kb" 'BEGIN { printf "%.2f", (r - b) / k }')")")
	done
	RSS_BASE=$base
}

print_table() {
	local n a b xmax la lb bpi
	echo
	printf '%-44s %19s %19s %13s\n' "min / median" scstool objtool objtool/sc
	printf '%s\n' "${ROWS[@]}"
	echo "($("$SCSTOOL" version 2>/dev/null), kernel $REAL_VERSION objtool, $(nproc) CPUs," \
		"load average $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
		"ratio > 1: scstool is faster or smaller; each run on a fresh copy)"
	echo
	echo "$PHASE_HEAD"
	printf '  %-12s %12s %12s\n' phase min median
	printf '%s\n' "${PHASE_ROWS[@]}"
	echo
	read -r n a b xmax la lb <<<"$FIT"
	bpi=$(awk -v b="$SWEEP_BYTES" -v i="$SWEEP_INSNS" 'BEGIN { printf "%.2f", b / i }')
	echo "time against code size, $n modules, one scstool -j1 call (SCSTOOL_TIMINGS," \
		"Theil-Sen: medians of slopes and residuals):"
	echo "  ms per file = $a + $b x (KB of code)   (largest: $xmax KB)"
	echo "  (least squares, which the largest files pull: $la + $lb x KB)"
	awk -v b="$b" -v bpi="$bpi" 'BEGIN { printf "  = %.0f ns per instruction of code (%s bytes an instruction, from the sweep below)\n", b * 1e6 * bpi / 1024, bpi }'
	echo
	echo "replacing the file with the new one, $MODULE_RUNS runs each (bench/writemethods.c," \
		"on the file system of $OUT):"
	printf '  %-14s %-20s %10s %10s   %s\n' module method min median promise
	printf '%s\n' "${WRITE_ROWS[@]}"
	echo "  scstool uses rename (elf/file.c). exchange skips ext4's flush of a file renamed"
	echo "  over another (auto_da_alloc), so after a crash of the machine the target may be"
	echo "  empty; made safe with fdatasync it is no faster. tmpfile renames over the target"
	echo "  too (linkat cannot replace a name): the same flush plus a linkat. copy+patch"
	echo "  copies every byte in the kernel (ext4 shares no extents; FICLONE is refused)."
	echo "  spare is what scstool does for each file after the first in one call over many"
	echo "  (elf/file.c, struct sc_spare): the file replaced before, kept by a hard link, is"
	echo "  cut to one byte and written; no inode is made or freed (ext4 without a journal"
	echo "  scans the recently freed ones to make one; freeing one here waits for discard)."
	echo "  Each method but in-place and spare frees the old file's blocks, which the target"
	echo "  here holds on disk (synced before each run); with the file system mounted with"
	echo "  discard, that trim, more than ext4's flush, is where most of their time goes."
	echo
	echo "peak RSS against file size (median of the runs above; start-up: $(mib "$RSS_BASE")):"
	printf '  %-28s %10s %12s %10s\n' module file "peak RSS" "(RSS-start)/file"
	printf '%s\n' "${RSS_ROWS[@]}"
	echo
	echo "the floor: the libraries alone, linked as scstool is (bench/floor.c), $MODULE_RUNS runs:"
	printf '  %-44s %9s %12s\n' "" "wall min" "peak RSS"
	printf '%s\n' "${FLOOR_ROWS[@]}"
	echo "  (no scstool can start, link and decode below this while it uses these libraries)"
	echo
	printf '%-50s %12s %12s %10s\n' "" "sweep" "Capstone 4" "cs/sweep"
	printf '%s\n' "${SWEEP_ROWS[@]}"
	echo "(decoding only; the sweep is Zydis 4 with scstool's fallback, ratio > 1:" \
		"the sweep is faster)"
	echo
	echo "$VMLINUX_ROW"
}

main() {
	local rel
	[ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null ||
		die "GNU time is missing: apt-get install time"
	[ -x "$SCSTOOL" ] || die "no scstool binary at $SCSTOOL (run make)"
	real_fetch || die "no reference data"
	SC=("$SCSTOOL" check)
	OT=("$REAL_OBJTOOL" --static-call --module)
	mkdir -p "$OUT" || die "cannot create $OUT"
	cc -O2 -o "$OUT/runone" "$root/bench/runone.c" || die "cannot build bench/runone.c"
	echo "bench: stripping the $(wc -l <"$REAL_LIST") modules (untimed)"
	make_masters
	text_sizes
	MEDIAN_MOD=$(median_module)
	echo "bench: the module of median code size: $MEDIAN_MOD"
	MODULES=("$KVM" "$KVM_INTEL" "$AMDGPU" "$MEDIAN_MOD")
	for rel in "${MODULES[@]}"; do
		bench_module "$rel" "$MODULE_RUNS"
		cp "$OUT/sc.runs" "$OUT/sc.${rel##*/}.runs"
		cp "$OUT/ot.runs" "$OUT/ot.${rel##*/}.runs"
	done
	bench_phases "$KVM" "$MODULE_RUNS"
	rss_rows
	bench_floor "$MEDIAN_MOD" "$MODULE_RUNS"
	bench_write
	bench_corpus
	bench_sweep
	bench_vmlinux
	print_table
}

main "$@"
