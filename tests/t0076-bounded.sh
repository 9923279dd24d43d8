#!/bin/bash
# Work stays bounded by the data actually in the file (README: "Data
# actually present"): a sparse file that claims gigabytes it does not
# store, a NOBITS .static_call_sites that claims any size, compressed
# sections that claim gigabytes inflated.  Each case must complete with a
# clear exit 2 under a generous timeout (the point is completion, not
# speed; make bench has the figures); a control shows the ordinary case
# still passes.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixtures build" '
	build gcc kinds.c k.orig && build gcc source.c g.orig -g -gz'

# in_time ARGS...: scstool ARGS completes within 60 s; its exit status.
in_time() {
	timeout 60 "$SCSTOOL" "$@" >out 2>err
	local s=$?
	[ $s -eq 124 ] && echo "scstool $* did not complete in 60 s" >&2
	[ $s -eq 99 ] && echo "SANITIZER FAILURE: scstool $*" >&2
	return $s
}

# sparse_claim OUT SIZE: OUT is k.orig whose .text.f_call (and f_call)
# claims SIZE bytes past the end of the file's contents, with a call to a
# trampoline at its very end: finding the call's boundary means decoding
# all SIZE bytes, zeros but for the call.  The file is extended by
# truncate: all but its last block are a hole.
sparse_claim() {
	local out=$1 size=$2 h off rela sym
	cp k.orig "$out" &&
	h=$(shdr_at "$out" .text.f_call) &&
	off=$(( ($(stat -c %s "$out") + 4095) / 4096 * 4096 )) &&
	rela=$(sec_off "$out" .rela.text.f_call) &&
	sym=$(( $(sec_off "$out" .symtab) + 24 * $(sym_idx "$out" f_call) )) &&
	poke "$out" $((h + 24)) $(le "$off" 8) &&
	poke "$out" $((h + 32)) $(le "$size" 8) &&
	poke "$out" $((sym + 16)) $(le "$size" 8) &&
	poke "$out" "$rela" $(le $((size - 4)) 8) &&
	truncate -s $((off + size)) "$out" &&
	poke "$out" $((off + size - 5)) e8
}

# The issue this answers: 8 KiB on disk, a 2 GiB text section, over five
# minutes of decoding.
expect "a sparse file that stores 8 KiB of a claimed 2 GiB text section is refused at once" '
	sparse_claim sp.o $((1 << 31)) && [ "$(stat -c %b sp.o)" -lt 100 ] &&
	in_time check sp.o; [ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "^sp.o: error: a sparse file of [0-9]* bytes that stores only [0-9]*: holes may exceed the data by at most 16 MiB$" err'
expect "dump refuses it the same way" '
	in_time dump sp.o; [ $? -eq 2 ] && grep -q "a sparse file" err'
expect "a control: the same shape with a 1 MiB hole is read and swept to the call at its end" '
	sparse_claim small.o $((1 << 20)) && in_time lint -v small.o; s=$?
	[ $s -eq 0 ] || [ $s -eq 1 ] || { echo "exit $s"; cat err; false; }
	! grep -q "sparse" err && grep -q "f_call+0xfff" err || { cat err; false; }'

expect "a NOBITS .static_call_sites claiming 2^63 bytes: exit 2, one line (the sanitized build aborted)" '
	cp k.orig t.o && sc check t.o && h=$(shdr_at t.o .static_call_sites) &&
	poke t.o $((h + 4)) $(le 8 4) && poke t.o $((h + 32)) $(le 0x7ffffffffffffff8 8) &&
	cp t.o t.orig && in_time check t.o; [ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "static_call_sites is of type 8, not SHT_PROGBITS" err && same t.orig t.o &&
	in_time dump t.o; [ $? -eq 2 ] && grep -q "not SHT_PROGBITS" err'

expect "an object with compressed debug info (-gz) is read, with its source lines" '
	in_time lint -v --format=yaml g.orig && grep -q "source: .*source.c:[0-9]" out'
expect "a compressed section claiming 2^40 bytes inflated: exit 2, one line" '
	cp g.orig bomb.o && off=$(sec_off bomb.o .debug_line) &&
	poke bomb.o $((off + 8)) $(le $((1 << 40)) 8) &&
	in_time lint bomb.o; [ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "compressed sections claim [0-9]* bytes or more inflated, over 64 times" err'
expect "a real zlib bomb (64 MiB of zeros in 64 KiB) in .debug_str: exit 2" '
	objcopy --decompress-debug-sections g.orig plain.o &&
	objcopy --dump-section .debug_str=str.bin plain.o &&
	head -c $((64 << 20)) /dev/zero >>str.bin &&
	objcopy --update-section .debug_str=str.bin plain.o up.o &&
	objcopy --compress-debug-sections=zlib up.o zb.o &&
	[ "$(stat -c %s zb.o)" -lt $((1 << 20)) ] &&
	in_time lint zb.o; [ $? -eq 2 ] && grep -q "compressed sections claim" err'

done_testing
