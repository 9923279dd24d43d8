#!/bin/bash
# make demo, second part: builds examples/retarget.c the way the README
# says (compile, scstool check, link with pkg-config), then runs it.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/examples
export PKG_CONFIG_PATH=$root/build/runtime/pkgconfig
mkdir -p "$out" && cd "$out" || exit 2

run() {
	echo "\$ $*"
	"$@" || exit 2
}

echo "== libscs: static calls patched at run time (examples/retarget.c)"
run cc -O2 $(pkg-config --cflags scs) -c "$root/examples/retarget.c" -o retarget.o
run "$root/scstool" check retarget.o
run "$root/scstool" dump retarget.o
run cc -o retarget retarget.o $(pkg-config --libs scs)
run "$root/scstool" verify --stats retarget
run ./retarget
echo
run env SCS_MODE=store ./retarget
exit 0
