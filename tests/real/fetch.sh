#!/bin/bash
# Fetches the reference data of the real-world test and the benchmark:
# Debian's newest 6.12 kernel modules (their .static_call_sites tables were
# written by the kernel build's objtool) and the objtool of that same build.
#
# Source it and call real_fetch, or run it.  On success real_fetch sets:
#   REAL_VERSION  kernel package version, e.g. 6.12.117+deb12
#   REAL_OBJTOOL  objtool binary of that version
#   REAL_MODS     folder of the decompressed modules that have a table
#   REAL_LIST     their paths relative to REAL_MODS, one a line, sorted
# Any failure prints one "FETCH FAILED" line and returns non-zero: the
# callers must fail, never skip, when the reference data is missing.
#
# Everything is cached under tests/.cache/debian/VERSION/; each step leaves
# a stamp only once complete, so an interrupted run is redone, not trusted.
set -u

REAL_CACHE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/.cache/debian

real_fail() {
	echo "FETCH FAILED: $*" >&2
	return 1
}

# Prints the newest version V for which both linux-image-V-amd64-unsigned
# and linux-kbuild-V are known to apt.
real_newest_version() {
	local images kbuilds
	images=$(apt-cache search --names-only \
		'^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12\)-amd64-unsigned .*/\1/p')
	kbuilds=$(apt-cache search --names-only '^linux-kbuild-6\.12\.[0-9]+\+deb12$' \
		2>/dev/null | sed -n 's/^linux-kbuild-\(6\.12\.[0-9]*+deb12\) .*/\1/p')
	# Versions present in both lists, newest last.
	comm -12 <(printf '%s\n' "$images" | sort -u) \
		<(printf '%s\n' "$kbuilds" | sort -u) | grep . | sort -V | tail -1
}

real_resolve_version() {
	local v
	v=$(real_newest_version)
	# A fresh container has empty apt lists: refresh once, as root only.
	if [ -z "$v" ] && [ "$(id -u)" = 0 ]; then
		echo "fetch: apt knows no linux 6.12 packages; running apt-get update" >&2
		apt-get update -q >/dev/null 2>&1 || real_fail "apt-get update failed" || return 1
		v=$(real_newest_version)
	fi
	[ -n "$v" ] || real_fail "apt-cache finds no linux-image-6.12.*+deb12-amd64-unsigned" \
		"with a matching linux-kbuild (run apt-get update?)" || return 1
	echo "$v"
}

# real_deb PKG DIR: the cached .deb of PKG (the newest, should there be two).
real_deb() {
	compgen -G "$2/${1}_*_amd64.deb" | sort -V | tail -1
}

