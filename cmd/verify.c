/* scstool verify: the post-link check of linked files' static-call
 * tables (check/verify.h).  It writes nothing. */
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
#include "options.h"
#include "output.h"

struct verify_opts {
	const char *system_map;
	bool verbose, colour;
	bool recursive;
	int jobs;
	struct sc_output out;
	struct sc_run_policy pol;	/* --config, -W */
	struct sc_verify_opts verify;
};

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
		fprintf(m, "%s: %zu %s checked (%s)", path, st->entries,
			st->entries == 1 ? "entry" : "entries",
			st->table.found_by);
	else
		fprintf(m, "%s: no table", path);
	fprintf(m, "; %zu function%s swept (%zu stopped early), %zu "
		"trampoline%s; %zu site%s outside the table", st->functions,
		st->functions == 1 ? "" : "s", st->stuck, st->trampolines,
		st->trampolines == 1 ? "" : "s", st->unlisted,
		st->unlisted == 1 ? "" : "s");
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
	return sc_cmd_file_failed(j->err, j->path, j->opts->colour,
				  j->record, e);
}

static int analyse(struct job *j)
{
	const struct verify_opts *o = j->opts;
	struct sc_report_input in = {
		.path = j->path, .obj = &j->obj, .arch = j->arch,
		.syms = &j->syms,
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
	/* Policy judges (check/policy.h): suppressions, -Werror. */
	sc_policy_judge(&o->pol.policy, &j->res, &(struct sc_judge_input){
		.path = j->path, .obj = &j->obj, .syms = &j->syms,
		.lines = j->lines });
	if (sc_report_from_check(j->record, &in, &j->res, &e))
		return fail(j, &e);
	return SC_EXIT_OK;
}

static int verify_file(const void *ctx, struct sc_worker *worker,
		       const struct sc_input *in, FILE *out, FILE *err,
		       void **record)
{
	const char *path = in->name;
	struct job j = { .opts = ctx, .path = path, .out = out, .err = err };
	struct sc_err e;
	int status;

	(void)worker;	/* its decoders serve check and lint only */

	j.record = calloc(1, sizeof(*j.record));
	*record = j.record;
	if (!j.record) {
		sc_print_line(err, "%s: error: out of memory", path);
		return SC_EXIT_USAGE;
	}
	if (sc_cmd_open(in, SC_OPEN_DECOMPRESS, &j.obj, &j.arch, &e))
		return fail(&j, &e);
	status = analyse(&j);
	if (!status) {
		sc_report_text_file(err, j.record, j.opts->verbose,
				    j.opts->colour);
		if (j.opts->out.stats && j.opts->out.format == SC_FORMAT_TEXT)
			print_summary(out, path, &j.st, j.record);
		status = sc_policy_status(&j.res);
	}
	j.record->status = status;
	sc_lines_close(j.lines);
	sc_result_free(&j.res);
	sc_symbols_free(&j.syms);
	sc_object_close(&j.obj);
	return status;
}

/* One option, as cmd/options.c parsed it; -1 to go on, else the exit
 * status. */
static int set_option(void *ctx, enum sc_opt_id id, const char *arg)
{
	struct verify_opts *o = ctx;

	switch (id) {
	case SC_OPT_VERBOSE: o->verbose = o->out.verbose = true; return -1;
	case SC_OPT_WARN: return sc_cmd_add_wflag("verify", &o->pol, arg);
	case SC_OPT_WERROR: return sc_cmd_add_wflag("verify", &o->pol, "error");
	case SC_OPT_CONFIG: o->pol.config_path = arg; return -1;
	case SC_OPT_SYSTEM_MAP: o->system_map = arg; return -1;
	case SC_OPT_RECURSIVE: o->recursive = true; return -1;
	case SC_OPT_COLOR: return sc_parse_colour("verify", arg, &o->colour);
	case SC_OPT_JOBS:
		o->jobs = sc_parse_jobs(arg);
		if (o->jobs < 0)
			return sc_usage_error("verify", "bad job count '%s'",
					      arg);
		return -1;
	default:
		return sc_output_option(&o->out, "verify", id, arg);
	}
}

int cmd_verify(int argc, char **argv)
{
	struct verify_opts o = { .jobs = 1, .colour = sc_colour_auto() };
	struct sc_report_file **records = NULL;
	struct sc_inputs in = { 0 };
	int r, n, first = 0, status;

	r = sc_parse_options(sc_find_command("verify"), argc, argv,
			     set_option, &o, &first);
	if (r < 0 && first >= argc)
		r = sc_usage_error("verify", "%s", "no input file");
	if (r < 0)
		r = sc_output_check(&o.out, "verify", argv + first,
				    argc - first, NULL);
	if (r < 0 && sc_inputs_expand(&in, argv + first, argc - first,
				      o.recursive ? SC_EXPAND_RECURSIVE |
				      SC_EXPAND_LINKED : 0)) {
		fprintf(stderr, "scstool: out of memory\n");
		r = SC_EXIT_USAGE;
	}
	n = (int)in.n;
	if (r < 0 && (!(records = calloc(n + 1, sizeof(*records))) ||
		      sc_cmd_load_policy(&o.pol)))
		r = SC_EXIT_USAGE;
	if (r >= 0) {
		free(records);
		sc_inputs_free(&in);
		sc_cmd_policy_free(&o.pol);
		return r;
	}
	o.verify = (struct sc_verify_opts){
		.cacheline = o.pol.policy.config.cacheline,
		.cond_tail = o.pol.policy.config.cond_tail,
		.policy = &o.pol.policy };
	status = sc_run_files(verify_file, &o, in.v, n, o.jobs,
			      (void **)records);
	r = sc_output_finish(&o.out, "verify", records, n);
	free(records);
	sc_inputs_free(&in);
	sc_cmd_policy_free(&o.pol);
	return r > status ? r : status;
}
