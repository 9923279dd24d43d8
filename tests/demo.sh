#!/bin/bash
# make demo: builds the example objects, then shows scstool at work.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/demo
sc=$root/scstool
mkdir -p "$out" || exit 2
# Built as kernel code is (no PIE), with -g for source lines that read
# relative to the repository: compiled from it, with its path (the
# compilation directory) mapped to ".".
(cd "$root" && gcc -g -O2 -fno-pie -ffunction-sections \
	-fno-asynchronous-unwind-tables -fdebug-prefix-map="$root"=. \
	-c tests/demo/demo.c -o "$out/demo.o") || exit 2
gcc -c "$root/tests/demo/prefixed.S" -o "$out/prefixed.o" || exit 2
cd "$out" || exit 2

show() {
	echo "\$ scstool $*"
	"$sc" "$@" 2>&1
	echo "(exit status $?)"
	echo
}

show lint --format=yaml demo.o
show check -v demo.o
show dump demo.o
echo "\$ readelf -rW demo.o   # the table's relocations"
readelf -rW demo.o | sed -n "/'.rela.static_call_sites'/,/^\$/p"
show check demo.o
show check prefixed.o
show check -W prefixed-branch=warning prefixed.o
show dump prefixed.o
printf 'rules:\n  prefixed-branch: warning\nsuppress:\n  - rule: not-a-branch\n    function: log_target\n' >demo.yaml
echo "\$ cat demo.yaml"
cat demo.yaml
show check --config demo.yaml -v --stats demo.o prefixed.o
exit 0
