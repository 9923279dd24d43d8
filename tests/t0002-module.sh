#!/bin/bash
# Module mode: a trampoline without a __SCK__ key is its own key, with
# --module / -m or automatically for objects that have .modinfo or
# .gnu.linkonce.this_module; outside module mode that is a missing-key
# error and the object is left alone.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

for cc in $COMPILERS; do
	m=m-$cc
	expect "$cc: module.c builds, with and without .modinfo" '
		build '$cc' module.c '$m'.o && cp '$m'.o '$m'.orig &&
		build '$cc' module.c '$m'-info.o -DMODINFO &&
		readelf -SW '$m'-info.o | grep -q " \.modinfo " &&
		! readelf -SW '$m'.o | grep -q " \.modinfo " &&
		objcopy --add-section .gnu.linkonce.this_module=/dev/null \
			'$m'.o '$m'-this.o &&
		readelf -SW '$m'-this.o | grep -q " \.gnu\.linkonce\.this_module "'

	# What the table must hold in module mode: foo has a key, baz not.
	expected_sites $m.orig | sed 's/ __SCK__baz / __SCT__baz /' >$m.want

	expect "$cc: without module mode a missing key is an error, exit 1" '
		scx 1 check '$m'.o && findings_n err error missing-key 2 &&
		[ "$(wc -l <err)" -eq 2 ]'

	expect "$cc: the missing-key error names the key, the function and the site" '
		site=$(grep "^\.text\.m_call+.* __SCK__baz " <(expected_sites '$m'.orig) | cut -d" " -f1) &&
		off=${site#*+} &&
		findings err error missing-key | grep -F "'$m'.o: error: m_call+$off: " |
			grep -q "__SCK__baz"'

	expect "$cc: after a missing-key error the object is byte-identical" '
		same '$m'.orig '$m'.o && no_temp && ! has_table '$m'.o'

	expect "$cc: --module uses the trampoline as the key" '
		cp '$m'.orig mod.o && scx 0 check --module mod.o &&
		empty err && table_set mod.o >got && diff '$m'.want got &&
		grep -q " __SCT__baz 0\$" got'

	expect "$cc: -m is --module" '
		cp '$m'.orig mod2.o && scx 0 check -m mod2.o &&
		table_set mod2.o >got && diff '$m'.want got'

	expect "$cc: in module mode a keyless tail call gets the trampoline and TAIL" '
		table_set mod.o | grep -qx "\.text\.m_tail_nokey+0x0 __SCT__baz 1"'

	expect "$cc: module mode still prefers an existing __SCK__ key" '
		cp '$m'.orig mod3.o && scx 0 check --module mod3.o &&
		table_set mod3.o | grep -qx "\.text\.m_tail+0x0 __SCK__foo 1"'

	expect "$cc: dump of a module table shows the trampoline as key" '
		cp '$m'.orig mod4.o && sc check -m mod4.o &&
		sc dump mod4.o | grep -Eqx "  \.text\.m_call\+0x[0-9a-f]+  m_call\+0x[0-9a-f]+  call  __SCT__baz  -"'

	expect "$cc: a .modinfo section turns module mode on by itself" '
		expected_sites '$m'-info.o | sed "s/ __SCK__baz / __SCT__baz /" >want &&
		scx 0 check '$m'-info.o && empty err &&
		table_set '$m'-info.o >got && diff want got'

	expect "$cc: a .gnu.linkonce.this_module section turns module mode on" '
		scx 0 check '$m'-this.o && empty err &&
		table_set '$m'-this.o >got && diff '$m'.want got'

	# A rule that makes a site unpatchable keeps it out of the table,
	# whatever severity it is given.
	expect "$cc: -W missing-key=warning: a warning, exit 0, site left out" '
		cp '$m'.orig w.o &&
		scx 0 check -W missing-key=warning w.o &&
		findings_n err warning missing-key 2 && [ "$(wc -l <err)" -eq 2 ] &&
		table_set w.o >got &&
		grep -v " __SCT__baz " '$m'.want >want && [ -s want ] &&
		diff want got'

	expect "$cc: -W missing-key=off: silent, exit 0, site left out" '
		cp '$m'.orig off.o &&
		scx 0 check -v -W missing-key=off off.o && empty err &&
		table_set off.o >got &&
		grep -v " __SCT__baz " '$m'.want >want && diff want got'

	expect "$cc: -W missing-key=note: shown only with -v, site left out" '
		cp '$m'.orig n1.o && cp '$m'.orig n2.o &&
		scx 0 check -W missing-key=note n1.o && empty err &&
		scx 0 check -v -W missing-key=note n2.o &&
		findings_n err note missing-key 2 &&
		grep -v " __SCT__baz " '$m'.want >want &&
		table_set n1.o >got1 && diff want got1 &&
		table_set n2.o >got2 && diff want got2'
done

done_testing
