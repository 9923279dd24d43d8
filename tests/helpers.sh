# Helpers shared by the tests/tNNNN-*.sh files; sourced after lib.sh.
# The helpers that read objects use binutils only, never scstool, so that
# the tests check scstool against an independent view.

# The C compilers that every C fixture is built with.
COMPILERS="gcc clang"

# Options that silence the notes every site may carry (its cache-line
# status, Jcc support, .init placement), for tests that count other notes
# under -v.
QUIET_NOTES="-W cacheline=off -W cond-tail=off -W init-site=off"

# The helpers below (and lib.sh's table_set) need gawk: strtonum.
if ! command -v gawk >/dev/null 2>&1; then
	echo "not ok - $TEST_NAME: gawk is missing (apt-get install gawk)" >&2
fi

# Assembles or compiles a fixture with COMPILER, failing on any message.
#   build CC SRC OUT [FLAGS...]
build() {
	local cc=$1 src=$2 out=$3 log
	shift 3
	log=$(cc_fixture "$cc" "$FIXTURES/$src" "$out" "$@" 2>&1) &&
		[ -z "$log" ] && [ -s "$out" ] && return 0
	echo "cannot build $src with $cc: $log" >&2
	return 1
}

# The sites an object should yield, as table_set prints them
# ("SECTION+0xOFF KEY FLAGS", sorted), worked out from `objdump -drw`:
# every call/jmp/Jcc instruction whose rel32 is relocated (PC32 or PLT32,
# addend -4) against a __SCT__ symbol, in an executable section other than
# .altinstr_replacement.  The key is __SCK__<name>, or with "module" the
# trampoline itself.
#   expected_sites OBJ [module]
expected_sites() {
	sites_from_objdump sites "$@"
}

# The lines `scstool dump` should print for OBJ's entries, without the
# function column and sorted: "SECTION+0xOFF KIND KEY FLAGS" with KIND
# call, tail or cond and FLAGS - or tail.
#   expected_dump OBJ [module]
expected_dump() {
	sites_from_objdump dump "$@"
}

sites_from_objdump() {
	objdump -drw "$2" | gawk -v mode="$1" -v module="${3:-}" '
		/^Disassembly of section / {
			sec = $4; sub(/:$/, "", sec); next
		}
		sec == ".altinstr_replacement" { next }
		/^ *[0-9a-f]+:\t/ {
			n = split($0, t, "\t")
			if (n < 5 || t[n-1] !~ /: R_X86_64_(PC32|PLT32)$/) next
			sym = t[n]
			if (sym !~ /^__SCT__[A-Za-z0-9_]+-0x4$/) next
			sub(/-0x4$/, "", sym)
			addr = t[1]; gsub(/[ :]/, "", addr)
			split(t[2], b, " "); split(t[3], m, " ")
			if (m[1] ~ /^callq?$/ && b[1] == "e8") kind = "call"
			else if (m[1] ~ /^jmpq?$/ && b[1] == "e9") kind = "tail"
			else if (m[1] ~ /^j[a-z]+$/ && b[1] == "0f" &&
				 b[2] ~ /^8[0-9a-f]$/) kind = "cond"
			else next
			flags = kind == "call" ? 0 : 1
			# The field must be the last four bytes of the branch.
			roff = t[n-1]; sub(/:.*/, "", roff)
			if (strtonum("0x" roff) != strtonum("0x" addr) + length(b) - 4)
				next
			key = module == "module" ? sym : "__SCK__" substr(sym, 8)
			if (mode == "dump")
				printf "%s+0x%x %s %s %s\n", sec, strtonum("0x" addr),
				       kind, key, flags ? "tail" : "-"
			else
				printf "%s+0x%x %s %d\n", sec, strtonum("0x" addr),
				       key, flags
		}' | sort
}

# Lines of FILE (stdout/stderr capture) that are findings of RULE with
# SEVERITY, in the documented form.
#   findings FILE SEVERITY RULE
findings() {
	grep -E "^[^ ]+: $2: [^ ]+\+0x[0-9a-f]+: .+ \[$3\]\$" "$1"
}

