#!/bin/bash
# make install and make uninstall: PREFIX, DESTDIR, BINDIR, LIBDIR,
# INCLUDEDIR, MANDIR and BASHCOMPDIR are honoured; scstool, its man page and
# bash completion (generated from the option tables), and libscs (library, header,
# registration object, linker-script fragment, scs.pc naming the installed
# paths) are installed; uninstall removes everything install put there
# (both come from the Makefile's one INSTALL_MANIFEST).
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# mk ARGS...: make in the source tree, quietly; its output in make.log.
mk() {
	make -s -C "$TEST_ROOT" --no-print-directory "$@" >make.log 2>&1 ||
		{ cat make.log; false; }
}

# files_under DIR: the files and links under DIR, relative, sorted.
files_under() {
	(cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
}

# pcvar PC VAR: a variable of a pkg-config file, as pkg-config reads it.
pcvar() {
	PKG_CONFIG_PATH=$(dirname "$1") pkg-config --variable="$2" scs
}

P=usr/local
expect "make install DESTDIR=... installs scstool under /usr/local/bin" '
	mk install DESTDIR=$PWD/stage &&
	[ -x stage/$P/bin/scstool ] &&
	[ "$(stage/$P/bin/scstool version)" = "$("$TEST_ROOT/scstool" version)" ]'
expect "... the man page, which man -l renders, with its NAME and every command" '
	page=stage/$P/share/man/man1/scstool.1 && [ -f $page ] &&
	cmp $page "$TEST_ROOT/build/scstool.1" &&
	MANWIDTH=80 LC_ALL=C.UTF-8 man -l $page >page 2>merr && empty merr &&
	grep -qx NAME page && grep -q "^       scstool - " page &&
	for c in check lint dump verify; do grep -Eq "^   scstool $c( |\$)" page || exit 1; done'
expect "... and the bash completion, which registers scstool when sourced" '
	comp=stage/$P/share/bash-completion/completions/scstool && [ -f $comp ] &&
	bash -c "source $comp && complete -p scstool" >c 2>cerr && empty cerr &&
	grep -qx "complete -F _scstool scstool" c'
expect "... and libscs: header, libraries, the .so link, scs-module.o, scs.ld, scs.pc" '
	for f in include/scs/static_call.h include/scs/static_call_arch.h lib/libscs.a \
		lib/libscs.so.0 lib/scs/scs-module.o lib/scs/scs.ld lib/pkgconfig/scs.pc; do
		[ -f stage/$P/$f ] || { echo "missing $f"; exit 1; }
	done && [ "$(readlink stage/$P/lib/libscs.so)" = libscs.so.0 ] &&
	cmp stage/$P/include/scs/static_call.h "$TEST_ROOT/runtime/include/scs/static_call.h"'
expect "the library keeps its soname" '
	readelf -dW stage/$P/lib/libscs.so.0 | grep -q "SONAME.*\[libscs.so.0\]"'
expect "the installed scs.pc names the installed paths, not DESTDIR or the build tree" '
	pc=stage/$P/lib/pkgconfig/scs.pc &&
	[ "$(pcvar $pc includedir)" = /usr/local/include ] &&
	[ "$(pcvar $pc libdir)" = /usr/local/lib ] &&
	[ "$(pcvar $pc scsdir)" = /usr/local/lib/scs ] &&
	! grep -q -e "$PWD" -e "$TEST_ROOT" -e rpath $pc'
expect "nothing is installed outside DESTDIR/PREFIX" '
	[ -n "$(files_under stage)" ] && [ -z "$(files_under stage | grep -v "^usr/local/")" ]'
expect "PREFIX=/usr moves everything under /usr, and scs.pc follows" '
	mk install DESTDIR=$PWD/p PREFIX=/usr && [ -x p/usr/bin/scstool ] &&
	[ -z "$(files_under p | grep -v "^usr/")" ] && [ ! -e p/usr/local ] &&
	[ "$(pcvar p/usr/lib/pkgconfig/scs.pc libdir)" = /usr/lib ]'
expect "BINDIR, LIBDIR, INCLUDEDIR, MANDIR and BASHCOMPDIR move their parts alone" '
	mk install DESTDIR=$PWD/b BINDIR=/opt/sc/bin LIBDIR=/usr/lib/x86_64-linux-gnu \
		INCLUDEDIR=/opt/sc/include MANDIR=/opt/man BASHCOMPDIR=/etc/bash_completion.d &&
	[ -x b/opt/sc/bin/scstool ] && [ ! -e b/$P/bin/scstool ] &&
	[ -f b/opt/man/man1/scstool.1 ] && [ ! -e b/$P/share/man ] &&
	[ -f b/etc/bash_completion.d/scstool ] && [ ! -e b/$P/share/bash-completion ] &&
	[ -f b/usr/lib/x86_64-linux-gnu/libscs.a ] && [ -f b/opt/sc/include/scs/static_call.h ] &&
	pc=b/usr/lib/x86_64-linux-gnu/pkgconfig/scs.pc &&
	[ "$(pcvar $pc includedir)" = /opt/sc/include ] &&
	[ "$(pcvar $pc scsdir)" = /usr/lib/x86_64-linux-gnu/scs ]'
expect "make uninstall removes every file that install put there, and libscs's own directories" '
	[ -n "$(files_under stage)" ] && mk uninstall DESTDIR=$PWD/stage &&
	[ -z "$(files_under stage)" ] && [ ! -e stage/$P/include/scs ] &&
	[ ! -e stage/$P/lib/scs ]'
expect "make uninstall leaves other files in shared directories alone" '
	mk install DESTDIR=$PWD/shared && echo keep >shared/$P/bin/other &&
	echo keep >shared/$P/lib/scs/mine && mk uninstall DESTDIR=$PWD/shared &&
	[ "$(files_under shared)" = "$(printf "%s\n" $P/bin/other $P/lib/scs/mine)" ]'
expect "uninstall twice is harmless" 'mk uninstall DESTDIR=$PWD/stage'
done_testing
