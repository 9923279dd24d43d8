/* Opening an object the way every command does, with one clear line on
 * failure. */
#ifndef SC_CMD_COMMON_H
#define SC_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "../arch/arch.h"
#include "../check/policy.h"
#include "../elf/input.h"
#include "../elf/object.h"
#include "../report/report.h"
#include "inputs.h"

/* Opens an input: a file (elf/input.h's sc_input_open, with its
 * SC_OPEN_* flags) or an archive member, or gives the error it carries;
 * and finds its backend; on failure returns -1 with err set (the object
 * is then closed). */
int sc_cmd_open(const struct sc_input *in, unsigned flags,
		struct sc_object *obj,
		const struct sc_arch **arch, struct sc_err *err);

/* A file that cannot be analysed: prints its one line to err, and turns
 * record (reset) into the report's record of that failure.  Returns the
 * exit status of bad input (2). */
int sc_cmd_file_failed(FILE *err, const char *path, bool colour,
		       struct sc_report_file *record, const struct sc_err *e);

/* Prints "scstool CMD: <fmt with arg>" and the help hint; returns the
 * usage exit status. */
int sc_usage_error(const char *cmd, const char *fmt, const char *arg);

/* --color=auto: stderr is a terminal, TERM is not "dumb", and NO_COLOR
 * is unset or empty (https://no-color.org). */
bool sc_colour_auto(void);

/* Parses --color's argument into *colour; -1 to go on, else the usage
 * exit status. */
int sc_parse_colour(const char *cmd, const char *arg, bool *colour);

/* The policy of a run, as check, lint and verify make it
 * (check/policy.h): the defaults, the config file, then each -W flag in
 * command-line order. */
struct sc_run_policy {
	const char *config_path;	/* --config, or NULL: the first
					 * .scstool.yaml upwards */
	struct sc_wflag *wflags;	/* -W and --werror, as given */
	size_t nwflags;
	struct sc_policy policy;
};

/* Checks and keeps one -W flag (the part after -W; --werror is "error")
 * for cmd.  Returns -1 to go on, else the exit status (after printing
 * why, with a did-you-mean for a misspelt rule). */
int sc_cmd_add_wflag(const char *cmd, struct sc_run_policy *p,
		     const char *arg);

/* Loads the config and applies the flags to p->policy; prints the
 * problem and returns -1 when the config is invalid. */
int sc_cmd_load_policy(struct sc_run_policy *p);

void sc_cmd_policy_free(struct sc_run_policy *p);

#endif
