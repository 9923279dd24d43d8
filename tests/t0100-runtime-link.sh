#!/bin/bash
# libscs's build recipe: pkg-config from the build tree and from an
# installed prefix, and the linker-script fragment with GNU ld and lld, PIE
# and non-PIE, with --gc-sections: the table survives, each module gets
# hidden start/stop symbols, the sites and the table need no dynamic
# relocation, the key references static_call() leaves for scstool are gone,
# and the program patches its sites at start-up.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

# sec_range EXE NAME: "START END" of section NAME (addresses).
sec_range() {
	readelf -SW "$1" | sed 's/\[ */[/' | gawk -v n="$2" '
		$2 == n { s = strtonum("0x" $4); print s, s + strtonum("0x" $6); exit }'
}

# no_dynrel_in EXE NAME: no dynamic relocation writes into section NAME.
no_dynrel_in() {
	local r
	r=$(sec_range "$1" "$2")
	[ -n "$r" ] || { echo "$1: no $2" >&2; return 1; }
	readelf -rW "$1" | gawk -v lo="${r% *}" -v hi="${r#* }" '
		/^[0-9a-f]+ +[0-9a-f]+ / { o = strtonum("0x" $1)
			if (o >= lo && o < hi) { print "relocation in section:", $0; bad = 1 } }
		END { exit bad }' >&2
}

# linked_ok EXE: the table is there with its hidden bounds, nothing
# relocates it or the text at run time, the key references are gone.
linked_ok() {
	local e=$1
	readelf -SW "$e" | grep -q " \.static_call_sites " &&
	readelf -sW "$e" | gawk '$8 == "__scs_sites_start" || $8 == "__scs_sites_stop" {
		if ($5 != "LOCAL") bad = 1; n++ } END { exit bad || n != 2 }' &&
	no_dynrel_in "$e" .static_call_sites && no_dynrel_in "$e" .text &&
	! readelf -dW "$e" | grep -q TEXTREL &&
	! readelf -SW "$e" | grep -q scs_keyref || { echo "$e is not linked right" >&2; false; }
}

expect "pkg-config (build tree): the header path, the fragment, the module object, libscs" '
	f=$(pkg-config --cflags --libs scs) &&
	case $f in *"-I$TEST_ROOT/runtime/include"*"-Wl,-T,$RT_BUILD/scs.ld"*"$RT_BUILD/scs-module.o"*"-lscs"*) ;; *) echo "$f"; false ;; esac'

for cc in $RT_COMPILERS; do
	for ld in bfd lld; do
		for pie in pie no-pie; do
			fl="-f$pie"
			[ $pie = pie ] && fl=-fPIE
			expect "$cc, ld.$ld, -$pie: linked right; the program patches and updates its sites" '
				rt_obj $cc "$RT_TESTS/mini.c" m-$cc-$ld-$pie.o $fl &&
				rt_link $cc m-$cc-$ld-$pie m-$cc-$ld-$pie.o -- -fuse-ld=$ld -$pie &&
				linked_ok m-$cc-$ld-$pie &&
				./m-$cc-$ld-$pie >out.$cc.$ld.$pie && grep -q "^ok 2 [12] 1$" out.$cc.$ld.$pie ||
				{ cat out.$cc.$ld.$pie; false; }'
		done
	done
	expect "$cc, --gc-sections: the table and the sites survive; the sites are patched" '
		rt_obj $cc "$RT_TESTS/mini.c" g-$cc.o -ffunction-sections -fdata-sections &&
		rt_link $cc g-$cc g-$cc.o -- -Wl,--gc-sections &&
		linked_ok g-$cc && [ "$(sec_size g-$cc .static_call_sites)" -eq 16 ] &&
		./g-$cc >g.out && grep -q "^ok 2 [12] 1$" g.out'
done

expect "without the fragment, --gc-sections drops the table (why scs.ld has KEEP)" '
	cc -O2 $(pkg-config --cflags scs) -ffunction-sections -c "$RT_TESTS/mini.c" -o n.o &&
	sc check n.o && readelf -SW n.o | grep -q "static_call_sites" &&
	cc -o n n.o -Wl,--gc-sections "$RT_BUILD/libscs.a" -lpthread 2>/dev/null;
	! readelf -SW n | grep -q "\.static_call_sites"'

expect "make install PREFIX=...: the installed scs.pc builds a working program" '
	make -s -C "$TEST_ROOT" install PREFIX="$WORK/prefix" RT="$RT_BUILD" >/dev/null &&
	[ -f prefix/include/scs/static_call.h ] && [ -f prefix/lib/scs/scs.ld ] &&
	f=$(PKG_CONFIG_PATH=$WORK/prefix/lib/pkgconfig pkg-config --cflags --libs scs) &&
	case $f in *"-Wl,-T,$WORK/prefix/lib/scs/scs.ld"*) ;; *) echo "$f"; false ;; esac &&
	cc -O2 $RT_SAN -I"$WORK/prefix/include" -c "$RT_TESTS/mini.c" -o i.o && sc check i.o &&
	cc $RT_SAN -o i i.o $f && LD_LIBRARY_PATH=$WORK/prefix/lib ./i | grep -q "^ok 2 [12] 1$"'

done_testing
