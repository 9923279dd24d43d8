/* verify: the post-link check of a linked file's static-call table.
 *
 * Every entry must point at the first byte of an instruction of a form
 * the loader accepts for its flags (arch->site_form), a branch must go to
 * the trampoline of the entry's key (by symbol name, or where no symbol
 * names it, by the trampoline's own code), and no two entries may name
 * the same site.  Where symbols give the functions, their code is swept
 * for direct branches to trampolines that no entry covers (outside
 * .altinstr_replacement, a template the kernel copies elsewhere).  A file
 * with such branches and no table at all gets missing-table.
 *
 * Everything is judged at the addresses the linker chose: cache lines
 * are exact.  Nothing is written. */
#ifndef SC_CHECK_VERIFY_H
#define SC_CHECK_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "linked.h"

struct sc_verify_opts {
	unsigned cacheline;		/* line size in bytes */
	bool cond_tail;			/* the loader patches Jcc sites */
	const struct sc_policy *policy;
};

/* What verify looked at, for --stats and the summary line. */
struct sc_verify_stats {
	bool has_table;
	struct sc_linked_table table;	/* where it was found */
	size_t entries;			/* entries checked */
	size_t functions;		/* functions swept for sites */
	size_t stuck;			/* of them, sweeps that stopped on
					 * bytes no decoder knows */
	size_t trampolines;		/* trampolines known by symbol */
	size_t unlisted;		/* branches to them no entry covers */
};

/* Checks obj (linked) and fills res: its sites are the table's entries
 * (in_table, from_table) and the branches to trampolines no entry
 * covers (not in_table), sorted by section and offset; its findings in
 * the order made.  Returns -1 only when the table cannot be read at all
 * or memory runs out (err says why). */
int sc_verify_object(const struct sc_object *obj,
		     const struct sc_symbols *syms,
		     const struct sc_verify_opts *opts, struct sc_result *res,
		     struct sc_verify_stats *stats, struct sc_err *err);

#endif
