#!/bin/bash
# SIGINT, SIGTERM and SIGHUP while check runs: the temporary file is
# removed, then the signal ends the process as it would have; the input is
# always either the original or the whole output.  SIGKILL cannot be
# caught: it leaves the temporary file (README: what it leaves, and how to
# clean up), which a control below shows the tests would see.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/real/fetch.sh"

real_fetch
fetch_rc=$?
expect "reference data: Debian's kvm.ko" '[ $fetch_rc -eq 0 ] && [ -f "$REAL_MODS/arch/x86/kvm/kvm.ko" ]'
[ $fetch_rc -eq 0 ] || { done_testing; exit 1; }

objcopy --remove-section .rela.static_call_sites --remove-section .static_call_sites \
	"$REAL_MODS/arch/x86/kvm/kvm.ko" kvm.orig
cp kvm.orig kvm.full
expect "kvm.ko without its table checks cleanly, giving the full output" '
	sc check kvm.full 2>err && has_table kvm.full && ! cmp -s kvm.orig kvm.full'

# The shell starts background jobs with SIGINT ignored, and scstool keeps
# an ignored signal ignored: start it with the default actions (env execs
# scstool, so $! is scstool's pid).
DEFAULT_SIGNALS="env --default-signal=INT,TERM,HUP"

# gone PID: the process has ended (it may be a zombie until waited for).
gone() {
	[ ! -e /proc/$1 ] || grep -q ") Z " /proc/$1/stat 2>/dev/null
}
export -f gone

# at_rename SIGNAL FILE: runs check FILE and sends SIGNAL while it waits at
# the test hook just before the rename (the temporary file exists then).
# Returns scstool's exit status.
at_rename() {
	local sig=$1 pid
	rm -f hook && mkfifo hook || return 1
	SCSTOOL_TEST_HOOK=rename:$PWD/hook $DEFAULT_SIGNALS "$SCSTOOL" check "$2" >out 2>err &
	pid=$!
	# Opening the FIFO returns once scstool waits on it: the temporary
	# file is written.  The signal then comes while it is blocked there,
	# and the FIFO stays open until the process has ended.
	timeout 60 bash -c "exec 3>hook && ls -A >seen &&
		kill -$sig $pid && until gone $pid; do sleep 0.01; done" ||
		{ kill -9 $pid; wait $pid; echo "never reached the hook" >&2; return 1; }
	wait $pid
}

for sig in TERM INT HUP; do
	num=$(kill -l $sig)
	expect "SIG$sig just before the rename: the temporary file was there, is removed, the input is the original, and the process dies of SIG$sig" '
		cp kvm.orig s.ko && at_rename '$sig' s.ko; s=$?
		[ $s -eq $((128 + '$num')) ] && grep -q "^\.scstool-" seen &&
		same kvm.orig s.ko && no_temp || { echo "exit $s"; cat err; false; }'
done

expect "a control: SIGKILL at the same moment leaves the temporary file, and no_temp sees it" '
	cp kvm.orig s.ko && at_rename KILL s.ko; s=$?
	[ $s -eq 137 ] && same kvm.orig s.ko && ! no_temp 2>/dev/null &&
	rm -f .scstool-* && no_temp'

expect "an ignored SIGTERM (as under nohup) stays ignored: the run completes" '
	cp kvm.orig i.ko && rm -f hook && mkfifo hook &&
	{ SCSTOOL_TEST_HOOK=rename:$PWD/hook env --ignore-signal=TERM "$SCSTOOL" check i.ko 2>err & } &&
	pid=$! && timeout 60 bash -c "exec 3>hook && kill -TERM $pid" && wait $pid &&
	same kvm.full i.ko && no_temp'

# --- at random moments ---
# The run's length, so that the signals fall inside it (median of three).
dur_us() {
	local t0 i
	for i in 1 2 3; do
		cp kvm.orig d.ko
		t0=${EPOCHREALTIME/[.,]/}
		"$SCSTOOL" check d.ko 2>/dev/null
		echo $((${EPOCHREALTIME/[.,]/} - t0))
	done | sort -n | sed -n 2p
}
T=$(dur_us)
echo "# one check of kvm.ko: $T us"

# At least 60 of the 200 signals must land inside a run: the run's length
# is measured once, and on a loaded machine later runs can be shorter than
# that, so more complete before their signal (87 of 200 were killed in one
# loaded run, when this asked for 100).
expect "200 SIGTERM/SIGINT at random moments: the input is always the original or the full output, and no temporary file is left" '
	killed=0 done=0 orig=0 full=0 bad=0
	for i in $(seq 200); do
		sig=TERM; [ $((i % 2)) -eq 0 ] && sig=INT
		cp kvm.orig r.ko
		$DEFAULT_SIGNALS "$SCSTOOL" check r.ko 2>/dev/null & pid=$!
		us=$(( (RANDOM * 32768 + RANDOM) % (T * 6 / 5 + 1) ))
		sleep "$((us / 1000000)).$(printf %06d $((us % 1000000)))"
		kill -$sig $pid 2>/dev/null
		wait $pid; s=$?
		case $s in
		0) done=$((done + 1)) ;;
		130|143) killed=$((killed + 1)) ;;
		*) echo "run $i: exit $s"; bad=1 ;;
		esac
		if cmp -s r.ko kvm.orig; then orig=$((orig + 1))
		elif cmp -s r.ko kvm.full; then full=$((full + 1))
		else echo "run $i (SIG$sig after $us us): the input is neither"; bad=1
		fi
		ls -A | grep -q "^\.scstool-" && { echo "run $i: temporary file left"; bad=1; rm -f .scstool-*; }
	done
	echo "killed $killed, completed $done; original $orig, full output $full"
	[ $bad -eq 0 ] && [ $killed -ge 60 ] && [ $orig -ge 1 ] && [ $((orig + full)) -eq 200 ]'

# The issue this answers: truncating a mapped input killed check with
# SIGBUS in 23 of 60 runs.  Inputs are read whole now: at worst the file
# changed and check says so.
expect "an input truncated at random moments never kills check: exit 0 or 2, never a signal" '
	bad=0
	for i in $(seq 60); do
		cp kvm.orig t.ko
		"$SCSTOOL" check t.ko 2>/dev/null & pid=$!
		us=$(( (RANDOM * 32768 + RANDOM) % (T + 1) ))
		sleep "$((us / 1000000)).$(printf %06d $((us % 1000000)))"
		truncate -s $((RANDOM * 64)) t.ko
		wait $pid; s=$?
		[ $s -eq 0 ] || [ $s -eq 2 ] || { echo "run $i: exit $s"; bad=1; }
	done
	[ $bad -eq 0 ] && no_temp'

done_testing
