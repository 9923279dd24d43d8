#!/bin/bash
# Every module of the cached Debian kernel package, as it ships (.ko.xz,
# under lib/modules/VERSION), read compressed through dump -r: the walk
# finds every module and the ~730 tables, and each dump is the dump of the
# decompressed module (tests/real/fetch.sh keeps decompressed copies of the
# modules that have a table; the others must say they have none, which
# decompressed copies of a sample confirm).  Real modules recompressed
# with zstd and gzip read the same too.  One scstool call per variant, -j2.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"
source "$TEST_ROOT/tests/real/fetch.sh"
export LC_ALL=C	# the walk and the globs below sort bytewise

expect "the reference modules are there" 'real_fetch'
real_fetch >/dev/null 2>&1
deb=$(real_deb "linux-image-$REAL_VERSION-amd64-unsigned" \
	"$REAL_CACHE/$REAL_VERSION")

expect "the package's modules unpack as shipped (.ko.xz)" '
	dpkg-deb --fsys-tarfile "$deb" | tar -x ./lib/modules &&
	find lib/modules -name "*.ko.xz" | LC_ALL=C sort >xz.list &&
	[ "$(wc -l <xz.list)" -gt 4000 ] &&
	[ "$(dpkg-deb -c "$deb" | grep -c "\.ko\.xz\$")" -eq "$(wc -l <xz.list)" ]'
root=$(echo lib/modules/*/kernel)

expect "dump -r over lib/modules reads every module, compressed, with no error" '
	"$SCSTOOL" dump -j2 -r lib/modules >r.out 2>r.err && empty r.err &&
	grep -E "^[^ ].*: " r.out | sed "s/: .*//" | LC_ALL=C sort >found.list &&
	same xz.list found.list'
expect "it finds every table: the $(wc -l <"$REAL_LIST") modules of the reference list" '
	grep -E "^[^ ].*\.ko\.xz: [0-9]+ static-call sites?\$" r.out |
		sed "s|^$root/||; s|\.xz: .*||" | LC_ALL=C sort >tables.list &&
	[ "$(wc -l <tables.list)" -gt 700 ] && same "$REAL_LIST" tables.list'

# The dumps of the decompressed reference modules, named as the
# compressed ones are.
expect "each table dumps as the decompressed module's, line for line" '
	sed "s|^|$REAL_MODS/|" "$REAL_LIST" >plain.list &&
	xargs -a plain.list "$SCSTOOL" dump -j2 >plain.out 2>plain.err && empty plain.err &&
	sed "s|^$REAL_MODS/\(.*\.ko\):|$root/\1.xz:|" plain.out >want.out &&
	grep -vxF -f <(grep -E ": no \.static_call_sites\$" r.out) r.out >got.out &&
	/usr/bin/python3 - got.out want.out <<-EOF
	import sys
	def blocks(path):
	    out, name = {}, None
	    for line in open(path):
	        if not line.startswith(" "):
	            name = line.split(": ", 1)[0]
	            out[name] = []
	        out[name].append(line)
	    return out
	got, want = blocks(sys.argv[1]), blocks(sys.argv[2])
	assert len(want) > 700 and got == want, (len(got), len(want))
	EOF'
expect "the modules without a table say so, and a sample decompressed agrees" '
	n=$(grep -c ": no \.static_call_sites\$" r.out) &&
	[ $((n + $(wc -l <"$REAL_LIST"))) -eq "$(wc -l <xz.list)" ] &&
	grep ": no \.static_call_sites\$" r.out | sed "s/: .*//" | awk "NR % 40 == 1" >sample.list &&
	[ "$(wc -l <sample.list)" -gt 50 ] && mkdir -p sample &&
	while read -r f; do xz -dc "$f" >"sample/${f//\//_}"; done <sample.list &&
	(cd sample && "$SCSTOOL" dump -j2 * >../sample.out 2>../sample.err) && empty sample.err &&
	[ "$(grep -c ": no \.static_call_sites\$" sample.out)" -eq "$(wc -l <sample.list)" ]'

# Forty modules with tables, recompressed as the kernel's other choices
# (CONFIG_MODULE_COMPRESS_ZSTD, _GZIP) do.
mapfile -t some < <(awk 'NR % 18 == 1' "$REAL_LIST")
expect "real modules recompressed with zstd and gzip dump as the plain ones" '
	mkdir -p zst gz && for m in "${some[@]}"; do
		b=${m//\//_} &&
		zstd -q -19 -c "$REAL_MODS/$m" >zst/$b.zst && gzip -9 -n -c "$REAL_MODS/$m" >gz/$b.gz &&
		cp "$REAL_MODS/$m" plain_$b || exit 1
	done &&
	"$SCSTOOL" dump -j2 -r zst >zst.out && "$SCSTOOL" dump -j2 -r gz >gz.out &&
	"$SCSTOOL" dump -j2 plain_* >plain40.out &&
	sed "s|^zst/\(.*\)\.zst:|plain_\1:|" zst.out >a && same plain40.out a &&
	sed "s|^gz/\(.*\)\.gz:|plain_\1:|" gz.out >b && same plain40.out b &&
	[ "$(grep -c "static-call site" plain40.out)" -eq "${#some[@]}" ]'
rm -rf lib sample zst gz plain_*

done_testing
