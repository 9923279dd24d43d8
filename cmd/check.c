/* scstool check and lint: find, classify and record every static-call
 * site; lint is check that never writes. */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "../check/config.h"
#include "../check/table.h"
#include "../elf/extent.h"
#include "../elf/lines.h"
#include "../elf/file.h"
#include "../elf/write.h"
#include "../report/build.h"
#include "../report/escape.h"
#include "../report/text.h"
#include "cmd.h"
#include "common.h"
#include "output.h"

struct check_opts {
	const char *command;		/* "check" or "lint" */
	const char *output;
	bool dry_run, force, verbose, werror;
	struct sc_output out;
	struct sc_check_opts check;
	struct sc_run_policy pol;	/* --config, -W */
	int jobs;
};

/* Everything known about one file while it is checked. */
struct job {
	const struct check_opts *opts;
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
};

static void print_options(FILE *out)
{
	fprintf(out,
		"  -o, --output OUT   write the result to OUT (one input "
		"only)\n"
		"  -n, --dry-run      check only, write nothing\n"
		"  -m, --module       module mode (automatic when the object "
		"has\n"
		"                     .gnu.linkonce.this_module or .modinfo)\n"
		"  -f, --force        regenerate an existing table\n"
		"  -j, --jobs N       check N files at a time (one file: "
		"N decoding threads)\n"
		"  -W RULE=SEVERITY   set a rule to off, note, warning or "
		"error\n"
		"      --werror       warnings count as errors for the exit "
		"status\n"
		"      --config FILE  the policy file (default: the first "
		".scstool.yaml\n"
		"                     from the current directory upwards)\n"
		"      --format F     text (default), yaml or sarif\n"
		"      --report FILE  write the report to FILE (a regular file, replaced;\n"
		"                     - is stdout)\n"
		"      --stats        sites by kind and key, findings by rule\n"
		"  -v, --verbose      also show notes\n"
		"  -h, --help         show this help\n\n"
		"Rules:\n");
	for (int i = 0; i < SC_RULE_COUNT; i++)
		fprintf(out, "  %-21s %-7s %s\n", sc_rules[i].name,
			sc_severity_name(sc_rules[i].severity),
			sc_rules[i].what);
	fprintf(out, "\nExit status: 0 clean, 1 an error finding (nothing "
		"written), 2 usage, I/O or\nmalformed input.\n");
}

void cmd_check_help(FILE *out)
{
	fprintf(out,
		"Usage: scstool check [OPTIONS] FILE...\n\n"
		"Finds every static-call site (a direct call, jump or "
		"conditional jump to a\n__SCT__ trampoline), checks it, and "
		"writes the .static_call_sites table\nin place.\n\n"
		"Options:\n");
	print_options(out);
}

void cmd_lint_help(FILE *out)
{
	fprintf(out,
		"Usage: scstool lint [OPTIONS] FILE...\n\n"
		"check --dry-run: reports every site and finding, writes "
		"nothing.\n\nOptions (as check's):\n");
	print_options(out);
}

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
	struct sc_err e;

	if (sc_symbols_build(&j->syms, &j->obj, &e) ||
	    sc_check_object(&j->obj, &j->syms, &j->opts->check, &j->res, &e) ||
	    sc_table_from_sites(&j->res, &j->found, &j->nfound, &e))
		return fail(j, &e);
	j->has_table = sc_find_section(&j->obj, SC_TABLE_SECTION) != 0;
	if (j->has_table &&
	    sc_table_read(&j->obj, j->arch, &j->existing, &j->nexisting, &e))
		return fail(j, &e);
	/* Without line information, findings name function+0xoff alone. */
	if (sc_lines_open(&j->lines, &j->obj, &e))
		j->lines = NULL;
	return SC_EXIT_OK;
}

/* An existing table is left alone when it matches; a mismatch is a
 * finding.  Returns true when the table must be (re)written. */
static bool table_needs_write(struct job *j)
{
	char diff[640], where[64];
	size_t at = 0;

	if (!j->has_table)
		return j->nfound > 0;
	if (j->opts->force)
		return true;
	if (!sc_table_compare(&j->obj, &j->syms, j->existing, j->nexisting,
			      j->found, j->nfound, diff, sizeof(diff), &at))
		return false;
	snprintf(where, sizeof(where), SC_TABLE_SECTION "+0x%zx",
		 at * SC_TABLE_ENTSIZE);
	if (sc_result_add(&j->res, &j->opts->pol.policy, SC_RULE_STALE_TABLE,
			  0, at * SC_TABLE_ENTSIZE, 0, where, "%s", diff))
		sc_print_line(j->err, "%s: error: out of memory", j->path);
	return false;
}

/* A module signature covers every byte before it: a table written now
 * would void it (the kernel would refuse the module, or load it as
 * unsigned), so the module must be signed after scstool.  Returns true
 * when that stops the write. */
static bool signature_blocks(struct job *j)
{
	uint64_t at;
	char where[64];

	if (!sc_module_signature(&j->obj, &at))
		return false;
	snprintf(where, sizeof(where), "file+0x%llx", (unsigned long long)at);
	if (sc_result_add(&j->res, &j->opts->pol.policy, SC_RULE_SIGNED_MODULE,
			  0, at, 0, where, "the module is signed (%llu bytes "
			  "of signature appended at 0x%llx): a new table "
			  "would invalidate the signature, so nothing is "
			  "written; run scstool before signing the module",
			  (unsigned long long)(j->obj.size - at),
			  (unsigned long long)at))
		sc_print_line(j->err, "%s: error: out of memory", j->path);
	return true;
}

