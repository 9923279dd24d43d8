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
# Sanitizer reports must fail the program loudly.
export ASAN_OPTIONS=${ASAN_OPTIONS}:detect_leaks=0

for f in libscs.a libscs.so scs-module.o scs.ld pkgconfig/scs-uninstalled.pc; do
	[ -e "$RT_BUILD/$f" ] ||
		echo "not ok - $TEST_NAME: $RT_BUILD/$f is missing (make runtime-all)" >&2
done

# rt_obj CC SRC OBJ [FLAGS...]: compiles SRC at -O2 with the runtime's
# cflags and runs `scstool check` on the object.  A .S source gets
# -DCOND_SITES from the environment variable COND_SITES.
rt_obj() {
	local cc=$1 src=$2 obj=$3 log
	shift 3
	case $src in
	*.S) log=$($cc $RT_SAN -c "-DCOND_SITES=${COND_SITES:-}" "$@" \
		"$src" -o "$obj" 2>&1) ;;
	*) log=$($cc -O2 -Wall -Wextra $RT_SAN $(pkg-config --cflags scs) \
		"$@" -c "$src" -o "$obj" 2>&1) ;;
	esac
	[ -z "$log" ] || { echo "$cc $src: $log" >&2; return 1; }
	sc check "$obj" || { echo "scstool check $obj failed" >&2; return 1; }
}

# rt_link CC OUT OBJ... [-- LDFLAGS...]: links with pkg-config --libs scs.
rt_link() {
	local cc=$1 out=$2 objs=() log
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do objs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	log=$($cc $RT_SAN -o "$out" "${objs[@]}" "$@" $(pkg-config --libs scs) \
		-lpthread 2>&1)
	[ -z "$log" ] || { echo "$cc link $out: $log" >&2; return 1; }
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

# insn ARCH ADDR HEX: the instruction objdump (or llvm-objdump) reads in
# HEX at ADDR, as "mnemonic operands" with single spaces and without the
# <symbol> comment.
insn() {
	local arch=$1 addr=$2 hex=$3 f=insn.$$.bin
	printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$f"
	case $arch in
	x86-64) objdump -D -b binary -m i386:x86-64 --adjust-vma="$addr" "$f" ;;
	i386) objdump -D -b binary -m i386 --adjust-vma="$addr" "$f" ;;
	*) llvm-objdump -d --triple="$arch" --adjust-vma="$addr" \
		--no-show-raw-insn "$f" 2>/dev/null ;;
	esac | gawk -F'\t' '/^ *[0-9a-f]+:\t/ { t = $NF; sub(/ *<.*>/, "", t); sub(/ *#.*/, "", t);
		gsub(/[ \t]+/, " ", t); sub(/ $/, "", t); print t; exit }'
	rm -f "$f"
}

# expect_form OUT ARCH STEP KEY KIND STATE FORM: after STEP, the site is in
# STATE and disassembles to FORM.  In FORM, a word "@NAME" or "@NAME+N"
# stands for the address the program printed for NAME (plus N), in
# objdump's hex.
expect_form() {
	local out=$1 arch=$2 step=$3 key=$4 kind=$5 state=$6 form=$7 got want w a n off
	set -- $(site_bytes "$out" "$step" "$key" "$kind")
	[ $# -eq 3 ] || { echo "no site $key/$kind at step $step" >&2; return 1; }
	[ "$1" = "$state" ] || { echo "$key/$kind at $step: state $1, want $state" >&2; return 1; }
	got=$(insn "$arch" "$2" "$3")
	want=
	for w in $form; do
		case $w in
		@*) a=${w#@} n=${w#@} off=0
		    n=${a%%+*}
		    [ "$n" = "$a" ] || off=${a#*+}
		    w=$(printf '0x%x' $(( $(sym_addr "$out" "$n") + off )))
		    ;;
		esac
		want="$want${want:+ }$w"
	done
	[ "$got" = "$want" ] && return 0
	echo "$key/$kind at $step ($3): got '$got', want '$want'" >&2
	return 1
}
