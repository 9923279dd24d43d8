/* scstool check and lint: find, classify and record every static-call
 * site; lint is check that never writes. */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "../check/table.h"
#include "../elf/extent.h"
#include "../elf/lines.h"
#include "../elf/file.h"
#include "../elf/write.h"
#include "../report/build.h"
#include "../report/escape.h"
#include "../report/rules.h"
#include "../report/text.h"
#include "sc_phase.h"
#include "cmd.h"
#include "common.h"
#include "options.h"
#include "output.h"

struct check_opts {
	const char *command;		/* "check" or "lint" */
	const char *output;
	bool dry_run, force, verbose, colour;
	bool recursive;			/* lint -r */
	bool timings;			/* SCSTOOL_TIMINGS: phases to stderr */
	struct sc_output out;
	struct sc_check_opts check;
	struct sc_run_policy pol;	/* --config, -W */
	int jobs;
};

/* Everything known about one file while it is checked. */
struct job {
	const struct check_opts *opts;
	struct sc_worker *worker;	/* this thread's, kept across files */
	const char *path;
	FILE *err;
	struct sc_object obj;
	const struct sc_arch *arch;
	struct sc_symbols syms;
	struct sc_result res;
	struct sc_lines *lines;
	struct sc_entry *found, *existing;
	size_t nfound, nexisting;
	bool has_table;
	struct sc_report_file *record;
	struct sc_phases *ph;		/* NULL unless timings are on */
};

static int fail(struct job *j, const struct sc_err *e)
{
	return sc_cmd_file_failed(j->err, j->path, j->opts->colour,
				  j->record, e);
}

static int analyse(struct job *j)
{
	struct sc_err e;

	if (sc_symbols_build(&j->syms, &j->obj, &e))
		return fail(j, &e);
	sc_phase_mark(j->ph, "symbols");
	if (sc_check_object(&j->obj, &j->syms, &j->opts->check,
			    &j->worker->decoders, &j->res, &e) ||
	    sc_table_from_sites(&j->res, &j->found, &j->nfound, &e))
		return fail(j, &e);
	sc_phase_mark(j->ph, "sites");
	j->has_table = sc_find_section(&j->obj, SC_TABLE_SECTION) != 0;
	if (j->has_table &&
	    sc_table_read(&j->obj, j->arch, &j->existing, &j->nexisting, &e))
		return fail(j, &e);
	/* Without line information, findings name function+0xoff alone. */
	if (sc_lines_open(&j->lines, &j->obj, &e))
		j->lines = NULL;
	sc_phase_mark(j->ph, "dwarf");
	return SC_EXIT_OK;
}

/* The output, read back before it replaces anything, must be the input
 * plus the table of the sites found: otherwise the writer is wrong.  (A
 * failure to read it back keeps its own cause.) */
static int verify_output(void *ctx, const char *path, struct sc_err *e)
{
	struct job *j = ctx;
	struct sc_err why;
	bool differ;
	int bad;

	sc_phase_mark(j->ph, "write");
	bad = sc_table_check_output(&j->obj, j->arch, path, j->found,
				    j->nfound, &differ, &why);
	sc_phase_mark(j->ph, "read back");
	if (!bad)
		return 0;
	if (!differ)
		return sc_errf(e, "%s", why.msg);
	return sc_errf(e, "the output, read back, is not what was meant "
		       "(%s), so nothing was written: this is a bug in "
		       "scstool; please report it with this input file",
		       why.msg);
}

/* In place (no -o), the input's path is the target: elf/file.c follows
 * a symbolic link to the file it names, and replaces the file only if it
 * is still the one that was read. */
static int write_table(struct job *j)
{
	struct sc_table_image img;
	struct sc_err e;
	int ret;

	if (sc_table_image(&j->obj, j->arch, j->found, j->nfound, &img, &e))
		return fail(j, &e);
	sc_phase_mark(j->ph, "write");
	ret = sc_write_table(&j->obj, j->opts->output, &img, &j->worker->spare,
			     verify_output, j, &e);
	sc_table_image_free(&img);
	sc_phase_mark(j->ph, "rename");
	return ret ? fail(j, &e) : SC_EXIT_OK;
}

