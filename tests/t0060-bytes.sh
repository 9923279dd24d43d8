#!/bin/bash
# Every byte of the input survives check: the bytes that no header and no
# section claims (gaps, trailing data) stay at their offsets; a module
# signature stops the write (signed-module); sections the writer cannot
# place (over the ELF or program headers, overlapping each other) are
# placed correctly when empty and refused otherwise; and a huge alignment
# claim does not blow the output up.  Gaps are found with readelf alone.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# gaps FILE: "OFFSET LENGTH" of every range of FILE that neither the ELF
# header, the section header table nor a section's bytes cover.
gaps() {
	local f=$1
	{
		readelf -hW "$f" | gawk '
			/Size of this header:/ { print 0, $5 }
			/Start of section headers:/ { so = $5 }
			/Size of section headers:/ { ss = $5 }
			/Number of section headers:/ { sn = $5 }
			END { print so, ss * sn }'
		readelf -SW "$f" | sed 's/\[ */[/' | gawk '
			$1 ~ /^\[[0-9]+\]$/ && $3 != "NOBITS" && $3 != "NULL" {
				s = strtonum("0x" $6); if (s) print strtonum("0x" $5), s }'
	} | sort -n | gawk -v size="$(stat -c %s "$f")" '
		{ if ($1 > at) print at, $1 - at; if ($1 + $2 > at) at = $1 + $2 }
		END { if (size > at) print at, size - at }'
}

# pattern N SEED: N bytes of a recognisable pattern, as hex words.
pattern() {
	gawk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%02x ", (i * 37 + s) % 251 + 1 }'
}

# fill_gaps FILE: writes a pattern into every gap of FILE.
fill_gaps() {
	local off len
	gaps "$1" | while read -r off len; do
		poke "$1" "$off" $(pattern "$len" "$off")
	done
}

# bytes FILE OFF LEN: the bytes of FILE at [OFF, OFF+LEN), in hex.
bytes() {
	tail -c +$(($2 + 1)) "$1" | head -c "$3" | od -An -v -tx1
}

# kept ORIG OUT: every gap of ORIG holds the same bytes in OUT.
kept() {
	local off len n=0
	while read -r off len; do
		[ "$(bytes "$1" "$off" "$len")" = "$(bytes "$2" "$off" "$len")" ] ||
			{ echo "bytes at $off+$len differ" >&2; return 1; }
		n=$((n + 1))
	done < <(gaps "$1")
	[ $n -gt 0 ] || { echo "$1 has no gap" >&2; return 1; }
}

# lint_clean FILE: eu-elflint finds nothing wrong with FILE.
lint_clean() {
	eu-elflint --gnu-ld -q "$1"
}

expect "the fixtures build" '
	build gcc gaps.S g.orig && build gcc kinds.c k.orig &&
	build gcc module.c m.orig -DMODINFO &&
	build clang i386-kinds.S i.orig --target=i386-linux-gnu &&
	ld -r -o r.orig k.orig'

# --- gaps and trailing data ---
expect "the gap fixture has gaps, over 100 bytes in all, and no section symbol" '
	gaps g.orig >g.gaps && [ "$(gawk "{ n += \$2 } END { print n }" g.gaps)" -gt 100 ] &&
	! readelf -sW g.orig | grep -q " SECTION "'

cp g.orig gf.orig && fill_gaps gf.orig
expect "with a pattern in its gaps the fixture is still a valid object" '
	! cmp -s g.orig gf.orig && lint_clean gf.orig && gaps g.orig | diff - <(gaps gf.orig)'

expected_sites g.orig >g.want
expect "check keeps every gap byte at its offset (the symbol table moves)" '
	cp gf.orig gf.o && scx 0 check gf.o && table_set gf.o | diff g.want - &&
	kept gf.orig gf.o'

expect "a second check leaves that output alone" '
	cp gf.o gf.first && scx 0 check gf.o && same gf.first gf.o'

