#include "output.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "../elf/file.h"
#include "../report/escape.h"
#include "../report/text.h"
#include "cmd.h"
#include "common.h"
#include "options.h"

#ifndef SC_VERSION
#define SC_VERSION "0.1"
#endif

int sc_parse_format(const char *s, enum sc_format *out)
{
	static const char *const names[] = {
		[SC_FORMAT_TEXT] = "text", [SC_FORMAT_YAML] = "yaml",
		[SC_FORMAT_SARIF] = "sarif", [SC_FORMAT_JSON] = "json",
	};
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum sc_format)i;
			return 0;
		}
	return -1;
}

int sc_output_option(struct sc_output *o, const char *cmd, int id,
		     const char *arg)
{
	switch (id) {
	case SC_OPT_FORMAT:
		if (sc_parse_format(arg, &o->format))
			return sc_usage_error(cmd, "bad --format '%s': want "
					      "text, yaml, json or sarif", arg);
		break;
	case SC_OPT_SOURCE_ROOT:
		o->source_root = arg;
		break;
	case SC_OPT_REPORT:
		o->report_path = arg;
		break;
	case SC_OPT_STATS:
		o->stats = true;
		break;
	}
	return -1;
}

char *sc_source_root(const char *dir, struct sc_err *err)
{
	char *root = sc_abs_path(dir ? dir : ".");

	if (!root)
		sc_errf(err, "%s", strerror(errno));
	return root;
}

bool sc_output_needs_sites(const struct sc_output *o)
{
	return o->format != SC_FORMAT_TEXT || o->stats;
}

static int emit(FILE *out, const struct sc_output *o,
		const struct sc_report *r, struct sc_err *err)
{
	switch (o->format) {
	case SC_FORMAT_YAML:
		return sc_report_yaml(out, r, err);
	case SC_FORMAT_SARIF:
		return sc_report_sarif(out, r, err);
	case SC_FORMAT_JSON:
		return sc_report_json(out, r, err);
	case SC_FORMAT_TEXT:
		break;
	}
	if (o->report_path) {		/* a file, or "-" for stdout */
		sc_report_text(out, r);
		return 0;
	}
	for (size_t i = 0; r->stats && i < r->nfiles; i++)
		sc_report_stats_text(out, &r->files[i]);
	if (r->stats)
		sc_report_totals_text(out, r);
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

/* The report to stdout: any write error counts, with its reason. */
static int report_to_stdout(const char *buf, size_t len)
{
	if (fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0)
		return 0;
	fprintf(stderr, "scstool: cannot write the report to standard "
		"output: %s\n", strerror(errno));
	clearerr(stdout);
	return -1;
}

/* The report to a file, replaced the same careful way as an object: a
 * full disk leaves an existing report as it was. */
static int report_to_file(const char *path, const char *buf, size_t len)
{
	struct sc_replace rep;
	struct sc_err err;

	if (sc_replace_begin(&rep, path, &err))
		goto fail;
	if (sc_write_all(rep.fd, buf, len, &err)) {
		sc_replace_abort(&rep);
		goto fail;
	}
	if (sc_replace_commit(&rep, NULL, NULL, &err))
		goto fail;
	return 0;
fail:
	sc_print_line(stderr, "scstool: report %s: %s", path, err.msg);
	return -1;
}

static bool to_stdout(const struct sc_output *o)
{
	return !o->report_path || !strcmp(o->report_path, "-");
}

static int write_report(const struct sc_output *o, const struct sc_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	int ret = render(o, r, &buf, &len);

	if (!ret && to_stdout(o) && len)
		ret = report_to_stdout(buf, len);
	else if (!ret && !to_stdout(o))
		ret = report_to_file(o->report_path, buf, len);
	free(buf);
	return ret ? SC_EXIT_USAGE : 0;
}

/* Has path (resolved as rpath, with st when it exists) the name or the
 * inode of the file at other? */
static bool same_file(const char *rpath, const struct stat *st,
		      const char *other)
{
	struct sc_err err;
	char *r = sc_file_resolve(other, &err);
	struct stat ost;
	bool same = r && !strcmp(r, rpath);

	free(r);
	if (!same && st && stat(other, &ost) == 0)
		same = ost.st_dev == st->st_dev && ost.st_ino == st->st_ino;
	return same;
}

static int refuse(const char *cmd, const char *fmt, const char *a,
		  const char *b)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), fmt, a, b);
	return sc_usage_error(cmd, "%s", msg);
}

int sc_output_check(const struct sc_output *o, const char *cmd,
		    char **inputs, int n, const char *output)
{
	struct sc_err err;
	struct stat st;
	bool exists;
	char *rpath;
	int i, ret = -1;

	if (to_stdout(o))
		return -1;
	rpath = sc_file_resolve(o->report_path, &err);
	if (!rpath)
		return refuse(cmd, "--report %s: %s", o->report_path, err.msg);
	exists = stat(rpath, &st) == 0;
	if (exists && !S_ISREG(st.st_mode))
		ret = refuse(cmd, "--report %s is %s: a report replaces only a "
			     "regular file (--report - is stdout)",
			     o->report_path, sc_file_kind(&st));
	for (i = 0; ret < 0 && i < n; i++)
		if (same_file(rpath, exists ? &st : NULL, inputs[i]))
			ret = refuse(cmd, "--report %s is the input %s: the "
				     "report would replace it",
				     o->report_path, inputs[i]);
	if (ret < 0 && output && same_file(rpath, exists ? &st : NULL, output))
		ret = refuse(cmd, "--report %s is the output %s: the report "
			     "would replace it", o->report_path, output);
	free(rpath);
	return ret;
}

int sc_output_finish(const struct sc_output *o, const char *command,
		     struct sc_report_file **records, int n)
{
	struct sc_report r = { .command = command, .version = SC_VERSION,
			       .stats = o->stats, .verbose = o->verbose };
	struct sc_err err;
	char *root = NULL;
	int i, status = 0;

	r.files = calloc(n + 1, sizeof(*r.files));
	if (!r.files)
		return SC_EXIT_USAGE;
	if (o->format == SC_FORMAT_SARIF) {
		root = sc_source_root(o->source_root, &err);
		if (!root) {
			fprintf(stderr, "scstool: --source-root: %s\n",
				err.msg);
			status = SC_EXIT_USAGE;
		}
		r.source_root = root;
	}
	for (i = 0; i < n; i++)
		if (records[i])
			r.files[r.nfiles++] = *records[i];
	for (i = 0; o->stats && (size_t)i < r.nfiles; i++)
		if (sc_report_count(&r.files[i], &err))
			status = SC_EXIT_USAGE;
	if (o->stats && !status && sc_report_totals(&r, &err))
		status = SC_EXIT_USAGE;
	if (!status)
		status = write_report(o, &r);
	sc_report_totals_free(&r.totals);
	free(root);
	for (i = 0; (size_t)i < r.nfiles; i++)
		sc_report_file_free(&r.files[i]);
	for (i = 0; i < n; i++)
		free(records[i]);
	free(r.files);
	return status;
}
