#!/bin/bash
# Malformed inputs beyond x86-64: the same classes as t0004 on ELF32
# objects (i386 with REL relocations, ppc32 with RELA) and on big-endian
# ones (ppc32, ppc64 ELFv2 and ELFv1).  Each is refused with exit status 2
# and exactly one line on stderr that names the file; the input stays
# byte-identical and no temporary file is left.  Every patch is written in
# the object's own class and byte order, at offsets read with readelf.
source "$(dirname "$0")/lib.sh"
source "$TEST_ROOT/tests/helpers.sh"


# be VALUE N: VALUE as N big-endian hex bytes (le is in helpers.sh).
be() {
	local v=$1 n=$2 i
	for ((i = n - 1; i >= 0; i--)); do
		printf '%02x ' $(((v >> (8 * i)) & 255))
	done
}

# The good object's shape, set by shape OBJ: ELF class (32 or 64), byte
# order (le or be), section header table offset and entry size, and the
# offsets of sh_size and sh_link inside an entry.
shape() {
	CLASS=$(readelf -hW "$1" | gawk '$1 == "Class:" { print ($2 == "ELF32") ? 32 : 64 }')
	ORDER=$(readelf -hW "$1" | gawk '$1 == "Data:" { print /big endian/ ? "be" : "le" }')
	SHOFF=$(readelf -hW "$1" | gawk '/Start of section headers/ { print $5 }')
	if [ "$CLASS" = 32 ]; then
		SHENT=40 SH_SIZE=20 SH_LINK=24 WORD=4 EHDR=52
	else
		SHENT=64 SH_SIZE=32 SH_LINK=40 WORD=8 EHDR=64
	fi
}

# num VALUE N: VALUE as N bytes in the object's byte order.
num() {
	if [ "$ORDER" = be ]; then be "$1" "$2"; else le "$1" "$2"; fi
}

# shdr OBJ NAME: file offset of section NAME's header, in either class.
shdr() {
	local idx
	idx=$(sec_idx "$1" "$2")
	[ -n "$idx" ] && echo $((SHOFF + SHENT * idx))
}

# damage NAME OFFSET HEXBYTE...: NAME.o is good.o with the bytes written at
# OFFSET, and NAME.o.orig a copy of it; fails when nothing changed.
damage() {
	local n=$1
	shift
	cp good.o "$n.o" && poke "$n.o" "$@" && cp "$n.o" "$n.o.orig" &&
		! cmp -s good.o "$n.o"
}

