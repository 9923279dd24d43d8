#!/bin/bash
# libscs in a statically linked program: -static and -static-pie, with
# pkg-config's flags (-lscs then picks libscs.a).  The static-PIE start-up
# code of glibc refuses a RUNPATH (an assertion in _dl_relocate_static_pie),
# which the build tree's scs-uninstalled.pc adds: the static-PIE link here
# uses the flags without it, as the installed scs.pc gives them.  ASan
# cannot link statically, so both variants build against the normal libscs.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"
RT_SAN=
export PKG_CONFIG_PATH=$TEST_ROOT/build/runtime/pkgconfig

libs=$(pkg-config --libs scs)
norpath=$(printf '%s\n' "$libs" | sed 's/-Wl,-rpath,[^ ]*//')

expect "-static: the program has no dynamic section, patches and updates its sites" '
	rt_obj gcc "$RT_TESTS/mini.c" s.o -fno-PIE &&
	gcc -static -o st s.o $libs -lpthread &&
	! readelf -d st | grep -q NEEDED &&
	./st >st.out && grep -q "^ok 2 [12] 1$" st.out && sc verify st ||
	{ cat st.out; false; }'

expect "-static-pie (flags without the build tree rpath): patches and updates its sites" '
	[ "$norpath" != "$libs" ] &&
	rt_obj gcc "$RT_TESTS/mini.c" sp.o -fPIE &&
	gcc -static-pie -o sp sp.o $norpath -lpthread &&
	readelf -h sp | grep -q "DYN" && ! readelf -d sp | grep -q "NEEDED\|RUNPATH" &&
	./sp >sp.out && grep -q "^ok 2 [12] 1$" sp.out && sc verify sp ||
	{ cat sp.out; false; }'

expect "-static: three updaters, two callers and a SIGALRM handler (updaters.c)" '
	rt_obj gcc "$RT_TESTS/updaters.c" u.o -fno-PIE &&
	gcc -static -o ust u.o $libs -lpthread &&
	timeout 120 ./ust 500 2 alarm >u.out 2>&1 && grep -qx ok u.out || { cat u.out; false; }'

done_testing
