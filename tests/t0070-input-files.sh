#!/bin/bash
# Inputs must be regular files, read whole: a FIFO, a device, a directory
# or a socket among the inputs is refused with exit 2 (and never opened in
# a way that could block), the other files of the run go on, and a file
# that changes while it is read is refused rather than half read.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixture builds" 'build gcc kinds.c k.orig'

# other_files_go_on: good.o was checked (it now has a table) and stderr
# has exactly one line, about $1.
one_refused() {
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^$1: error: not a regular file ($2)\$" err ||
		{ cat err; false; }
}

mkfifo fifo
expect "a FIFO among the inputs is refused at once, and the other file is checked" '
	cp k.orig good.o && timeout 60 "$SCSTOOL" check fifo good.o >out 2>err
	s=$?; [ $s -eq 2 ] && one_refused fifo "a FIFO" && has_table good.o &&
	[ -p fifo ] && no_temp'
expect "a FIFO is refused by dump and lint too, without blocking" '
	cp k.orig good.o && timeout 60 "$SCSTOOL" dump fifo good.o >out 2>err
	[ $? -eq 2 ] && one_refused fifo "a FIFO" && grep -q "^good.o: no " out &&
	timeout 60 "$SCSTOOL" lint fifo good.o >out 2>err
	[ $? -eq 2 ] && one_refused fifo "a FIFO"'
expect "the FIFO refusal also goes into the YAML report, beside the good file" '
	cp k.orig good.o && timeout 60 "$SCSTOOL" lint --format=yaml fifo good.o >out 2>err
	[ $? -eq 2 ] && grep -q "^- path: fifo\$" out && grep -q "^- path: good.o\$" out &&
	grep -q "error: \"not a regular file (a FIFO)\"" out'

mkdir adir
expect "a directory is refused, and the other file is checked" '
	cp k.orig good.o && sc check adir good.o >out 2>err; [ $? -eq 2 ] &&
	grep -q "^adir: error: is a directory, not a regular file\$" err &&
	[ "$(wc -l <err)" -eq 1 ] && has_table good.o'

perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => "sock", Listen => 1) or die' 2>/dev/null
expect "a socket is refused, and the other file is checked" '
	[ -S sock ] && cp k.orig good.o && sc check sock good.o >out 2>err
	[ $? -eq 2 ] && one_refused sock "a socket" && has_table good.o'

expect "a symbolic link to a regular file is read through" '
	cp k.orig target.o && ln -sf target.o link.o && scx 0 check link.o &&
	[ -L link.o ] && has_table target.o'
expect "a symbolic link to a FIFO is refused" '
	ln -sf fifo fifolink && timeout 60 "$SCSTOOL" check fifolink >out 2>err
	[ $? -eq 2 ] && one_refused fifolink "a FIFO"'

if [ "$(id -u)" = 0 ]; then
	mknod chr c 1 3 && mknod blk b 7 0
	expect "a character device (mknod c 1 3, /dev/null) is refused and stays a device" '
		timeout 60 "$SCSTOOL" check chr >out 2>err; [ $? -eq 2 ] &&
		one_refused chr "a character device" && [ -c chr ]'
	expect "a block device is refused, never opened" '
		timeout 60 "$SCSTOOL" check blk >out 2>err; [ $? -eq 2 ] &&
		one_refused blk "a block device" && [ -b blk ]'
else
	echo "# skipped: the device-node tests need root (mknod)"
fi

# hooked POINT ACTION ARGS...: runs scstool ARGS in the background and
# ACTION (a shell command) once scstool waits at the test hook POINT
# (README: SCSTOOL_TEST_HOOK); then waits for scstool, whose exit status
# is returned.  Fails if scstool never gets to POINT.
hooked() {
	local point=$1 action=$2 pid s
	shift 2
	rm -f hook && mkfifo hook || return 1
	SCSTOOL_TEST_HOOK=$point:$PWD/hook "$SCSTOOL" "$@" >out 2>err &
	pid=$!
	if ! timeout 60 bash -c "exec 3>hook && $action"; then
		kill $pid 2>/dev/null; wait $pid
		echo "scstool never reached $point" >&2
		return 1
	fi
	wait $pid
}

expect "an input truncated between opening and reading is refused, and left as it is" '
	cp k.orig t.o && hooked read "truncate -s 1000 t.o" check t.o; s=$?
	[ $s -eq 2 ] && grep -q "^t.o: error: changed while being read" err &&
	[ "$(stat -c %s t.o)" -eq 1000 ] && cmp -s t.o <(head -c 1000 k.orig) &&
	no_temp'
expect "an input that grows while it is read is refused" '
	cp k.orig g.o && hooked read "echo junk >>g.o" check g.o; s=$?
	[ $s -eq 2 ] && grep -q "^g.o: error: changed while being read" err &&
	no_temp'
done_testing