# bad_symidx NAME RELSEC: the first relocation of RELSEC names symbol
# 32767, its type kept.  ELF32: r_info (sym << 8 | type) is the word at +4;
# ELF64: r_info is the doubleword at +8, its high half the symbol.
bad_symidx() {
	local n=$1 rel info type
	rel=$(sec_off good.o "$2")
	if [ "$CLASS" = 32 ]; then
		info=$(readelf -rW good.o | gawk -v s="'$2'" '
			/^Relocation section/ { on = ($3 == s); next }
			on && $1 ~ /^[0-9a-f]+$/ { print $2; exit }')
		type=$((0x$info & 255))
		damage "$n" $((rel + 4)) $(num $(((32767 << 8) | type)) 4)
	elif [ "$ORDER" = be ]; then
		damage "$n" $((rel + 8)) $(be 32767 4)
	else
		damage "$n" $((rel + 12)) $(le 32767 4)
	fi
}

for a in i386 ppc32 ppc64be2 ppc64be1; do
	case $a in
	i386) src=i386-kinds.S T="--target=i386-linux-gnu" rel=.rel.text ;;
	ppc32) src=ppc32-kinds.S T="--target=powerpc-linux-gnu" rel=.rela.text ;;
	ppc64be2) src=ppc64-kinds.S T="--target=powerpc64-linux-gnu -mabi=elfv2" rel=.rela.text ;;
	ppc64be1) src=ppc64-kinds.S T="--target=powerpc64-linux-gnu -mabi=elfv1" rel=.rela.text ;;
	esac
	mkdir -p "$WORK/$a" && cd "$WORK/$a" || exit 1

	expect "$a: the good object builds and checks cleanly" '
		build clang $src good.o $T && cp good.o probe.o && scx 0 check -n probe.o'
	shape good.o
	expect "$a: it is ELF$CLASS, $ORDER (as this file means to test)" '
		case $a in
		i386) [ $CLASS = 32 ] && [ $ORDER = le ] ;;
		ppc32) [ $CLASS = 32 ] && [ $ORDER = be ] ;;
		*) [ $CLASS = 64 ] && [ $ORDER = be ] ;;
		esac && [ -n "$SHOFF" ] && [ -n "$(sec_off good.o $rel)" ]'

	# --- truncated ---
	head -c $EHDR good.o >cut-ehdr.o && cp cut-ehdr.o cut-ehdr.o.orig
	expect "$a: a file cut right after its ELF header is refused" 'rejected cut-ehdr.o'
	expect "$a: dump refuses it too" 'rejected cut-ehdr.o dump'

	head -c $((EHDR - 12)) good.o >cut-ident.o && cp cut-ident.o cut-ident.o.orig
	expect "$a: a file cut inside its ELF header is refused" 'rejected cut-ident.o'

	head -c $((SHOFF + SHENT + SHENT / 2)) good.o >cut-shdrs.o && cp cut-shdrs.o cut-shdrs.o.orig
	expect "$a: a file cut inside its section header table is refused" 'rejected cut-shdrs.o'

	# --- header fields that lie ---
	damage class 4 $([ $CLASS = 32 ] && echo 02 || echo 01)
	expect "$a: EI_CLASS flipped (ELF$CLASS said to be the other class) is refused" 'rejected class.o'
	expect "$a: dump refuses the flipped class too" 'rejected class.o dump'

	damage order 5 $([ $ORDER = be ] && echo 01 || echo 02)
	expect "$a: EI_DATA flipped ($ORDER said to be the other order) is refused" 'rejected order.o'
	expect "$a: dump refuses the flipped byte order too" 'rejected order.o dump'

	# --- indices out of range ---
	bad_symidx relsym $rel
	expect "$a: a relocation whose symbol index is out of range is refused" 'rejected relsym.o'

	damage link $(($(shdr good.o $rel) + SH_LINK)) $(num 999 4)
	expect "$a: a relocation section whose sh_link is out of range is refused" 'rejected link.o'

	damage symlink $(($(shdr good.o .symtab) + SH_LINK)) $(num 999 4)
	expect "$a: a symbol table whose sh_link is out of range is refused" 'rejected symlink.o'

	# --- shapes ---
	damage ragged $(($(shdr good.o .symtab) + SH_SIZE)) \
		$(num $(($(sec_size good.o .symtab) - 4)) $WORD)
	expect "$a: a symbol table whose size is no multiple of its entry size is refused" 'rejected ragged.o'

	damage ragrel $(($(shdr good.o $rel) + SH_SIZE)) \
		$(num $(($(sec_size good.o $rel) - 4)) $WORD)
	expect "$a: a relocation section whose size is no multiple of its entry size is refused" 'rejected ragrel.o'

	expect "$a: -o for a malformed input makes no output file" '
		sc check -o made.o ragged.o 2>err; s=$?
		[ $s -eq 2 ] && [ ! -e made.o ] && same ragged.o.orig ragged.o && no_temp ||
			{ echo "exit $s"; cat err; false; }'

	# The patches hit what they mean to: readelf sees each lie.
	expect "$a: (readelf sees the lies: sh_link 999, ragged .symtab, symbol 32767)" '
		readelf -SW link.o 2>&1 | grep -F " $rel " | gawk "{ for (i = 1; i <= NF; i++) if (\$i == 999) f = 1 } END { exit !f }" &&
		[ $(( $(sec_size ragged.o .symtab) % (CLASS == 32 ? 16 : 24) )) -ne 0 ] &&
		readelf -rW relsym.o 2>&1 | grep -qi "bad symbol index\|7fff"'

	cd "$WORK" || exit 1
done

done_testing
