#!/bin/bash
# make stress: the stress test against deliberately unsafe writers, to show
# that it can fail (not part of make check: the outcome of a race is not
# the same run to run).  Built against build/runtime-test, the build of
# libscs with the SCS_TESTING hooks:
#   SCS_UNSAFE=noint3     writes each site's bytes in place, no int3
#   SCS_UNSAFE=nosync     the int3 protocol without its three syncs
#   SCS_UNSAFE=storeline  store-only mode without the cache-line rule
#   SCS_TEST_PAUSE=N      N pause instructions after every store of every
#                         writer: a writer preempted between its stores
# Each configuration runs STRESS_RUNS times (default 10); the table gives
# runs failed / runs.  It fails when the real protocols fail once, or when
# the no-int3 control never does (then the test would have no teeth).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/stress
runs=${STRESS_RUNS:-10}
rt=$root/build/runtime-test
mkdir -p "$out" && cd "$out" || exit 2

export PKG_CONFIG_PATH=$rt/pkgconfig
cc -O2 $(pkg-config --cflags scs) -c "$root/runtime/tests/stress.c" -o stress.o &&
cc -c "-DCOND_SITES=COND_SITE(site_cond,k_cond)" "$root/runtime/tests/cond.S" -o cond.o &&
"$root/scstool" check stress.o cond.o &&
cc -o stress stress.o cond.o $(pkg-config --libs scs) -lpthread ||
	{ echo "stress: cannot build"; exit 2; }

# rate LABEL ENV... -- ARGS...: runs the stress test $runs times; prints a
# row and leaves the number of failed runs in $failed.
rate() {
	local label=$1 envs=() i s
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	failed=0
	for ((i = 0; i < runs; i++)); do
		env "${envs[@]}" timeout 300 ./stress "$@" >run.log 2>&1
		s=$?
		[ $s -ne 0 ] && failed=$((failed + 1)) && cp run.log "fail-${label// /_}.log"
	done
	printf '%-58s %3d / %-3d  %s\n' "$label" "$failed" "$runs" "${envs[*]} ./stress $*"
}

status=0
printf '%-58s %s\n' "configuration" "runs failed / runs"
rate "int3 protocol, writer paused between stores" SCS_TEST_PAUSE=30 -- -t 2 -n 20000 -b 100
[ $failed -eq 0 ] || status=1
rate "store-only mode (cache-line rule kept)" SCS_MODE=store -- -t 2 -n 20000 -b 100
[ $failed -eq 0 ] || status=1
rate "control: no int3, writer paused between stores" SCS_UNSAFE=noint3 SCS_TEST_PAUSE=30 -- -t 2 -n 20000
[ $failed -gt 0 ] || { echo "stress: the no-int3 control never failed: the test has no teeth"; status=1; }
rate "control: no int3, bytes stored back to back" SCS_UNSAFE=noint3 -- -t 2 -n 20000
rate "control: int3 without syncs, writer paused" SCS_UNSAFE=nosync SCS_TEST_PAUSE=30 -- -t 2 -n 20000 -b 100
rate "control: store-only across cache lines" SCS_MODE=store SCS_UNSAFE=storeline -- -t 2 -n 0 -b 2000
exit $status
