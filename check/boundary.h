/* Instruction boundaries for relocated fields: which instruction holds
 * each field, found by decoding from the nearest known instruction start
 * before it: a code symbol's start, a data run's end, or on x86-64 an
 * instruction start that one of the kernel's tables names (__jump_table,
 * __ex_table, .altinstructions, __bug_table).  The sweeps are
 * independent, so they may run on several threads; the answers do not
 * depend on how many. */
#ifndef SC_CHECK_BOUNDARY_H
#define SC_CHECK_BOUNDARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arch/arch.h"
#include "symbols.h"

struct sc_probe {
	size_t section;
	uint64_t field;		/* offset of the relocated field */
	uint64_t start;		/* out: the instruction holding it */
	uint64_t stuck;		/* out: where decoding failed, if !found */
	bool found;
};

/* Fills start/found/stuck of probes[0..n), which must be sorted by
 * section, then field. */
int sc_find_boundaries(const struct sc_object *obj,
		       const struct sc_symbols *syms,
		       const struct sc_arch *arch, struct sc_probe *probes,
		       size_t n, int threads, struct sc_err *err);

#endif