# findings_n FILE SEVERITY RULE N: exactly N such lines.
findings_n() {
	local got
	got=$(findings "$1" "$2" "$3" | wc -l)
	[ "$got" -eq "$4" ] && return 0
	echo "want $4 '$2 [$3]' lines in $1, got $got:" >&2
	cat "$1" >&2
	return 1
}

# empty FILE: FILE exists and holds nothing (shows it when it does).
empty() {
	[ -e "$1" ] && [ ! -s "$1" ] && return 0
	echo "$1 is not empty:" >&2
	cat "$1" >&2
	return 1
}

# no_temp [DIR]: scstool left no temporary file behind.
no_temp() {
	local left
	left=$(find "${1:-.}" -name '.*scstool-*')
	[ -z "$left" ] && return 0
	echo "temporary files left: $left" >&2
	return 1
}

# same A B: byte-identical files (the message says which differ).
same() {
	cmp "$1" "$2" >&2
}

# inode FILE: the inode number; an in-place rewrite (rename) changes it.
inode() {
	stat -c %i "$1"
}

# section_count OBJ: number of section headers.
section_count() {
	readelf -hW "$1" | gawk '/Number of section headers/ { print $NF }'
}

# has_table OBJ: OBJ has a .static_call_sites section.
has_table() {
	readelf -SW "$1" | grep -q ' \.static_call_sites '
}

# The table of OBJ in its own order, one "SECTION_INDEX SECTION+0xOFF"
# line per entry (read with readelf alone, like table_set).
table_list() {
	table_entries "$1" | gawk '{ print $1, $2 }'
}

# in_order: stdin ("INDEX SECTION+0xOFF" lines) is sorted by section index,
# then offset.
in_order() {
	gawk '{ split($2, p, "+"); o = strtonum(p[2])
	       if (NR > 1 && ($1 < ls || ($1 == ls && o <= lo))) bad = 1
	       ls = $1; lo = o }
	     END { exit bad }'
}

