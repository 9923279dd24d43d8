/* Building report records from what check and dump found. */
#ifndef SC_REPORT_BUILD_H
#define SC_REPORT_BUILD_H

#include "../check/check.h"
#include "../check/table.h"
#include "../elf/lines.h"
#include "report.h"

struct sc_report_input {
	const char *path;
	const struct sc_object *obj;
	const struct sc_arch *arch;
	const struct sc_symbols *syms;
	struct sc_lines *lines;		/* NULL without DWARF */
	unsigned cacheline;		/* line size, for dump's sites */
	bool no_sites;			/* nothing prints the sites (text
					 * without --stats): the record
					 * keeps the findings only */
};

/* The sites and findings of a check, as judged (check/policy.h):
 * suppressed findings are left out. */
int sc_report_from_check(struct sc_report_file *f,
			 const struct sc_report_input *in,
			 const struct sc_result *res, struct sc_err *err);

/* The entries of an existing table, as sites (for dump). */
int sc_report_from_table(struct sc_report_file *f,
			 const struct sc_report_input *in,
			 const struct sc_entry *e, size_t n, struct sc_err *err);

/* A file that could not be read or checked. */
int sc_report_failed(struct sc_report_file *f, const char *path,
		     const char *error, struct sc_err *err);

#endif
