#!/bin/bash
# Scaling: time and peak memory of scstool against the size of inputs made
# large on purpose, in the shapes that once cost time out of proportion
# (issue 9): many sites, many zero-size function labels, a long config, and
# hostile claims (a sparse 2 GiB section, a NOBITS table, a zlib bomb) that
# must be refused at once.  Each input grows tenfold or so per row: a
# linear cost keeps "us/KB" flat.  Figures only; nothing is judged here.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
SCSTOOL=${SCSTOOL:-$root/scstool}
case $SCSTOOL in /*) ;; *) SCSTOOL=$root/$SCSTOOL ;; esac
OUT=$root/bench/out/scaling
ROWS=()

die() {
	echo "BENCH FAILED: $*" >&2
	exit 1
}

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# measure LABEL N FILE CMD...: one row: the input's size, the median wall
# time of three runs, and the peak RSS (GNU time) of a fourth.
measure() {
	local label=$1 n=$2 file=$3 i t0 t1 kb med rss
	shift 3
	kb=$(( ($(stat -c %s "$file") + 1023) / 1024 ))
	for i in 1 2 3; do
		t0=$(now_us)
		"$@" >/dev/null 2>&1
		t1=$(now_us)
		echo $((t1 - t0))
	done | sort -n >"$OUT/t"
	med=$(sed -n 2p "$OUT/t")
	/usr/bin/time -f %M -o "$OUT/rss" "$@" >/dev/null 2>&1
	rss=$(tail -1 "$OUT/rss")
	ROWS+=("$(printf '%-36s %9s %10s %10s %10s %8s %8s %8s' "$label" "$n" "$kb KB" \
		"$(awk -v u="$med" 'BEGIN { printf "%.1f ms", u / 1000 }')" "$rss KB" \
		"$(awk -v u="$med" -v k="$kb" 'BEGIN { printf "%.2f", u / k }')" \
		"$(awk -v u="$med" -v n="$n" 'BEGIN { printf "%.2f", u / n }')" \
		"$(awk -v r="$rss" -v n="$n" 'BEGIN { printf "%.2f", r / n }')")")
}

# sites_asm N: N functions, each with one call site (to 100 keys),
# aligned to 16 bytes as compilers align functions (1-byte aligned, every
# site would also carry a cacheline note: a finding is a fixed-size record
# of about half a KB).
sites_asm() {
	awk -v n="$1" 'BEGIN {
		print "\t.text"
		for (i = 0; i < n; i++) {
			printf "\t.p2align 4\n\t.globl f%d\n\t.type f%d, @function\nf%d:\n", i, i, i
			printf "\tcall __SCT__k%d\n\tret\n\t.size f%d, .-f%d\n", i % 100, i, i
		}
		print "\t.data"
		for (k = 0; k < 100; k++) printf "\t.globl __SCK__k%d\n__SCK__k%d:\n\t.quad 0\n", k, k
	}'
}

# sections_asm N: N functions, each in a section of its own (as
# -ffunction-sections makes them) with one call site; past 65,279
# sections the object needs extended section numbering (SHN_XINDEX).
sections_asm() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			printf "\t.section .text.f%d,\"ax\",@progbits\n\t.p2align 4\n", i
			printf "\t.globl f%d\n\t.type f%d, @function\nf%d:\n", i, i, i
			printf "\tcall __SCT__k%d\n\tret\n\t.size f%d, .-f%d\n", i % 100, i, i
		}
		print "\t.data"
		for (k = 0; k < 100; k++) printf "\t.globl __SCK__k%d\n__SCK__k%d:\n\t.quad 0\n", k, k
	}'
}

# labels_asm N: N zero-size function labels, each on a nop, then one call.
labels_asm() {
	awk -v n="$1" 'BEGIN {
		print "\t.text"
		for (i = 0; i < n; i++)
			printf "\t.globl l%d\n\t.type l%d, @function\nl%d:\n\tnop\n", i, i, i
		print "\tcall __SCT__k\n\tret"
		print "\t.data\n\t.globl __SCK__k\n__SCK__k:\n\t.quad 0"
	}'
}

main() {
	local n
	[ -x "$SCSTOOL" ] || die "no scstool binary at $SCSTOOL (run make)"
	rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT" || die "cannot create $OUT"
	echo "scaling: building inputs (untimed)"
	for n in 2000 20000 200000 1000000; do
		sites_asm $n | as -o sites$n.o - || die "as failed"
		measure "sites (check --force -n)" $n sites$n.o "$SCSTOOL" check -n --force sites$n.o
	done
	for n in 1000 10000 100000; do
		sections_asm $n | as -o sections$n.o - || die "as failed"
		measure "sections, one site each (check -n)" $n sections$n.o \
			"$SCSTOOL" check -n sections$n.o
	done
	for n in 2000 20000 80000 160000; do
		labels_asm $n | as -o labels$n.o - || die "as failed"
		measure "zero-size function labels (lint)" $n labels$n.o "$SCSTOOL" lint labels$n.o
	done
	sites_asm 10 | as -o small.o - || die "as failed"
	for n in 1000 10000 40000; do
		{ echo "suppress:"; seq -f "  - function: f%06g" 1 $n; } >supp$n.yaml
		measure "config: suppress entries (lint)" $n supp$n.yaml \
			"$SCSTOOL" lint --config supp$n.yaml small.o
	done
	for n in 1000 10000 100000; do
		{ printf "rules: "; head -c $n /dev/zero | tr '\0' '['; } >deep$n.yaml
		measure "config: nested brackets (refused)" $n deep$n.yaml \
			"$SCSTOOL" lint --config deep$n.yaml small.o
	done
	cp small.o sparse.o && truncate -s $((2 << 30)) sparse.o
	measure "sparse 2 GiB file (refused)" 1 sparse.o "$SCSTOOL" lint sparse.o
	echo
	printf '%-36s %9s %10s %10s %10s %8s %8s %8s\n' "input" "N" "size" "time" "peak RSS" \
		"us/KB" "us/N" "KB/N"
	printf '%s\n' "${ROWS[@]}"
	echo "(median of 3 runs; peak RSS from GNU time; $("$SCSTOOL" version), $(nproc) CPUs)"
}

main "$@"
