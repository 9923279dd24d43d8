#!/bin/bash
# Every lint rule, triggered by a fixture: the finding's rule tag and
# severity, the exit status, and what gets written.  A rule that makes a
# site unpatchable keeps it out of the table whatever severity -W gives.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

# Each fixture has one clean site, `good`, at .text+0.
GOOD=".text+0x0 __SCK__foo 0"

# only_good OBJ: the table holds the clean site and nothing else.
only_good() {
	local got
	got=$(table_set "$1")
	[ "$got" = "$GOOD" ] && return 0
	echo "table of $1 is not just the good site:" >&2
	echo "$got" >&2
	return 1
}

# fresh NAME: a new copy of fixture object NAME.orig as NAME.o.
fresh() {
	cp "$1.orig" "$1.o"
}

# untouched NAME: NAME.o is still NAME.orig, and no temporary is left.
untouched() {
	same "$1.orig" "$1.o" && no_temp
}

for cc in $COMPILERS; do
	p=pfx-$cc b=add-$cc n=nob-$cc u=und-$cc g=ng-$cc d=nab-$cc a=alt-$cc
	expect "$cc: the rule fixtures build" '
		build '$cc' prefixed.S '$p'.orig &&
		build '$cc' badaddend.S '$b'.orig &&
		build '$cc' boundary.S '$n'.orig &&
		build '$cc' undecodable.S '$u'.orig &&
		build '$cc' nonglobal.S '$g'.tmp &&
		objcopy --localize-symbol=__SCT__loc '$g'.tmp '$g'.orig &&
		readelf -sW '$g'.orig | grep -Eq " LOCAL +DEFAULT +[0-9]+ __SCT__loc\$" &&
		build '$cc' notbranch.S '$d'.orig &&
		build '$cc' altinstr.S '$a'.orig'

	# --- prefixed-branch ---
	expect "$cc: prefixed branches are errors: exit 1, five [prefixed-branch] lines" '
		fresh '$p' && scx 1 check '$p'.o &&
		findings_n err error prefixed-branch 5 && [ "$(wc -l <err)" -eq 5 ]'

	expect "$cc: each prefixed-branch error names its function" '
		for fn in pfx_cs pfx_ds pfx_rex pfx_jcc pfx_two; do
			findings err error prefixed-branch | grep -q ": $fn+0x" ||
				{ echo "no line for $fn"; exit 1; }
		done'

	expect "$cc: cs call, ds jmp, rex.W call, cs jne and cs cs call are all caught" '
		findings err error prefixed-branch | grep -Eq ": pfx_cs\+0x[12]: " &&
		findings err error prefixed-branch | grep -Eq ": pfx_ds\+0x[01]: " &&
		findings err error prefixed-branch | grep -Eq ": pfx_rex\+0x[01]: " &&
		findings err error prefixed-branch | grep -Eq ": pfx_jcc\+0x[234]: " &&
		findings err error prefixed-branch | grep -Eq ": pfx_two\+0x[0-2]: "'

	expect "$cc: after prefixed-branch errors nothing is written" 'untouched '$p

	expect "$cc: -W prefixed-branch=warning: exit 0, five warnings" '
		fresh '$p' && scx 0 check -W prefixed-branch=warning '$p'.o &&
		findings_n err warning prefixed-branch 5 && [ "$(wc -l <err)" -eq 5 ]'

	expect "$cc: ... and the prefixed sites stay out of the table" 'only_good '$p'.o'

	expect "$cc: -W prefixed-branch=off: silent even with -v, sites left out" '
		fresh '$p' && scx 0 check -v $QUIET_NOTES -W prefixed-branch=off '$p'.o &&
		empty err && only_good '$p'.o'

	expect "$cc: -W prefixed-branch=note: silent without -v, sites left out" '
		fresh '$p' && scx 0 check -W prefixed-branch=note '$p'.o &&
		empty err && only_good '$p'.o'

	expect "$cc: -W prefixed-branch=note with -v shows five notes" '
		fresh '$p' && scx 0 check -v $QUIET_NOTES -W prefixed-branch=note -n '$p'.o &&
		findings_n err note prefixed-branch 5 && untouched '$p

	expect "$cc: -W prefixed-branch=error is the default: exit 1" '
		fresh '$p' && scx 1 check -W prefixed-branch=error '$p'.o &&
		findings_n err error prefixed-branch 5 && untouched '$p

	expect "$cc: the last -W for a rule wins" '
		fresh '$p' &&
		scx 1 check -W prefixed-branch=off -W prefixed-branch=error '$p'.o &&
		findings_n err error prefixed-branch 5 && untouched '$p' &&
		scx 0 check -W prefixed-branch=error -W prefixed-branch=off '$p'.o &&
		empty err && only_good '$p'.o'

	# --- bad-addend ---
	expect "$cc: call __SCT__foo+4 and jmp __SCT__foo-8: exit 1, two [bad-addend]" '
		fresh '$b' && scx 1 check '$b'.o &&
		findings_n err error bad-addend 2 && [ "$(wc -l <err)" -eq 2 ] &&
		findings err error bad-addend | grep -q ": plus4+0x0: " &&
		findings err error bad-addend | grep -q ": minus8+0x0: " && untouched '$b

	expect "$cc: -W bad-addend=warning: exit 0, the bad sites stay out" '
		fresh '$b' && scx 0 check -W bad-addend=warning '$b'.o &&
		findings_n err warning bad-addend 2 && only_good '$b'.o'

	expect "$cc: -W bad-addend=off: silent, the bad sites stay out" '
		fresh '$b' && scx 0 check -W bad-addend=off '$b'.o &&
		empty err && only_good '$b'.o'

	# --- not-on-boundary ---
	expect "$cc: E8 or 0F 85 inside a movabs: exit 1, two [not-on-boundary]" '
		fresh '$n' && scx 1 check '$n'.o &&
		findings_n err error not-on-boundary 2 && [ "$(wc -l <err)" -eq 2 ] &&
		findings err error not-on-boundary | grep -q ": in_movabs+0x" &&
		findings err error not-on-boundary | grep -q ": jcc_in_movabs+0x" &&
		untouched '$n

	expect "$cc: -W not-on-boundary=off: exit 0, silent, the fake sites stay out" '
		fresh '$n' && scx 0 check -v $QUIET_NOTES -W not-on-boundary=off '$n'.o &&
		empty err && only_good '$n'.o'

	expect "$cc: -W not-on-boundary=warning: exit 0, two warnings, fake sites out" '
		fresh '$n' && scx 0 check -W not-on-boundary=warning '$n'.o &&
		findings_n err warning not-on-boundary 2 && only_good '$n'.o'

	# --- undecodable ---
	expect "$cc: a call after undecodable bytes: a warning, exit 0" '
		fresh '$u' && scx 0 check '$u'.o &&
		findings_n err warning undecodable 1 && [ "$(wc -l <err)" -eq 1 ] &&
		findings err warning undecodable | grep -q ": after_junk+0x"'

	expect "$cc: ... and that unproven site stays out of the table" 'only_good '$u'.o'

	expect "$cc: the undecodable warning shows where decoding stopped and the bytes" '
		grep -q ": after_junk+0x3: .* at after_junk+0x0 (0f 04 e8 00\.\.\.)" err'

	expect "$cc: -W undecodable=error: exit 1, nothing written" '
		fresh '$u' && scx 1 check -W undecodable=error '$u'.o &&
		findings_n err error undecodable 1 && untouched '$u

	expect "$cc: -W undecodable=off: silent, the site still left out" '
		fresh '$u' && scx 0 check -v $QUIET_NOTES -W undecodable=off '$u'.o && empty err &&
		only_good '$u'.o'

	# --- nonglobal-trampoline ---
	expect "$cc: branches to weak and local __SCT__: two warnings, exit 0" '
		fresh '$g' && scx 0 check '$g'.o &&
		findings_n err warning nonglobal-trampoline 2 && [ "$(wc -l <err)" -eq 2 ] &&
		findings err warning nonglobal-trampoline | grep -q ": to_weak+0x.*__SCT__weak" &&
		findings err warning nonglobal-trampoline | grep -q ": to_local+0x.*__SCT__loc"'

	expect "$cc: branches to weak and local __SCT__ are no sites" 'only_good '$g'.o'

	expect "$cc: -W nonglobal-trampoline=error: exit 1, nothing written" '
		fresh '$g' && scx 1 check -W nonglobal-trampoline=error '$g'.o &&
		findings_n err error nonglobal-trampoline 2 && untouched '$g

	expect "$cc: -W nonglobal-trampoline=off: silent" '
		fresh '$g' && scx 0 check -W nonglobal-trampoline=off '$g'.o &&
		empty err && only_good '$g'.o'

	# --- not-a-branch ---
	expect "$cc: lea, a data pointer and call-like data: silent without -v" '
		fresh '$d' && scx 0 check '$d'.o && empty err'

	expect "$cc: those references are no sites" 'only_good '$d'.o'

	expect "$cc: with -v they are three [not-a-branch] notes" '
		fresh '$d' && scx 0 check -v $QUIET_NOTES '$d'.o &&
		findings_n err note not-a-branch 3 && [ "$(wc -l <err)" -eq 3 ] &&
		findings err note not-a-branch | grep -q ": take_addr+0x" &&
		findings err note not-a-branch | grep -q ": \.data+0x8: " &&
		findings err note not-a-branch | grep -q ": \.rodata+0x[01]: "'

	expect "$cc: -W not-a-branch=error: exit 1, nothing written" '
		fresh '$d' && scx 1 check -W not-a-branch=error '$d'.o &&
		findings_n err error not-a-branch 3 && untouched '$d

	expect "$cc: -W not-a-branch=warning: shown without -v, exit 0" '
		fresh '$d' && scx 0 check -W not-a-branch=warning '$d'.o &&
		findings_n err warning not-a-branch 3 && only_good '$d'.o'

	expect "$cc: notbranch.c (pointer in data, address taken) has no site" '
		build '$cc' notbranch.c nbc-'$cc'.o && cp nbc-'$cc'.o nbc-'$cc'.orig &&
		scx 0 check nbc-'$cc'.o && empty err &&
		same nbc-'$cc'.orig nbc-'$cc'.o && ! has_table nbc-'$cc'.o'

	expect "$cc: notbranch.c: -v shows a [not-a-branch] note for each reference" '
		scx 0 check -v $QUIET_NOTES nbc-'$cc'.o &&
		refs=$(readelf -rW nbc-'$cc'.o | grep -c " __SCT__foo") &&
		[ "$refs" -ge 2 ] && findings_n err note not-a-branch "$refs" &&
		findings err note not-a-branch | grep -q ": foo_addr+0x"'

	# --- altinstr-replacement ---
	expect "$cc: sites in .altinstr_replacement: silent, exit 0" '
		fresh '$a' && scx 0 check '$a'.o && empty err'

	expect "$cc: sites in .altinstr_replacement stay out of the table" 'only_good '$a'.o'

	expect "$cc: with -v they are two [altinstr-replacement] notes" '
		fresh '$a' && scx 0 check -v $QUIET_NOTES '$a'.o &&
		findings_n err note altinstr-replacement 2 && [ "$(wc -l <err)" -eq 2 ] &&
		findings err note altinstr-replacement | grep -Eq ": \.altinstr_replacement\+0x[01]: "'

	expect "$cc: -W altinstr-replacement=error: exit 1, nothing written" '
		fresh '$a' && scx 1 check -W altinstr-replacement=error '$a'.o &&
		findings_n err error altinstr-replacement 2 && untouched '$a
done

# --- -W itself ---
cp pfx-gcc.orig w.o && cp pfx-gcc.orig w.orig
expect "-W with an unknown rule is a usage error (exit 2)" '
	scx 2 check -W no-such-rule=error w.o && [ -s err ] && untouched w'
expect "-W with an unknown severity is a usage error (exit 2)" '
	scx 2 check -W prefixed-branch=fatal w.o && [ -s err ] && untouched w'
expect "-W RULE without =SEVERITY is GCC's -WRULE: the rule stays on" '
	scx 1 check -W prefixed-branch w.o && [ -s err ] && untouched w'

# An operand-size prefix shrinks the displacement a decoder sees: the
# branch is still recognised by its opcode, as a prefixed one.
expect "66 e8 is a prefixed-branch, not a not-on-boundary" '
	build gcc opsize.S osz.o && cp osz.o osz.orig &&
	scx 1 check osz.o &&
	findings_n err error prefixed-branch 1 && [ "$(wc -l <err)" -eq 1 ] &&
	grep -q ": osz+0x0: " err && cmp -s osz.o osz.orig'

done_testing
