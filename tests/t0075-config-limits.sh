#!/bin/bash
# The policy file under hostile conditions: it must be a regular file
# (--config /dev/zero, a FIFO, a FIFO named .scstool.yaml in a parent
# folder are refused at once, exit 2), of at most 1 MiB, nested at most
# 32 levels; many keys cost O(n log n).  Each case must complete: the
# timeouts are generous, the point is that nothing hangs or crawls.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixture builds" 'build gcc kinds.c k.orig'

# refused_config WORDS ARGS...: lint ARGS k.orig completes within 30 s
# with exit 2 and one error line containing WORDS, and nothing on stdout.
refused_config() {
	local words=$1 s
	shift
	timeout 30 "$SCSTOOL" lint "$@" "$WORK/k.orig" >out 2>err
	s=$?
	[ $s -eq 2 ] && [ ! -s out ] && [ "$(wc -l <err)" -eq 1 ] &&
		grep -qF -- "$words" err || { echo "exit $s"; cat err; false; }
}

expect "--config /dev/zero is refused at once" '
	refused_config "/dev/zero: error: not a regular file (a character device)" --config /dev/zero'
mkfifo fifo.yaml
expect "--config naming a FIFO is refused at once" '
	refused_config "fifo.yaml: error: not a regular file (a FIFO)" --config fifo.yaml'
expect "--config naming a folder is refused" '
	mkdir -p adir && refused_config "adir: error: is a directory" --config adir'
expect "a FIFO named .scstool.yaml two folders up does not hang a run below it" '
	mkdir -p proj/a/b && mkfifo proj/.scstool.yaml &&
	(cd proj/a/b && refused_config "proj/.scstool.yaml: error: not a regular file (a FIFO)")'
expect "the FIFO is still a FIFO, and nobody opened it for writing" '[ -p proj/.scstool.yaml ]'

expect "a config of more than 1 MiB is refused, naming the limit" '
	{ echo "rules:"; yes "# a comment line to make the file big" | head -c 1100000; } >big.yaml &&
	refused_config "big.yaml: error: 1100007 bytes, more than the limit of 1048576" --config big.yaml'
expect "one of 1 MiB less a little is read" '
	{ echo "cacheline: 32"; yes "# a comment line to make the file big" | head -c 1040000; } >fits.yaml &&
	timeout 30 "$SCSTOOL" lint --config fits.yaml k.orig'

# 100,000 nested brackets took 54 s.
expect "100,000 nested brackets: refused at level 33, at once" '
	{ printf "rules: "; head -c 100000 /dev/zero | tr "\0" "["; } >deep.yaml &&
	refused_config "deep.yaml:1:39: error: nested deeper than 32 levels" --config deep.yaml'
expect "deeply nested maps are refused the same way" '
	{ for i in $(seq 40); do printf "%*sa:\n" $((2 * i - 2)) ""; done; } >deepmap.yaml &&
	refused_config "deepmap.yaml:33:" --config deepmap.yaml &&
	grep -q "nested deeper than 32 levels" err'
expect "32 levels are not refused for their depth" '
	{ printf "rules: "; head -c 31 /dev/zero | tr "\0" "["; head -c 31 /dev/zero | tr "\0" "]"; echo; } >ok.yaml &&
	refused_config "ok.yaml:1:8: error: " --config ok.yaml && ! grep -q "nested deeper" err'

# 80,000 keys took 36 s: the duplicate check compared every pair.  Their
# file is just under 1 MiB.
expect "80,000 distinct keys complete, and the first unknown one is named" '
	{ echo "rules:"; seq -f "  k%05g: x" 0 79999; } >keys.yaml &&
	refused_config "keys.yaml:2:3: error: unknown rule '"'"'k00000'"'"'" --config keys.yaml'
expect "a duplicate among 80,000 keys is found, with the line of the first" '
	{ echo "rules:"; seq -f "  k%05g: x" 0 79999; echo "  k40000: y"; } >dup.yaml &&
	refused_config "dup.yaml:80002:3: error: duplicate key '"'"'k40000'"'"' (first at line 40002)" --config dup.yaml'
expect "the first duplicate in the file is the one reported" '
	printf "%s\n" "rules:" "  b: off" "  a: off" "  c: off" "  a: on" "  b: on" "  a: x" >first.yaml &&
	refused_config "first.yaml:5:3: error: duplicate key '"'"'a'"'"' (first at line 3)" --config first.yaml'
expect "45,000 suppress entries (1 MiB) complete" '
	{ echo "suppress:"; seq -f "  - function: f%06g" 0 44999; } >supp.yaml &&
	timeout 60 "$SCSTOOL" lint --config supp.yaml k.orig'

done_testing
