/* The option table and the parser, help and suggestions derived from it. */
#include "options.h"

#include <getopt.h>
#include <string.h>

#include "../check/rules.h"
#include "../report/escape.h"
#include "../report/rules.h"
#include "cmd.h"

const struct sc_option sc_options[SC_OPT_COUNT] = {
	[SC_OPT_OUTPUT] = { 'o', "output", "OUT", SC_ARG_FILE, NULL,
		"write the result to OUT (one input only); OUT is written "
		"even when nothing changes; a new name or a regular file "
		"(a device, FIFO or directory is refused)" },
	[SC_OPT_DRY_RUN] = { 'n', "dry-run", NULL, SC_ARG_NONE, NULL,
		"check only, write nothing" },
	[SC_OPT_MODULE] = { 'm', "module", NULL, SC_ARG_NONE, NULL,
		"module mode (automatic when the object has "
		".gnu.linkonce.this_module or .modinfo)" },
	[SC_OPT_FORCE] = { 'f', "force", NULL, SC_ARG_NONE, NULL,
		"regenerate an existing table" },
	[SC_OPT_JOBS] = { 'j', "jobs", "N", SC_ARG_NUMBER, NULL,
		"work on N files at a time (one file: N decoding threads)" },
	[SC_OPT_RECURSIVE] = { 'r', "recursive", NULL, SC_ARG_NONE, NULL,
		"walk each directory operand for ELF objects, compressed "
		"ones and (lint, dump) ar archives, in name order; symbolic "
		"links inside are not followed" },
	[SC_OPT_WARN] = { 'W', NULL, "RULE=SEVERITY", SC_ARG_WFLAG, NULL,
		"set a rule to off, note, warning or error; also GCC's "
		"-WRULE, -Wno-RULE, -Werror, -Werror=RULE and "
		"-Wno-error=RULE" },
	[SC_OPT_WERROR] = { 0, "werror", NULL, SC_ARG_NONE, NULL,
		"every warning is an error, as with -Werror" },
	[SC_OPT_CONFIG] = { 0, "config", "FILE", SC_ARG_FILE, NULL,
		"the policy file (default: the first .scstool.yaml from the "
		"current directory upwards)" },
	[SC_OPT_FORMAT] = { 0, "format", "F", SC_ARG_WORD,
		"text yaml json sarif",
		"the report: text (default), yaml, json or sarif" },
	[SC_OPT_RULES_FORMAT] = { 0, "format", "F", SC_ARG_WORD,
		"text yaml json markdown",
		"the list of every rule: text (default), yaml, json or "
		"markdown (a named rule is described in text)" },
	[SC_OPT_REPORT] = { 0, "report", "FILE", SC_ARG_FILE, NULL,
		"write the report to FILE (a regular file, replaced; "
		"- is stdout)" },
	[SC_OPT_SYSTEM_MAP] = { 0, "system-map", "FILE", SC_ARG_FILE, NULL,
		"symbols from FILE (a kernel's System.map) instead of the "
		"file's own: for a stripped vmlinux" },
	[SC_OPT_SOURCE_ROOT] = { 0, "source-root", "DIR", SC_ARG_DIR, NULL,
		"SARIF paths are relative to DIR, the %SRCROOT% base "
		"(default: the current directory)" },
	[SC_OPT_STATS] = { 0, "stats", NULL, SC_ARG_NONE, NULL,
		"count sites by kind and key, findings by rule, and totals" },
	[SC_OPT_VERBOSE] = { 'v', "verbose", NULL, SC_ARG_NONE, NULL,
		"also show notes (and put them in SARIF)" },
	[SC_OPT_COLOR] = { 0, "color", "WHEN", SC_ARG_WORD,
		"auto always never",
		"colour the diagnostics: auto (on a terminal, unless NO_COLOR "
		"is set), always or never" },
	[SC_OPT_MAN] = { 0, "man", NULL, SC_ARG_NONE, NULL,
		"print the man page scstool(1), in roff" },
	[SC_OPT_COMPLETION] = { 0, "completion", "SHELL", SC_ARG_WORD,
		"bash", "print the completion script for SHELL (bash)" },
	[SC_OPT_HELP] = { 'h', "help", NULL, SC_ARG_NONE, NULL,
		"show this help" },
};

const struct sc_command *sc_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sc_ncommands; i++)
		if (!strcmp(sc_commands[i].name, name))
			return &sc_commands[i];
	return NULL;
}

static bool takes(const struct sc_command *cmd, enum sc_opt_id id)
{
	const enum sc_opt_id *o;

	for (o = cmd->opts; *o != SC_OPT_COUNT; o++)
		if (*o == id)
			return true;
	return false;
}

/* ------------------------------------------------------- parsing --- */

