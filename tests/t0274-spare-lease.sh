#!/bin/bash
# A check of many files asks for a write lease on the file it is about to
# reuse as its next temporary file (elf/file.c's only_opener, t0271), and
# lets it go at once.  Someone who opens that file in between breaks the
# lease, and the kernel signals the lease's holder: SIGIO by default,
# which would kill scstool.  The lease is taken to send SIGURG instead,
# which is ignored: the run goes on and every output is right.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixtures build" 'build gcc kinds.c k.orig'
cp k.orig ref.o && sc check ref.o 2>/dev/null

# At the test hook `lease` (README: SCSTOOL_TEST_HOOK), scstool holds the
# lease: a reader opens every temporary file in the folder, in the
# background (its open waits until the lease is let go, and breaks it
# at once), and the hook is let go a second later.
# opener: opens every temporary file in the folder and prints how many.
opener() {
	python3 -c "
import glob
fs = [open(f, 'rb') for f in glob.glob('.scstool-*')]
print(len(fs))"
}
expect "a reader that opens the file under lease does not kill the run; both outputs are right" '
	cp k.orig k1.o && cp k.orig k2.o && rm -f hook opened && mkfifo hook &&
	{ SCSTOOL_TEST_HOOK=lease:$PWD/hook "$SCSTOOL" check -j1 k1.o k2.o >out 2>err & } &&
	pid=$! && exec 3>hook && { opener >opened 3>&- & } && sleep 1 && exec 3>&- &&
	wait $pid && wait && [ "$(cat opened)" -ge 1 ] &&
	cmp -s k1.o ref.o && cmp -s k2.o ref.o && no_temp'

done_testing
