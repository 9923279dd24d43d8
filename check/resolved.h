/* Branches to a trampoline that carry no relocation.  An assembler
 * resolves a branch to a symbol whose place it knows (one defined in the
 * same section: gas does so for local symbols, and may shorten a jmp to
 * two bytes), and then no relocation says where the branch is: no
 * relocation-driven search finds it, and no table entry can point at it.
 * They are found here by decoding the code of each section that defines
 * a trampoline. */
#ifndef SC_CHECK_RESOLVED_H
#define SC_CHECK_RESOLVED_H

#include <stddef.h>
#include <stdint.h>

#include "../arch/arch.h"
#include "../decode/decode.h"
#include "symbols.h"

struct sc_resolved {
	size_t section;
	uint64_t offset;	/* the branch's first byte */
	unsigned length;	/* in bytes */
	size_t tramp;		/* the trampoline's symbol index */
	enum sc_kind kind;
};

/* Fills *out (malloc'd, sorted by section, then offset; the caller frees
 * it) with every direct branch to the first byte of a trampoline defined
 * in the branch's own section that has no relocation on its displacement.
 * Code is decoded from each known boundary of those sections (symbols,
 * the ends of data) up to the next, skipping data; x86 through a sweep
 * (decode/sweep.h), fixed-width ISAs word by word with dec.  Sections
 * that hold an alternatives template are skipped, as their references
 * are. */
int sc_find_resolved(const struct sc_object *obj,
		     const struct sc_symbols *syms, const struct sc_arch *arch,
		     struct sc_decoder *dec, struct sc_resolved **out,
		     size_t *n, struct sc_err *err);

#endif
