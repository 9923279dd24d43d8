#!/bin/bash
# Errors keep their cause up to the message.  A failure to read section
# bytes is injected at each place scstool reads them, one run per place
# (tests/tools/failshim.c, through LD_PRELOAD): during discovery, the
# boundary sweeps, each site's visit and the backends' own rules.  Every
# such run must say "cannot read section ..." on one line with exit 2, never
# "out of memory", and leave the input untouched.  A backend names its rules
# through enum sc_rule, so that a wrong name cannot compile.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

SHIM=$WORK/failshim.so
# ASan wants to come first among the loaded libraries; the shim only
# wraps one libelf call, which ASan does not need to see.
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"

expect "the fault-injection shim builds" '
	log=$(cc -Wall -Wextra -shared -fPIC -o "$SHIM" "$TEST_ROOT/tests/tools/failshim.c" -ldl 2>&1) &&
	[ -z "$log" ] && [ -s "$SHIM" ] || { echo "$log"; exit 1; }'

# inject CMD NAME: runs `scstool CMD NAME.o` (a fresh copy of NAME.orig)
# with the Nth read failing, for N = 1, 2, ... until a run no longer
# fails (exit 0, or 1 for findings).  Each failing run must exit 2 with
# one line that names the section it could not read, leave NAME.o as
# NAME.orig, and no run may crash.  Prints the number of failing runs.
inject() {
	local cmd=$1 obj=$2.o n s
	for ((n = 1; n <= 400; n++)); do
		cp "$2.orig" "$obj"
		FAILSHIM_AT=$n LD_PRELOAD=$SHIM sc $cmd "$obj" >out 2>err
		s=$?
		if ! grep -q "error: cannot read section" err; then
			[ $s -le 1 ] && [ $n -gt 1 ] && { echo $((n - 1)); return 0; }
			echo "run $n: exit $s, not a read error:" >&2
			cat err >&2
			return 1
		fi
		if [ $s -ne 2 ] || [ "$(wc -l <err)" -ne 1 ] ||
		   grep -q "out of memory" err || ! same "$2.orig" "$obj"; then
			echo "run $n: exit $s:" >&2
			cat err >&2
			return 1
		fi
	done
	echo "more than 400 reads?" >&2
	return 1
}

expect "x86-64 kinds.c: every failed read, wherever it happens, is reported as one (check and lint)" '
	build gcc kinds.c x.orig && n=$(inject check x) && n2=$(inject lint x) &&
	echo "check: $n failing runs, lint: $n2" && [ "$n" -ge 10 ] && [ "$n2" -ge 10 ]'

# The failing runs must reach each site's visit: more runs fail than there
# are reads before the visits (one per reference, one per sweep).
expect "x86-64: the reads inside the site visits are among them" '
	refs=$(readelf -rW x.orig | grep -c "__SCT__") && n=$(inject lint x) &&
	[ "$n" -gt $((2 * refs)) ] || { echo "refs $refs, failing runs $n"; false; }'

# ppc64: the backend reads the word after each bl for its TOC-restore rule.
expect "ppc64 (TOC rules read the next word): every failed read is reported as one" '
	build clang ppc64-toc.S p.orig --target=powerpc64le-linux-gnu &&
	n=$(inject lint p) && [ "$n" -ge 8 ]'

expect "arm64: every failed read is reported as one" '
	build clang arm64-kinds.S a.orig --target=aarch64-linux-gnu &&
	n=$(inject lint a) && [ "$n" -ge 4 ]'

# Rules are named by enum: a misspelt one is a compile error, and so is a
# string where the rule goes (with -Werror, as int-conversion is a
# warning in C).
cat >rule-ok.c <<'EOF'
#include "arch/arch.h"
int f(const struct sc_site_view *v);
int f(const struct sc_site_view *v)
{
	return v->report(v->ctx, SC_RULE_TOC_RESTORE, "x");
}
EOF
sed 's/SC_RULE_TOC_RESTORE/SC_RULE_TOC_RESTOR/' rule-ok.c >rule-typo.c
sed 's/SC_RULE_TOC_RESTORE/"toc-restore"/' rule-ok.c >rule-str.c
expect "a backend names rules by enum sc_rule: a typo or a string does not compile" '
	I="-I$TEST_ROOT -I$TEST_ROOT/include $(pkg-config --cflags capstone libelf)" &&
	cc $I -fsyntax-only -Werror rule-ok.c &&
	! cc $I -fsyntax-only rule-typo.c 2>/dev/null &&
	! cc $I -fsyntax-only -Werror rule-str.c 2>/dev/null'

done_testing
