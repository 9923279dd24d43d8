#!/bin/bash
# Runs every test file against the normal and the sanitized (ASan+UBSan)
# binary, the normal one under valgrind, then the differential test against
# Debian's kernel modules and objtool, and ends with one summary line:
# "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
counts=$(mktemp)
trap 'rm -f "$counts"' EXIT
export TEST_COUNTS=$counts
status=0

run_suite() {
	local variant=$1 bin=$2 t
	for t in tests/t[0-9]*.sh; do
		TEST_VARIANT=$variant SCSTOOL=$bin bash "$t" || status=1
	done
}

run_suite rel scstool
run_suite san build/san/scstool
TEST_VARIANT=rel bash tests/valgrind.sh || status=1
if [ "${SCSTOOL_SKIP_REAL:-}" != 1 ]; then
	TEST_VARIANT=rel SCSTOOL=scstool bash tests/real/diff.sh || status=1
else
	# Never a silent pass: a skipped reference test is counted as failed.
	echo "not ok - real-world differential test skipped (SCSTOOL_SKIP_REAL=1)"
	echo "0 1" >>"$counts"
	status=1
fi

awk '{ p += $1; f += $2 } END { printf "%d passed, %d failed\n", p, f }' "$counts"
exit $status
