/* Opening an object the way every command does, with one clear line on
 * failure. */
#ifndef SC_CMD_COMMON_H
#define SC_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "../arch/arch.h"
#include "../check/config.h"
#include "../check/rules.h"
#include "../elf/object.h"

/* Opens path and finds its backend; on failure returns -1 with err set
 * (the object is then closed). */
int sc_cmd_open(const char *path, bool need_rel, struct sc_object *obj,
		const struct sc_arch **arch, struct sc_err *err);

/* Prints "scstool CMD: <fmt with arg>" and the help hint; returns the
 * usage exit status. */
int sc_usage_error(const char *cmd, const char *fmt, const char *arg);

/* After getopt_long returned c ('?' or ':', with opterr 0 and ':' first
 * in the option string): prints what was wrong, escaped, and the help
 * hint; returns the usage exit status. */
int sc_option_error(const char *cmd, int c, char **argv);

/* The policy of a run, as check, lint and verify make it: rule
 * severities from the defaults, then the config file (where cond-tail:
 * false makes the cond-tail rule an error unless the file sets it), then
 * each -W. */
struct sc_run_policy {
	const char *config_path;	/* --config, or NULL: the first
					 * .scstool.yaml upwards */
	char **wopts;			/* -W, applied over the config */
	size_t nwopts;
	struct sc_config config;
	struct sc_policy policy;
};

/* Checks and keeps one -W spec for cmd.  Returns -1 to go on, else the
 * exit status (after printing why). */
int sc_cmd_add_wopt(const char *cmd, struct sc_run_policy *p, char *spec);

/* Loads the config and fills p->policy; prints the problem and returns
 * -1 when the config is invalid. */
int sc_cmd_load_policy(struct sc_run_policy *p);

void sc_cmd_policy_free(struct sc_run_policy *p);

#endif
