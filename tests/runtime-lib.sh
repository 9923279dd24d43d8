# Helpers for the libscs tests (tests/t01NN-runtime-*.sh), sourced after
# lib.sh.  Programs are built the way the README tells users to: compile,
# `scstool check` every object, link with `pkg-config --libs scs` (here
# from the build tree's scs-uninstalled.pc).  The sanitized test run
# (TEST_VARIANT=san) builds them against the ASan+UBSan build of libscs.

RT_TESTS=$TEST_ROOT/runtime/tests
# The compilers each program is built with.  The sanitized libscs is
# built by gcc, whose ASan runtime clang's programs cannot share: the
# sanitized run builds with gcc only (the normal run covers clang).
if [ "${TEST_VARIANT:-rel}" = san ]; then
	RT_BUILD=$TEST_ROOT/build/runtime-san
	RT_SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
	RT_COMPILERS=gcc
else
	RT_BUILD=$TEST_ROOT/build/runtime
	RT_SAN=
	RT_COMPILERS="gcc clang"
fi
export PKG_CONFIG_PATH=$RT_BUILD/pkgconfig

for f in libscs.a libscs.so scs-module.o scs.ld pkgconfig/scs-uninstalled.pc; do
	[ -e "$RT_BUILD/$f" ] ||
		echo "not ok - $TEST_NAME: $RT_BUILD/$f is missing (make runtime-all)" >&2
done

# rt_obj CC SRC OBJ [FLAGS...]: compiles SRC at -O2 with the runtime's
# cflags (RT_CFLAGS, else pkg-config's) and runs `scstool check` on the
# object.  A .S source gets -DCOND_SITES from the environment variable
# COND_SITES.
rt_obj() {
	local cc=$1 src=$2 obj=$3 log
	shift 3
	case $src in
	*.S) log=$($cc $RT_SAN -c "-DCOND_SITES=${COND_SITES:-}" "$@" \
		"$src" -o "$obj" 2>&1) ;;
	*) log=$($cc -O2 -Wall -Wextra $RT_SAN \
		${RT_CFLAGS:-$(pkg-config --cflags scs)} "$@" -c "$src" \
		-o "$obj" 2>&1) ;;
	esac
	[ -z "$log" ] || { echo "$cc $src: $log" >&2; return 1; }
	sc check "$obj" || { echo "scstool check $obj failed" >&2; return 1; }
}

# rt_link CC OUT OBJ... [-- LDFLAGS...]: links with the runtime's link
# flags (RT_LIBS, else pkg-config --libs scs).
rt_link() {
	local cc=$1 out=$2 objs=() log
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do objs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	log=$($cc $RT_SAN -o "$out" "${objs[@]}" "$@" \
		${RT_LIBS:-$(pkg-config --libs scs)} -lpthread 2>&1)
	[ -z "$log" ] || { echo "$cc link $out: $log" >&2; return 1; }
}

