/* scstool dump: print the .static_call_sites table of any object. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../check/table.h"
#include "../decode/decode.h"
#include "cmd.h"
#include "common.h"

struct dump_opts {
	int jobs;
};

void cmd_dump_help(FILE *out)
{
	fprintf(out,
		"Usage: scstool dump [OPTIONS] FILE...\n\n"
		"Prints each object's .static_call_sites table, one line per "
		"entry:\n"
		"  SECTION+0xOFF  FUNCTION+0xOFF  KIND  KEY  FLAGS\n"
		"KIND is decoded from the bytes at the site (call, tail, "
		"cond, or the\ninstruction found there); FLAGS is tail, init, "
		"both or -.\n\n"
		"Options:\n"
		"  -j, --jobs N   read N files at a time\n"
		"  -h, --help     show this help\n");
}

static const char *flag_names(unsigned flags)
{
	static const char *const names[] = { "-", "tail", "init",
					     "tail,init" };

	return names[flags & 3];
}

/* The kind at a site, from its bytes; text receives the instruction when
 * it is no branch. */
static const char *kind_at(struct sc_decoder *dec, const struct sc_arch *arch,
			   const struct sc_object *obj,
			   const struct sc_entry *e, char *text, size_t len)
{
	const uint8_t *bytes;
	size_t size;
	const cs_insn *insn;
	struct sc_err err;
	enum sc_kind kind;

	if (sc_section_bytes(obj, e->section, &bytes, &size, &err) ||
	    !(insn = sc_decode_detail(dec, bytes, size, e->offset)))
		return "undecodable";
	kind = arch->kind_at(insn);
	if (kind != SC_KIND_NONE)
		return sc_kind_name(kind);
	snprintf(text, len, "(%s)", insn->mnemonic);
	return text;
}

static void print_entries(FILE *out, const struct sc_object *obj,
			  const struct sc_arch *arch,
			  const struct sc_symbols *syms, struct sc_decoder *dec,
			  const struct sc_entry *e, size_t n)
{
	char where[160], text[48];
	size_t i;

	for (i = 0; i < n; i++) {
		sc_symbols_where(syms, e[i].section, e[i].offset, where,
				 sizeof(where));
		fprintf(out, "  %s+0x%llx  %s  %s  %s  %s\n",
			obj->sections[e[i].section].name,
			(unsigned long long)e[i].offset, where,
			kind_at(dec, arch, obj, &e[i], text, sizeof(text)),
			obj->symbols[e[i].key].name, flag_names(e[i].flags));
	}
}

static int dump_object(const char *path, const struct sc_object *obj,
		       const struct sc_arch *arch, FILE *out, FILE *errs)
{
	struct sc_symbols syms;
	struct sc_decoder dec;
	struct sc_entry *e = NULL;
	struct sc_err err;
	size_t n;

	if (sc_table_read(obj, arch, &e, &n, &err)) {
		free(e);
		fprintf(errs, "%s: error: %s\n", path, err.msg);
		return SC_EXIT_USAGE;
	}
	if (!sc_find_section(obj, SC_TABLE_SECTION)) {
		fprintf(out, "%s: no %s\n", path, SC_TABLE_SECTION);
		return SC_EXIT_OK;
	}
	if (sc_symbols_build(&syms, obj, &err) ||
	    sc_decoder_open(&dec, arch->cs_arch,
			    sc_arch_cs_mode(arch, &obj->ehdr), arch->gap_len,
			    arch->fix_len, &err)) {
		free(e);
		fprintf(errs, "%s: error: %s\n", path, err.msg);
		return SC_EXIT_USAGE;
	}
	fprintf(out, "%s: %zu static-call site%s\n", path, n,
		n == 1 ? "" : "s");
	print_entries(out, obj, arch, &syms, &dec, e, n);
	sc_decoder_close(&dec);
	sc_symbols_free(&syms);
	free(e);
	return SC_EXIT_OK;
}

static int dump_file(const void *ctx, const char *path, FILE *out, FILE *err)
{
	struct sc_object obj;
	const struct sc_arch *arch;
	int status;

	(void)ctx;
	if (sc_cmd_open(path, false, &obj, &arch, err))
		return SC_EXIT_USAGE;
	status = dump_object(path, &obj, arch, out, err);
	sc_object_close(&obj);
	return status;
}

static const struct option long_opts[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, else the exit status. */
static int parse_option(struct dump_opts *o, int c)
{
	switch (c) {
	case 'j':
		o->jobs = sc_parse_jobs(optarg);
		if (o->jobs < 0)
			return sc_usage_error("dump", "bad job count '%s'",
					      optarg);
		return -1;
	case 'h':
		cmd_dump_help(stdout);
		return SC_EXIT_OK;
	default:		/* getopt has named the problem */
		fprintf(stderr, "Run 'scstool help dump' for usage.\n");
		return SC_EXIT_USAGE;
	}
}

int cmd_dump(int argc, char **argv)
{
	struct dump_opts o = { .jobs = 1 };
	int c, r;

	optind = 1;
	/* How getopt names us in its messages. */
	argv[0] = "scstool dump";
	while ((c = getopt_long(argc, argv, "j:h", long_opts, NULL)) != -1)
		if ((r = parse_option(&o, c)) >= 0)
			return r;
	if (optind >= argc)
		return sc_usage_error("dump", "%s", "no input file");
	return sc_run_files(dump_file, &o, argv + optind, argc - optind,
			    o.jobs);
}
