#!/bin/bash
# make check-package: builds the Debian packages from a copy of this tree
# with `dpkg-buildpackage -us -uc -b`, checks what they hold, and runs
# lintian on them.  It fails on any lintian error; warnings and notes are
# printed for a person to judge.  The last line is "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
version=$(dpkg-parsechangelog -S Version) || exit 2
out=$root/build/package
src=$out/scstool-$version
passed=0
failed=0

step() {
	local what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok - package: $what"
	else
		failed=$((failed + 1))
		echo "not ok - package: $what"
	fi
}

# The tree as git sees it (tracked files and new ones not ignored), so
# that no build output, test output or download cache goes in.
stage() {
	rm -rf "$out" && mkdir -p "$src" &&
		git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] || [ -L "$f" ] || continue
			printf '%s\0' "$f"
		done | xargs -0 cp -a --parents -t "$src"
}

build() {
	(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
		{ tail -30 "$out/build.log"; return 1; }
}

# Every .deb of the build, and the file lists they hold.
debs() {
	compgen -G "$out/*_${version}_*.deb"
}

holds() {
	local deb=$1
	shift
	local list f
	list=$(dpkg-deb -c "$deb" | awk '{ print $6 }') || return 1
	for f; do
		grep -qx "./$f" <<<"$list" || { echo "$deb lacks $f" >&2; return 1; }
	done
}

# The packaged scstool runs and prints the changelog's version.
runs() {
	local x=$out/unpacked
	rm -rf "$x" && dpkg-deb -x "$out/scstool_${version}_"*.deb "$x" &&
		[ "$("$x/usr/bin/scstool" version)" = "scstool $version" ]
}

lint() {
	local changes
	changes=$(compgen -G "$out/scstool_${version}_*.changes") || return 1
	lintian -I --fail-on error "$changes" >"$out/lintian.log" 2>&1
	local s=$?
	echo "# lintian: $(grep -c '^E:' "$out/lintian.log") errors," \
		"$(grep -c '^W:' "$out/lintian.log") warnings," \
		"$(grep -c '^I:' "$out/lintian.log") notes"
	sed 's/^/#   /' "$out/lintian.log"
	return $s
}

step "the tree is staged in build/package/scstool-$version" stage
step "dpkg-buildpackage -us -uc -b builds it (log: build/package/build.log)" build
step "the package build ran the smoke test" \
	grep -q '^# smoke: [1-9][0-9]* passed, 0 failed$' "$out/build.log"
# dh --no-act lists the steps it would run: an override emptied by nocheck
# is left out.
test_step() {
	(cd "$src" && DEB_BUILD_OPTIONS=$1 dh build --no-act) | grep -c override_dh_auto_test
}
step "DEB_BUILD_OPTIONS=nocheck skips it (dh build --no-act)" \
	test "$(test_step nocheck)" = 0 -a "$(test_step "")" = 1
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
L=usr/lib/$multiarch
step "the scstool package holds the binary, the man page and the completion" \
	holds "$out/scstool_${version}_"*.deb usr/bin/scstool \
	usr/share/man/man1/scstool.1.gz usr/share/bash-completion/completions/scstool
step "libscs0 holds the shared library" holds "$out/libscs0_${version}_"*.deb $L/libscs.so.0
step "libscs-dev holds the header, libscs.a, the .so link, scs-module.o, scs.ld, scs.pc" \
	holds "$out/libscs-dev_${version}_"*.deb usr/include/scs/static_call.h \
	$L/libscs.a $L/libscs.so $L/scs/scs-module.o $L/scs/scs.ld $L/pkgconfig/scs.pc
# The packaged scs.pc names the paths the package installs to.
pc_paths() {
	local x=$out/dev
	rm -rf "$x" && dpkg-deb -x "$out/libscs-dev_${version}_"*.deb "$x" &&
		[ "$(PKG_CONFIG_PATH=$x/$L/pkgconfig pkg-config --variable=libdir scs)" = "/$L" ] &&
		[ "$(PKG_CONFIG_PATH=$x/$L/pkgconfig pkg-config --variable=scsdir scs)" = "/$L/scs" ] &&
		[ "$(PKG_CONFIG_PATH=$x/$L/pkgconfig pkg-config --variable=includedir scs)" = /usr/include ]
}
step "the packaged scs.pc names /$L and /usr/include" pc_paths
step "the packaged scstool runs and says version $version" runs
step "lintian finds no error" lint
echo "# packages: $(debs | xargs -n1 basename | tr '\n' ' ')"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