struct getopt_tables {
	struct option longs[SC_OPT_COUNT + 1];
	char shorts[3 + 2 * SC_OPT_COUNT + 1];
};

/* getopt_long's tables for cmd; a long option returns 256 + its id.
 * The leading ':' makes a missing argument ':' rather than '?'. */
static void make_tables(const struct sc_command *cmd, struct getopt_tables *t)
{
	const enum sc_opt_id *o;
	size_t nl = 0, ns = 0;

	memset(t, 0, sizeof(*t));
	if (cmd->in_order)
		t->shorts[ns++] = '+';
	t->shorts[ns++] = ':';
	for (o = cmd->opts; *o != SC_OPT_COUNT; o++) {
		const struct sc_option *opt = &sc_options[*o];

		if (opt->short_name) {
			t->shorts[ns++] = opt->short_name;
			if (opt->arg_name)
				t->shorts[ns++] = ':';
		}
		if (opt->long_name)
			t->longs[nl++] = (struct option){ opt->long_name,
				opt->arg_name ? required_argument : no_argument,
				NULL, 256 + *o };
	}
}

static enum sc_opt_id short_id(const struct sc_command *cmd, int c)
{
	const enum sc_opt_id *o;

	for (o = cmd->opts; *o != SC_OPT_COUNT; o++)
		if (sc_options[*o].short_name == c)
			return *o;
	return SC_OPT_COUNT;
}

static int usage_hint(const struct sc_command *cmd)
{
	fprintf(stderr, "Run 'scstool %s --help' for usage.\n", cmd->name);
	return SC_EXIT_USAGE;
}

/* The command's long option nearest to name (without "--"). */
static const char *near_long(const struct sc_command *cmd, const char *name)
{
	const char *words[SC_OPT_COUNT];
	const enum sc_opt_id *o;
	size_t n = 0;

	for (o = cmd->opts; *o != SC_OPT_COUNT; o++)
		if (sc_options[*o].long_name)
			words[n++] = sc_options[*o].long_name;
	return sc_suggest(name, words, n);
}

/* Is name an option of some command but not of cmd?  Then say so:
 * "lint -o" is a slip, not a typo. */
static const char *other_commands_option(const struct sc_command *cmd,
					 const char *name, char c)
{
	int i;

	for (i = 0; i < SC_OPT_COUNT; i++)
		if (!takes(cmd, i) &&
		    ((c && sc_options[i].short_name == c) ||
		     (name && sc_options[i].long_name &&
		      !strcmp(sc_options[i].long_name, name))))
			return sc_options[i].help;
	return NULL;
}

/* How many of cmd's long options start with name[0..len); with out,
 * they are listed there too.  getopt_long takes an unambiguous prefix
 * and refuses an ambiguous one. */
static int prefixed(const struct sc_command *cmd, const char *name,
		    size_t len, FILE *out)
{
	const enum sc_opt_id *o;
	int n = 0;

	for (o = cmd->opts; *o != SC_OPT_COUNT; o++) {
		const char *l = sc_options[*o].long_name;

		if (!l || strncmp(l, name, len))
			continue;
		if (out)
			fprintf(out, " '--%s'", l);
		n++;
	}
	return n;
}

/* The options are the user's bytes: every message that shows one is
 * escaped as a whole line (report/escape.h). */
static int unknown_long(const struct sc_command *cmd, const char *arg)
{
	char name[64];
	size_t len = strcspn(arg + 2, "=");
	const char *near;
	struct sc_line l;
	FILE *m = sc_line_start(&l);

	snprintf(name, sizeof(name), "%.*s", (int)len, arg + 2);
	len = strlen(name);
	if (!m)
		goto out;
	fprintf(m, "scstool %s: ", cmd->name);
	if (prefixed(cmd, name, len, NULL) == 1 && arg[2 + len] == '=') {
		fprintf(m, "option '--%s' takes no argument", name);
	} else if (prefixed(cmd, name, len, NULL) > 1) {
		fprintf(m, "option '--%s' is ambiguous; possibilities:", name);
		prefixed(cmd, name, len, m);
	} else if (other_commands_option(cmd, name, 0)) {
		fprintf(m, "%s takes no option '--%s'", cmd->name, name);
	} else if ((near = near_long(cmd, name))) {
		fprintf(m, "unknown option '--%s'; did you mean '--%s'?",
			name, near);
	} else {
		fprintf(m, "unknown option '--%s'", name);
	}
out:
	sc_line_end(&l, stderr);
	return usage_hint(cmd);
}