static int copy_input(struct job *j)
{
	struct sc_err e;

	if (sc_write_copy(&j->obj, j->opts->output, &e))
		return fail(j, &e);
	return SC_EXIT_OK;
}

static int build_record(struct job *j)
{
	struct sc_report_input in = {
		.path = j->path, .obj = &j->obj, .arch = j->arch,
		.syms = &j->syms, .lines = j->lines,
		.cacheline = j->opts->check.cacheline,
		.no_sites = !sc_output_needs_sites(&j->opts->out),
	};
	struct sc_err e;

	if (sc_report_from_check(j->record, &in, &j->res, &e))
		return fail(j, &e);
	return SC_EXIT_OK;
}

/* Policy decides (check/policy.h): whether the table is written, what
 * each finding counts as, and the status; here they are carried out. */
static int decide(struct job *j, bool *write)
{
	const struct sc_policy *p = &j->opts->pol.policy;
	struct sc_judge_input in = { .path = j->path, .obj = &j->obj,
				     .syms = &j->syms, .lines = j->lines };
	struct sc_table_case t = {
		.has_table = j->has_table, .force = j->opts->force,
		.dry_run = j->opts->dry_run,
		.existing = j->existing, .nexisting = j->nexisting,
		.found = j->found, .nfound = j->nfound,
	};
	struct sc_err e;
	int r = sc_policy_table(p, &in, &t, &j->res, &e);

	if (r < 0)
		return fail(j, &e);
	*write = r == 1;
	sc_policy_judge(p, &j->res, &in);
	return SC_EXIT_OK;
}

static int process(struct job *j)
{
	int status = analyse(j);
	bool write = false;

	if (status || (status = decide(j, &write)) ||
	    (status = build_record(j)))
		return status;
	sc_report_text_file(j->err, j->record, j->opts->verbose,
			    j->opts->colour);
	sc_phase_mark(j->ph, "report");
	if ((status = sc_policy_status(&j->res)))
		return status;
	if (write)
		return write_table(j);
	/* With -o the output must exist after success, even unchanged. */
	if (j->opts->output && !j->opts->dry_run)
		return copy_input(j);
	return SC_EXIT_OK;
}

/* SCSTOOL_TIMINGS: one line per file on its stderr, never in the report. */
static void print_timings(const struct job *j)
{
	char line[512];

	if (!j->ph)
		return;
	sc_phase_format(line, sizeof(line), j->ph);
	sc_print_line(j->err, "scstool: timings: %s: %s", j->path, line);
}

static int check_file(const void *ctx, struct sc_worker *worker,
		      const struct sc_input *in, FILE *out, FILE *err,
		      void **record)
{
	const char *path = in->name;
	struct job j = { .opts = ctx, .worker = worker, .path = path,
			 .err = err };
	struct sc_phases ph;
	struct sc_err e;
	int status;

	(void)out;
	j.record = calloc(1, sizeof(*j.record));
	*record = j.record;
	if (!j.record) {
		sc_print_line(err, "%s: error: out of memory", path);
		return SC_EXIT_USAGE;
	}
	if (j.opts->timings)
		j.ph = &ph;
	sc_phase_start(j.ph);
	/* A compressed object is read only when nothing is written: the
	 * table must go into the object before it is compressed. */
	if (sc_cmd_open(in, SC_OPEN_REL | (j.opts->dry_run ?
					     SC_OPEN_DECOMPRESS : 0),
			&j.obj, &j.arch, &e))
		return fail(&j, &e);
	sc_phase_mark(j.ph, "read");
	status = process(&j);
	j.record->status = status;
	sc_lines_close(j.lines);
	free(j.found);
	free(j.existing);
	sc_result_free(&j.res);
	sc_symbols_free(&j.syms);
	sc_object_close(&j.obj);
	sc_phase_mark(j.ph, "free");
	print_timings(&j);
	return status;
}

/* One option, as cmd/options.c parsed it; -1 to go on, else the exit
 * status. */
