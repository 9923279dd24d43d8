#!/bin/bash
# libscs: several threads update static calls at once (each its own call,
# and one in batches) while others call them.  Under the signal fallback
# for membarrier, a thread waiting for the patch lock must still answer the
# holder's sync signal; when the lock blocked every signal before waiting,
# two concurrent updaters hung for ever ("waiting for a thread that does
# not take signal").  So did a signal handler that makes static calls
# while the sync handler could be interrupted, and a waiter when the holder
# switched to the fallback because membarrier began to fail.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

cc=gcc
expect "the program builds" '
	rt_obj $cc "$RT_TESTS/updaters.c" u.o && rt_link $cc updaters u.o'

expect "membarrier: three updaters and two callers, 2,000 rounds each, every call legal" '
	timeout 120 ./updaters 2000 2 >m.out 2>&1 && grep -qx ok m.out &&
	grep -q "^sync membarrier " m.out || { cat m.out; false; }'

expect "signal fallback: three updaters and two callers, 300 rounds each, finish, every call legal" '
	SCS_SYNC=signal timeout 120 ./updaters 300 2 >s.out 2>&1 &&
	grep -qx ok s.out && grep -q "^sync signal " s.out || { cat s.out; false; }'

expect "signal fallback: two updaters and no caller finish" '
	SCS_SYNC=signal timeout 120 ./updaters 300 0 >s0.out 2>&1 &&
	grep -qx ok s0.out || { cat s0.out; false; }'

# A SIGALRM handler that makes the calls can interrupt the sync handler
# before it acknowledges; when it then reaches a site being patched (int3
# or jump-to-self), it waits for the patcher, which waits for the ack.
for sync in membarrier signal; do
	expect "$sync: a SIGALRM handler calls every 200 us in every thread during the updates" '
		SCS_SYNC=$sync timeout 120 ./updaters 300 2 alarm >a-$sync.out 2>&1 &&
		grep -qx ok a-$sync.out && grep -q "^sync $sync .* alarms [1-9]" a-$sync.out ||
		{ cat a-$sync.out; false; }'
done

# membarrier denied by a seccomp filter after start-up: the holder switches
# to the fallback while the other updater already waits for the lock with
# the signal blocked.
expect "membarrier denied later: the switch to the signal fallback with an updater waiting" '
	rt_obj $cc "$RT_TESTS/lazysync.c" l.o && rt_link $cc lazysync l.o &&
	timeout -k 5 30 ./lazysync >l.out 2>&1 && grep -qx ok l.out ||
	{ cat l.out; false; }'

done_testing
