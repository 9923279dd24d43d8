#!/bin/bash
# libscs with several modules: a shared library with its own table,
# linked with the fragment (GNU ld and lld), loaded with dlopen, its static
# calls updated (also to a function of the executable, which is out of
# rel32 range and goes through the trampoline's slot), closed (which
# unregisters it) and opened again, while the executable keeps its own.
# Then a site that reaches its trampoline through the PLT.
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

# A call through a PLT entry to the trampoline: a shared library whose
# trampoline has default visibility, so the linker routes the library's own
# call through its PLT.  libscs accepts the site when the GOT slot holds the
# trampoline, and leaves it alone (reported, still working) when it does
# not yet (lazy binding).
for ld in bfd lld; do
	expect "ld.$ld: a site calling the trampoline through the PLT goes inline once the GOT slot is bound" '
		rt_obj gcc "$RT_TESTS/pltlib.S" pa-$ld.o && rt_obj gcc "$RT_TESTS/pltlib.c" pc-$ld.o -fPIC &&
		rt_link gcc libplt-$ld.so pa-$ld.o pc-$ld.o -- -shared -fuse-ld=$ld &&
		objdump -d libplt-$ld.so | grep -q "call.*<__SCT__plt_op@plt>" &&
		rt_obj gcc "$RT_TESTS/pltmain.c" pm.o && rt_link gcc pltmain pm.o -- -ldl &&
		./pltmain ./libplt-$ld.so inline >pi-$ld 2>&1 && grep -qx ok pi-$ld || { cat pi-$ld; false; }'
	expect "ld.$ld: lazily bound, the same site is refused, reported once, and still works" '
		env -u LD_BIND_NOW ./pltmain ./libplt-$ld.so refused >pr-$ld 2>&1 && grep -qx ok pr-$ld &&
		[ "$(grep -c "it does not branch to its key.s trampoline" pr-$ld)" -eq 1 ] || { cat pr-$ld; false; }'
done

done_testing
