#!/bin/bash
# Where check writes: only regular files are replaced (temporary file
# beside the target, then rename), or a new name is made; a device, a
# FIFO or a directory never is.  Writing through a symbolic link writes
# the file it names.  In place, the input is replaced only if it is still
# the file that was read.  Any name the file system takes works.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixture builds" 'build gcc kinds.c k.orig'
nsites=$(expected_sites k.orig | wc -l)

# hooked POINT ACTION ARGS...: runs scstool ARGS in the background and the
# shell command ACTION once scstool waits at the test hook POINT (README:
# SCSTOOL_TEST_HOOK); then waits for scstool and returns its exit status.
hooked() {
	local point=$1 action=$2 pid
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

# one_error FILE WORDS: stderr is exactly one line, an error about FILE
# that contains WORDS.
one_error() {
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^$1: error: .*$2" err ||
		{ cat err; false; }
}

# --- -o onto things that are not regular files ---
mkfifo fifo
expect "-o onto a FIFO: exit 2 at once, the FIFO stays, the input untouched" '
	cp k.orig in.o && timeout 60 "$SCSTOOL" check -o fifo in.o >out 2>err
	[ $? -eq 2 ] && one_error in.o "fifo: it is a FIFO" && [ -p fifo ] &&
	same k.orig in.o && no_temp'
expect "-o onto a directory: exit 2, the directory stays empty" '
	mkdir -p outdir && cp k.orig in.o && sc check -o outdir in.o >out 2>err
	[ $? -eq 2 ] && one_error in.o "outdir: it is a directory" && [ -d outdir ] &&
	[ -z "$(ls -A outdir)" ] && same k.orig in.o && no_temp'
expect "-o onto a symbolic link to a FIFO: refused, the FIFO stays" '
	ln -sf fifo fifolink && cp k.orig in.o &&
	timeout 60 "$SCSTOOL" check -o fifolink in.o >out 2>err
	[ $? -eq 2 ] && one_error in.o "it is a FIFO" && [ -p fifo ] && [ -L fifolink ]'
expect "-o with nothing to write (no sites) onto a FIFO is refused too" '
	build gcc nosite.c nosite.o && cp nosite.o ns.o &&
	timeout 60 "$SCSTOOL" check -o fifo ns.o >out 2>err
	[ $? -eq 2 ] && one_error ns.o "it is a FIFO" && [ -p fifo ]'

if [ "$(id -u)" = 0 ]; then
	mknod null c 1 3
	expect "as root, -o onto a character device (a /dev/null made with mknod) is refused and it stays a device" '
		cp k.orig in.o && sc check -o null in.o >out 2>err
		[ $? -eq 2 ] && one_error in.o "null: it is a character device" &&
		[ -c null ] && [ "$(stat -c %t:%T null)" = 1:3 ] && same k.orig in.o &&
		no_temp'
	expect "as root, -o onto a symbolic link to that device is refused too" '
		ln -sf null nulllink && cp k.orig in.o && sc check -o nulllink in.o >out 2>err
		[ $? -eq 2 ] && one_error in.o "it is a character device" && [ -c null ]'
else
	echo "# skipped: the device-node tests need root (mknod)"
fi

# --- symbolic links are written through ---
expect "-o onto a symbolic link writes the file it names; the link stays a link" '
	mkdir -p real && cp nosite.o real/out.o && ln -sf real/out.o olink.o &&
	cp k.orig in.o && scx 0 check -o olink.o in.o && [ -L olink.o ] &&
	[ "$(readlink olink.o)" = real/out.o ] &&
	[ "$(table_set real/out.o | wc -l)" -eq "$nsites" ] && no_temp . '
expect "-o onto a dangling symbolic link makes the file it names" '
	rm -f real/new.o && ln -sf real/new.o dlink.o && cp k.orig in.o &&
	scx 0 check -o dlink.o in.o && [ -L dlink.o ] && [ -f real/new.o ] &&
	[ "$(table_set real/new.o | wc -l)" -eq "$nsites" ]'
expect "-o onto a chain of links, the last one dangling, makes the file at its end" '
	rm -f real/end.o && ln -sf end.o real/l2 && ln -sf real/l2 l1 &&
	cp k.orig in.o && scx 0 check -o l1 in.o && [ -L l1 ] && [ -L real/l2 ] &&
	[ -f real/end.o ]'
expect "-o onto a link loop: exit 2, one line" '
	ln -sf loopb loopa && ln -sf loopa loopb && cp k.orig in.o &&
	sc check -o loopa in.o >out 2>err; [ $? -eq 2 ] && one_error in.o "loopa" &&
	[ -L loopa ] && [ -L loopb ]'

# --- the temporary file ---
expect "the temporary file is .scstool-XXXXXXXX in the target's folder, with the input's mode before the rename, and is gone after" '
	mkdir -p far && cp k.orig in.o && chmod 640 in.o &&
	hooked rename "ls -A far >seen && stat -c %a far/.scstool-* >mode" check -o far/out.o in.o &&
	grep -qx "\.scstool-[A-Za-z0-9]\{8\}" seen && [ "$(wc -l <seen)" -eq 1 ] &&
	[ "$(cat mode)" = 640 ] && [ "$(stat -c %a far/out.o)" = 640 ] &&
	no_temp far && no_temp .'

long=$(printf "%0240d" 0).o
longest=$(printf "%0253d" 0).o
expect "an input whose name has 244 bytes is checked in place" '
	cp k.orig "$long" && scx 0 check "$long" &&
	[ "$(table_set "$long" | wc -l)" -eq "$nsites" ] && no_temp'
expect "so is one of 255 bytes, the most a name may have" '
	cp k.orig "$longest" && [ ${#longest} -eq 255 ] && scx 0 check "$longest" &&
	[ "$(table_set "$longest" | wc -l)" -eq "$nsites" ] && no_temp'
expect "-o to a 255-byte name works" '
	cp k.orig in.o && rm -f "$longest" && scx 0 check -o "$longest" in.o &&
	[ "$(table_set "$longest" | wc -l)" -eq "$nsites" ]'

# --- a file that changes under the tool ---
expect "an input replaced while check runs is left alone: the newer file stays, exit 2" '
	cp k.orig r.o && echo newer >newer && cp newer newer.orig &&
	hooked rename "mv newer r.o" check r.o; s=$?
	[ $s -eq 2 ] && one_error r.o "changed while scstool ran" &&
	same newer.orig r.o && no_temp || { echo "exit $s"; cat err; false; }'
expect "an input truncated while check runs is left alone, exit 2" '
	cp k.orig t.o && hooked rename "truncate -s 100 t.o" check t.o; s=$?
	[ $s -eq 2 ] && one_error t.o "changed while scstool ran" &&
	[ "$(stat -c %s t.o)" -eq 100 ] && no_temp'
expect "an input rewritten in place with the same size is left alone too (mtime)" '
	cp k.orig w.o && hooked rename "touch -d 2001-01-01 w.o" check w.o; s=$?
	[ $s -eq 2 ] && one_error w.o "changed while scstool ran" && same k.orig w.o'
expect "an input replaced by a FIFO after it was read is left alone: the FIFO stays" '
	cp k.orig p.o && hooked rename "rm p.o && mkfifo p.o" check p.o; s=$?
	[ $s -eq 2 ] && [ -p p.o ] && no_temp'
expect "a control: with nothing changed at the hook, the same run writes the table" '
	cp k.orig c.o && hooked rename "true" check c.o &&
	[ "$(table_set c.o | wc -l)" -eq "$nsites" ]'
expect "-o makes no claim on the input: an input changed after it was read still gives its output" '
	cp k.orig i.o && rm -f io.o && hooked rename "truncate -s 100 i.o" check -o io.o i.o &&
	[ "$(table_set io.o | wc -l)" -eq "$nsites" ]'

done_testing