static int bad_option(const struct sc_command *cmd, char **argv, int c)
{
	const char *arg = argv[optind - 1];
	char opt[2] = { (char)optopt, 0 };

	if (c == ':' && optopt > 0 && optopt < 256)
		sc_print_line(stderr, "scstool %s: option '-%s' needs an "
			      "argument", cmd->name, opt);
	else if (c == ':')
		sc_print_line(stderr, "scstool %s: option '%s' needs an "
			      "argument", cmd->name, arg);
	else if (!strncmp(arg, "--", 2))
		return unknown_long(cmd, arg);
	else if (other_commands_option(cmd, NULL, optopt))
		sc_print_line(stderr, "scstool %s: %s takes no option '-%s'",
			      cmd->name, cmd->name, opt);
	else
		sc_print_line(stderr, "scstool %s: unknown option '-%s'",
			      cmd->name, opt);
	return usage_hint(cmd);
}

int sc_parse_options(const struct sc_command *cmd, int argc, char **argv,
		     sc_opt_fn set, void *ctx, int *first)
{
	struct getopt_tables t;
	int c, r;

	/* opterr = 0: the messages are ours, so argv[0] (which may belong
	 * to @FILE's expansion) is left alone. */
	make_tables(cmd, &t);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, t.shorts, t.longs, NULL)) != -1) {
		enum sc_opt_id id = c >= 256 ? (enum sc_opt_id)(c - 256)
					     : short_id(cmd, c);

		if (c == '?' || c == ':')
			return bad_option(cmd, argv, c);
		if (id == SC_OPT_HELP) {
			sc_command_help(stdout, cmd);
			return SC_EXIT_OK;
		}
		if ((r = set(ctx, id, optarg)) >= 0)
			return r;
	}
	*first = optind;
	return -1;
}

/* ---------------------------------------------------------- help --- */

/* Prints s from column col, wrapped at 79 columns, continuation lines
 * indented to indent. */
static void wrap(FILE *out, const char *s, size_t col, size_t indent)
{
	while (*s) {
		size_t word = strcspn(s, " ");

		if (col > indent && col + 1 + word > 79) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(s, 1, word, out);
		col += word;
		s += word;
		s += strspn(s, " ");
	}
	fputc('\n', out);
}

/* "-o, --output OUT", "    --stats", "-W RULE=SEVERITY". */
static void option_name(const struct sc_option *o, char *buf, size_t len)
{
	size_t n = 0;

	if (o->short_name)
		n += snprintf(buf + n, len - n, "-%c%s", o->short_name,
			      o->long_name ? ", " : "");
	else
		n += snprintf(buf + n, len - n, "    ");
	if (o->long_name)
		n += snprintf(buf + n, len - n, "--%s", o->long_name);
	if (o->arg_name && n < len)
		snprintf(buf + n, len - n, " %s", o->arg_name);
}

/* Only a command with rules has error findings (status 1), and only one
 * that writes has something to leave unwritten. */
static void exit_status_help(FILE *out, const struct sc_command *cmd)
{
	char text[160];

	snprintf(text, sizeof(text), "Exit status: 0 clean, %s2 usage, I/O "
		 "or malformed input.",
		 !takes(cmd, SC_OPT_WARN) ? "" :
		 takes(cmd, SC_OPT_OUTPUT) ?
		 "1 an error finding (nothing written), " :
		 "1 an error finding, ");
	fputc('\n', out);
	wrap(out, text, 0, 0);
}

void sc_command_help(FILE *out, const struct sc_command *cmd)
{
	const enum sc_opt_id *o;
	char name[64];

	fprintf(out, "Usage: scstool %s %s\n\n", cmd->name, cmd->usage);
	wrap(out, cmd->description, 0, 0);
	if (*cmd->opts != SC_OPT_COUNT)
		fprintf(out, "\nOptions:\n");
	for (o = cmd->opts; *o != SC_OPT_COUNT; o++) {
		option_name(&sc_options[*o], name, sizeof(name));
		fprintf(out, "  %-20s", name);
		if (strlen(name) > 20)
			fprintf(out, "\n%22s", "");
		wrap(out, sc_options[*o].help, 22, 22);
	}
	if (takes(cmd, SC_OPT_WARN)) {
		fprintf(out, "\nRules (name, default severity, architectures; "
			"'scstool help rules RULE' for one):\n");
		sc_rules_text(out, cmd->rules);
	}
	if (cmd->files)
		exit_status_help(out, cmd);
}

void sc_usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: scstool COMMAND [OPTIONS] FILE...\n\n"
		"Commands:\n");
	for (i = 0; i < sc_ncommands; i++)
		fprintf(out, "  %-9s %s\n", sc_commands[i].name,
			sc_commands[i].summary);
	fprintf(out, "\nRun 'scstool help COMMAND' for a command's options, "
		"'scstool help rules' for\nthe rules.  @FILE reads more "
		"arguments from FILE.\n"
		"Exit status: 0 clean, 1 error findings, 2 usage, I/O or "
		"malformed input.\n");
}
