#!/bin/sh
# Makes sure the build and test dependencies are installed.  As root it
# installs what is missing with apt-get; otherwise it prints the exact
# command and fails.  `deps.sh package` checks what `make check-package`
# needs instead: the Debian packaging tools and lintian.
set -u

# package : command, pkg-config module, header or file that proves it is
# there
needs="
libelf-dev:pc:libelf
libdw-dev:pc:libdw
libcapstone-dev:pc:capstone
libzydis-dev:hdr:Zydis/Zydis.h
libiberty-dev:hdr:libiberty/libiberty.h
python3-yaml:py:yaml
npm:cmd:npm
groff-base:cmd:groff
man-db:cmd:man
bsdutils:cmd:script
libyaml-dev:pc:yaml-0.1
libjson-c-dev:pc:json-c
liblzma-dev:pc:liblzma
libzstd-dev:pc:libzstd
zlib1g-dev:pc:zlib
pkg-config:cmd:pkg-config
gcc:cmd:gcc
make:cmd:make
binutils:cmd:objcopy
xz-utils:cmd:xz
xxd:cmd:xxd
zstd:cmd:zstd
gzip:cmd:gzip
clang:cmd:clang
lld:cmd:ld.lld
llvm:cmd:llvm-objdump
llvm:cmd:llvm-readelf
gawk:cmd:gawk
valgrind:cmd:valgrind
elfutils:cmd:eu-elflint
openssl:cmd:openssl
time:cmd:/usr/bin/time
gcc-multilib:file:/usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a
gcc-multilib:file:/usr/lib32/crt1.o
qemu-user:cmd:qemu-aarch64
qemu-user:cmd:qemu-ppc64le
qemu-user:cmd:qemu-ppc
libc6-dev-arm64-cross:file:/usr/aarch64-linux-gnu/lib/libc.a
libgcc-12-dev-arm64-cross:file:/usr/lib/gcc-cross/aarch64-linux-gnu/12/libgcc.a
libc6-dev-ppc64el-cross:file:/usr/powerpc64le-linux-gnu/lib/libc.a
libgcc-12-dev-ppc64el-cross:file:/usr/lib/gcc-cross/powerpc64le-linux-gnu/12/libgcc.a
libc6-dev-powerpc-cross:file:/usr/powerpc-linux-gnu/lib/libc.a
libgcc-12-dev-powerpc-cross:file:/usr/lib/gcc-cross/powerpc-linux-gnu/12/libgcc.a
"

# make check-package: dpkg-buildpackage, dh, lintian; man renders the
# installed page.
package_needs="
dpkg-dev:cmd:dpkg-buildpackage
debhelper:cmd:dh
lintian:cmd:lintian
man-db:cmd:man
"
[ "${1:-}" = package ] && needs=$package_needs

missing=""
for n in $needs; do
	pkg=${n%%:*}
	rest=${n#*:}
	kind=${rest%%:*}
	what=${rest#*:}
	case $kind in
	pc)  pkg-config --exists "$what" 2>/dev/null || missing="$missing $pkg" ;;
	cmd) command -v "$what" >/dev/null 2>&1 || missing="$missing $pkg" ;;
	# Zydis ships no pkg-config file: ask the compiler for its header.
	hdr) printf '#include <%s>\n' "$what" |
		cc -E -x c - >/dev/null 2>&1 || missing="$missing $pkg" ;;
	# Multilib and cross libraries: a file each package installs.
	file) [ -e "$what" ] || missing="$missing $pkg" ;;
	# The tests read reports back with Debian's python3 and PyYAML.
	py)  /usr/bin/python3 -c "import $what" 2>/dev/null || missing="$missing $pkg" ;;
	esac
done
# pkg-config itself may be what is missing: then every pc check failed.
[ -z "$missing" ] && exit 0

missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
missing=${missing% }
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null &&
	apt-get install -y -q --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install failed" >&2; exit 1; }
	exit 0
fi
echo "deps: missing packages. Run as root:" >&2
echo "  apt-get install -y $missing" >&2
exit 1
