#!/bin/bash
# Every write error is exit 2 with its reason (strerror), on stdout too;
# --report writes only a regular file (or stdout for "-"), never an input
# or the output, and replaces it the careful way: a full disk leaves an
# existing report as it was.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixtures build" '
	build gcc kinds.c k.orig && build gcc prefixed.S pfx.orig'

# full CMD...: runs scstool CMD with stdout on /dev/full; it must exit 2
# and say why.
full() {
	sc "$@" >/dev/full 2>err; local s=$?
	[ $s -eq 2 ] && grep -q "cannot write .*standard output: No space left on device" err ||
		{ echo "exit $s"; cat err; false; }
}
expect "dump > /dev/full: exit 2, no space left" 'cp k.orig d.o && sc check d.o && full dump d.o'
expect "help, help check and --help > /dev/full: exit 2" 'full help && full help check && full --help'
expect "version and --version > /dev/full: exit 2" 'full version && full --version'
expect "a YAML, SARIF and --stats report to a full stdout: exit 2" '
	full lint --format=yaml k.orig && full lint --format=sarif k.orig &&
	full lint --stats k.orig && full lint --format=yaml --report - k.orig'
expect "a warning to a full stderr: exit 2 (the reason cannot be told)" '
	sc lint -W prefixed-branch=warning pfx.orig 2>/dev/full; [ $? -eq 2 ]'
expect "a control: the same runs with room to write exit 0" '
	sc dump d.o >/dev/null && sc help >/dev/null && sc version >/dev/null &&
	sc lint -W prefixed-branch=warning pfx.orig 2>/dev/null'

# A write that fails halfway: a file size limit (SIGXFSZ ignored, so that
# write(2) fails with EFBIG instead of the process being killed).
limited() {
	( trap "" XFSZ; ulimit -f "$1"; shift; "$SCSTOOL" "$@" )
}
expect "check whose object cannot be written in full: exit 2 with the reason, input untouched" '
	dd if=/dev/zero bs=1k count=64 2>/dev/null >>big.tmp && cat k.orig >w.o &&
	objcopy --add-section .pad=big.tmp w.o && cp w.o w.orig &&
	limited 40 check w.o >out 2>err; [ $? -eq 2 ] &&
	grep -q "^w.o: error: cannot write the object: .*: File too large$" err &&
	same w.orig w.o && no_temp'

# --- --report ---
expect "--report - writes the report to stdout" '
	sc lint --format=yaml --report - k.orig >out 2>err && grep -q "^command: lint" out &&
	[ ! -e ./- ]'
expect "--report naming the input is refused before anything is read: the object stays an object" '
	cp k.orig in.o && sc check --format=yaml --report in.o in.o >out 2>err
	[ $? -eq 2 ] && grep -q "report in.o is the input in.o" err && same k.orig in.o'
expect "so is a symbolic link to the input, and a hard link" '
	cp k.orig in.o && ln -sf in.o sl.yaml && ln -f in.o hl.yaml &&
	sc lint --format=yaml --report sl.yaml in.o >out 2>err; [ $? -eq 2 ] &&
	sc lint --format=yaml --report hl.yaml in.o >out 2>err; [ $? -eq 2 ] &&
	same k.orig in.o && [ -L sl.yaml ]'
expect "--report naming one input among many is refused" '
	cp k.orig a.o && cp k.orig b.o &&
	sc lint --format=yaml --report b.o a.o b.o >out 2>err; [ $? -eq 2 ] && same k.orig b.o'
expect "--report naming the -o output is refused, even when it does not exist yet" '
	cp k.orig in.o && rm -f new.o &&
	sc check -o new.o --format=yaml --report new.o in.o >out 2>err; [ $? -eq 2 ] &&
	grep -q "is the output new.o" err && [ ! -e new.o ] && same k.orig in.o'
mkfifo fifo
expect "--report onto a FIFO is refused at once, before the objects are written" '
	cp k.orig in.o && timeout 60 "$SCSTOOL" check --format=yaml --report fifo in.o >out 2>err
	[ $? -eq 2 ] && grep -q "report fifo is a FIFO" err && same k.orig in.o'
expect "--report onto a directory is refused" '
	mkdir -p rdir && sc lint --format=yaml --report rdir k.orig >out 2>err
	[ $? -eq 2 ] && grep -q "report rdir is a directory" err'
if [ "$(id -u)" = 0 ]; then
	mknod null c 1 3
	expect "as root, --report onto a character device is refused and it stays one" '
		sc lint --format=yaml --report null k.orig >out 2>err; [ $? -eq 2 ] && [ -c null ]'
else
	echo "# skipped: the device-node test needs root (mknod)"
fi

expect "a report file is replaced (new inode), keeping the old report's mode" '
	echo old >r.yaml && chmod 640 r.yaml && ino=$(inode r.yaml) &&
	sc lint --format=yaml --report r.yaml k.orig && grep -q "^command: lint" r.yaml &&
	[ "$(inode r.yaml)" != "$ino" ] && [ "$(stat -c %a r.yaml)" = 640 ] && no_temp'
expect "a new report file gets 0666 less the umask" '
	rm -f n.yaml && (umask 027 && sc lint --format=yaml --report n.yaml k.orig) &&
	[ "$(stat -c %a n.yaml)" = 640 ]'
expect "a report written through a symbolic link replaces the file it names" '
	echo old >target.yaml && ln -sf target.yaml rl.yaml &&
	sc lint --format=sarif --report rl.yaml k.orig && [ -L rl.yaml ] &&
	grep -q "2.1.0" target.yaml'
expect "a report that cannot be written in full leaves the old one as it was: exit 2, the reason" '
	sc lint --format=yaml --report keep.yaml k.orig && cp keep.yaml keep.orig &&
	for i in $(seq 40); do cp k.orig m$i.o; done &&
	limited 4 lint --format=yaml --report keep.yaml m*.o >out 2>err; [ $? -eq 2 ] &&
	grep -q "report keep.yaml: cannot write: File too large" err &&
	same keep.orig keep.yaml && no_temp'

done_testing
