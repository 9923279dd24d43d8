/* The human form of a report: GCC-style diagnostic lines. */
#ifndef SC_REPORT_TEXT_H
#define SC_REPORT_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* One finding: "SRC:LINE: severity: OBJ: function+0xoff: message [rule]"
 * when its source line is known, else "OBJ: severity: function+0xoff:
 * message [rule]". */
void sc_report_text_finding(FILE *out, const char *path,
			    const struct sc_report_finding *d);

/* A file's findings (notes only when verbose), or its error. */
void sc_report_text_file(FILE *out, const struct sc_report_file *f,
			 bool verbose);

/* Every finding of every file, then their stats when r->stats. */
void sc_report_text(FILE *out, const struct sc_report *r);

#endif