# rt_lib DIR CC [FLAGS...]: builds libscs for another target into DIR,
# from the same sources and with the same options as the Makefile:
# libscs.a, scs-module.o and scs.ld; then RT_CFLAGS and RT_LIBS name them
# the way scs.pc would.
rt_lib() {
	local dir=$1 cc=$2 f log
	shift 2
	mkdir -p "$dir" || return 1
	for f in "$TEST_ROOT"/runtime/*.c; do
		log=$($cc -std=gnu11 -D_GNU_SOURCE -I"$TEST_ROOT/runtime/include" \
			-Wall -Wextra -O2 -fPIC -fvisibility=hidden "$@" \
			-c "$f" -o "$dir/$(basename "$f" .c).o" 2>&1)
		[ -z "$log" ] || { echo "$cc $f: $log" >&2; return 1; }
	done
	mv "$dir/module.o" "$dir/scs-module.o" &&
	ar rcs "$dir/libscs.a" $(ls "$dir"/*.o | grep -v scs-module.o) &&
	cp "$TEST_ROOT/runtime/scs.ld" "$dir/" || return 1
	RT_CFLAGS="-I$TEST_ROOT/runtime/include"
	RT_LIBS="-Wl,-T,$dir/scs.ld $dir/scs-module.o $dir/libscs.a"
}

# rt_lib_shared DIR CC [FLAGS...]: also links DIR/libscs.so, and makes
# RT_LIBS use it (with an rpath), as scs-uninstalled.pc does.
rt_lib_shared() {
	local dir=$1 cc=$2 log
	shift 2
	log=$($cc "$@" -shared -Wl,-soname,libscs.so.0 -Wl,-z,nodelete -o "$dir/libscs.so.0" \
		$(ls "$dir"/*.o | grep -v scs-module.o) -lpthread 2>&1)
	[ -z "$log" ] || { echo "$cc libscs.so: $log" >&2; return 1; }
	ln -sf libscs.so.0 "$dir/libscs.so" || return 1
	RT_LIBS="-Wl,-T,$dir/scs.ld $dir/scs-module.o -L$dir -Wl,-rpath,$dir -lscs"
}

# site_bytes OUT STEP KEY KIND: "STATE ADDR HEX" of that site in a kinds
# program's output OUT.
site_bytes() {
	gawk -v step="$2" -v key="$3" -v kind="$4" '
		$1 == "step" { s = $2; next }
		$1 == "site" && s == step && $2 == key && $3 == kind { print $4, $5, $6; exit }' "$1"
}

# sym_addr OUT NAME: the address the program printed for NAME.
sym_addr() {
	gawk -v n="$2" '$1 == "sym" && $2 == n { print $3; exit }' "$1"
}

# insn ARCH ADDR HEX: the instruction objdump (x86) or llvm-mc (arm64,
# PowerPC: ARCH is its triple) reads in HEX at ADDR, as "mnemonic operands"
# with single spaces and without the <symbol> comment.  llvm-mc prints
# branch targets relative to the instruction ("bl #-56", "bl .+40").
insn() {
	local arch=$1 addr=$2 hex=$3 f=insn.$$.bin
	case $arch in
	x86-64|i386)
		printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$f"
		if [ "$arch" = i386 ]; then m=i386; else m=i386:x86-64; fi
		objdump -D -b binary -m $m --adjust-vma="$addr" "$f" |
			gawk -F'\t' '/^ *[0-9a-f]+:\t/ { t = $NF; sub(/ *<.*>/, "", t);
				sub(/ *#.*/, "", t); gsub(/[ \t]+/, " ", t); sub(/ $/, "", t);
				print t; exit }'
		rm -f "$f" ;;
	*)	printf '%s' "$hex" | sed 's/../0x& /g' |
			llvm-mc --disassemble -triple="$arch" 2>/dev/null |
			gawk '$1 != ".text" { $1 = $1; print; exit }' ;;
	esac
}