# Byte patches, with offsets computed from readelf (no python needed).
# poke FILE OFFSET HEXBYTE...: writes the bytes at OFFSET.
poke() {
	local f=$1 off=$2 s="" b
	shift 2
	for b; do s="$s\\x$b"; done
	printf "$s" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# le VALUE N: VALUE as N little-endian hex bytes.
le() {
	local v=$1 n=$2 i
	for ((i = 0; i < n; i++)); do
		printf '%02x ' $(((v >> (8 * i)) & 255))
	done
}

# sec_idx OBJ NAME: index of section NAME.
sec_idx() {
	readelf -SW "$1" | sed 's/\[ */[/' |
		gawk -v n="$2" '$1 ~ /^\[[0-9]+\]$/ && $2 == n { print substr($1, 2) + 0; exit }'
}

# shdr_at OBJ NAME: file offset of section NAME's header (ELF64).
shdr_at() {
	local shoff idx
	shoff=$(readelf -hW "$1" | gawk '/Start of section headers/ { print $5 }')
	idx=$(sec_idx "$1" "$2")
	[ -n "$shoff" ] && [ -n "$idx" ] && echo $((shoff + 64 * idx))
}

# sec_off OBJ NAME: file offset of section NAME's contents.
sec_off() {
	readelf -SW "$1" | sed 's/\[ */[/' |
		gawk -v n="$2" '$1 ~ /^\[[0-9]+\]$/ && $2 == n { print strtonum("0x" $5); exit }'
}

# sec_size OBJ NAME: size of section NAME.
sec_size() {
	readelf -SW "$1" | sed 's/\[ */[/' |
		gawk -v n="$2" '$1 ~ /^\[[0-9]+\]$/ && $2 == n { print strtonum("0x" $6); exit }'
}

# sym_idx OBJ NAME: index of symbol NAME in .symtab.
sym_idx() {
	readelf -sW "$1" | gawk -v n="$2" '$1 ~ /^[0-9]+:$/ && $8 == n { sub(":", "", $1); print $1; exit }'
}

# scx N ARGS...: runs `scstool ARGS` with stdout in ./out and stderr in
# ./err, and passes when it exits N; else it shows what scstool said.
scx() {
	local want=$1 s
	shift
	sc "$@" >out 2>err
	s=$?
	[ $s -eq "$want" ] && return 0
	echo "scstool $*: exit status $s, want $want" >&2
	sed 's/^/  stdout: /' out >&2
	sed 's/^/  stderr: /' err >&2
	return 1
}

# The table of a linked executable EXE, decoded from its bytes (the linker
# resolved every field): one line per entry, "MNEMONIC TARGET KEY FLAGS",
# with the instruction objdump shows at the site address, the symbol it
# branches to, the symbol the key field points at, and the flag bits.
linked_entries() {
	local exe=$1 base
	base=$(readelf -SW "$exe" | sed 's/\[ */[/' |
		gawk '$2 == ".static_call_sites" { print $4 }')
	[ -n "$base" ] || { echo "$exe: no .static_call_sites" >&2; return 1; }
	objcopy -O binary --only-section=.static_call_sites "$exe" "$exe.tbl" &&
	{
		od -An -v -t d4 "$exe.tbl" | tr -s ' ' '\n' | grep -v '^$' |
			sed 's/^/W /'
		nm "$exe" | gawk 'NF == 3 { print "N", $1, $3 }'
		objdump -dw "$exe" | gawk -F'\t' '/^ +[0-9a-f]+:\t/ {
			a = $1; gsub(/[ :]/, "", a); split($3, m, " ")
			t = $3; if (match(t, /<[^>]*>/)) t = substr(t, RSTART + 1, RLENGTH - 2); else t = "-"
			print "D", a, m[1], t }'
	} | gawk -v base="$base" '
		$1 == "W" { w[nw++] = $2; next }
		$1 == "N" { a = strtonum("0x" $2); if (!(a in sym) || $3 ~ /^__SC[KT]__/) sym[a] = $3; next }
		$1 == "D" { mn[strtonum("0x" $2)] = $3; tg[strtonum("0x" $2)] = $4; next }
		END {
			b = strtonum("0x" base)
			for (i = 0; 2 * i + 1 < nw; i++) {
				site = b + 8 * i + w[2 * i]
				k = b + 8 * i + 4 + w[2 * i + 1]
				fl = k % 4; k -= fl
				printf "%s %s %s %d\n", (site in mn) ? mn[site] : "?",
				       (site in tg) ? tg[site] : "?",
				       (k in sym) ? sym[k] : "?", fl
			}
		}'
}

# table_rela_at OBJ OFFSET: file offset of the .rela.static_call_sites
# entry that relocates table offset OFFSET.
table_rela_at() {
	local base i
	base=$(sec_off "$1" .rela.static_call_sites)
	i=$(readelf -rW "$1" | gawk -v want="$2" '
		/^Relocation section/ { on = ($3 == "'"'"'.rela.static_call_sites'"'"'"); n = 0; next }
		on && $1 ~ /^[0-9a-f]+$/ { if (strtonum("0x" $1) == want) { print n; exit } n++ }')
	[ -n "$base" ] && [ -n "$i" ] && echo $((base + 24 * i))
}

# rejected FILE [CMD...]: `scstool CMD FILE` (default: check) exits 2 with
# one stderr line "FILE: error: ...", nothing on stdout, FILE unchanged
# (compared with FILE.orig when there is one) and no temporary file.
rejected() {
	local f=$1
	shift
	[ $# -gt 0 ] || set -- check
	local s
	sc "$@" "$f" >out 2>err
	s=$?
	if [ $s -ne 2 ]; then
		echo "exit status $s, want 2; stderr:" >&2
		cat err >&2
		return 1
	fi
	empty out || return 1
	if [ "$(wc -l <err)" -ne 1 ] || ! grep -q "^$f: error: ." err; then
		echo "want one line naming $f:" >&2
		cat err >&2
		return 1
	fi
	if [ -e "$f.orig" ]; then same "$f.orig" "$f" || return 1; fi
	no_temp
}