# Data after the section header table, as some tools append.
cp gf.orig gt.orig && pattern 1000 7 | xxd -r -p >>gt.orig
expect "trailing data is kept at its offset, and so are the gaps" '
	lint_clean gt.orig && [ "$(gaps gt.orig | tail -1)" = "$(stat -c %s gf.orig) 1000" ] &&
	cp gt.orig gt.o && scx 0 check gt.o && table_set gt.o | diff g.want - &&
	kept gt.orig gt.o'

expect "trailing data is kept when the symbol table need not grow (ld -r input)" '
	cp r.orig rt.orig && fill_gaps rt.orig && printf "TRAILER\0\1\2\3" >>rt.orig &&
	cp rt.orig rt.o && scx 0 check rt.o && expected_sites k.orig | diff - <(table_set rt.o) &&
	kept rt.orig rt.o && [ "$(changed_sections rt.orig rt.o)" = .shstrtab ]'

expect "i386 (ELF32, REL): trailing data and gaps are kept" '
	cp i.orig it.orig && fill_gaps it.orig && printf "TRAILER32" >>it.orig &&
	cp it.orig it.o && scx 0 check it.o && has_table it.o && kept it.orig it.o'

expect "-o keeps them too, and leaves the input alone" '
	cp gt.orig go.o && scx 0 check -o go-out.o go.o && same gt.orig go.o &&
	kept gt.orig go-out.o && same gt.o go-out.o'

# --- module signatures ---
# sign_fake FILE N: appends a signature in the kernel's format: N bytes of
# "PKCS#7" (made up), struct module_signature (id_type 2 = PKCS#7, the
# length as a big-endian word) and the marker.
sign_fake() {
	{
		printf '\x30\x82'
		pattern $(($2 - 2)) 3 | xxd -r -p
		printf '\0\0\2\0\0\0\0\0'
		printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($2 >> 24)) \
			$((($2 >> 16) & 255)) $((($2 >> 8) & 255)) $(($2 & 255)))"
		printf '~Module signature appended~\n'
	} >>"$1"
}

cp m.orig ms.orig && sign_fake ms.orig 300
msize=$(stat -c %s m.orig)
expect "a fake signature in the kernel's format: 340 bytes, the marker last" '
	[ $(($(stat -c %s ms.orig) - msize)) -eq 340 ] &&
	[ "$(tail -c 28 ms.orig)" = "~Module signature appended~" ]'

expect "check refuses a signed module: exit 1, one [signed-module] error" '
	cp ms.orig ms.o && ino=$(inode ms.o) && scx 1 check ms.o &&
	[ "$(wc -l <err)" -eq 1 ] && findings_n err error signed-module 1 &&
	same ms.orig ms.o && [ "$(inode ms.o)" = "$ino" ] && no_temp'

expect "the message says why, and what to do: sign after scstool" '
	grep -q "^ms\.o: error: file+0x$(printf %x $msize): the module is signed (340 bytes of signature appended at 0x$(printf %x $msize)): a new table would invalidate the signature, so nothing is written; run scstool before signing the module \[signed-module\]$" err'

expect "--force does not override it, nor does -o write anything" '
	cp ms.orig ms2.o && scx 1 check --force ms2.o && same ms.orig ms2.o &&
	scx 1 check -o ms2-out.o ms2.o && [ ! -e ms2-out.o ] && no_temp'

expect "lint works on a signed module: exit 0, its sites reported" '
	scx 0 lint --format=yaml ms.orig && empty err &&
	[ "$(grep -c "^    in_table: true\$" out)" -eq 3 ] && ! grep -q signed-module out'

expect "dump works on a signed module" '
	scx 0 dump ms.orig && grep -qx "ms.orig: no .static_call_sites" out'

expect "-W signed-module=warning: exit 0, a warning, nothing written; -o copies" '
	cp ms.orig ms3.o && scx 0 check -W signed-module=warning ms3.o &&
	findings_n err warning signed-module 1 && same ms.orig ms3.o &&
	scx 0 check -W signed-module=warning -o ms3-out.o ms3.o && same ms.orig ms3-out.o'

