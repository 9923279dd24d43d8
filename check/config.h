/* Per-project policy: a YAML file (--config FILE, else the first
 * .scstool.yaml from the current directory upwards) that sets rule
 * severities, suppressions, the cache-line size and whether the target
 * loader can patch conditional tail calls. */
#ifndef SC_CHECK_CONFIG_H
#define SC_CHECK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"
#include "sc_err.h"

/* Glob patterns (fnmatch); NULL matches anything.  All that are given
 * must match for a finding to be suppressed. */
struct sc_suppress {
	char *rule, *function, *key, *file;
};

struct sc_config {
	char *path;			/* the file read, or NULL */
	enum sc_severity severity[SC_RULE_COUNT];
	bool set[SC_RULE_COUNT];	/* severity given by the file */
	struct sc_suppress *suppress;
	size_t nsuppress;
	unsigned cacheline;		/* bytes, a power of two; default 64 */
	bool cond_tail;			/* default true */
};

void sc_config_defaults(struct sc_config *c);

/* Reads path into c.  Errors name "PATH:LINE:COLUMN: problem" (YAML
 * syntax, an unknown key or rule, a bad value, nesting deeper than 32
 * levels), or "PATH: problem" for the file itself: it must be a regular
 * file (never opened otherwise: a FIFO would block) of at most 1 MiB. */
int sc_config_load(struct sc_config *c, const char *path, struct sc_err *err);

/* The same for size bytes of YAML at text; path names them in errors.
 * On an error c is left as it was. */
int sc_config_parse(struct sc_config *c, const char *path,
		    const unsigned char *text, size_t size, struct sc_err *err);

/* Finds .scstool.yaml in the current directory or the nearest parent.
 * Returns 1 with its path in buf, 0 when there is none, -1 on error. */
int sc_config_find(char *buf, size_t len, struct sc_err *err);

void sc_config_free(struct sc_config *c);

/* Is a finding of rule at function (a symbol name, without "+0x..") about
 * key, in an object at file (or from source file src, may be NULL),
 * suppressed? */
bool sc_config_suppressed(const struct sc_config *c, enum sc_rule rule,
			  const char *function, const char *key,
			  const char *file, const char *src);

#endif
