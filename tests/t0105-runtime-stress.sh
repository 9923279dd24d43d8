#!/bin/bash
# The stress test (runtime/tests/stress.c): 1, 2, 4 and 8 threads call
# static calls of every kind (call, tail, cond, NULL, return-0) in tight
# loops while the main thread retargets them 100,000 times one at a time,
# then 1,000 times in batches of 1,000 sites.  Every call must reach the
# old or the new target, nothing may crash, and once an update has
# returned no call that starts later may reach the old target (epoch
# counters).  A build with clang and the store-only mode get shorter runs;
# so does the sanitized run (ASan is slower).  `make stress` runs the controls that
# show the test can fail.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

export COND_SITES="COND_SITE(site_cond,k_cond)"

# stressed ARGS...: runs the stress test; passes on exit 0 with the
# summary line showing no illegal call and every update done.
stressed() {
	local log=stress.$$.log
	timeout 900 ./stress "$@" >$log 2>&1
	local s=$?
	if [ $s -ne 0 ] || ! grep -q "^stress: .* bad 0 err 0 " $log; then
		echo "stress $*: exit status $s" >&2
		cat $log >&2
		return 1
	fi
	grep "^stress:" $log | tee -a summaries
}

for cc in $RT_COMPILERS; do
	expect "$cc: the stress program builds; 1,005 sites, 1,000 of them in batch keys" '
		rt_obj $cc "$RT_TESTS/stress.c" s-$cc.o && rt_obj $cc "$RT_TESTS/cond.S" c-$cc.o &&
		rt_link $cc stress-$cc s-$cc.o c-$cc.o &&
		[ "$(sc dump s-$cc.o c-$cc.o | grep -c " __SCK__b[0-9] ")" -eq 1000 ]'
done

if [ "${TEST_VARIANT:-rel}" = san ]; then
	ln -sf stress-gcc stress
	expect "ASan+UBSan: 2 threads, 20,000 updates and 100 batches of 1,000 sites" '
		stressed -t 2 -n 20000 -b 100'
else
	ln -sf stress-gcc stress
	for t in 1 2 4 8; do
		expect "$t thread(s): 100,000 single updates, then 1,000 batches of 1,000 sites" '
			stressed -t $t -n 100000 -b 1000'
	done
	expect "built with clang, 4 threads: 20,000 single updates, 200 batches" '
		ln -sf stress-clang stress && stressed -t 4 -n 20000 -b 200'
	ln -sf stress-gcc stress
	expect "store-only mode, 4 threads: 20,000 single updates, 200 batches" '
		SCS_MODE=store stressed -t 4 -n 20000 -b 200 | grep -q " mode 1 "'
	# Not a timing test: over 440,000 updates some thread always reaches a
	# site while it holds int3, and some trap is handled after its batch.
	expect "the runs above went through the SIGTRAP handler, late traps included" '
		gawk "{ for (i = 1; i < NF; i++) { if (\$i == \"traps\") t += \$(i + 1)
			if (\$i == \"late\") l += \$(i + 1) } }
			END { print t, l; exit !(t > 0 && l > 0) }" summaries'
fi

done_testing