# real_download PKG DIR: the candidate .deb of PKG in DIR, unless there.  It
# lands in a scratch folder first: a .deb in DIR is always a complete one.
real_download() {
	local pkg=$1 dir=$2 tmp=$2/download.tmp sandbox=()
	[ -n "$(real_deb "$pkg" "$dir")" ] && return 0
	# As root apt would hand the download to the _apt user, which cannot
	# write here; downloading as root is what we want anyway.
	[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
	echo "fetch: downloading $pkg" >&2
	rm -rf "$tmp" && mkdir -p "$tmp" &&
		(cd "$tmp" && apt-get download -q "${sandbox[@]}" "$pkg" >/dev/null) &&
		mv "$tmp/${pkg}"_*_amd64.deb "$dir/" && rm -rf "$tmp" &&
		[ -n "$(real_deb "$pkg" "$dir")" ] ||
		real_fail "apt-get download $pkg failed"
}

# real_extract DEB DIR: unpacks DEB into DIR once.
real_extract() {
	local deb=$1 dir=$2
	[ -e "$dir/.done" ] && return 0
	rm -rf "$dir" && mkdir -p "$dir" &&
		dpkg-deb -x "$deb" "$dir" && touch "$dir/.done" ||
		real_fail "dpkg-deb -x $deb failed"
}

# Decompresses $1 (a .ko.xz, relative to the current folder) into $2 and
# keeps it only when it has a .static_call_sites section.  Runs under xargs.
real_keep_if_table() {
	local src=$1 dst=$2/${1%.xz}
	mkdir -p "${dst%/*}" && xz -dc "$src" >"$dst" || return 1
	readelf -SW "$dst" 2>/dev/null | grep -q '\] \.static_call_sites ' || rm -f "$dst"
}
export -f real_keep_if_table

# real_modules IMAGEDEB DIR: DIR/mods and DIR/mods.list, once.  The
# unpacked package is only a step: it is removed once the modules are out.
real_modules() {
	local deb=$1 dir=$2 tmp=$2/mods.tmp unpack=$2/image.tmp root
	[ -e "$dir/mods/.done" ] && [ -s "$dir/mods.list" ] && return 0
	echo "fetch: decompressing the modules that have .static_call_sites" >&2
	rm -rf "$tmp" "$unpack" "$dir/mods" && mkdir -p "$tmp" "$unpack" &&
		dpkg-deb -x "$deb" "$unpack" || real_fail "dpkg-deb -x $deb failed" || return 1
	root=$(echo "$unpack"/lib/modules/*/kernel)
	[ -d "$root" ] || real_fail "no lib/modules/*/kernel in $deb" || return 1
	(cd "$root" && find . -name '*.ko.xz' -printf '%P\0' |
		xargs -0 -n 16 -P 2 bash -c 'for f; do real_keep_if_table "$f" "$0" || exit 255; done' "$tmp") ||
		real_fail "decompressing the modules failed" || return 1
	(cd "$tmp" && find . -name '*.ko' -printf '%P\n' | LC_ALL=C sort) >"$dir/mods.list.tmp" &&
		[ -s "$dir/mods.list.tmp" ] || real_fail "no module of $deb has .static_call_sites" || return 1
	rm -rf "$unpack" && touch "$tmp/.done" && mv "$tmp" "$dir/mods" &&
		mv "$dir/mods.list.tmp" "$dir/mods.list"
}

# Older versions are dead weight (hundreds of MB) once a newer one is in.
real_prune() {
	local keep=$1 d
	for d in "$REAL_CACHE"/*/; do
		[ "$(basename "$d")" = "$keep" ] || rm -rf "$d"
	done
}

real_fetch_locked() {
	local v dir image kbuild
	v=$(real_resolve_version) || return 1
	dir=$REAL_CACHE/$v
	image=linux-image-$v-amd64-unsigned
	kbuild=linux-kbuild-$v
	mkdir -p "$dir" || real_fail "cannot create $dir" || return 1
	real_download "$image" "$dir" && real_download "$kbuild" "$dir" || return 1
	real_extract "$(real_deb "$kbuild" "$dir")" "$dir/kbuild" || return 1
	real_modules "$(real_deb "$image" "$dir")" "$dir" || return 1
	REAL_OBJTOOL=$dir/kbuild/usr/lib/linux-kbuild-$v/tools/objtool/objtool.real-x86
	[ -x "$REAL_OBJTOOL" ] || real_fail "objtool missing: $REAL_OBJTOOL" || return 1
	"$REAL_OBJTOOL" --help 2>&1 | grep -q 'Usage: objtool' ||
		real_fail "objtool does not run: $REAL_OBJTOOL" || return 1
	REAL_VERSION=$v
	REAL_MODS=$dir/mods
	REAL_LIST=$dir/mods.list
	real_prune "$v"
	echo "fetch: Debian linux $v: $(wc -l <"$REAL_LIST") modules with" \
		".static_call_sites, objtool $REAL_OBJTOOL" >&2
}

# A lock, so that a test and a benchmark started together share one fetch.
real_fetch() {
	local fd rc
	mkdir -p "$REAL_CACHE" || real_fail "cannot create $REAL_CACHE" || return 1
	exec {fd}>"$REAL_CACHE/.lock"
	flock "$fd"
	real_fetch_locked
	rc=$?
	exec {fd}>&-
	return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	real_fetch || exit 1
	echo "REAL_VERSION=$REAL_VERSION"
	echo "REAL_OBJTOOL=$REAL_OBJTOOL"
	echo "REAL_MODS=$REAL_MODS"
	echo "REAL_LIST=$REAL_LIST"
fi
