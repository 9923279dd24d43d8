/* The human form of a report: GCC-style diagnostic lines. */
#ifndef SC_REPORT_TEXT_H
#define SC_REPORT_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* One finding: "SRC:LINE: severity: OBJ: function+0xoff: message [rule]"
 * when its source line is known, else "OBJ: severity: function+0xoff:
 * message [rule]".  A severity that a -Werror flag changed names the
 * flag: "[rule, -Werror]".  With colour, GCC's escape sequences. */
void sc_report_text_finding(FILE *out, const char *path,
			    const struct sc_report_finding *d, bool colour);

/* A file that could not be checked: "FILE: error: msg". */
void sc_report_text_error(FILE *out, const char *path, const char *msg,
			  bool colour);

/* A file's findings (notes only when verbose), or its error. */
void sc_report_text_file(FILE *out, const struct sc_report_file *f,
			 bool verbose, bool colour);

/* Every finding of every file, then their stats when r->stats. */
void sc_report_text(FILE *out, const struct sc_report *r);

#endif
