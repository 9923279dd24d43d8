#!/bin/bash
# libscs with several modules: a shared library with its own table,
# linked with the fragment (GNU ld and lld), loaded with dlopen, its static
# calls updated (also to a function of the executable, which is out of
# rel32 range and goes through the trampoline's slot), closed (which
# unregisters it) and opened again, while the executable keeps its own.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

for cc in $RT_COMPILERS; do
	for ld in bfd lld; do
		expect "$cc, ld.$ld: the library links with its table and hidden bounds, no text relocation" '
			rt_obj $cc "$RT_TESTS/dlib.c" l-$cc-$ld.o -fPIC &&
			rt_link $cc libd-$cc-$ld.so l-$cc-$ld.o -- -shared -fuse-ld=$ld &&
			readelf -SW libd-$cc-$ld.so | grep -q " \.static_call_sites " &&
			readelf -sW libd-$cc-$ld.so | grep -q "LOCAL .* __scs_sites_start$" &&
			! readelf -dW libd-$cc-$ld.so | grep -q TEXTREL &&
			! readelf -sW --dyn-syms libd-$cc-$ld.so | grep -q "__SC[KT]__.*GLOBAL"'
		expect "$cc, ld.$ld: dlopen, update, dlclose, dlopen again; with a static call of the executable throughout" '
			rt_obj $cc "$RT_TESTS/dlmain.c" m-$cc.o &&
			rt_link $cc dlmain-$cc m-$cc.o -- -ldl &&
			./dlmain-$cc ./libd-$cc-$ld.so >out-$cc-$ld && grep -qx ok out-$cc-$ld ||
			{ cat out-$cc-$ld; false; }'
	done
done

done_testing
