/* What check, lint and dump share about output: the report options and
 * the report printed at the end of a run. */
#ifndef SC_CMD_OUTPUT_H
#define SC_CMD_OUTPUT_H

#include <stdbool.h>

#include "../report/report.h"

struct sc_output {
	enum sc_format format;
	const char *report_path;	/* --report FILE, or NULL: stdout */
	bool stats;
};

/* Parses --format's argument; -1 when it is none of text|yaml|sarif. */
int sc_parse_format(const char *s, enum sc_format *out);

/* Prints the run's report as o asks (nothing for text without --report
 * or --stats) and frees the records.  Returns an exit status for
 * failures to write it, else 0. */
int sc_output_finish(const struct sc_output *o, const char *command,
		     struct sc_report_file **records, int n);

#endif
