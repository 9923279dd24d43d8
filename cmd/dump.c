/* scstool dump: print the .static_call_sites table of any object. */
#include <stdlib.h>
#include <string.h>

#include "../check/linked.h"
#include "../check/table.h"
#include "../elf/sysmap.h"
#include "../elf/lines.h"
#include "../report/build.h"
#include "../report/escape.h"
#include "../report/text.h"
#include "cmd.h"
#include "common.h"
#include "options.h"
#include "output.h"

struct dump_opts {
	int jobs;
	bool colour;
	bool recursive;
	const char *system_map;
	struct sc_output out;
};

static const char *flag_names(unsigned flags)
{
	static const char *const names[] = { "-", "tail", "init",
					     "tail,init" };

	return names[flags & 3];
}

/* A site that is no branch shows the instruction found there. */
static void print_kind(FILE *out, const struct sc_report_site *s)
{
	size_t n;

	if (strcmp(s->kind, "other")) {
		fputs(s->kind, out);
		return;
	}
	if (!s->insn || !s->insn[0]) {
		fputs("undecodable", out);
		return;
	}
	n = strcspn(s->insn, " ");
	fprintf(out, "(%.*s)", (int)n, s->insn);
}

/* found_by: where a linked file's table was found, else NULL.  Each line
 * is made whole, then printed escaped (report/escape.h). */
static void print_table(FILE *out, const struct sc_report_file *f,
			const char *found_by)
{
	bool linked = found_by != NULL;
	struct sc_line l;
	size_t i;
	FILE *m;

	if ((m = sc_line_start(&l))) {
		fprintf(m, "%s: %zu static-call site%s", f->path, f->nsites,
			f->nsites == 1 ? "" : "s");
		if (found_by)
			fprintf(m, " (%s)", found_by);
	}
	sc_line_end(&l, out);
	for (i = 0; i < f->nsites; i++) {
		const struct sc_report_site *s = &f->sites[i];

		if (!(m = sc_line_start(&l))) {
			sc_line_end(&l, out);
			continue;
		}
		if (s->has_vaddr || linked)
			fprintf(m, "  0x%llx  %s  ",
				(unsigned long long)s->vaddr, s->function);
		else
			fprintf(m, "  %s+0x%llx  %s  ", s->section,
				(unsigned long long)s->offset, s->function);
		print_kind(m, s);
		fprintf(m, "  %s  %s", s->key ? s->key : "-",
			flag_names(s->flags));
		sc_line_end(&l, out);
	}
}

/* A linked file's table, found by section or symbols; *found is false
 * when it has none. */
static int read_linked(const struct sc_object *obj,
		       struct sc_linked_table *t, bool *found,
		       struct sc_entry **e, size_t *n, struct sc_err *err)
{
	struct sc_addr_index ix;
	int r;

	*e = NULL;
	*n = 0;
	r = sc_linked_find(obj, t, err);
	*found = r == 1;
	if (r <= 0)
		return r;
	if (sc_addr_index_build(&ix, obj, err))
		return -1;
	r = sc_linked_read(obj, &ix, t, e, n, err);
	sc_addr_index_free(&ix);
	return r;
}

static int read_table(const char *path, const struct sc_object *obj,
		      const struct sc_arch *arch, struct sc_report_file *f,
		      struct sc_linked_table *t, bool *found,
		      struct sc_err *err)
{
	struct sc_report_input in = { .path = path, .obj = obj, .arch = arch,
				      .cacheline = 64 };
	struct sc_symbols syms;
	struct sc_entry *e = NULL;
	size_t n;
	int ret;

	*found = sc_find_section(obj, SC_TABLE_SECTION) != 0;
	if (sc_object_linked(obj))
		ret = read_linked(obj, t, found, &e, &n, err);
	else
		ret = sc_table_read(obj, arch, &e, &n, err);
	if (ret || sc_symbols_build(&syms, obj, err)) {
		free(e);
		return -1;
	}
	in.syms = &syms;
	if (sc_lines_open(&in.lines, obj, err))
		in.lines = NULL;
	ret = sc_report_from_table(f, &in, e, n, err);
	sc_lines_close(in.lines);
	sc_symbols_free(&syms);
	free(e);
	return ret;
}

static int dump_object(const struct dump_opts *o, const char *path,
		       struct sc_object *obj,
		       const struct sc_arch *arch, FILE *out,
		       struct sc_report_file *f, struct sc_err *err)
{
	struct sc_linked_table t;
	bool found;

