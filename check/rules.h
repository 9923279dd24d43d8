/* The rule registry: every rule scstool applies, in one table.  The
 * diagnostics, `scstool help rules`, SARIF's tool.driver.rules[], the
 * config validator, -W parsing, the man page and the README's rule tables
 * are all derived from it (a test compares the README with it).  Code
 * names a rule by its enum, so a wrong name does not compile. */
#ifndef SC_CHECK_RULES_H
#define SC_CHECK_RULES_H

#include <stdbool.h>
#include <stddef.h>

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
	SC_RULE_UNREGISTERED_TABLE,
	SC_RULE_COUNT
};

/* The architectures a rule can fire on, as bits; the names are the
 * backends' (struct sc_arch.name). */
enum {
	SC_ON_X86_64 = 1u << 0,
	SC_ON_I386 = 1u << 1,
	SC_ON_ARM64 = 1u << 2,
	SC_ON_PPC64 = 1u << 3,
	SC_ON_PPC32 = 1u << 4,
	SC_ON_X86 = SC_ON_X86_64 | SC_ON_I386,
	SC_ON_PPC = SC_ON_PPC64 | SC_ON_PPC32,
	SC_ON_ALL = SC_ON_X86 | SC_ON_ARM64 | SC_ON_PPC,
};

#define SC_NARCH_BITS 5

/* The commands whose findings a rule can be: check and lint share their
 * rules; verify has its own and some of check's.  Help lists a command's
 * rules from these bits, and the README's table shows them. */
enum {
	SC_BY_CHECK = 1u << 0,		/* check and lint */
	SC_BY_VERIFY = 1u << 1,
	SC_BY_ALL = SC_BY_CHECK | SC_BY_VERIFY,
};

struct sc_rule_info {
	const char *name;		/* stable: configs and scripts use it */
	enum sc_severity severity;	/* the default */
	unsigned arches;		/* SC_ON_* bits */
	/* A site this rule fires on cannot be patched by the loader: it
	 * stays out of the table whatever severity the rule is given. */
	bool unpatchable;
	const char *summary;		/* one line: help, SARIF short */
	const char *description;	/* what it protects against: README,
					 * man page, SARIF fullDescription */
	const char *help;		/* what to do about it, in Markdown
					 * (backticks only): SARIF help */
	unsigned commands;		/* SC_BY_* bits */
};

extern const struct sc_rule_info sc_rules[SC_RULE_COUNT];

/* The name of architecture bit i (0 <= i < SC_NARCH_BITS). */
const char *sc_arch_bit_name(unsigned i);

/* Whether rule applies to the architecture named arch ("x86-64"). */
bool sc_rule_applies(enum sc_rule rule, const char *arch);

const char *sc_severity_name(enum sc_severity sev);
int sc_severity_parse(const char *s, enum sc_severity *out);
int sc_rule_parse(const char *s, enum sc_rule *out);

/* The rule name nearest to s by edit distance, or NULL when none is
 * close enough to be a likely typo. */
const char *sc_rule_suggest(const char *s);

/* The word of words[0..n) nearest to s, or NULL when none is close:
 * "did you mean" for commands, options and rules alike. */
const char *sc_suggest(const char *s, const char *const *words, size_t n);

#endif
