#!/bin/bash
# The normal binary under valgrind's memcheck: no invalid access, no
# uninitialised read, no leak, on success, on findings and on bad input.
# (The sanitized binary covers the same ground in tests/t*.sh; this runs
# once, on ./scstool, which valgrind can instrument.)
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

SCSTOOL=$TEST_ROOT/scstool
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect "$SCSTOOL" "$@"
}

expect "fixtures build" '
	build gcc kinds.c kinds.o && build gcc prefixed.S prefixed.o &&
	build gcc anchor-global.S anchor.o && build gcc newinsn.S newinsn.o &&
	build gcc undecodable.S undecodable.o &&
	printf "not an object\n" >text.o'

expect "check that writes a table: clean" 'vg check kinds.o'
expect "check that adds section symbols: clean" 'vg check anchor.o'
expect "check again (table compared): clean" 'vg check kinds.o'
expect "check with error findings, -v: clean, exit 1" '
	vg check -v prefixed.o 2>/dev/null; [ $? -eq 1 ]'
expect "check past newer instructions (Zydis and its fallback): clean" '
	vg check -j2 newinsn.o 2>/dev/null'
expect "check past undecodable bytes: clean" '
	vg check -j2 undecodable.o 2>/dev/null'
expect "bad input: clean, exit 2" '
	vg check text.o 2>/dev/null; [ $? -eq 2 ]'
expect "dump: clean" 'vg dump kinds.o anchor.o >/dev/null'
expect "many files on two threads: clean, worst status" '
	vg check -j2 --dry-run kinds.o text.o prefixed.o 2>/dev/null; [ $? -eq 2 ]'
expect "lint with source lines resolved against comp_dir (-g): clean" '
	mkdir -p vg-b && (cd vg-b && gcc -O2 -g -c "$FIXTURES/compdir.c" -o ../compdir.o) &&
	vg lint compdir.o 2>/dev/null; [ $? -eq 1 ]'
expect "lint of branches resolved with no relocation, notype code and data in text: clean" '
	gcc -O2 -c "$FIXTURES/resolved.c" -o resolved.o && build gcc notype.S notype.o &&
	vg lint resolved.o notype.o 2>/dev/null; [ $? -eq 1 ]'
expect "lint of arm64 branches resolved with no relocation: clean" '
	build clang resolved-fixed.S fixed.o --target=aarch64-linux-gnu &&
	vg lint fixed.o 2>/dev/null'
done_testing
