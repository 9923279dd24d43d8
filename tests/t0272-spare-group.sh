#!/bin/bash
# A check of many files reuses the file that a rename replaced as the next
# temporary file (t0265, elf/file.c's spare).  The output gets its
# target's group only where the user may give it (fchown); where the user
# may not, it keeps the group it has, which for a new file is the user's
# own.  A reused file must not carry the previous file's group instead,
# or that group's members could read an output its mode only lets the
# target's own group (or the user's) read.  Run as nobody (group nogroup,
# no other), over files of groups nobody is no member of.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixtures build" 'build gcc kinds.c k.orig'

if [ "$(id -u)" != 0 ]; then
	expect "this test runs as root (it runs scstool as nobody)" 'false'
	done_testing
	exit
fi

mkdir -p d && cp k.orig d/k1.o && cp k.orig d/k2.o && cp k.orig d/alone.o &&
	chown -R nobody:nogroup d && chmod 777 d &&
	chgrp disk d/k1.o && chgrp floppy d/k2.o && chgrp floppy d/alone.o &&
	chmod 640 d/k1.o d/k2.o d/alone.o
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

expect "a check of one file by nobody: its output has nobody's group (the control)" '
	as_nobody "$SCSTOOL" check d/alone.o &&
	[ "$(stat -c %G:%a d/alone.o)" = nogroup:640 ]'

expect "k2.o checked after k1.o (of group disk): its output has nobody's group too, not disk" '
	as_nobody "$SCSTOOL" check -j1 d/k1.o d/k2.o &&
	[ "$(stat -c %G:%a d/k1.o)" = nogroup:640 ] &&
	[ "$(stat -c %G:%a d/k2.o)" = nogroup:640 ] &&
	cmp d/k2.o d/alone.o && no_temp d'

done_testing