expect "a module signed after scstool checks clean and stays signed" '
	cp m.orig mt.o && scx 0 check mt.o && has_table mt.o && sign_fake mt.o 100 &&
	cp mt.o mt.signed && scx 0 check mt.o && empty err && same mt.signed mt.o &&
	scx 0 dump mt.o && grep -q "^mt.o: 3 static-call sites\$" out'

expect "bytes that merely contain the marker, not at the end, are no signature" '
	cp k.orig nm.orig && printf "~Module signature appended~\nmore" >>nm.orig &&
	cp nm.orig nm.o && scx 0 check nm.o && has_table nm.o && kept nm.orig nm.o'

# The kernel's own sign-file, from the reference data of the real-world
# test: a real PKCS#7 signature with a key made now.
source "$TEST_ROOT/tests/real/fetch.sh"
real_fetch >fetch.log 2>&1
fetch_rc=$?
SIGN_FILE=${REAL_OBJTOOL:-none}
SIGN_FILE=${SIGN_FILE%/tools/objtool/*}/scripts/sign-file
expect "the kernel's sign-file is there (reference data: linux-kbuild)" '
	[ $fetch_rc -eq 0 ] && [ -x "$SIGN_FILE" ] || { cat fetch.log; false; }'
cat >x509.cnf <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
x509_extensions = ext
[ dn ]
CN = scstool test key
[ ext ]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
expect "a module signed by sign-file is refused the same way, untouched" '
	openssl req -new -nodes -utf8 -sha256 -days 1 -batch -x509 -config x509.cnf \
		-outform PEM -out key.x509 -keyout key.pem -newkey rsa:2048 2>/dev/null &&
	cp m.orig real.o && "$SIGN_FILE" sha256 key.pem key.x509 real.o &&
	[ "$(tail -c 28 real.o)" = "~Module signature appended~" ] &&
	cp real.o real.orig && scx 1 check real.o && findings_n err error signed-module 1 &&
	grep -q "($(($(stat -c %s real.o) - msize)) bytes of signature appended at 0x$(printf %x $msize))" err &&
	same real.orig real.o && scx 0 lint real.o'

# --- sections the writer cannot keep in place ---
shdr() {
	shdr_at "$1" "$2"
}
cp g.orig hdr0.orig && poke hdr0.orig $(($(shdr hdr0.orig .text) + 24)) $(le 0 8)
expect "an empty section at offset 0 (inside the ELF header) is a valid input" '
	[ "$(sec_size hdr0.orig .text)" = 0 ] && [ "$(sec_off hdr0.orig .text)" = 0 ] &&
	lint_clean hdr0.orig'
expect "... check keeps the ELF header whole, and the empty section where it was" '
	cp hdr0.orig hdr0.o && scx 0 check hdr0.o &&
	[ "$(bytes hdr0.o 0 16)" = "$(bytes g.orig 0 16)" ] &&
	readelf -hW hdr0.o | grep -q "Type: *REL " && table_set hdr0.o | diff g.want - &&
	[ "$(sec_off hdr0.o .text)" = 0 ]'

cp g.orig bss.orig && poke bss.orig $(($(shdr bss.orig .bss) + 24)) $(le 8 8)
expect "an empty NOBITS section inside the header: the same" '
	cp bss.orig bss.o && scx 0 check bss.o && table_set bss.o | diff g.want - &&
	[ "$(bytes bss.o 0 16)" = "$(bytes g.orig 0 16)" ] && [ "$(sec_off bss.o .bss)" = 8 ]'

# libelf fills each gap from where the previous section ended, which for
# a section without bytes is its offset: inside another section, the fill
# would erase that one's tail.
cp g.orig in.orig && poke in.orig $(($(shdr in.orig .note.GNU-stack) + 24)) \
	$(le $(($(sec_off in.orig .text.b) + 1)) 8)
expect "an empty section inside another: that one keeps its bytes" '
	[ "$(sec_size in.orig .note.GNU-stack)" = 0 ] && lint_clean in.orig &&
	cp in.orig in.o && scx 0 check in.o && table_set in.o | diff g.want - &&
	[ "$(readelf -x .text.b in.o)" = "$(readelf -x .text.b in.orig)" ]'

expect "... and moves to that section's end (it holds no byte)" '
	[ "$(sec_off in.o .note.GNU-stack)" = $(($(sec_off in.orig .text.b) + $(sec_size in.orig .text.b))) ]'

cp g.orig ph0.orig && poke ph0.orig 32 $(le 4000 8)
expect "a program header offset with no program headers: written (libelf clears it)" '
	readelf -hW ph0.orig | grep -q "Start of program headers: *4000 " &&
	cp ph0.orig ph0.o && scx 0 check ph0.o && table_set ph0.o | diff g.want -'

# Headers that libelf would rewrite to what the ELF format says.
cp g.orig ver.o && poke ver.o 20 $(le 0 4) && cp ver.o ver.o.orig
expect "ELF version 0 (libelf would write 1): exit 2, untouched" '
	rejected ver.o && grep -q "ELF version 1 in e_ident and 0 in e_version, not 1: cannot rewrite it" err'

cp g.orig over.o && poke over.o $(($(shdr over.o .data) + 24)) $(le 8 8) && cp over.o over.o.orig
expect "a section with bytes over the ELF header: exit 2, one line, untouched" '
	rejected over.o && grep -q "section [0-9]* (\.data) at 0x8 overlaps the ELF header" err'
expect "... lint and dump still work on it" '
	scx 0 lint over.o && scx 0 dump over.o'

# Program headers in a relocatable object: legal, if rare.
cp g.orig ph.o && ph_at=$(sec_off ph.o .data) &&
	poke ph.o 32 $(le $ph_at 8) && poke ph.o 54 $(le 56 2) && poke ph.o 56 $(le 1 2) &&
	cp ph.o ph.o.orig
expect "a section with bytes over the program headers: exit 2, untouched" '
	readelf -lW ph.o 2>/dev/null | grep -q "There is 1 program header, starting at offset $ph_at\$" &&
	rejected ph.o && grep -q "(\.data) at 0x$(printf %x $ph_at) overlaps the ELF program headers" err'

cp g.orig ov.o && poke ov.o $(($(shdr ov.o .data) + 24)) $(le $(($(sec_off ov.o .text.b) + 2)) 8) &&
	cp ov.o ov.o.orig
expect "two sections whose bytes overlap: exit 2, untouched" '
	rejected ov.o && grep -q "sections [0-9]* (\.text\.b) and [0-9]* (\.data) overlap in the file" err'

# --- alignment ---
# bounded ARGS: sc ARGS with 60 s of CPU time, unable to write more than
# 4 MiB (before the cap, the first case wrote 4 GiB).
bounded() {
	(ulimit -t 60 -f 4096 && sc "$@")
}
cp g.orig al.orig && poke al.orig $(($(shdr al.orig .shstrtab) + 48)) $(le $((1 << 32)) 8)
expect ".shstrtab aligned to 2^32: the output stays small, and right" '
	readelf -SW al.orig | grep -q " \.shstrtab .* 4294967296\$" &&
	cp al.orig al.o && bounded check al.o &&
	[ "$(stat -c %s al.o)" -lt $(($(stat -c %s al.orig) + 4096)) ] &&
	table_set al.o | diff g.want -'

cp g.orig al2.orig && poke al2.orig $(($(shdr al2.orig .symtab) + 48)) $(le $((1 << 40)) 8)
expect ".symtab (which grows) aligned to 2^40: the same" '
	cp al2.orig al2.o && bounded check al2.o &&
	[ "$(stat -c %s al2.o)" -lt $(($(stat -c %s al2.orig) + 4096)) ] &&
	table_set al2.o | diff g.want - && lint_clean al2.o'

done_testing
