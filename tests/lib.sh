# Sourced by every tests/tNNNN-*.sh file.  Each test states one behaviour:
#   expect 'what must hold' 'shell commands chained with &&'
# A test passes when its commands exit 0.  Fixtures are built by the tests
# in a fresh work folder under tests/out/.
set -u

TEST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCSTOOL=${SCSTOOL:-$TEST_ROOT/scstool}
case $SCSTOOL in /*) ;; *) SCSTOOL=$TEST_ROOT/$SCSTOOL ;; esac
# A sanitizer report must never look like one of scstool's exit codes.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=99:print_stacktrace=1}
FIXTURES=$TEST_ROOT/tests/fixtures
TEST_NAME=$(basename "$0" .sh)
WORK=$TEST_ROOT/tests/out/${TEST_VARIANT:-rel}/$TEST_NAME
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
tests_passed=0
tests_failed=0

# Every object that `scstool check` writes must pass `eu-elflint --gnu-ld`
# with no complaint that its input did not already draw (elflint does not
# know LLVM's section types, say, so a clang object draws one before and
# after).  sc() lints each object it sees written and records the verdict
# here; done_testing turns the record into one more test of the file.
ELFLINT_LOG=$WORK.elflint
: >"$ELFLINT_LOG"

# elflint_text FILE: elflint's complaints about FILE, then its exit status
# (a timeout or a crash shows as 124 or above).
elflint_text() {
	timeout 60 eu-elflint --gnu-ld -q "$1" 2>&1
	echo "exit $?"
}

# file_id FILE: what changes when FILE is replaced or written ("none" when
# it does not exist).  Only regular files count: a FIFO must never be read.
file_id() {
	if [ -f "$1" ]; then stat -L -c '%d:%i:%s:%Y' "$1"; else echo none; fi
}

# For `sc check ARGS`: fills the caller's lint_in, lint_out, lint_id and
# lint_pre with each input that may be written, where it goes, and the
# state and complaints before the run.
lint_plan() {
	local out="" files=() a next="" dry=0 i
	shift
	for a; do
		if [ -n "$next" ]; then
			[ "$next" = out ] && out=$a
			next=""
			continue
		fi
		case $a in
		-o|--output) next=out ;;
		--output=*) out=${a#*=} ;;
		-o?*) out=${a#-o} ;;
		-j|--jobs|-W|--config|--format|--report) next=skip ;;
		-n|--dry-run) dry=1 ;;
		-*) ;;
		*) files+=("$a") ;;
		esac
	done
	[ $dry -eq 1 ] && return 0
	[ -n "$out" ] && [ ${#files[@]} -ne 1 ] && return 0
	for ((i = 0; i < ${#files[@]}; i++)); do
		[ -f "${files[i]}" ] || continue
		lint_in+=("${files[i]}")
		lint_out+=("${out:-${files[i]}}")
		lint_id+=("$(file_id "${out:-${files[i]}}")")
		lint_pre+=("$(elflint_text "${files[i]}")")
	done
}

# Lints each object that the run wrote, against its input's complaints.
lint_written() {
	local i f post new
	for ((i = 0; i < ${#lint_out[@]}; i++)); do
		f=${lint_out[i]}
		[ -f "$f" ] && [ "$(file_id "$f")" != "${lint_id[i]}" ] || continue
		[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		post=$(elflint_text "$f")
		new=$(comm -13 <(printf '%s\n' "${lint_pre[i]}" | grep -v '^exit ' | sort) \
			<(printf '%s\n' "$post" | grep -v '^exit 0$' | sort))
		# A status of 1 with nothing new is the input's own complaints.
		new=$(printf '%s\n' "$new" | grep -v '^exit 1$' | grep .)
		if [ -n "$new" ]; then
			printf 'FAIL %s (written from %s):\n%s\n' "$PWD/$f" \
				"${lint_in[i]}" "$(printf '%s\n' "$new" | sed 's/^/    /')" \
				>>"$ELFLINT_LOG"
			echo "ELFLINT FAILURE: $f: $new" >&2
		else
			echo "ok $PWD/$f" >>"$ELFLINT_LOG"
		fi
	done
}

# Runs scstool; a sanitizer finding (exit 99) is reported loudly, and so
# is an object it wrote that eu-elflint finds worse than its input.
sc() {
	local lint_in=() lint_out=() lint_id=() lint_pre=()
	[ "${1:-}" = check ] && lint_plan "$@"
	"$SCSTOOL" "$@"
	local s=$?
	[ $s -eq 99 ] && echo "SANITIZER FAILURE: scstool $*" >&2
	[ ${#lint_out[@]} -gt 0 ] && lint_written
	return $s
}

expect() {
	local desc=$1 body=$2 out
	if out=$(eval "$body" 2>&1); then
		tests_passed=$((tests_passed + 1))
		echo "ok - $TEST_NAME: $desc"
	else
		tests_failed=$((tests_failed + 1))
		echo "not ok - $TEST_NAME: $desc"
		printf '%s\n' "$out" | tail -25 | sed 's/^/#   /'
	fi
}

# status N CMD...: CMD exits with status N.
status() {
	local want=$1 got
	shift
	"$@"
	got=$?
	[ "$got" -eq "$want" ] && return 0
	echo "expected exit status $want, got $got: $*" >&2
	return 1
}

# Compiles a fixture: cc_fixture COMPILER SRC OUT [FLAGS...]
cc_fixture() {
	local cc=$1 src=$2 out=$3
	shift 3
	"$cc" -O2 -ffunction-sections -fno-asynchronous-unwind-tables \
		-c "$src" -o "$out" "$@"
}

# The table of FILE in its own order, one line per entry:
# "SECTION_INDEX SECTION+0xOFF KEY FLAGS", read with readelf alone, so that
# it checks scstool's writer independently.  gawk, not mawk: strtonum.
# A RELA table (.rela.static_call_sites) carries its addends in the
# relocations; a REL one (.rel.static_call_sites, i386) keeps them in the
# table's own words, read from `readelf -x` in the file's byte order.
table_entries() {
	local f=$1 shdrs
	shdrs=$(readelf -SW "$f")
	{
		printf '%s\n' "$shdrs" | sed 's/\[ */[/' |
			gawk '$1 ~ /^\[[0-9]+\]$/ { print "S", substr($1, 2) + 0, $2 }'
		# st_other bits beyond the visibility show up as one more
		# bracketed column ("DEFAULT [<localentry>: 8]" on ppc64 ELFv2).
		readelf -sW "$f" |
			gawk '{ $0 = gensub(/(DEFAULT|HIDDEN|PROTECTED|INTERNAL) +\[[^]]*\]/, "\\1", 1) }
			     $1 ~ /^[0-9]+:$/ && NF >= 8 && $4 != "SECTION" { print "Y", $8, $2, $7 }'
		case $shdrs in
		*" .rel.static_call_sites "*)
			readelf -hW "$f" |
				gawk '$1 == "Data:" { print "E", /big endian/ ? "be" : "le" }'
			# Each line: "  0xADDR " then 16 bytes as hex in groups
			# of four (36 columns), then their ASCII.
			readelf -x .static_call_sites "$f" 2>/dev/null |
				gawk 'match($0, /^  0x[0-9a-f]+ /) {
					h = substr($0, RLENGTH + 1, 35); gsub(/ /, "", h)
					print "X", substr($1, 3), h }'
			;;
		esac
		readelf -rW "$f" |
			gawk '/^Relocation section/ {
				on = ($3 == "'"'"'.rela.static_call_sites'"'"'") ? 1 :
				     ($3 == "'"'"'.rel.static_call_sites'"'"'") ? 2 : 0
				next
			     }
			     on == 1 && NF >= 5 && $1 ~ /^[0-9a-f]+$/ { a = $NF; if ($(NF-1) == "-") a = "-" a; print "R", $1, $(NF-2), a }
			     on == 2 && NF >= 5 && $1 ~ /^[0-9a-f]+$/ { print "R", $1, $NF, "=" }'
	} | gawk '
		$1 == "S" { sec[$2] = $3; idx[$3] = $2; next }
		$1 == "Y" { if (!($2 in yv)) { yv[$2] = $3; ys[$2] = $4 } next }
		$1 == "E" { be = ($2 == "be"); next }
		$1 == "X" {
			b = strtonum("0x" $2)
			for (i = 1; i < length($3); i += 2) byte[b + (i - 1) / 2] = strtonum("0x" substr($3, i, 2))
			next
		}
		$1 == "R" {
			off = strtonum("0x" $2); ent = int(off / 8)
			if ($4 == "=") {
				# REL: the addend is the signed word at off.
				add = 0
				for (i = 0; i < 4; i++) {
					if (!((off + i) in byte)) { add = "?"; break }
					add = add * 256 + byte[be ? off + i : off + 3 - i]
				}
				if (add != "?" && add >= 2147483648) add -= 4294967296
			} else
				add = ($4 ~ /^-/) ? -strtonum("0x" substr($4, 2)) : strtonum("0x" $4)
			if (off % 8 == 0) {
				if ($3 in yv) { v = strtonum("0x" yv[$3]) + add; s = sec[ys[$3]] }
				else { v = add; s = $3 }
				site[ent] = sprintf("%d %s+0x%x", idx[s], s, v)
				# Bytes that readelf did not show: no value at all.
				if (add == "?") site[ent] = "? " s "+?"
			} else { key[ent] = $3; flags[ent] = add }
			n = (ent + 1 > n) ? ent + 1 : n
		}
		END { for (i = 0; i < n; i++) print site[i], key[i], flags[i] }'
}

