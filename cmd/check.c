/* scstool check: find, classify and record every static-call site. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "../check/table.h"
#include "../elf/write.h"
#include "cmd.h"
#include "common.h"

struct check_opts {
	const char *output;
	bool dry_run, force, verbose;
	struct sc_check_opts check;
	struct sc_policy policy;
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
	struct sc_entry *found, *existing;
	size_t nfound, nexisting;
	bool has_table;
};

void cmd_check_help(FILE *out)
{
	int i;

	fprintf(out,
		"Usage: scstool check [OPTIONS] FILE...\n\n"
		"Finds every static-call site (a direct call, jump or "
		"conditional jump to a\n__SCT__ trampoline), checks it, and "
		"writes the .static_call_sites table\nin place.\n\n"
		"Options:\n"
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
		"  -v, --verbose      also show notes\n"
		"  -h, --help         show this help\n\n"
		"Rules:\n");
	for (i = 0; i < SC_RULE_COUNT; i++)
		fprintf(out, "  %-21s %-7s %s\n", sc_rules[i].name,
			sc_severity_name(sc_rules[i].severity),
			sc_rules[i].what);
	fprintf(out, "\nExit status: 0 clean, 1 an error finding (nothing "
		"written), 2 usage, I/O or\nmalformed input.\n");
}

static void print_findings(const struct job *j)
{
	size_t i;

	for (i = 0; i < j->res.nfindings; i++) {
		const struct sc_finding *f = &j->res.findings[i];

		if (f->severity == SC_SEV_NOTE && !j->opts->verbose)
			continue;
		fprintf(j->err, "%s: %s: %s: %s [%s]\n", j->path,
			sc_severity_name(f->severity), f->where, f->message,
			sc_rules[f->rule].name);
	}
}

static int fail(struct job *j, const struct sc_err *e)
{
	fprintf(j->err, "%s: error: %s\n", j->path, e->msg);
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
	if (sc_result_add(&j->res, &j->opts->policy, SC_RULE_STALE_TABLE,
			  0, at * SC_TABLE_ENTSIZE, 0, where, "%s", diff))
		fprintf(j->err, "%s: error: out of memory\n", j->path);
	return false;
}

/* In place, a symbolic link's target is what gets rewritten, not the
 * link itself. */
static char *write_target(struct job *j, struct sc_err *e)
{
	char *target = j->opts->output ? strdup(j->opts->output)
				       : realpath(j->path, NULL);

	if (!target)
		sc_errf(e, "cannot resolve %s: %s", j->opts->output ?
			j->opts->output : j->path, strerror(errno));
	return target;
}

static int write_table(struct job *j)
{
	struct sc_table_image img;
	struct sc_err e;
	char *target = write_target(j, &e);
	int ret;

	if (!target)
		return fail(j, &e);
	if (sc_table_image(&j->obj, j->arch, j->found, j->nfound, &img, &e)) {
		free(target);
		return fail(j, &e);
	}
	ret = sc_write_table(&j->obj, target, &img, &e);
	sc_table_image_free(&img);
	free(target);
	return ret ? fail(j, &e) : SC_EXIT_OK;
}

static int copy_input(struct job *j)
{
	struct sc_err e;

	if (sc_write_copy(&j->obj, j->opts->output, &e))
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
	print_findings(j);
	if (sc_result_worst(&j->res) == SC_SEV_ERROR)
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

static int check_file(const void *ctx, const char *path, FILE *out, FILE *err)
{
	struct job j = { .opts = ctx, .path = path, .err = err };
	int status;

	(void)out;
	if (sc_cmd_open(path, true, &j.obj, &j.arch, err))
		return SC_EXIT_USAGE;
	status = process(&j);
	free(j.found);
	free(j.existing);
	sc_result_free(&j.res);
	sc_symbols_free(&j.syms);
	sc_object_close(&j.obj);
	return status;
}

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "module", no_argument, NULL, 'm' },
	{ "force", no_argument, NULL, 'f' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, else the exit status. */
static int parse_option(struct check_opts *o, int c)
{
	switch (c) {
	case 'o': o->output = optarg; break;
	case 'n': o->dry_run = true; break;
	case 'm': o->check.module = true; break;
	case 'f': o->force = true; break;
	case 'v': o->verbose = true; break;
	case 'j':
		o->jobs = sc_parse_jobs(optarg);
		if (o->jobs < 0)
			return sc_usage_error("check", "bad job count '%s'",
					      optarg);
		break;
	case 'W':
		if (sc_policy_set(&o->policy, optarg))
			return sc_usage_error("check", "bad -W '%s': want "
					      "RULE=off|note|warning|error",
					      optarg);
		break;
	case 'h':
		cmd_check_help(stdout);
		return SC_EXIT_OK;
	default:		/* getopt has named the problem */
		fprintf(stderr, "Run 'scstool help check' for usage.\n");
		return SC_EXIT_USAGE;
	}
	return -1;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = { .jobs = 1, .check = { .cacheline = 64,
						      .cond_tail = true } };
	int c, r;

	sc_policy_defaults(&o.policy);
	o.check.policy = &o.policy;
	optind = 1;
	/* How getopt names us in its messages. */
	argv[0] = "scstool check";
	while ((c = getopt_long(argc, argv, "o:nmfj:W:vh", long_opts,
				NULL)) != -1)
		if ((r = parse_option(&o, c)) >= 0)
			return r;
	if (optind >= argc)
		return sc_usage_error("check", "%s", "no input file");
	if (o.output && argc - optind > 1)
		return sc_usage_error("check", "%s",
				      "-o takes exactly one input file");
	/* Parallel files, or parallel sweeps inside the only file. */
	o.check.threads = argc - optind == 1 ? o.jobs : 1;
	return sc_run_files(check_file, &o, argv + optind, argc - optind,
			    o.jobs);
}
