/* The rules scstool applies, their stable names and default severities. */
#ifndef SC_CHECK_RULES_H
#define SC_CHECK_RULES_H

#include <stdbool.h>

enum sc_severity {
	SC_SEV_OFF,
	SC_SEV_NOTE,
	SC_SEV_WARNING,
	SC_SEV_ERROR,
};

enum sc_rule {
	SC_RULE_PREFIXED_BRANCH,
	SC_RULE_BAD_ADDEND,
	SC_RULE_NOT_ON_BOUNDARY,
	SC_RULE_UNDECODABLE,
	SC_RULE_MISSING_KEY,
	SC_RULE_NONGLOBAL_TRAMPOLINE,
	SC_RULE_NOT_A_BRANCH,
	SC_RULE_ALTINSTR,
	SC_RULE_STALE_TABLE,
	SC_RULE_GOT_INDIRECT,
	SC_RULE_COND_TAIL,
	SC_RULE_CACHELINE,
	SC_RULE_INIT_SITE,
	SC_RULE_TOC_RESTORE,
	SC_RULE_TOC_TAIL,
	SC_RULE_BRANCH_RANGE,
	SC_RULE_SHORT_BRANCH,
	SC_RULE_ABSOLUTE_BRANCH,
	SC_RULE_COND_CALL,
	SC_RULE_BRANCH_RELOC,
	SC_RULE_RESOLVED_BRANCH,
	SC_RULE_LTO_OBJECT,
	SC_RULE_SIGNED_MODULE,
	/* verify: a linked file's table */
	SC_RULE_MISSING_TABLE,
	SC_RULE_BAD_SITE,
	SC_RULE_BAD_KEY,
	SC_RULE_WRONG_TARGET,
	SC_RULE_DUPLICATE_ENTRY,
	SC_RULE_UNLISTED_SITE,
	SC_RULE_COUNT
};

struct sc_rule_info {
	const char *name;
	enum sc_severity severity;	/* the default */
	/* A site this rule fires on cannot be patched by the loader: it
	 * stays out of the table whatever severity the rule is given. */
	bool unpatchable;
	const char *what;		/* one line for the README and --help */
};

extern const struct sc_rule_info sc_rules[SC_RULE_COUNT];

/* The severity of every rule for one run: defaults, then the user's. */
struct sc_policy {
	enum sc_severity severity[SC_RULE_COUNT];
};

void sc_policy_defaults(struct sc_policy *p);

/* Parses "rule=severity"; returns -1 on an unknown rule or severity. */
int sc_policy_set(struct sc_policy *p, const char *spec);

const char *sc_severity_name(enum sc_severity sev);
int sc_severity_parse(const char *s, enum sc_severity *out);
int sc_rule_parse(const char *s, enum sc_rule *out);

#endif
