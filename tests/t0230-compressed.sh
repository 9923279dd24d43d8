#!/bin/bash
# Compressed objects (.ko.xz, .ko.zst, .ko.gz, as kernels install modules,
# or any object so compressed) are read by lint, dump and verify as they are:
# told by their magic bytes, unpacked in memory by liblzma, libzstd and
# zlib, up to a limit that stops a decompression bomb.  check refuses
# them: its table must go into the object before compression.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# The compressors as the kernel's Makefile.modinst runs them.
xz_c() { xz --check=crc32 --lzma2=dict=1MiB -c "$@"; }
zst_c() { zstd -q -T0 --ultra -22 -c "$@"; }
gz_c() { gzip -9 -n -c "$@"; }
FORMATS="xz zst gz"

# dump_as NAME FILE...: dump's output with FILE's name shown as NAME (the
# file name is the only thing that may differ).
dump_as() {
	local name=$1
	shift
	"$SCSTOOL" dump "$@" 2>&1 | sed "s|^$1:|$name:|"
}

expect "fixtures build; check gives kt.o a table" '
	build gcc kinds.c kt.o && build gcc prefixed.S pre.o &&
	build gcc module.c mod.o && scx 0 check kt.o && has_table kt.o &&
	scx 0 check --module mod.o && has_table mod.o'

for f in $FORMATS; do
	${f}_c kt.o >kt.o.$f
	${f}_c mod.o >mod.ko.$f
	${f}_c pre.o >pre.o.$f
	expect "$f: dump reads kt.o.$f as it reads kt.o" '
		scx 0 dump kt.o.$f && [ "$(dump_as kt.o kt.o.$f)" = "$(dump_as kt.o kt.o)" ] &&
		grep -q "^kt.o.$f: [1-9][0-9]* static-call sites\$" out'
	expect "$f: a module (mod.ko.$f) dumps as mod.o" '
		[ "$(dump_as X mod.ko.$f)" = "$(dump_as X mod.o)" ] &&
		[ "$(dump_as X mod.o | wc -l)" -gt 1 ]'
	expect "$f: the YAML report of the compressed file is the plain one" '
		"$SCSTOOL" dump --format=yaml kt.o.$f | sed "s|kt.o.$f|kt.o|" >a.yaml &&
		"$SCSTOOL" dump --format=yaml kt.o >b.yaml && same a.yaml b.yaml'
	expect "$f: lint finds the same errors, with the same status" '
		scx 1 lint pre.o.$f && sed "s|^pre.o.$f:|pre.o:|" err >a.err &&
		scx 1 lint pre.o && same a.err err && grep -q "\[prefixed-branch\]" err'
	expect "$f: check -n (which writes nothing) reads it" 'scx 0 check -n kt.o.$f'
	expect "$f: check refuses it: one line, exit 2, the file byte-identical" '
		cp kt.o.$f before && cp pre.o.$f p2.o.$f && cp pre.o.$f p2.before &&
		scx 2 check kt.o.$f p2.o.$f && [ "$(wc -l <err)" -eq 2 ] &&
		grep -q "^kt.o.$f: error: [a-z]*-compressed: .*check writes the table into the object, so it must run before compression\$" err &&
		same before kt.o.$f && same p2.before p2.o.$f && no_temp'
	expect "$f: check -o NEW refuses it and creates nothing" '
		scx 2 check -o new.o kt.o.$f && [ ! -e new.o ] && no_temp'
done

expect "verify (and dump) read a compressed linked file, with its table, as the plain one" '
	build gcc kinds.c pic.o -fPIC && build gcc stubs.S stubs.o -fPIC && scx 0 check pic.o &&
	gcc -nostdlib -no-pie -Wl,-e,f_call -o exe pic.o stubs.o && xz_c exe >exe.xz &&
	scx 0 verify exe && sed "s|^exe:|X:|" err >a && scx 0 verify exe.xz && sed "s|^exe.xz:|X:|" err >b &&
	same a b && [ "$(dump_as X exe.xz)" = "$(dump_as X exe)" ] &&
	[ "$(dump_as X exe | wc -l)" -gt 2 ]'
