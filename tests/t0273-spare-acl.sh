#!/bin/bash
# A check of many files reuses the file that a rename replaced as the next
# temporary file (t0265, elf/file.c's spare).  In a directory with a
# default ACL (acl(5)), a new file gets an access ACL from it: an output
# that a check of one file writes there has one.  A reused file has none
# (a file with any extended attribute is never reused), so where new
# files get an ACL, none is reused: each output has the ACL a new file
# gets, even when the inputs were moved in from elsewhere without one.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"

expect "the fixtures build" 'build gcc kinds.c k.orig'

# set_default_acl DIR: user::rw-, user:nobody:rw-, group::r--, mask::rw-,
# other::r-- as DIR's default ACL (the xattr's format: acl(5),
# include/uapi/linux/posix_acl_xattr.h), without the acl tools.
set_default_acl() {
	python3 - "$1" <<'PY'
import os, struct, sys
e = [(1, 6, 0xffffffff), (2, 6, 65534), (4, 4, 0xffffffff),
     (0x10, 6, 0xffffffff), (0x20, 4, 0xffffffff)]
os.setxattr(sys.argv[1], "system.posix_acl_default",
            struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *x) for x in e))
PY
}
# acl_of FILE: FILE's extended attribute names.
acl_of() { python3 -c 'import os, sys; print(*os.listxattr(sys.argv[1]))' "$1"; }

mkdir -p d e && set_default_acl d
for f in k1 k2 alone; do cp k.orig e/$f.o && mv e/$f.o d/; done

expect "the inputs, moved in from elsewhere, have no ACL; a check of one file gives its output one (the control)" '
	[ -z "$(acl_of d/k1.o)" ] && [ -z "$(acl_of d/k2.o)" ] &&
	sc check d/alone.o && [ "$(acl_of d/alone.o)" = system.posix_acl_access ]'

expect "check -j1 k1.o k2.o there: both outputs have the ACL a new file gets" '
	sc check -j1 d/k1.o d/k2.o &&
	[ "$(acl_of d/k1.o)" = system.posix_acl_access ] &&
	[ "$(acl_of d/k2.o)" = system.posix_acl_access ] &&
	cmp d/k2.o d/alone.o && no_temp d'

done_testing