	if (o->system_map && !sc_object_linked(obj))
		return sc_errf(err, "--system-map is for linked files (a "
			       "stripped vmlinux); this is a relocatable "
			       "object");
	if (o->system_map && sc_sysmap_load(obj, o->system_map, err))
		return -1;
	if (read_table(path, obj, arch, f, &t, &found, err))
		return -1;
	if (o->out.format != SC_FORMAT_TEXT)
		return 0;
	if (!found && sc_object_linked(obj) && obj->nsymbols <= 1)
		sc_print_line(out, "%s: no %s, and no symbols to find a table "
			      "by (stripped? give --system-map)", path,
			      SC_TABLE_SECTION);
	else if (!found)
		sc_print_line(out, "%s: no %s", path, SC_TABLE_SECTION);
	else
		print_table(out, f, sc_object_linked(obj) ? t.found_by : NULL);
	return 0;
}

static int dump_file(const void *ctx, struct sc_worker *worker,
		     const struct sc_input *in, FILE *out, FILE *err,
		     void **record)
{
	const char *path = in->name;
	const struct dump_opts *o = ctx;
	struct sc_report_file *f = calloc(1, sizeof(*f));
	struct sc_object obj;
	const struct sc_arch *arch;
	struct sc_err e, oom;
	int status = SC_EXIT_OK;

	(void)worker;	/* its decoders serve check and lint only */

	*record = f;
	if (!f) {
		sc_print_line(err, "%s: error: out of memory", path);
		return SC_EXIT_USAGE;
	}
	if (sc_cmd_open(in, SC_OPEN_DECOMPRESS, &obj, &arch, &e)) {
		status = SC_EXIT_USAGE;
	} else {
		if (dump_object(ctx, path, &obj, arch, out, f, &e))
			status = SC_EXIT_USAGE;
		sc_object_close(&obj);
	}
	if (status) {
		sc_report_text_error(err, path, e.msg, o->colour);
		sc_report_file_free(f);
		if (sc_report_failed(f, path, e.msg, &oom))
			sc_report_text_error(err, path, oom.msg, o->colour);
	}
	f->status = status;
	return status;
}

/* One option, as cmd/options.c parsed it; -1 to go on, else the exit
 * status. */
static int set_option(void *ctx, enum sc_opt_id id, const char *arg)
{
	struct dump_opts *o = ctx;

	switch (id) {
	case SC_OPT_JOBS:
		o->jobs = sc_parse_jobs(arg);
		if (o->jobs < 0)
			return sc_usage_error("dump", "bad job count '%s'",
					      arg);
		return -1;
	case SC_OPT_SYSTEM_MAP:
		o->system_map = arg;
		return -1;
	case SC_OPT_RECURSIVE:
		o->recursive = true;
		return -1;
	case SC_OPT_COLOR:
		return sc_parse_colour("dump", arg, &o->colour);
	default:
		return sc_output_option(&o->out, "dump", id, arg);
	}
}

int cmd_dump(int argc, char **argv)
{
	struct dump_opts o = { .jobs = 1, .colour = sc_colour_auto() };
	struct sc_report_file **records;
	struct sc_inputs in;
	int r, n, first, status;

	r = sc_parse_options(sc_find_command("dump"), argc, argv, set_option,
			     &o, &first);
	if (r >= 0)
		return r;
	if (first >= argc)
		return sc_usage_error("dump", "%s", "no input file");
	if ((r = sc_output_check(&o.out, "dump", argv + first, argc - first,
				 NULL)) >= 0)
		return r;
	if (sc_inputs_expand(&in, argv + first, argc - first,
			     SC_EXPAND_MEMBERS |
			     (o.recursive ? SC_EXPAND_RECURSIVE : 0))) {
		fprintf(stderr, "scstool: out of memory\n");
		return SC_EXIT_USAGE;
	}
	n = (int)in.n;
	records = calloc(n + 1, sizeof(*records));
	if (!records) {
		sc_inputs_free(&in);
		return SC_EXIT_USAGE;
	}
	status = sc_run_files(dump_file, &o, in.v, n, o.jobs,
			      (void **)records);
	r = sc_output_finish(&o.out, "dump", records, n);
	free(records);
	sc_inputs_free(&in);
	return r > status ? r : status;
}
