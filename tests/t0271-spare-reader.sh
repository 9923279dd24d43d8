#!/bin/bash
# A check of many files reuses the file that a rename replaced as the next
# temporary file (t0265, elf/file.c's spare).  A rename promises more than
# that the target is whole: whoever still has the replaced file open, or
# mapped, goes on reading its old bytes (a linker, an archiver, a copy of
# the build tree running beside scstool).  So a replaced file that anyone
# else still holds is never emptied and reused: the reader sees the bytes
# it opened, and every output is still right.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixtures build" 'build gcc kinds.c k.orig'
cp k.orig ref.o && sc check ref.o 2>/dev/null

# hold MODE: opens k1.o (fd: kept open; map: mapped, then the fd closed),
# runs `scstool check -j1 k1.o k2.o` (which inherits nothing), then
# passes when what it holds still reads as k.orig.
hold() {
	cp k.orig k1.o && cp k.orig k2.o &&
	python3 - "$1" "$SCSTOOL" <<'PY'
import mmap, os, subprocess, sys
mode, tool = sys.argv[1], sys.argv[2]
want = open("k.orig", "rb").read()
f = open("k1.o", "rb")
if mode == "map":
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    f.close()
r = subprocess.run([tool, "check", "-j1", "k1.o", "k2.o"])
if r.returncode != 0:
    sys.exit("scstool: exit status %d" % r.returncode)
if mode == "map":
    got = m[:len(want)] if m.size() >= len(want) else b"short"
else:
    f.seek(0); got = f.read()
if got != want:
    sys.exit("the reader of k1.o no longer sees its old bytes")
PY
}

expect "a reader that keeps the replaced file open still reads its old bytes" '
	hold fd && same ref.o k1.o && same ref.o k2.o && no_temp'

expect "a mapping of the replaced file (its descriptor closed) still reads its old bytes" '
	hold map && same ref.o k1.o && same ref.o k2.o && no_temp'

done_testing
