/* Policy: every decision a run makes about findings, in one place.
 *
 * Severities come, later winning, from the rules' defaults (check/rules.h),
 * `cond-tail: false` in the config, the config's `rules`, and the command
 * line's -W flags in their order.  Then each finding of a check is judged:
 * a suppression hides it, and -Werror, -Werror=RULE or -Wno-error=RULE
 * change the severity it is printed and counted with (the finding says
 * which flag did).  The table decision (stale-table, signed-module) and
 * the exit status are made here too; report/ only projects the result.
 * Every decision is made on enums, never on the names they print as. */
#ifndef SC_CHECK_POLICY_H
#define SC_CHECK_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "rules.h"
#include "sc_err.h"

/* Exit statuses (README, "Diagnostics and exit status"). */
enum sc_exit {
	SC_EXIT_OK = 0,
	SC_EXIT_FINDINGS = 1,	/* an error-severity finding */
	SC_EXIT_USAGE = 2,	/* also I/O and malformed input */
};

/* Why a finding's severity differs from its rule's, if it does. */
enum sc_promotion {
	SC_PROMOTED_NONE,
	SC_PROMOTED_WERROR,	/* a warning made an error by -Werror */
	SC_PROMOTED_WERROR_RULE,/* made an error by -Werror=RULE */
	SC_DEMOTED_NO_ERROR,	/* an error made a warning by
				 * -Wno-error=RULE */
};

/* One -W flag of the command line, in GCC's forms. */
enum sc_wflag_kind {
	SC_WFLAG_SET,		/* -W RULE=SEVERITY */
	SC_WFLAG_ENABLE,	/* -WRULE: at least a warning */
	SC_WFLAG_DISABLE,	/* -Wno-RULE: off */
	SC_WFLAG_ERROR,		/* -Werror (and --werror) */
	SC_WFLAG_NO_ERROR,	/* -Wno-error */
	SC_WFLAG_ERROR_RULE,	/* -Werror=RULE */
	SC_WFLAG_NO_ERROR_RULE,	/* -Wno-error=RULE */
};

struct sc_wflag {
	enum sc_wflag_kind kind;
	enum sc_rule rule;		/* for the per-rule kinds */
	enum sc_severity severity;	/* for SC_WFLAG_SET */
};

/* Per rule, what -Werror=RULE and -Wno-error=RULE said last. */
enum sc_werror_rule {
	SC_WERROR_INHERIT,	/* follow -Werror */
	SC_WERROR_ON,
	SC_WERROR_OFF,
};

struct sc_policy {
	enum sc_severity severity[SC_RULE_COUNT];
	enum sc_werror_rule werror_rule[SC_RULE_COUNT];
	bool werror;			/* -Werror */
	struct sc_config config;	/* owned: suppressions, line size,
					 * cond-tail */
};

/* The rules' defaults, and the config's defaults (no file read). */
void sc_policy_defaults(struct sc_policy *p);

/* Reads the config file: path, or when NULL the first .scstool.yaml
 * from the current directory upwards (none is fine), and applies it.
 * Call before the -W flags, which beat it.  On error, err holds one
 * line naming FILE:LINE:COLUMN. */
int sc_policy_load(struct sc_policy *p, const char *path, struct sc_err *err);

/* Parses the argument of one -W flag ("error", "no-cacheline",
 * "cacheline=off", "error=cacheline", ...).  On an unknown rule or
 * severity, err says which, with a did-you-mean when one is near. */
int sc_wflag_parse(const char *arg, struct sc_wflag *out, struct sc_err *err);

/* Applies one flag; flags are applied in command-line order. */
void sc_policy_apply(struct sc_policy *p, const struct sc_wflag *f);

void sc_policy_free(struct sc_policy *p);

struct sc_entry;
struct sc_lines;
struct sc_object;
struct sc_result;
struct sc_symbols;

/* One checked object, as judging sees it: suppressions match its path,
 * the function and key of each finding, and the source file. */
struct sc_judge_input {
	const char *path;
	const struct sc_object *obj;
	const struct sc_symbols *syms;
	struct sc_lines *lines;		/* NULL without DWARF */
};

/* What check is to do about an object's table. */
struct sc_table_case {
	bool has_table;		/* the object has .static_call_sites */
	bool force;		/* --force: regenerate it anyway */
	bool dry_run;		/* lint, -n: nothing is written */
	struct sc_entry *existing, *found;
	size_t nexisting, nfound;
};

/* Decides whether check writes the table.  An existing table that
 * differs from the sites found (without --force) gets a stale-table
 * finding and is not rewritten; a write that would void a module's
 * signature gets a signed-module finding instead.  Returns 1 to write,
 * 0 not to, -1 with err set when memory runs out. */
int sc_policy_table(const struct sc_policy *p, const struct sc_judge_input *in,
		    const struct sc_table_case *t, struct sc_result *res,
		    struct sc_err *err);

/* Judges every finding of res: whether a suppression hides it, and the
 * severity it is printed and counted with, and why. */
void sc_policy_judge(const struct sc_policy *p, struct sc_result *res,
		     const struct sc_judge_input *in);

/* The exit status res's judged findings call for: SC_EXIT_FINDINGS when
 * one that is not suppressed is an error (nothing is then written). */
enum sc_exit sc_policy_status(const struct sc_result *res);

/* The flag a promotion names ("-Werror", "-Werror=cacheline") into buf,
 * or "" for SC_PROMOTED_NONE. */
const char *sc_promotion_flag(enum sc_promotion why, enum sc_rule rule,
			      char *buf, size_t len);

#endif
