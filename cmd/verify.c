/* scstool verify: the post-link check of linked files' static-call
 * tables (check/verify.h).  It writes nothing. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../check/verify.h"
#include "../elf/lines.h"
#include "../elf/sysmap.h"
#include "../report/build.h"
#include "../report/escape.h"
#include "../report/text.h"
#include "cmd.h"
#include "common.h"
#include "output.h"

struct verify_opts {
	const char *system_map;
	bool verbose, werror;
	int jobs;
	struct sc_output out;
	struct sc_run_policy pol;	/* --config, -W */
	struct sc_verify_opts verify;
};

void cmd_verify_help(FILE *out)
{
	fprintf(out,
		"Usage: scstool verify [OPTIONS] FILE...\n\n"
		"Checks the static-call table of linked files (executables, "
		"PIE, shared\nlibraries, vmlinux) after the final link: every "
		"entry must point at an\ninstruction the loader accepts for "
		"its flags, its branch must go to its\nkey's trampoline, no "
		"two entries may name one site, and every direct\nbranch to a "
		"trampoline must have an entry.  Writes nothing.\n\n"
		"Options:\n"
		"  -j, --jobs N       check N files at a time\n"
		"      --system-map F symbols from F (a kernel's System.map) "
		"instead of\n"
		"                     the file's own: for a stripped vmlinux\n"
		"  -W RULE=SEVERITY   set a rule to off, note, warning or "
		"error\n"
		"      --werror       warnings count as errors for the exit "
		"status\n"
		"      --config FILE  the policy file (as check's)\n"
		"      --format F     text (default), yaml or sarif\n"
		"      --report FILE  write the report to FILE (a regular file, replaced;\n"
		"                     - is stdout)\n"
		"      --stats        what was checked, sites by kind and key, "
		"findings\n"
		"                     by rule\n"
		"  -v, --verbose      also show notes\n"
		"  -h, --help         show this help\n\n"
		"Rules: as check's (scstool help check), and missing-table, "
		"bad-site, bad-key,\nwrong-target, duplicate-entry and "
		"unlisted-site.\n\n"
		"Exit status: 0 clean, 1 an error finding, 2 usage, I/O or "
		"malformed input.\n");
}

/* --stats: what verify looked at, and the kinds of the sites it found
 * outside the table. */
static void print_summary(FILE *out, const char *path,
			  const struct sc_verify_stats *st,
			  const struct sc_report_file *f)
{
	static const char *const kinds[] = { "call", "tail", "cond",
					     "other" };
	size_t i, k, n;
	bool first = true;
	struct sc_line l;
	FILE *m = sc_line_start(&l);

	if (!m) {
		sc_line_end(&l, out);
		return;
	}
	if (st->has_table)
		fprintf(m, "%s: %zu entries checked (%s)", path, st->entries,
			st->table.found_by);
	else
		fprintf(m, "%s: no table", path);
	fprintf(m, "; %zu functions swept (%zu stopped early), %zu "
		"trampolines; %zu sites outside the table", st->functions,
		st->stuck, st->trampolines, st->unlisted);
	for (k = 0; k < 4; k++) {
		for (i = n = 0; i < f->nsites; i++)
			n += !f->sites[i].in_table &&
			     !strcmp(f->sites[i].kind, kinds[k]);
		if (n)
			fprintf(m, "%s %s %zu", first ? ":" : ",", kinds[k],
				n);
		first = first && !n;
	}
	sc_line_end(&l, out);
}

/* Everything about one file while it is verified. */
struct job {
	const struct verify_opts *opts;
	const char *path;
	FILE *out, *err;
	struct sc_object obj;
	const struct sc_arch *arch;
	struct sc_symbols syms;
	struct sc_result res;
	struct sc_verify_stats st;
	struct sc_lines *lines;
	struct sc_report_file *record;
};

static int fail(struct job *j, const struct sc_err *e)
{
	struct sc_err oom;

	sc_print_line(j->err, "%s: error: %s", j->path, e->msg);
	sc_report_file_free(j->record);
	if (sc_report_failed(j->record, j->path, e->msg, &oom))
		sc_print_line(j->err, "%s: error: %s", j->path, oom.msg);
	return SC_EXIT_USAGE;
}

