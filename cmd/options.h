/* The command line, as tables: every option once (cmd/options.c), every
 * command with the options it takes.  Parsing, each command's --help,
 * the man page and the bash completion are all derived from them, so
 * that no second list can drift. */
#ifndef SC_CMD_OPTIONS_H
#define SC_CMD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum sc_opt_id {
	SC_OPT_OUTPUT,
	SC_OPT_DRY_RUN,
	SC_OPT_MODULE,
	SC_OPT_FORCE,
	SC_OPT_JOBS,
	SC_OPT_RECURSIVE,
	SC_OPT_WARN,
	SC_OPT_WERROR,
	SC_OPT_CONFIG,
	SC_OPT_FORMAT,
	SC_OPT_RULES_FORMAT,
	SC_OPT_REPORT,
	SC_OPT_SYSTEM_MAP,
	SC_OPT_SOURCE_ROOT,
	SC_OPT_STATS,
	SC_OPT_VERBOSE,
	SC_OPT_COLOR,
	SC_OPT_MAN,
	SC_OPT_COMPLETION,
	SC_OPT_HELP,
	SC_OPT_COUNT
};

/* What an option's argument is: how help names it and how the shell
 * completes it. */
enum sc_arg_kind {
	SC_ARG_NONE,
	SC_ARG_FILE,		/* a path */
	SC_ARG_DIR,		/* a folder */
	SC_ARG_NUMBER,
	SC_ARG_WORD,		/* one of values */
	SC_ARG_WFLAG,		/* -W's: error, RULE, no-RULE, RULE=SEV... */
};

struct sc_option {
	char short_name;		/* 0: none */
	const char *long_name;		/* NULL: none */
	const char *arg_name;		/* "FILE", "N"; NULL: no argument */
	enum sc_arg_kind arg;
	const char *values;		/* SC_ARG_WORD: "text yaml sarif" */
	const char *help;		/* one sentence, no final period */
};

extern const struct sc_option sc_options[SC_OPT_COUNT];

struct sc_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;		/* after "scstool NAME " */
	const char *summary;		/* one line, for the command list */
	const char *description;	/* a paragraph for --help and man */
	const enum sc_opt_id *opts;	/* SC_OPT_COUNT-terminated */
	const char *files;		/* what operands are: "FILE" or NULL */
	bool in_order;			/* options end at the first operand:
					 * help hands the rest on */
	unsigned rules;			/* SC_BY_* bits (check/rules.h): the
					 * rules its help lists */
};

/* Every command, in the order help lists them (cmd/main.c). */
extern const struct sc_command sc_commands[];
extern const size_t sc_ncommands;

const struct sc_command *sc_find_command(const char *name);

/* Parses argv (argv[0] is the command) by cmd's table, calling set for
 * each option in order; --help prints the help.  Returns -1 when the
 * command should go on (its operands from *first), else an exit status
 * (a usage error has been printed, with a did-you-mean when an option
 * or command is near).  set returns -1 to go on, else a status. */
typedef int (*sc_opt_fn)(void *ctx, enum sc_opt_id id, const char *arg);
int sc_parse_options(const struct sc_command *cmd, int argc, char **argv,
		     sc_opt_fn set, void *ctx, int *first);

/* One command's help: usage, description, then its options. */
void sc_command_help(FILE *out, const struct sc_command *cmd);

/* The list of commands (scstool --help). */
void sc_usage(FILE *out);

/* The man page scstool(1), in roff, and the bash completion script. */
void sc_man_page(FILE *out, const char *version);
void sc_bash_completion(FILE *out);

#endif
