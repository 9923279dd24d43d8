/* What check, lint and dump share about output: the report options and
 * the report printed at the end of a run. */
#ifndef SC_CMD_OUTPUT_H
#define SC_CMD_OUTPUT_H

#include <stdbool.h>

#include "../report/report.h"

struct sc_output {
	enum sc_format format;
	const char *report_path;	/* --report FILE; NULL or "-": stdout */
	const char *source_root;	/* --source-root DIR, or NULL: . */
	bool stats;
	bool verbose;			/* -v: notes go into SARIF too */
};

/* SARIF's %SRCROOT%: dir (NULL: the current directory) made absolute
 * and lexically normal, without a final '/'.  Returns a string to free,
 * or NULL with err set. */
char *sc_source_root(const char *dir, struct sc_err *err);

/* Does any output print the sites themselves (a structured format, or
 * --stats)?  Text prints only findings: then no site record is built. */
bool sc_output_needs_sites(const struct sc_output *o);

/* Parses --format's argument; -1 when it is none of text, yaml, json or
 * sarif. */
int sc_parse_format(const char *s, enum sc_format *out);

/* Checks --report's target before anything is read or written, so that
 * a report cannot fail at the end for a reason known at the start: it
 * must be stdout ("-"), a new name or a regular file, and neither one of
 * the n inputs nor the output (-o, or NULL).  Returns -1 to go on, else
 * the exit status, the problem printed. */
int sc_output_check(const struct sc_output *o, const char *cmd,
		    char **inputs, int n, const char *output);

/* The report options every command shares (--format, --report,
 * --stats): -1 to go on, else the usage exit status. */
int sc_output_option(struct sc_output *o, const char *cmd, int id,
		     const char *arg);

/* Prints the run's report as o asks (nothing for text without --report
 * or --stats) and frees the records.  A report file is replaced through
 * a temporary file (elf/file.h), as objects are.  Returns an exit status for
 * failures to write it, else 0. */
int sc_output_finish(const struct sc_output *o, const char *command,
		     struct sc_report_file **records, int n);

#endif
