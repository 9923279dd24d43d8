#!/bin/bash
# What libscs refuses: a site whose bytes another writer changed (left
# alone, reported once, the other sites still updated), table entries that
# do not describe a branch to their key's trampoline (reported once each at
# start-up, never written), and text the system will not make writable (a
# W^X policy simulated with seccomp): an update that must write text fails
# with -EACCES and changes nothing; a program started under the policy
# keeps its calls on the trampolines and updates them through the slot.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

cc=gcc
expect "the programs build" '
	rt_obj $cc "$RT_TESTS/tamper.c" t.o &&
	$cc -c "$RT_TESTS/badtable-x86_64.S" -o bad.o &&
	rt_link $cc tamper t.o bad.o &&
	rt_obj $cc "$RT_TESTS/wx.c" w.o && rt_link $cc wx w.o'

expect "a site changed behind the runtime: never rewritten, reported once, the others updated" '
	./tamper >out 2>err && grep -qx ok out &&
	[ "$(grep -c "^report .*changed behind the runtime" out)" -eq 1 ] &&
	grep -q "^refused 6$" out || { cat out err; false; }'

expect "bad table entries: each reported once at start-up, none written, the program runs" '
	grep -q "^registered 7 refused 5$" out &&
	grep -q "^libscs: .*: table entry [0-9]* (site .*): the site is not in the module.s text; left alone$" err &&
	grep -q "^libscs: .*: table entry [0-9]* (site .*): not a call, jmp or jcc rel32; left alone$" err &&
	grep -q "^libscs: .*: table entry [0-9]* (site .*): it does not branch to its key.s trampoline; left alone$" err &&
	grep -q "^libscs: .*: table entry [0-9]* (site .*): the table.s tail flag does not match the instruction; left alone$" err &&
	grep -q "^libscs: .*: table entry [0-9]* (site .*): the key is not in the module.s writable data; left alone$" err &&
	[ "$(grep -c "table entry" err)" -eq 5 ] || { cat err; false; }'

expect "W^X after start-up: the update fails with -EACCES and changes nothing" '
	WX=late ./wx >wl 2>&1 && grep -qx ok wl || { cat wl; false; }'

expect "W^X from the start: sites stay on their trampolines (reported once); updates go through the slot" '
	WX=early ./wx >we 2>&1 && grep -qx ok we &&
	[ "$(grep -c "refuses to make text writable (Permission denied)" we)" -eq 1 ] || { cat we; false; }'

done_testing