# The table of FILE as sorted lines "SECTION+0xOFF KEY FLAGS".
table_set() {
	table_entries "$1" | gawk '{ print $2, $3, $4 }' | sort
}

# Names of REF's sections whose bytes differ in FILE (same index).
changed_sections() {
	local ref=$1 f=$2 n i
	n=$(readelf -hW "$ref" | awk '/Number of section headers/ { print $NF }')
	for ((i = 1; i < n; i++)); do
		cmp -s <(readelf -x "$i" "$ref" 2>&1 | grep -v NOTE) \
		       <(readelf -x "$i" "$f" 2>&1 | grep -v NOTE) ||
			readelf -SW "$ref" | sed 's/\[ */[/' |
				awk -v i="[$i]" '$1 == i { print $2 }'
	done
}

done_testing() {
	local linted
	linted=$(grep -c '^ok ' "$ELFLINT_LOG")
	if [ -s "$ELFLINT_LOG" ]; then
		expect "every object that check wrote passes eu-elflint --gnu-ld ($linted linted)" '
			! grep -A20 "^FAIL" "$ELFLINT_LOG"'
	fi
	echo "# $TEST_NAME: $tests_passed passed, $tests_failed failed"
	[ -n "${TEST_COUNTS:-}" ] && echo "$tests_passed $tests_failed" >>"$TEST_COUNTS"
	[ "$tests_failed" -eq 0 ]
}
