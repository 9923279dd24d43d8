#!/bin/bash
# Source paths in out-of-source builds.  DWARF names a file as the compiler
# saw it, relative to the unit's DW_AT_comp_dir or absolute (possibly with
# "b2/.." in it).  scstool resolves it against comp_dir, then shows it
# relative to the current directory when the file lies under it, else
# absolute; the same in the text diagnostic, the YAML report and SARIF.
# Objects are built with gcc and clang as `cd b2 && cc -g -c
# ../src/drv/bad.c`, with an absolute path, and with an absolute path
# through b2/..; each is checked from three directories.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

RC=$WORK/reportcheck
TOP=$(pwd -P)/top
mkdir -p top/src/drv top/b2 top/other
cp "$FIXTURES/compdir.c" top/src/drv/bad.c

expect "the report validator builds" '
	log=$(cc -Wall -Wextra -o "$RC" "$TEST_ROOT/tests/tools/reportcheck.c" \
		$(pkg-config --cflags --libs yaml-0.1 json-c) 2>&1) &&
	[ -z "$log" ] && [ -x "$RC" ] || { echo "$log"; exit 1; }'

# obj CC HOW: builds top/b2/CC-HOW.o from b2, naming the source by HOW.
obj() {
	local src
	case $2 in
	rel) src=../src/drv/bad.c ;;
	abs) src=$TOP/src/drv/bad.c ;;
	dotdot) src=$TOP/b2/../src/drv/bad.c ;;
	esac
	(cd top/b2 && "$1" -O2 -g -c "$src" -o "$1-$2.o")
}

# The DWARF really names the file as built: relative, or absolute.
expect "gcc and clang, three ways: the DWARF names the file as the compiler saw it" '
	for cc in gcc clang; do for how in rel abs dotdot; do obj $cc $how || exit 1; done; done &&
	readelf --debug-dump=info top/b2/gcc-rel.o | grep -q "DW_AT_name .*: \.\./src/drv/bad\.c\$" &&
	readelf --debug-dump=info top/b2/gcc-rel.o | grep -q "DW_AT_comp_dir .*: $TOP/b2\$" &&
	readelf --debug-dump=info top/b2/clang-rel.o | grep -q "DW_AT_name .*: \.\./src/drv/bad\.c\$" &&
	readelf --debug-dump=info top/b2/gcc-dotdot.o | grep -q "DW_AT_name .*: $TOP/b2/\.\./src/drv/bad\.c\$"'

# shows DIR WANT: from DIR, every object's diagnostic, YAML source and
# SARIF uri name the file as WANT (line 4).
shows() {
	local dir=$1 want=$2 cc how o uri
	case $want in /*) uri="file://$want" ;; *) uri=$want ;; esac
	for cc in gcc clang; do for how in rel abs dotdot; do
		o=$TOP/b2/$cc-$how.o
		(cd "$dir" && sc lint "$o") >out 2>err
		grep -q "^$want:4: error: $o: bad+0x[0-9a-f]*: .*\[prefixed-branch\]\$" err ||
			{ echo "$cc $how from $dir: text:"; cat err; return 1; }
		(cd "$dir" && sc lint --format=yaml "$o" 2>/dev/null) >y
		"$RC" yaml y | grep -qx "files.0.findings.0.source=$want:4" ||
			{ echo "$cc $how from $dir: yaml:"; grep "source" y; return 1; }
		(cd "$dir" && sc lint --format=sarif "$o" 2>/dev/null) >s
		"$RC" sarif s | grep -qx "prefixed-branch error $uri:4" ||
			{ echo "$cc $how from $dir: sarif:"; "$RC" sarif s; return 1; }
	done; done
}

expect "from the top of the tree: src/drv/bad.c, in text, YAML and SARIF" 'shows top src/drv/bad.c'
expect "from the source folder: drv/bad.c" 'shows top/src drv/bad.c'
expect "from the build folder b2 (not above the file): the absolute path" 'shows top/b2 "$TOP/src/drv/bad.c"'
expect "from an unrelated folder: the absolute path" 'shows top/other "$TOP/src/drv/bad.c"'

# lint_in DIR OBJ: lint OBJ from DIR (it has an error: exit 1), messages
# in ./err.
lint_in() {
	(cd "$1" && sc lint "$2") 2>err
	[ $? -eq 1 ] || { echo "lint $2 from $1:"; cat err; return 1; }
}

# -fdebug-prefix-map=B2=. makes comp_dir relative too: it names the folder
# the build ran in, taken to be the current one when the file is found
# there; from elsewhere the name stays as DWARF gives it, since no absolute
# path would be right.
expect "comp_dir made relative (-fdebug-prefix-map): resolved from the build folder, else left as given" '
	(cd top/b2 && gcc -O2 -g -fdebug-prefix-map="$TOP/b2=." -c ../src/drv/bad.c -o pm.o) &&
	readelf --debug-dump=info top/b2/pm.o | grep -q "DW_AT_comp_dir .*: \.\$" &&
	lint_in top/b2 pm.o && grep -q "^$TOP/src/drv/bad\.c:4: error: " err &&
	lint_in . top/b2/pm.o && grep -q "^\.\./src/drv/bad\.c:4: error: " err'

# A symbolic link on the way: the current folder is physical, and so is
# the file's resolved name, so they still compare.
expect "a build folder reached through a symbolic link still gives the relative name" '
	ln -sfn "$TOP" link && (cd link/b2 && gcc -O2 -g -c ../src/drv/bad.c -o ln.o) &&
	lint_in link b2/ln.o && grep -q "^src/drv/bad\.c:4: error: " err'

done_testing
