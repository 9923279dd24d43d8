#!/bin/bash
# libscs with link-time optimisation.  An LTO object holds compiler IR and
# no machine code, so `scstool check` has nothing to record there: it says
# so, and the recipe is to check the output of a relocatable LTO link
# (gcc -flto -r -flinker-output=nolto-rel, ld.lld -r), then link that.
# Skipping the step still gives a working program (every call through its
# trampoline), and `scstool verify` fails its build.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

CF="-O2 -flto $RT_SAN $(pkg-config --cflags scs)"
for cc in $RT_COMPILERS; do
	case $cc in
	gcc) relink="gcc -O2 -flto $RT_SAN -r -flinker-output=nolto-rel"; ld=bfd ;;
	clang) relink="ld.lld -r"; ld=lld ;;
	esac
	expect "$cc -flto: scstool check on the IR object says there is no machine code to check" '
		$cc $CF -c "$RT_TESTS/mini.c" -o ir-$cc.o &&
		{ sc check ir-$cc.o 2>ir-$cc.err; true; } &&
		grep -q "no machine code" ir-$cc.err || { cat ir-$cc.err; false; }'

	expect "$cc -flto: checked after a relocatable LTO link, both sites go inline; verify passes" '
		$relink -o r-$cc.o ir-$cc.o && sc check r-$cc.o &&
		$cc -fuse-ld=$ld $RT_SAN -o lto-$cc r-$cc.o $(pkg-config --libs scs) &&
		./lto-$cc >r-$cc.out && grep -qx "ok 2 2 1" r-$cc.out &&
		sc verify lto-$cc || { cat r-$cc.out; false; }'

	expect "$cc -flto: linked without the step, every call still right; verify reports the lost table" '
		$cc -O2 -flto -fuse-ld=$ld $RT_SAN -o nt-$cc ir-$cc.o $(pkg-config --libs scs) &&
		./nt-$cc >nt-$cc.out && grep -qx "ok 0 0 1" nt-$cc.out &&
		{ sc verify nt-$cc 2>nt-$cc.err; [ $? -ne 0 ]; } &&
		grep -q "missing-table" nt-$cc.err || { cat nt-$cc.out nt-$cc.err; false; }'
done

done_testing