# expect_form OUT ARCH STEP KEY KIND STATE FORM: after STEP, the site is in
# STATE and disassembles to FORM.  In FORM, "@NAME" or "@NAME+N" stands for
# the address the program printed for NAME (plus N), in objdump's hex;
# "~NAME" (or "~NAME+N") for that address minus the site's, in decimal, and
# "~+NAME" the same with its sign always shown.
expect_form() {
	local out=$1 arch=$2 step=$3 key=$4 kind=$5 state=$6 form=$7 got want w a n off sign
	set -- $(site_bytes "$out" "$step" "$key" "$kind")
	[ $# -eq 3 ] || { echo "no site $key/$kind at step $step" >&2; return 1; }
	[ "$1" = "$state" ] || { echo "$key/$kind at $step: state $1, want $state" >&2; return 1; }
	got=$(insn "$arch" "$2" "$3")
	want=
	for w in $form; do
		case $w in
		*[@~]*)
			a=${w#*[@~]} sign=
			[ "${a#+}" != "$a" ] && sign=1 a=${a#+}
			n=${a%%+*} off=0
			[ "$n" = "$a" ] || off=${a#*+}
			a=$(( $(sym_addr "$out" "$n") + off ))
			case $w in
			*@*) w=${w%%@*}$(printf '0x%x' $a) ;;
			*) a=$((a - $2))
			   [ -n "$sign" ] && [ $a -ge 0 ] && a=+$a
			   w=${w%%~*}$a ;;
			esac ;;
		esac
		want="$want${want:+ }$w"
	done
	[ "$got" = "$want" ] && return 0
	echo "$key/$kind at $step ($3): got '$got', want '$want'" >&2
	return 1
}

# add_entries OUT EXE NAME...: appends to OUT a "sym NAMEe ADDR" line for
# each NAME: its local entry point (ppc64 ELFv2: the address plus the
# symbol's localentry offset, read with readelf), which a site branches to.
add_entries() {
	local out=$1 exe=$2 n a off
	shift 2
	for n; do
		a=$(sym_addr "$out" "$n")
		off=$(readelf -sW "$exe" | gawk -v n="$n" '$NF == n && $4 == "FUNC" {
			if (match($0, /localentry>: [0-9]+/)) print substr($0, RSTART + 12, RLENGTH - 12) + 0
			else print 0; exit }')
		echo "sym ${n}e $((a + ${off:-0}))" >>"$out"
	done
}

# x86_forms OUT ARCH MODE: the forms a kinds program (OUT) shows for
# x86-64 or i386 after each step, in MODE int3 or store.  i386 has its
# return stubs at +32 and +36 and no far target (rel32 reaches all 4 GiB).
x86_forms() {
	local o=$1 A=$2 ret=16 ret0=24 slot=8 r=rax
	if [ "$A" = i386 ]; then ret=32 ret0=36 r=eax; fi
	if [ "$3" = store ]; then
		expect_form $o $A initial k_call call inline "call @f1" &&
		expect_form $o $A initial k_null call inline "call @k_null+$ret" &&
		expect_form $o $A initial k_ret0 call inline "call @k_ret0+$ret0" &&
		expect_form $o $A two k_null call inline "call @v2" &&
		expect_form $o $A null k_null call inline "call @k_null+$ret" &&
		expect_form $o $A null k_ret0 call inline "call @k_ret0+$ret0" &&
		expect_form $o $A null k_ret0 tail inline "jmp @k_ret0+$ret0" &&
		expect_form $o $A null k_cond cond inline "jne @k_cond+$ret" &&
		expect_form $o $A back k_call call inline "call @f1"
		return
	fi
	expect_form $o $A initial k_call call inline "call @f1" &&
	expect_form $o $A initial k_tail tail inline "jmp @f1" &&
	expect_form $o $A initial k_cond cond inline "jne @v1" &&
	expect_form $o $A initial k_null call inline "nopl 0x0(%$r,%$r,1)" &&
	expect_form $o $A initial k_ret0 call inline "cs cs cs xor %eax,%eax" &&
	expect_form $o $A initial k_ret0 tail inline "jmp @k_ret0+$ret0" &&
	expect_form $o $A initial k_call tramp tramp "jmp @f1" &&
	expect_form $o $A initial k_null tramp tramp "jmp @k_null+$ret" &&
	expect_form $o $A two k_call call inline "call @f2" &&
	expect_form $o $A two k_tail tail inline "jmp @f2" &&
	expect_form $o $A two k_cond cond inline "jne @v2" &&
	expect_form $o $A two k_null call inline "call @v2" &&
	expect_form $o $A two k_ret0 call inline "call @f2" &&
	expect_form $o $A two k_ret0 tail inline "jmp @f2" &&
	expect_form $o $A two k_ret0 tramp tramp "jmp @f2" &&
	expect_form $o $A null k_cond cond inline "jne @k_cond+$ret" &&
	expect_form $o $A null k_null call inline "nopl 0x0(%$r,%$r,1)" &&
	expect_form $o $A null k_ret0 call inline "cs cs cs xor %eax,%eax" &&
	expect_form $o $A null k_ret0 tail inline "jmp @k_ret0+$ret0" &&
	expect_form $o $A null k_cond tramp tramp "jmp @k_cond+$ret" &&
	if [ "$A" = i386 ]; then
		expect_form $o $A far k_call call inline "call @far" &&
		expect_form $o $A far k_call tramp tramp "jmp @far"
	else
		expect_form $o $A far k_call call tramp "call @k_call" &&
		expect_form $o $A far k_call tramp tramp "jmp @k_call+$slot"
	fi &&
	expect_form $o $A back k_call call inline "call @f1" &&
	expect_form $o $A back k_call tramp tramp "jmp @f1" &&
	expect_form $o $A back k_null call inline "call @v1"
}

# syncs_per_batch OUT N: the kinds program (OUT) made N syncs per batch
# that wrote code, and two mprotect calls per batch (its text is one run of
# nearby pages: one call to unlock it, one to lock it again).
syncs_per_batch() {
	gawk -v n="$2" '$1 == "stats" { b = $3; s = $5; m = $7; f = 1 }
		END { if (!f || b < 5 || s != n * b || m != 2 * b) {
			print "batches " b ", syncs " s ", mprotects " m; exit 1 } }' "$1"
}