/* The output, read back before it replaces anything, must be the input
 * plus the table of the sites found: otherwise the writer is wrong.  (A
 * failure to read it back keeps its own cause.) */
static int verify_output(void *ctx, const char *path, struct sc_err *e)
{
	struct job *j = ctx;
	struct sc_err why;
	bool differ;

	if (!sc_table_check_output(&j->obj, j->arch, path, j->found,
				   j->nfound, &differ, &why))
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
	ret = sc_write_table(&j->obj, j->opts->output, &img, verify_output, j,
			     &e);
	sc_table_image_free(&img);
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
		.config = &j->opts->pol.config,
		.cacheline = j->opts->check.cacheline,
	};
	struct sc_err e;

	if (sc_report_from_check(j->record, &in, &j->res, &e))
		return fail(j, &e);
	return SC_EXIT_OK;
}

static int process(struct job *j)
{
	int status = analyse(j);
	bool write;

	if (status)
		return status;
	write = table_needs_write(j);
	if (write && !j->opts->dry_run && signature_blocks(j))
		write = false;
	if ((status = build_record(j)))
		return status;
	sc_report_text_file(j->err, j->record, j->opts->verbose);
	if (sc_report_worst(j->record, j->opts->werror) == SC_SEV_ERROR)
		return SC_EXIT_FINDINGS;
	if (j->opts->dry_run)
		return SC_EXIT_OK;
	if (write)
		return write_table(j);
	/* With -o the output must exist after success, even unchanged. */
	if (j->opts->output)
		return copy_input(j);
	return SC_EXIT_OK;
}

static int check_file(const void *ctx, const char *path, FILE *out,
		      FILE *err, void **record)
{
	struct job j = { .opts = ctx, .path = path, .err = err };
	struct sc_err e;
	int status;

	(void)out;
	j.record = calloc(1, sizeof(*j.record));
	*record = j.record;
	if (!j.record) {
		sc_print_line(err, "%s: error: out of memory", path);
		return SC_EXIT_USAGE;
	}
	if (sc_cmd_open(path, true, &j.obj, &j.arch, &e))
		return fail(&j, &e);
	status = process(&j);
	j.record->status = status;
	sc_lines_close(j.lines);
	free(j.found);
	free(j.existing);
	sc_result_free(&j.res);
	sc_symbols_free(&j.syms);
	sc_object_close(&j.obj);
	return status;
}

enum { OPT_WERROR = 256, OPT_CONFIG, OPT_FORMAT, OPT_REPORT, OPT_STATS };

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "module", no_argument, NULL, 'm' },
	{ "force", no_argument, NULL, 'f' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "werror", no_argument, NULL, OPT_WERROR },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, else the exit status. */
static int parse_long(struct check_opts *o, int c, char **argv)
{
	switch (c) {
	case OPT_WERROR: o->werror = true; return -1;
	case OPT_CONFIG: o->pol.config_path = optarg; return -1;
	case OPT_REPORT: o->out.report_path = optarg; return -1;
	case OPT_STATS: o->out.stats = true; return -1;
	case OPT_FORMAT:
		if (sc_parse_format(optarg, &o->out.format))
			return sc_usage_error(o->command, "bad --format '%s': "
					      "want text, yaml or sarif",
					      optarg);
		return -1;
	}
	return sc_option_error(o->command, c, argv);
}

/* Returns -1 to go on, else the exit status. */
static int parse_option(struct check_opts *o, int c, char **argv)
{
	switch (c) {
	case 'o': o->output = optarg; break;
	case 'n': o->dry_run = true; break;
	case 'm': o->check.module = true; break;
	case 'f': o->force = true; break;
	case 'v': o->verbose = true; break;
	case 'W': return sc_cmd_add_wopt(o->command, &o->pol, optarg);
	case 'j':
		o->jobs = sc_parse_jobs(optarg);
		if (o->jobs < 0)
			return sc_usage_error(o->command, "bad job count '%s'",
					      optarg);
		break;
	case 'h':
		if (!strcmp(o->command, "lint"))
			cmd_lint_help(stdout);
		else
			cmd_check_help(stdout);
		return SC_EXIT_OK;
	default:
		return parse_long(o, c, argv);
	}
	return -1;
}

/* The config and -W make the policy; check also needs the config's
 * line size and Jcc support. */
static int load_policy(struct check_opts *o)
{
	if (sc_cmd_load_policy(&o->pol))
		return -1;
	o->check.policy = &o->pol.policy;
	o->check.cacheline = o->pol.config.cacheline;
	o->check.cond_tail = o->pol.config.cond_tail;
	return 0;
}

static int parse_args(struct check_opts *o, int argc, char **argv)
{
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:nmfj:W:vh", long_opts,
				NULL)) != -1)
		if ((r = parse_option(o, c, argv)) >= 0)
			return r;
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
	int r, n, status;

	if ((r = parse_args(&o, argc, argv)) >= 0 ||
	    (r = sc_output_check(&o.out, command, argv + optind,
				 argc - optind, o.output)) >= 0) {
		sc_cmd_policy_free(&o.pol);
		return r;
	}
	n = argc - optind;
	records = calloc(n, sizeof(*records));
	if (!records || load_policy(&o)) {
		free(records);
		sc_cmd_policy_free(&o.pol);
		return SC_EXIT_USAGE;
	}
	/* Parallel files, or parallel sweeps inside the only file. */
	o.check.threads = n == 1 ? o.jobs : 1;
	status = sc_run_files(check_file, &o, argv + optind, n, o.jobs,
			      (void **)records);
	r = sc_output_finish(&o.out, command, records, n);
	free(records);
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
