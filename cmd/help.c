/* scstool help, rules and version. */
#include <string.h>

#include "../report/escape.h"
#include "../report/rules.h"
#include "cmd.h"
#include "common.h"
#include "options.h"

#ifndef SC_VERSION
#define SC_VERSION "0.1"
#endif

/* ---------------------------------------------------------- rules --- */

enum rules_format { RULES_TEXT, RULES_YAML, RULES_JSON, RULES_MARKDOWN };

struct rules_opts {
	enum rules_format format;
};

static int rules_option(void *ctx, enum sc_opt_id id, const char *arg)
{
	static const char *const names[] = { "text", "yaml", "json",
					     "markdown" };
	struct rules_opts *o = ctx;
	int i;

	(void)id;	/* --format is rules' only option with a value */
	for (i = 0; i < 4; i++)
		if (!strcmp(arg, names[i])) {
			o->format = i;
			return -1;
		}
	return sc_usage_error("rules", "bad --format '%s': want text, yaml, "
			      "json or markdown", arg);
}

static int unknown_rule(const char *name)
{
	const char *near = sc_rule_suggest(name);

	if (near)
		sc_print_line(stderr, "scstool rules: unknown rule '%s'; did "
			      "you mean '%s'?", name, near);
	else
		sc_print_line(stderr, "scstool rules: unknown rule '%s'",
			      name);
	fprintf(stderr, "Run 'scstool help rules' for the list.\n");
	return SC_EXIT_USAGE;
}

static int print_rules(enum rules_format f)
{
	struct sc_err err;
	int ret = 0;

	switch (f) {
	case RULES_TEXT:
		printf("Rules (name, default severity, architectures):\n");
		sc_rules_text(stdout, SC_BY_ALL);
		printf("\nRun 'scstool help rules RULE' for one rule in "
		       "full.\n");
		break;
	case RULES_YAML:
		ret = sc_rules_yaml(stdout, &err);
		break;
	case RULES_JSON:
		ret = sc_rules_json(stdout, &err);
		break;
	case RULES_MARKDOWN:
		sc_rules_markdown(stdout);
		break;
	}
	if (ret)
		fprintf(stderr, "scstool rules: %s\n", err.msg);
	return ret ? SC_EXIT_USAGE : SC_EXIT_OK;
}

static int print_named(char **names, int n)
{
	enum sc_rule rule;
	int i;

	for (i = 0; i < n; i++)
		if (sc_rule_parse(names[i], &rule))
			return unknown_rule(names[i]);
	for (i = 0; i < n; i++) {
		sc_rule_parse(names[i], &rule);
		if (i)
			putchar('\n');
		sc_rule_text(stdout, rule);
	}
	return SC_EXIT_OK;
}

int cmd_rules(int argc, char **argv)
{
	struct rules_opts o = { RULES_TEXT };
	int r, first;

	r = sc_parse_options(sc_find_command("rules"), argc, argv,
			     rules_option, &o, &first);
	if (r >= 0)
		return r;
	/* A named rule is described in text only: a --format asked for
	 * with names would otherwise be dropped without a word. */
	if (first < argc && o.format != RULES_TEXT)
		return sc_usage_error("rules", "--format applies to the list "
				      "of every rule; a named rule ('%s') is "
				      "described in text only", argv[first]);
	if (first < argc)
		return print_named(argv + first, argc - first);
	return print_rules(o.format);
}

/* ----------------------------------------------------------- help --- */

struct help_opts {
	bool man;
	const char *completion;
};

static int help_option(void *ctx, enum sc_opt_id id, const char *arg)
{
	struct help_opts *o = ctx;

	if (id == SC_OPT_MAN) {
		o->man = true;
		return -1;
	}
	if (strcmp(arg, "bash"))
		return sc_usage_error("help", "bad --completion '%s': want "
				      "bash", arg);
	o->completion = arg;
	return -1;
}

static int unknown_command(const char *name)
{
	const char *words[16];
	const char *near;
	size_t i;

	for (i = 0; i < sc_ncommands && i < 16; i++)
		words[i] = sc_commands[i].name;
	near = sc_suggest(name, words, i);
	if (near)
		sc_print_line(stderr, "scstool: unknown command '%s'; did you "
			      "mean '%s'?", name, near);
	else
		sc_print_line(stderr, "scstool: unknown command '%s'", name);
	return SC_EXIT_USAGE;
}

int sc_unknown_command(const char *name)
{
	return unknown_command(name);
}

int cmd_help(int argc, char **argv)
{
	struct help_opts o = { false, NULL };
	const struct sc_command *c;
	int r, first;

	r = sc_parse_options(sc_find_command("help"), argc, argv,
			     help_option, &o, &first);
	if (r >= 0)
		return r;
	if (o.man) {
		sc_man_page(stdout, SC_VERSION);
		return SC_EXIT_OK;
	}
	if (o.completion) {
		sc_bash_completion(stdout);
		return SC_EXIT_OK;
	}
	if (first >= argc) {
		sc_usage(stdout);
		return SC_EXIT_OK;
	}
	/* "help rules" is the rules themselves, as git's "help -a" is. */
	if (!strcmp(argv[first], "rules"))
		return cmd_rules(argc - first, argv + first);
	c = sc_find_command(argv[first]);
	if (!c)
		return unknown_command(argv[first]);
	sc_command_help(stdout, c);
	return SC_EXIT_OK;
}

int cmd_version(int argc, char **argv)
{
	int r, first;

	r = sc_parse_options(sc_find_command("version"), argc, argv, NULL,
			     NULL, &first);
	if (r >= 0)
		return r;
	if (first < argc)
		return sc_usage_error("version", "version takes no operand, "
				      "got '%s'", argv[first]);
	printf("scstool %s\n", SC_VERSION);
	return SC_EXIT_OK;
}
