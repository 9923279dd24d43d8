#!/bin/sh
# Installs or uninstalls what the Makefile's INSTALL_MANIFEST lists, so
# that `make install` and `make uninstall` derive from one list.
#   install.sh install|uninstall DESTDIR ENTRY...
# Each ENTRY is one of:
#   file:SRC:DEST:MODE   the file SRC becomes DEST, with MODE
#   link:TARGET:DEST     DEST becomes a symbolic link to TARGET
#   dir:DEST             a directory of our own: made by install, removed
#                        by uninstall once empty (never a shared one such
#                        as bin/)
# DEST is an absolute path under the prefix; DESTDIR (which may be empty)
# is put in front of it, for staging a package.  Paths hold no colon.
set -eu

action=$1
destdir=$2
shift 2

install_one() {
	case $1 in
	file:*)
		set -- $(echo "$1" | tr ':' ' ')
		install -d "$destdir$(dirname "$3")"
		install -m "$4" "$2" "$destdir$3"
		;;
	link:*)
		set -- $(echo "$1" | tr ':' ' ')
		install -d "$destdir$(dirname "$3")"
		ln -sfn "$2" "$destdir$3"
		;;
	dir:*)
		install -d "$destdir${1#dir:}"
		;;
	*)
		echo "install.sh: bad manifest entry '$1'" >&2
		exit 2
		;;
	esac
}

# Removes files and links first; our own directories after, deepest first.
uninstall_all() {
	dirs=""
	for e; do
		case $e in
		file:*|link:*)	# DEST is the third field of both
			rm -f "$destdir$(echo "$e" | cut -d: -f3)"
			;;
		dir:*) dirs="${e#dir:} $dirs" ;;
		esac
	done
	for d in $dirs; do
		[ -d "$destdir$d" ] && rmdir "$destdir$d" 2>/dev/null ||
			[ ! -d "$destdir$d" ] ||
			echo "uninstall: $destdir$d is not empty: left in place" >&2
	done
}

case $action in
install) for e; do install_one "$e"; done ;;
uninstall) uninstall_all "$@" ;;
*) echo "usage: install.sh install|uninstall DESTDIR ENTRY..." >&2; exit 2 ;;
esac
