#!/bin/bash
# lint and dump read ar archives member by member (libelf's archive
# support), each reported as lib.a(member.o); check refuses an archive.
# -r walks directories for ELF objects, compressed ones and (lint, dump)
# archives, in byte order of the names, without following symbolic links;
# an entry it cannot read is reported in its place and the rest goes on.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
export LC_ALL=C

expect "fixtures build" '
	build gcc kinds.c kt.o && build gcc prefixed.S pre.o &&
	build gcc module.c mod.o && scx 0 check kt.o && scx 0 check --module mod.o'

rm -f lib.a && ar rc lib.a kt.o mod.o
expect "dump reads each member of an archive, named lib.a(member.o)" '
	scx 0 dump lib.a && grep -q "^lib.a(kt.o): [1-9][0-9]* static-call sites\$" out &&
	grep -q "^lib.a(mod.o): [1-9][0-9]* static-call sites\$" out &&
	"$SCSTOOL" dump kt.o mod.o >plain && sed "s/^lib.a(\(.*\)):/\1:/" out >a && same plain a'
expect "lint reads the members, and names the one at fault" '
	rm -f bad.a && ar rc bad.a kt.o pre.o && scx 1 lint -m bad.a &&
	grep -q "^bad.a(pre.o):.*\[prefixed-branch\]" err && ! grep -q "^bad.a(kt.o):.*error" err'
expect "--stats totals cover every member" '
	scx 0 lint -m --stats lib.a kt.o && grep -q "^total: 3 files: " out'
expect "a member that is no ELF object is one error; the others are read" '
	echo text >notes.txt && rm -f mixed.a && ar rc mixed.a notes.txt kt.o &&
	scx 2 dump mixed.a && grep -q "^mixed.a(notes.txt): error: .*not an ELF" err &&
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^mixed.a(kt.o): [1-9]" out'
expect "a compressed member is read unpacked" '
	xz -c kt.o >kt.o.xz && rm -f z.a && ar rc z.a kt.o.xz && scx 0 dump z.a &&
	grep -q "^z.a(kt.o.xz): [1-9]" out'
expect "check refuses an archive, with -n too, and leaves it byte-identical" '
	cp lib.a before && scx 2 check lib.a && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "^lib.a: error: an ar archive, not an object: .*run it before ar" err &&
	scx 2 check -n lib.a && same before lib.a && no_temp'
expect "a corrupt archive is one error, and the next file is read" '
	head -c 100 lib.a >cut.a && scx 2 dump cut.a kt.o && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q "^cut.a: error: " err && grep -q "^kt.o: [1-9]" out'

# A tree: objects, a compressed one, an archive, text, a symbolic link to
# a file and one back up the tree (a loop, were links followed).
mkdir -p tree/b/deep tree/a tree/a-z
cp kt.o tree/b/deep/one.o && cp mod.o tree/a/mod.ko && xz -c kt.o >tree/a-z/two.ko.xz &&
	cp lib.a tree/lib.a && echo text >tree/README && cp kt.o tree/Z.o &&
	ln -s ../.. tree/b/deep/up && ln -s ../Z.o tree/a/link.o && printf "\177ELF" >tree/tiny
# The order is the names' within each directory (a/ before a-z), not the
# full paths' (where a-z/ sorts first).
expect "dump -r finds objects, compressed ones and archive members, in byte order" '
	scx 2 dump -r tree && sed -n "s/^\([^ ][^:]*\): .*/\1/p" out err >names &&
	printf "%s\n" tree/Z.o tree/a-z/two.ko.xz tree/a/mod.ko tree/b/deep/one.o \
		"tree/lib.a(kt.o)" "tree/lib.a(mod.o)" tree/tiny | sort >want &&
	sort names >got && same want got &&
	grep "^tree/[^:]*: [1-9]" out | sed "s/:.*//" >order &&
	printf "%s\n" tree/Z.o tree/a/mod.ko tree/a-z/two.ko.xz tree/b/deep/one.o \
		"tree/lib.a(kt.o)" "tree/lib.a(mod.o)" >want && same want order'
expect "symbolic links inside the tree are not followed: the loop ends the walk" '
	! grep -q "up/\|link.o" out err'
expect "the walk is the same for -j1 and -j2, and the same twice" '
	"$SCSTOOL" dump -j1 -r tree >j1 2>&1; "$SCSTOOL" dump -j2 -r tree >j2 2>&1; same j1 j2 &&
	"$SCSTOOL" dump -j2 -r tree >j3 2>&1; same j2 j3'
expect "an operand that is a symbolic link to a directory is walked" '
	ln -s tree via && scx 2 dump -r via && grep -q "^via/b/deep/one.o: [1-9]" out'
expect "lint -r lints the tree, --stats counting every file" '
	rm tree/tiny && scx 0 lint -m --stats -r tree && grep -q "^total: 6 files: " out'
# A directory whose path is too long to open (PATH_MAX), even for root.
long=tree/b$(printf "/%0200d" $(seq 22))
mkdir -p "$long" && cp kt.o "$long/x.o" 2>/dev/null || true
expect "an entry the walk cannot read is reported in its place; the rest is read" '
	scx 2 dump -r tree &&
	grep -Eq "^tree/b/0*1/.*: error: cannot (stat|read the directory): File name too long\$" err &&
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^tree/b/deep/one.o: [1-9]" out &&
	grep -q "^tree/lib.a(mod.o): [1-9]" out'
rm -rf tree/b/0*
# A build tree holds objects and linked files side by side: lint -r takes
# the objects, verify -r the linked files, dump -r both (plain or
# compressed, told by the ELF header's type).
expect "verify -r reads the linked files of a tree, lint -r its objects" '
	build gcc kinds.c pic.o -fPIC && build gcc stubs.S stubs.o -fPIC && scx 0 check pic.o &&
	mkdir -p linked/bin && gcc -nostdlib -no-pie -Wl,-e,f_call -o linked/bin/exe pic.o stubs.o &&
	xz -c linked/bin/exe >linked/bin/exe.xz && cp pic.o linked/ && xz -c pic.o >linked/pic.o.xz &&
	scx 0 verify --stats -r linked && grep -q "^linked/bin/exe: 6 entries checked" out &&
	grep -q "^linked/bin/exe.xz: 6 entries checked" out && grep -q "^total: 2 files: " out &&
	scx 0 lint --stats -r linked && grep -q "^total: 2 files: " out &&
	grep -q "^linked/pic.o: " out && grep -q "^linked/pic.o.xz: " out && ! grep -q exe out &&
	scx 0 dump -r linked && [ "$(grep -c " static-call sites" out)" -eq 4 ]'
expect "a directory with nothing to read is an error, not a clean run" '
	mkdir -p empty/sub && echo text >empty/sub/README && scx 2 dump -r empty tree/a &&
	grep -qx "empty: error: no object to read under this directory" err &&
	[ "$(wc -l <err)" -eq 1 ] && grep -q "^tree/a/mod.ko: [1-9]" out &&
	scx 2 verify -r tree/a && grep -qx "tree/a: error: no object to read under this directory" err'
expect "without -r a directory is refused as before" '
	scx 2 dump tree && grep -q "^tree: error: .*directory" err'
expect "check takes no -r: it writes into each object it is given" '
	scx 2 check -r tree && grep -q "check takes no option" err'

done_testing