expect "the kind is told by the magic bytes, not the name" '
	xz_c kt.o >xz-named.o && cp kt.o plain.ko.xz && gz_c kt.o >gz.ko.zst &&
	scx 0 dump xz-named.o && grep -q "^xz-named.o: [1-9]" out &&
	scx 0 dump plain.ko.xz && grep -q "^plain.ko.xz: [1-9]" out &&
	scx 0 dump gz.ko.zst && grep -q "^gz.ko.zst: [1-9]" out'

# Concatenated streams (or gzip members) unpack one after another, as
# xz -d, zstd -d and gzip -d read them.
head -c 3000 kt.o >part1 && tail -c +3001 kt.o >part2
for f in $FORMATS; do
	expect "$f: two concatenated streams read as one object" '
		{ ${f}_c part1; ${f}_c part2; } >cat.o.$f &&
		[ "$(dump_as X cat.o.$f)" = "$(dump_as X kt.o)" ]'
done

# one_error FILE REGEX: exit 2 and exactly one line on stderr, about FILE.
one_error() {
	scx 2 dump "$1" && [ "$(wc -l <err)" -eq 1 ] &&
		grep -Eq "^$1: error: $2\$" err || { cat err; false; }
}

expect "a truncated stream is refused with one line, for each format" '
	for f in $FORMATS; do head -c $(($(stat -c %s kt.o.$f) / 2)) kt.o.$f >t.$f; done &&
	one_error t.xz "truncated xz data" && one_error t.zst "truncated zstd data" &&
	one_error t.gz "truncated gzip data"'
expect "corrupt data is refused (the formats carry checksums)" '
	for f in $FORMATS; do
		cp kt.o.$f bad.$f && size=$(stat -c %s bad.$f) &&
		printf "\377\377\377\377" | dd of=bad.$f bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
		one_error bad.$f "(corrupt xz data|zstd data: .*|gzip data: .*)" || exit 1
	done'
expect "trailing bytes after the stream are refused" '
	{ cat kt.o.gz; echo junk; } >junk.gz && one_error junk.gz "5 bytes of trailing data after the gzip data" &&
	{ cat kt.o.xz; echo junk; } >junk.xz && one_error junk.xz "(truncated|corrupt) xz data" &&
	{ cat kt.o.zst; echo junk; } >junk.zst && one_error junk.zst "zstd data: .*"'
expect "compressed text is no ELF object, and says so" '
	echo "just text" | xz_c >text.xz && one_error text.xz "unpacked from xz: not an ELF file"'
expect "a compressed archive is refused: unpack it first" '
	rm -f lib.a && ar rc lib.a kt.o && xz_c lib.a >lib.a.xz &&
	one_error lib.a.xz "xz-compressed ar archive: unpack it first"'
expect "a bad compressed file does not stop the others" '
	scx 2 dump t.xz kt.o.zst kt.o && grep -q "^t.xz: error: truncated xz data\$" err &&
	[ "$(grep -c "static-call sites\$" out)" -eq 2 ]'
expect "-j2 over many compressed files prints what -j1 prints" '
	list=$(for i in 1 2 3 4; do for f in $FORMATS; do echo kt.o.$f mod.ko.$f; done; done) &&
	"$SCSTOOL" dump -j1 $list >j1 && "$SCSTOOL" dump -j2 $list >j2 && same j1 j2'

# Decompression bombs: 17 streams of 64 MiB of zeros, a few hundred
# kilobytes at most, claim 1088 MiB, past the 1 GiB limit.  Decoding
# stops at the limit, within a bounded time.
head -c 64M /dev/zero >zeros
for f in $FORMATS; do
	${f}_c zeros >z.$f
	for i in $(seq 17); do cat z.$f; done >bomb.$f
	expect "$f: a decompression bomb ($(stat -c %s bomb.$f) bytes) is refused with exit 2" '
		timeout 300 "$SCSTOOL" dump bomb.$f >out 2>err; [ $? -eq 2 ] &&
		grep -Eq "^bomb.$f: error: [a-z]+ data that unpacks to more than 1073741824 bytes \(the limit\): a decompression bomb\?\$" err ||
		{ cat err; false; }'
done
# 1 GiB exactly is still read (here as a non-ELF file: the point is
# the limit, not the contents).
expect "exactly the limit (16 streams of 64 MiB) unpacks, then is judged as ELF" '
	for i in $(seq 16); do cat z.zst; done >limit.zst &&
	one_error limit.zst "unpacked from zstd: not an ELF file"'
rm -f zeros

done_testing
