#!/bin/bash
# The command and option tables (cmd/main.c, cmd/options.c): what each
# command takes is what its help lists, lint takes no option it would
# ignore, mistakes get a did-you-mean, and @FILE reads arguments.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

build gcc kinds.c k.orig 2>/dev/null && cp k.orig k.o
build gcc undecodable.S u.orig 2>/dev/null && cp u.orig u.o

# help_options CMD: the options `scstool help CMD` lists, one a line, as
# "SHORT LONG ARG" with - for a missing part.
help_options() {
	"$SCSTOOL" "$1" --help | sed -n '/^Options:/,/^$/p' |
		gawk '/^  -/ {
			s = "-"; l = "-"; a = "-"
			if ($1 ~ /^-[a-zA-Z],?$/) { s = $1; sub(/,$/, "", s); $1 = ""; $0 = $0 }
			if ($1 ~ /^--/) { l = $1; $1 = ""; $0 = $0 }
			if ($1 ~ /^[A-Z][A-Z=]*$/) a = $1
			print s, l, a
		}'
}

# A value each kind of argument accepts, for the parser test below.
value_for() {
	case $1 in
	N) echo 1 ;;
	F) echo yaml ;;
	WHEN) echo never ;;
	SHELL) echo bash ;;
	RULE=SEVERITY) echo cacheline=off ;;
	*) echo x ;;
	esac
}

for cmd in check lint dump verify rules help version; do
	expect "$cmd: every option its help lists is one the parser takes" '
		help_options '$cmd' >opts.'$cmd' && [ -s opts.'$cmd' ] &&
		while read -r s l a; do
			for o in $s $l; do
				[ "$o" = - ] && continue
				if [ "$a" = - ]; then args=("$o"); else args=("$o" "$(value_for "$a")"); fi
				# --help stops the parse after the option: it must
				# not be refused before.
				"$SCSTOOL" '$cmd' "${args[@]}" --help >o 2>e ||
					{ echo "'$cmd' $o refused: $(cat e)"; exit 1; }
			done
		done <opts.'$cmd''
done

expect "lint takes no -o, -n or -f, and its help lists none" '
	help_options lint >l && ! grep -Eq "^(-o|-n|-f) " l &&
	help_options check >c && grep -q "^-o --output OUT" c &&
	grep -q "^-n --dry-run" c && grep -q "^-f --force" c'

expect "each help states the exit statuses its command can give" '
	for c in check lint dump verify; do "$SCSTOOL" $c --help >h.$c || exit 1; done &&
	tr "\n" " " <h.check | grep -q "1 an error finding (nothing written), 2 usage" &&
	tr "\n" " " <h.lint | grep -q "1 an error finding, 2 usage" &&
	tr "\n" " " <h.verify | grep -q "1 an error finding, 2 usage" &&
	tr "\n" " " <h.dump | grep -q "Exit status: 0 clean, 2 usage"'

for o in "-o x.o" "--output=x.o" "-n" "--dry-run" "-f" "--force"; do
	expect "lint $o: exit 2, named as not lint's, nothing written" '
		scx 2 lint '"$o"' k.o && same k.orig k.o && [ ! -e x.o ] &&
		grep -q "lint takes no option" err'
done

# --- did you mean ---
expect "an unknown command suggests the near one" '
	scx 2 chek k.o && grep -qF "unknown command '"'chek'"'; did you mean '"'check'"'?" err'
expect "... and suggests nothing when none is near" '
	scx 2 frobnicate k.o && grep -qF "unknown command '"'frobnicate'"'" err &&
	! grep -q "did you mean" err'
expect "help of a misspelt command suggests too" '
	scx 2 help dupm && grep -qF "did you mean '"'dump'"'?" err'
expect "an unknown long option suggests the near one" '
	scx 2 check --formt=yaml k.o && same k.orig k.o &&
	grep -qF "unknown option '"'--formt'"'; did you mean '"'--format'"'?" err'
expect "... for each command's own options" '
	scx 2 dump --stast k.o && grep -qF "did you mean '"'--stats'"'?" err'
expect "an ambiguous prefix lists what it could be" '
	scx 2 check --fo k.o && grep -q "ambiguous" err &&
	grep -qF "'"'--force'"'" err && grep -qF "'"'--format'"'" err'
expect "an unambiguous prefix is the option (getopt_long)" '
	scx 0 lint --form=yaml k.o && grep -q "^files:" out'
expect "an option that takes no value refuses one" '
	scx 2 lint --stats=1 k.o && grep -q "takes no argument" err'
expect "a missing argument is named" '
	scx 2 check k.o -j && grep -qF "option '"'-j'"' needs an argument" err &&
	scx 2 check k.o --config && grep -qF "needs an argument" err'
expect "an unknown short option is named" '
	scx 2 check -Z k.o && grep -qF "unknown option '"'-Z'"'" err'

# --- @FILE: GCC's response files (libiberty's expandargv) ---
mkdir -p "d i r" && cp k.orig "d i r/k k.o"
printf '%s\n' '-W cacheline=off' '"d i r/k k.o"' >args1
printf '%s\n' "--format yaml" "@args1" >args2
expect "@FILE reads arguments, quoted names with spaces included" '
	scx 0 lint @args1 && empty err &&
	scx 0 lint -v --format=yaml @args1 && grep -q "path: d i r/k k.o" out'
expect "@FILE nests, and mixes with ordinary arguments" '
	scx 0 lint -v @args2 u.o && grep -q "path: d i r/k k.o" out &&
	grep -q "path: u.o" out && ! grep -q "rule: cacheline" out'
printf '%s\n' "-o out.o" "k.o" >args3
expect "@FILE works for check -o too" '
	scx 0 check @args3 && has_table out.o && same k.orig k.o'
expect "an @FILE that cannot be read stays an argument, as in GCC: a missing input" '
	scx 2 lint @no-such-file && grep -q "^@no-such-file: error: " err'
printf '%s\n' "@loop" >loop
expect "a response file that names itself ends (GCC's limit), not hangs" '
	timeout 20 "$SCSTOOL" lint @loop >o 2>e; [ $? -ne 124 ] && [ -s e ]'

done_testing
