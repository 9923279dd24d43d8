#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../report/text.h"
#include "cmd.h"

#ifndef SC_VERSION
#define SC_VERSION "0.1"
#endif

int sc_parse_format(const char *s, enum sc_format *out)
{
	static const char *const names[] = { "text", "yaml", "sarif" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum sc_format)i;
			return 0;
		}
	return -1;
}

static int emit(FILE *out, const struct sc_output *o,
		const struct sc_report *r, struct sc_err *err)
{
	switch (o->format) {
	case SC_FORMAT_YAML:
		return sc_report_yaml(out, r, err);
	case SC_FORMAT_SARIF:
		return sc_report_sarif(out, r, err);
	case SC_FORMAT_TEXT:
		break;
	}
	if (o->report_path)
		sc_report_text(out, r);
	else
		for (size_t i = 0; r->stats && i < r->nfiles; i++)
			sc_report_stats_text(out, &r->files[i]);
	return 0;
}

/* The report is made in memory first: one that fails halfway (libyaml
 * refuses a path that is not UTF-8) prints nothing rather than half. */
static int render(const struct sc_output *o, const struct sc_report *r,
		  char **buf, size_t *len)
{
	FILE *mem = open_memstream(buf, len);
	struct sc_err err;
	int ret;

	if (!mem) {
		fprintf(stderr, "scstool: out of memory\n");
		return -1;
	}
	ret = emit(mem, o, r, &err);
	if (fclose(mem) && !ret)
		ret = sc_errf(&err, "out of memory");
	if (ret)
		fprintf(stderr, "scstool: cannot make the report: %s\n",
			err.msg);
	return ret;
}

static int write_report(const struct sc_output *o, const struct sc_report *r)
{
	FILE *out = stdout;
	char *buf = NULL;
	size_t len = 0;
	int ret = render(o, r, &buf, &len);

	if (ret || (!len && !o->report_path)) {
		free(buf);
		return ret ? SC_EXIT_USAGE : 0;
	}
	if (o->report_path && !(out = fopen(o->report_path, "w"))) {
		fprintf(stderr, "scstool: cannot write %s: %s\n",
			o->report_path, strerror(errno));
		free(buf);
		return SC_EXIT_USAGE;
	}
	if (fwrite(buf, 1, len, out) != len)
		ret = -1;
	free(buf);
	if ((out != stdout ? fclose(out) : fflush(out)) || ret) {
		fprintf(stderr, "scstool: cannot write %s: %s\n",
			o->report_path ? o->report_path : "the report",
			strerror(errno));
		ret = -1;
	}
	return ret ? SC_EXIT_USAGE : 0;
}

int sc_output_finish(const struct sc_output *o, const char *command,
		     struct sc_report_file **records, int n)
{
	struct sc_report r = { .command = command, .version = SC_VERSION,
			       .stats = o->stats };
	struct sc_err err;
	int i, status = 0;

	r.files = calloc(n + 1, sizeof(*r.files));
	if (!r.files)
		return SC_EXIT_USAGE;
	for (i = 0; i < n; i++)
		if (records[i])
			r.files[r.nfiles++] = *records[i];
	for (i = 0; o->stats && (size_t)i < r.nfiles; i++)
		if (sc_report_count(&r.files[i], &err))
			status = SC_EXIT_USAGE;
	if (!status)
		status = write_report(o, &r);
	for (i = 0; (size_t)i < r.nfiles; i++)
		sc_report_file_free(&r.files[i]);
	for (i = 0; i < n; i++)
		free(records[i]);
	free(r.files);
	return status;
}