static int analyse(struct job *j)
{
	const struct verify_opts *o = j->opts;
	struct sc_report_input in = {
		.path = j->path, .obj = &j->obj, .arch = j->arch,
		.syms = &j->syms, .config = &o->pol.config,
		.cacheline = o->verify.cacheline,
	};
	struct sc_err e;

	if (!sc_object_linked(&j->obj)) {
		sc_errf(&e, "not a linked file (a relocatable object): verify "
			"checks executables, shared libraries and vmlinux; "
			"use check on objects");
		return fail(j, &e);
	}
	if ((o->system_map && sc_sysmap_load(&j->obj, o->system_map, &e)) ||
	    sc_symbols_build(&j->syms, &j->obj, &e) ||
	    sc_verify_object(&j->obj, &j->syms, &o->verify, &j->res, &j->st,
			     &e))
		return fail(j, &e);
	/* Without line information, findings name function+0xoff alone. */
	if (sc_lines_open(&j->lines, &j->obj, &e))
		j->lines = NULL;
	in.lines = j->lines;
	if (sc_report_from_check(j->record, &in, &j->res, &e))
		return fail(j, &e);
	return SC_EXIT_OK;
}

static int verify_file(const void *ctx, const char *path, FILE *out,
		       FILE *err, void **record)
{
	struct job j = { .opts = ctx, .path = path, .out = out, .err = err };
	struct sc_err e;
	int status;

	j.record = calloc(1, sizeof(*j.record));
	*record = j.record;
	if (!j.record) {
		sc_print_line(err, "%s: error: out of memory", path);
		return SC_EXIT_USAGE;
	}
	if (sc_cmd_open(path, false, &j.obj, &j.arch, &e))
		return fail(&j, &e);
	status = analyse(&j);
	if (!status) {
		sc_report_text_file(err, j.record, j.opts->verbose);
		if (j.opts->out.stats && j.opts->out.format == SC_FORMAT_TEXT)
			print_summary(out, path, &j.st, j.record);
		if (sc_report_worst(j.record, j.opts->werror) == SC_SEV_ERROR)
			status = SC_EXIT_FINDINGS;
	}
	j.record->status = status;
	sc_lines_close(j.lines);
	sc_result_free(&j.res);
	sc_symbols_free(&j.syms);
	sc_object_close(&j.obj);
	return status;
}

enum { OPT_WERROR = 256, OPT_CONFIG, OPT_FORMAT, OPT_REPORT, OPT_STATS,
       OPT_SYSTEM_MAP };

static const struct option long_opts[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "werror", no_argument, NULL, OPT_WERROR },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "system-map", required_argument, NULL, OPT_SYSTEM_MAP },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, else the exit status. */
static int parse_option(struct verify_opts *o, int c, char **argv)
{
	switch (c) {
	case 'v': o->verbose = true; return -1;
	case 'W': return sc_cmd_add_wopt("verify", &o->pol, optarg);
	case OPT_WERROR: o->werror = true; return -1;
	case OPT_CONFIG: o->pol.config_path = optarg; return -1;
	case OPT_REPORT: o->out.report_path = optarg; return -1;
	case OPT_STATS: o->out.stats = true; return -1;
	case OPT_SYSTEM_MAP: o->system_map = optarg; return -1;
	case 'j':
		o->jobs = sc_parse_jobs(optarg);
		if (o->jobs < 0)
			return sc_usage_error("verify", "bad job count '%s'",
					      optarg);
		return -1;
	case OPT_FORMAT:
		if (sc_parse_format(optarg, &o->out.format))
			return sc_usage_error("verify", "bad --format '%s': "
					      "want text, yaml or sarif",
					      optarg);
		return -1;
	case 'h':
		cmd_verify_help(stdout);
		return SC_EXIT_OK;
	default:
		return sc_option_error("verify", c, argv);
	}
}

int cmd_verify(int argc, char **argv)
{
	struct verify_opts o = { .jobs = 1 };
	struct sc_report_file **records = NULL;
	int c, r = -1, n, status;

	optind = 1;
	opterr = 0;
	while (r < 0 && (c = getopt_long(argc, argv, ":j:W:vh", long_opts,
					 NULL)) != -1)
		r = parse_option(&o, c, argv);
	if (r < 0 && optind >= argc)
		r = sc_usage_error("verify", "%s", "no input file");
	if (r < 0)
		r = sc_output_check(&o.out, "verify", argv + optind,
				    argc - optind, NULL);
	n = argc - optind;
	if (r < 0 && (!(records = calloc(n, sizeof(*records))) ||
		      sc_cmd_load_policy(&o.pol)))
		r = SC_EXIT_USAGE;
	if (r >= 0) {
		free(records);
		sc_cmd_policy_free(&o.pol);
		return r;
	}
	o.verify = (struct sc_verify_opts){
		.cacheline = o.pol.config.cacheline,
		.cond_tail = o.pol.config.cond_tail,
		.policy = &o.pol.policy };
	status = sc_run_files(verify_file, &o, argv + optind, n, o.jobs,
			      (void **)records);
	r = sc_output_finish(&o.out, "verify", records, n);
	free(records);
	sc_cmd_policy_free(&o.pol);
	return r > status ? r : status;
}
