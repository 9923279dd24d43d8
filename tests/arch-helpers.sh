# Helpers shared by the per-architecture tests (t0030..t0032): each file
# defines exp_sites OBJ for its ISA ("SECTION+0xOFF KIND TRAMPOLINE
# MNEMONIC" per expected site, from llvm-objdump), and these derive the
# views scstool's outputs must match.  Sourced after lib.sh and helpers.sh.

# The views of exp_sites that table_set, dump and a linked table give.
# With "module", a trampoline whose key is not in the object is its own key.
exp_table() {
	local keys
	keys=$(readelf -sW "$1" | gawk '$8 ~ /^__SCK__/ { print $8 }')
	exp_sites "$1" | gawk -v module="${2:-}" -v keys="$keys" '
		BEGIN { n = split(keys, k, "\n"); for (i = 1; i <= n; i++) have[k[i]] = 1 }
		{ key = "__SCK__" substr($3, 8)
		  if (module == "module" && !(key in have)) key = $3
		  print $1, key, ($2 == "call" ? 0 : 1) }' | sort
}
exp_dump() {
	exp_sites "$1" | gawk '{ print $1, $2, "__SCK__" substr($3, 8), ($2 == "call" ? "-" : "tail") }'
}
exp_linked() {
	exp_sites "$1" | gawk '{ print $4, $3, "__SCK__" substr($3, 8), ($2 == "call" ? 0 : 1) }' | sort
}

# dump_lines FILE: scstool dump's entries without the function column.
dump_lines() {
	gawk 'NR > 1 { print $1, $3, $4, $5 }' "$1" | sort
}

# linked_sites EXE: the table of a linked executable, decoded from its
# bytes: "MNEMONIC TARGET KEY FLAGS" per entry, with the instruction that
# llvm-objdump shows at the site address and the symbol it branches to.
linked_sites() {
	{
		readelf -hW "$1" | gawk '$1 == "Data:" { print "E", /big endian/ ? "be" : "le" }'
		readelf -SW "$1" | sed 's/\[ */[/' |
			gawk '$2 == ".static_call_sites" { print "B", $4 }'
		readelf -x .static_call_sites "$1" | gawk 'match($0, /^  0x[0-9a-f]+ /) {
			h = substr($0, RLENGTH + 1, 35); gsub(/ /, "", h); print "X", substr($1, 3), h }'
		readelf -sW "$1" | gawk '$1 ~ /^[0-9]+:$/ && $8 ~ /^__SCK__/ { print "K", $2, $8 }'
		llvm-objdump -d --no-show-raw-insn "$1" | gawk '/^ *[0-9a-f]+:[ \t]/ {
			split($0, t, "\t"); a = t[1]; gsub(/[ :]/, "", a); split(t[2], m, " ")
			g = "-"; if (match($0, /<[^>]*>/)) g = substr($0, RSTART + 1, RLENGTH - 2)
			print "D", a, m[1], g }'
	} | gawk '
		function word(a,   i, v) {
			v = 0
			for (i = 0; i < 4; i++) v = v * 256 + byte[be ? a + i : a + 3 - i]
			return v >= 2147483648 ? v - 4294967296 : v
		}
		$1 == "E" { be = ($2 == "be"); next }
		$1 == "B" { base = strtonum("0x" $2); next }
		$1 == "X" { b = strtonum("0x" $2)
			for (i = 1; i < length($3); i += 2) { byte[b + (i - 1) / 2] = strtonum("0x" substr($3, i, 2)); nb++ }
			next }
		$1 == "K" { key[strtonum("0x" $2)] = $3; next }
		$1 == "D" { a = strtonum("0x" $2); mn[a] = $3; tg[a] = $4; next }
		END {
			for (e = base; e + 8 <= base + nb; e += 8) {
				s = e + word(e); k = e + 4 + word(e + 4); fl = k % 4; k -= fl
				printf "%s %s %s %d\n", (s in mn) ? mn[s] : "?", (s in tg) ? tg[s] : "?",
				       (k in key) ? key[k] : "?", fl
			}
		}' | sort
}

# ysites FLAT: the report's sites, "SECTION+OFF KIND NULL CACHELINE IN_TABLE".
ysites() {
	gawk '{ eq = index($0, "="); k = substr($0, 1, eq - 1); v = substr($0, eq + 1)
		if (split(k, p, ".") != 5 || p[1] != "files" || p[2] != 0 || p[3] != "sites") next
		s[p[4], p[5]] = v; if (p[4] + 1 > n) n = p[4] + 1 }
	     END { for (i = 0; i < n; i++) print s[i, "section"] "+" s[i, "offset"], s[i, "kind"],
			s[i, "null"], s[i, "cacheline"], s[i, "in_table"] }' "$1"
}

# fn_site OBJ NAME: "SECTION+0xOFF" of symbol NAME (readelf only).
fn_site() {
	local sec val
	read -r val sec < <(readelf -sW "$1" | gawk -v n="$2" '$8 == n { print $2, $7; exit }')
	readelf -SW "$1" | sed 's/\[ */[/' | gawk -v i="$sec" -v v="$val" \
		'$1 == "[" i "]" { printf "%s+0x%x\n", $2, strtonum("0x" v) }'
}

untouched() {
	same "$1.orig" "$1.o" && no_temp
}

