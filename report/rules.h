/* The rule registry (check/rules.h) in every form a reader needs:
 * `scstool help rules` as text, YAML or JSON, the README's Markdown
 * table and the man page's roff.  Nothing here holds a fact of its own:
 * every word comes from sc_rules[]. */
#ifndef SC_REPORT_RULES_H
#define SC_REPORT_RULES_H

#include <stdbool.h>
#include <stdio.h>

#include "../check/rules.h"
#include "sc_err.h"

/* The architectures of a rule, "all" or "x86-64, i386". */
void sc_rule_arches(enum sc_rule rule, char *buf, size_t len);

/* A rule's help without its Markdown (backticks dropped). */
void sc_rule_help_text(enum sc_rule rule, char *buf, size_t len);

/* The commands a rule's findings come from, "check, lint, verify". */
void sc_rule_commands(enum sc_rule rule, char *buf, size_t len);

/* One line per rule of commands (SC_BY_* bits): name, default severity,
 * architectures, summary. */
void sc_rules_text(FILE *out, unsigned commands);

/* The full entry of one rule, as `scstool help rules RULE` prints it. */
void sc_rule_text(FILE *out, enum sc_rule rule);

/* Every rule, every field, as a list of maps: YAML through libyaml,
 * JSON through json-c. */
int sc_rules_yaml(FILE *out, struct sc_err *err);
int sc_rules_json(FILE *out, struct sc_err *err);

/* The README's rule table, in Markdown. */
void sc_rules_markdown(FILE *out);

/* Text of the registry as roff: backslashes escaped, `code` in bold. */
void sc_roff_text(FILE *out, const char *s);

#endif
