#!/bin/bash
# make demo: builds the example objects, then shows scstool at work.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/demo
sc=$root/scstool
mkdir -p "$out" || exit 2
gcc -O2 -ffunction-sections -fno-asynchronous-unwind-tables \
	-c "$root/tests/demo/demo.c" -o "$out/demo.o" || exit 2
gcc -c "$root/tests/demo/prefixed.S" -o "$out/prefixed.o" || exit 2
cd "$out" || exit 2

show() {
	echo "\$ scstool $*"
	"$sc" "$@" 2>&1
	echo "(exit status $?)"
	echo
}

show check -v demo.o
show dump demo.o
echo "\$ readelf -rW demo.o   # the table's relocations"
readelf -rW demo.o | sed -n "/'.rela.static_call_sites'/,/^\$/p"
show check demo.o
show check prefixed.o
show check -W prefixed-branch=warning prefixed.o
show dump prefixed.o
exit 0
