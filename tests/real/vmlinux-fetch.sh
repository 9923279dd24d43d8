#!/bin/bash
# Fetches the reference data of `make check-vmlinux` and of the vmlinux line
# of `make bench`: the unstripped vmlinux of Debian's newest 6.12 kernel,
# whose .static_call_sites table (between __start_static_call_sites and
# __stop_static_call_sites, inside .data) the kernel build's objtool wrote.
# It comes from linux-image-6.12.V+deb12-amd64-dbg (about 1 GB to download).
#
# Source it and call vmlinux_fetch, or run it.  On success vmlinux_fetch
# sets VMLINUX (the file) and VMLINUX_VERSION.  Any failure prints one
# "FETCH FAILED" line and returns non-zero: callers fail, never skip.
# vmlinux_cached sets the same without downloading, or returns 1.
#
# Cached under tests/.cache/vmlinux/VERSION/ (apart from tests/real/
# fetch.sh's folder, which keeps one version only); each step leaves its
# result under its final name only once complete.
set -u

VMLINUX_CACHE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/.cache/vmlinux

vmlinux_fail() {
	echo "FETCH FAILED: $*" >&2
	return 1
}

# The newest V for which apt knows linux-image-V-amd64-dbg.
vmlinux_newest_version() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-dbg$' \
		2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12\)-amd64-dbg .*/\1/p' |
		sort -uV | tail -1
}

# vmlinux_cached: the newest cached vmlinux, without any download.
vmlinux_cached() {
	local f
	f=$(compgen -G "$VMLINUX_CACHE/*/vmlinux" | sort -V | tail -1)
	[ -n "$f" ] && [ -s "$f" ] || return 1
	VMLINUX=$f
	VMLINUX_VERSION=$(basename "$(dirname "$f")")
}

vmlinux_download() {
	local pkg=$1 dir=$2 tmp=$2/download.tmp sandbox=()
	compgen -G "$dir/${pkg}_*_amd64.deb" >/dev/null && return 0
	[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
	echo "fetch: downloading $pkg (about 1 GB)" >&2
	rm -rf "$tmp" && mkdir -p "$tmp" &&
		(cd "$tmp" && apt-get download -q "${sandbox[@]}" "$pkg" >/dev/null) &&
		mv "$tmp/${pkg}"_*_amd64.deb "$dir/" && rm -rf "$tmp" ||
		vmlinux_fail "apt-get download $pkg failed"
}

# vmlinux_extract DEB DIR: DIR/vmlinux from the package, once.  Only that
# member is written; the package's module debug files are skipped.
vmlinux_extract() {
	local deb=$1 dir=$2 tmp=$2/extract.tmp f
	[ -s "$dir/vmlinux" ] && return 0
	echo "fetch: extracting vmlinux from $(basename "$deb")" >&2
	rm -rf "$tmp" && mkdir -p "$tmp" &&
		dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp" --wildcards './usr/lib/debug/boot/vmlinux-*' ||
		vmlinux_fail "cannot extract vmlinux from $deb" || return 1
	f=$(compgen -G "$tmp/usr/lib/debug/boot/vmlinux-*" | head -1)
	[ -n "$f" ] && [ -s "$f" ] || vmlinux_fail "no vmlinux in $deb" || return 1
	mv "$f" "$dir/vmlinux" && rm -rf "$tmp"
}

vmlinux_fetch_locked() {
	local v dir pkg
	v=$(vmlinux_newest_version)
	if [ -z "$v" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -q >/dev/null 2>&1 || vmlinux_fail "apt-get update failed" ||
			return 1
		v=$(vmlinux_newest_version)
	fi
	[ -n "$v" ] || vmlinux_fail "apt-cache finds no linux-image-6.12.*+deb12-amd64-dbg" \
		"(run apt-get update?)" || return 1
	dir=$VMLINUX_CACHE/$v
	pkg=linux-image-$v-amd64-dbg
	mkdir -p "$dir" || vmlinux_fail "cannot create $dir" || return 1
	# The package is only a step: once its vmlinux is out, it is gone.
	if [ ! -s "$dir/vmlinux" ]; then
		vmlinux_download "$pkg" "$dir" &&
			vmlinux_extract "$(compgen -G "$dir/${pkg}_*_amd64.deb" |
					   sort -V | tail -1)" "$dir" || return 1
	fi
	rm -f "$dir/${pkg}"_*_amd64.deb
	VMLINUX=$dir/vmlinux
	VMLINUX_VERSION=$v
	readelf -hW "$VMLINUX" 2>/dev/null | grep -q 'Type: *EXEC' ||
		vmlinux_fail "$VMLINUX is not an ELF executable" || return 1
	echo "fetch: Debian linux $v: $VMLINUX" >&2
}

vmlinux_fetch() {
	local fd rc
	mkdir -p "$VMLINUX_CACHE" || vmlinux_fail "cannot create $VMLINUX_CACHE" || return 1
	exec {fd}>"$VMLINUX_CACHE/.lock"
	flock "$fd"
	vmlinux_fetch_locked
	rc=$?
	exec {fd}>&-
	return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	vmlinux_fetch || exit 1
	echo "VMLINUX=$VMLINUX"
	echo "VMLINUX_VERSION=$VMLINUX_VERSION"
fi