static int set_option(void *ctx, enum sc_opt_id id, const char *arg)
{
	struct check_opts *o = ctx;

	switch (id) {
	case SC_OPT_OUTPUT: o->output = arg; break;
	case SC_OPT_DRY_RUN: o->dry_run = true; break;
	case SC_OPT_MODULE: o->check.module = true; break;
	case SC_OPT_FORCE: o->force = true; break;
	case SC_OPT_RECURSIVE: o->recursive = true; break;
	case SC_OPT_VERBOSE: o->verbose = o->out.verbose = true; break;
	case SC_OPT_CONFIG: o->pol.config_path = arg; break;
	case SC_OPT_WARN: return sc_cmd_add_wflag(o->command, &o->pol, arg);
	case SC_OPT_WERROR:
		return sc_cmd_add_wflag(o->command, &o->pol, "error");
	case SC_OPT_JOBS:
		o->jobs = sc_parse_jobs(arg);
		if (o->jobs < 0)
			return sc_usage_error(o->command, "bad job count '%s'",
					      arg);
		break;
	case SC_OPT_COLOR:
		return sc_parse_colour(o->command, arg, &o->colour);
	default:
		return sc_output_option(&o->out, o->command, id, arg);
	}
	return -1;
}

/* Severities: defaults, then the config file, then -W in order. */
static int load_policy(struct check_opts *o)
{
	if (sc_cmd_load_policy(&o->pol))
		return -1;
	o->check.policy = &o->pol.policy;
	o->check.cacheline = o->pol.policy.config.cacheline;
	o->check.cond_tail = o->pol.policy.config.cond_tail;
	return 0;
}

static int parse_args(struct check_opts *o, int argc, char **argv)
{
	int r, first;

	o->colour = sc_colour_auto();
	r = sc_parse_options(sc_find_command(o->command), argc, argv,
			     set_option, o, &first);
	if (r >= 0)
		return r;
	optind = first;
	if (optind >= argc)
		return sc_usage_error(o->command, "%s", "no input file");
	if (o->output && argc - optind > 1)
		return sc_usage_error(o->command, "%s",
				      "-o takes exactly one input file");
	return -1;
}

static int run(const char *command, bool dry_run, int argc, char **argv)
{
	struct check_opts o = { .command = command, .dry_run = dry_run,
				.jobs = 1 };
	struct sc_report_file **records;
	struct sc_inputs in;
	int r, n, status;

	if ((r = parse_args(&o, argc, argv)) >= 0 ||
	    (r = sc_output_check(&o.out, command, argv + optind,
				 argc - optind, o.output)) >= 0) {
		sc_cmd_policy_free(&o.pol);
		return r;
	}
	o.timings = getenv("SCSTOOL_TIMINGS") != NULL;
	/* lint reads an archive's members; check refuses an archive. */
	if (sc_inputs_expand(&in, argv + optind, argc - optind,
			     (dry_run ? SC_EXPAND_MEMBERS | SC_EXPAND_REL
				      : 0) |
			     (o.recursive ? SC_EXPAND_RECURSIVE : 0))) {
		fprintf(stderr, "scstool: out of memory\n");
		sc_cmd_policy_free(&o.pol);
		return SC_EXIT_USAGE;
	}
	n = (int)in.n;
	records = calloc(n + 1, sizeof(*records));
	if (!records || load_policy(&o)) {
		free(records);
		sc_inputs_free(&in);
		sc_cmd_policy_free(&o.pol);
		return SC_EXIT_USAGE;
	}
	/* Parallel files, or parallel sweeps inside the only file. */
	o.check.threads = n == 1 ? o.jobs : 1;
	status = sc_run_files(check_file, &o, in.v, n, o.jobs,
			      (void **)records);
	r = sc_output_finish(&o.out, command, records, n);
	free(records);
	sc_inputs_free(&in);
	sc_cmd_policy_free(&o.pol);
	return r > status ? r : status;
}

int cmd_check(int argc, char **argv)
{
	return run("check", false, argc, argv);
}

int cmd_lint(int argc, char **argv)
{
	return run("lint", true, argc, argv);
}
