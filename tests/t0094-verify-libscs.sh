#!/bin/bash
# verify as the post-link step of a libscs program (x86-64), built the way
# the README tells users to: compile, `scstool check` each object, link
# with `pkg-config --libs scs` (the fragment keeps the table and bounds it
# with hidden __scs_sites_start/__scs_sites_stop).  libscs's trampolines
# have a shape of their own that names their key, so a stripped program
# (whose hidden keys and trampolines left with .symtab) is still checked
# entry by entry.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/runtime-lib.sh"

SRC=$TEST_ROOT/examples/retarget.c

# word FILE OFF: the signed little-endian 32-bit word at file offset OFF.
word() {
	od -An -t d4 -j "$2" -N 4 "$1" | tr -d ' '
}

for cc in $RT_COMPILERS; do
	expect "$cc: the example builds by the README's recipe, PIE and --gc-sections" '
		rt_obj '$cc' "$SRC" '$cc'.o &&
		'$cc' $RT_SAN -o '$cc'.exe '$cc'.o $(pkg-config --libs scs) 2>lerr && empty lerr &&
		'$cc' $RT_SAN -Wl,--gc-sections -o '$cc'-gc.exe '$cc'.o $(pkg-config --libs scs) 2>lerr &&
		empty lerr && has_table '$cc'-gc.exe'

	n=$("$SCSTOOL" dump $cc.o 2>/dev/null | tail -n +2 | wc -l)

	expect "$cc: verify passes and checks every entry, with and without --gc-sections" '
		[ '$n' -ge 2 ] &&
		scx 0 verify --stats '$cc'.exe && empty err &&
		grep -q "^'$cc'.exe: '$n' entries checked (section .static_call_sites);.* 0 sites outside the table\$" out &&
		scx 0 verify '$cc'-gc.exe && empty err'

	expect "$cc: stripped, the hidden keys and trampolines are gone, yet verify passes by their code" '
		strip -o '$cc'-s.exe '$cc'.exe && ! readelf -sW '$cc'-s.exe | grep -q __SCT__ &&
		scx 0 verify --stats '$cc'-s.exe && empty err &&
		grep -q "^'$cc'-s.exe: '$n' entries checked" out'

	expect "$cc: stripped, an entry given another call's key: wrong-target, by the key the code reads" '
		cp '$cc'-s.exe '$cc'-k.exe && t=$(sec_off '$cc'-k.exe .static_call_sites) &&
		poke '$cc'-k.exe $((t + 4)) $(le $(( $(word '$cc'-s.exe $((t + 12))) + 8 )) 4) &&
		scx 1 verify '$cc'-k.exe && findings_n err error wrong-target 1 &&
		grep -q "branches to a trampoline whose code reads the key at 0x[0-9a-f]*, not the entry.s key" err'
done

expect "a table moved off its own section, bounded by __scs_sites_start/stop only: found by them" '
	objcopy --rename-section .static_call_sites=.data.scs gcc.exe renamed.exe &&
	! has_table renamed.exe && scx 0 dump renamed.exe &&
	head -1 out | grep -q "(symbols __scs_sites_start and __scs_sites_stop)\$" &&
	scx 0 verify renamed.exe && empty err'

cat >one.c <<'EOF'
#include <scs/static_call.h>
static int f(int x) { return x; }
DEFINE_STATIC_CALL(one, f);
__attribute__((noinline)) int g(int x) { return static_call(one)(x) + 1; }
int main(void) { return g(0) - 1; }
EOF
expect "verify --stats counts in the singular: 1 entry, 1 trampoline, 1 site" '
	rt_obj gcc one.c one.o && gcc $RT_SAN -o one.exe one.o $(pkg-config --libs scs) &&
	scx 0 verify --stats one.exe && empty err &&
	grep -q "^one.exe: 1 entry checked (section .static_call_sites); [0-9]* functions swept (0 stopped early), 1 trampoline; 0 sites outside the table\$" out &&
	grep -qx "one.exe: 1 site (1 in table): call 1" out'

# A module linked with -lscs alone (no scs-module.o, no fragment) keeps
# its table, but nothing registers it: libscs never patches its sites.
cat >lib.c <<'EOF'
#include <scs/static_call.h>
static int f(int x) { return x; }
DEFINE_STATIC_CALL(lk, f);
__attribute__((noinline)) int lib_g(int x) { return static_call(lk)(x) + 1; }
EOF
expect "a shared library linked without scs-module.o: unregistered-table, a warning; with pkg-config --libs scs: clean" '
	rt_obj gcc lib.c lib.o && libs=$(pkg-config --libs-only-L scs) &&
	gcc $RT_SAN -shared -o bare.so lib.o $libs -lscs &&
	has_table bare.so && ! nm bare.so | grep -q __scs_register &&
	scx 0 verify bare.so && findings_n err warning unregistered-table 1 &&
	grep -q ": __SCT__lk+0x0: a table of 1 entry and libscs.s trampolines (__SCT__lk), but nothing calls __scs_register: linked without scs-module.o" err &&
	scx 1 verify -Werror bare.so &&
	gcc $RT_SAN -shared -o reg.so lib.o $(pkg-config --libs scs) &&
	scx 0 verify reg.so && empty err'

expect "stripped, the same library is not judged (a static libscs would leave no name either)" '
	strip -o bare-s.so bare.so && scx 0 verify bare-s.so && empty err'

done_testing
