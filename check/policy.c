#include "policy.h"

#include <stdio.h>
#include <string.h>

#include "../elf/extent.h"
#include "../elf/lines.h"
#include "check.h"
#include "table.h"

void sc_policy_defaults(struct sc_policy *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < SC_RULE_COUNT; i++)
		p->severity[i] = sc_rules[i].severity;
	sc_config_defaults(&p->config);
}

/* cond-tail: false makes the cond-tail rule an error, unless the file
 * sets that rule itself; the file's rules come after. */
static void apply_config(struct sc_policy *p)
{
	int i;

	if (!p->config.cond_tail)
		p->severity[SC_RULE_COND_TAIL] = SC_SEV_ERROR;
	for (i = 0; i < SC_RULE_COUNT; i++)
		if (p->config.set[i])
			p->severity[i] = p->config.severity[i];
}

int sc_policy_load(struct sc_policy *p, const char *path, struct sc_err *err)
{
	char found[4096];
	int r = 0;

	if (!path) {
		r = sc_config_find(found, sizeof(found), err);
		if (r < 0)
			return -1;
		path = r == 1 ? found : NULL;
	}
	if (path && sc_config_load(&p->config, path, err))
		return -1;
	apply_config(p);
	return 0;
}

void sc_policy_free(struct sc_policy *p)
{
	sc_config_free(&p->config);
}

/* ------------------------------------------------------- -W flags --- */

static int unknown_rule(const char *arg, const char *name, struct sc_err *err)
{
	const char *near = sc_rule_suggest(name);

	if (near)
		return sc_errf(err, "unknown rule '%s' in -W%s; did you mean "
			       "'%s'?", name, arg, near);
	return sc_errf(err, "unknown rule '%s' in -W%s (see 'scstool help "
		       "rules')", name, arg);
}

static int rule_of(const char *arg, const char *name, struct sc_wflag *out,
		   struct sc_err *err)
{
	if (!*name)
		return sc_errf(err, "-W%s names no rule", arg);
	if (sc_rule_parse(name, &out->rule))
		return unknown_rule(arg, name, err);
	return 0;
}

/* RULE=SEVERITY, the form of -W that predates GCC's. */
static int parse_set(const char *arg, const char *eq, struct sc_wflag *out,
		     struct sc_err *err)
{
	char name[64];

	if ((size_t)(eq - arg) >= sizeof(name))
		return unknown_rule(arg, arg, err);
	memcpy(name, arg, eq - arg);
	name[eq - arg] = 0;
	out->kind = SC_WFLAG_SET;
	if (rule_of(arg, name, out, err))
		return -1;
	if (sc_severity_parse(eq + 1, &out->severity))
		return sc_errf(err, "bad severity '%s' in -W%s: want off, note, "
			       "warning or error", eq + 1, arg);
	return 0;
}

int sc_wflag_parse(const char *arg, struct sc_wflag *out, struct sc_err *err)
{
	const char *eq = strchr(arg, '=');

	memset(out, 0, sizeof(*out));
	if (!strcmp(arg, "error")) {
		out->kind = SC_WFLAG_ERROR;
		return 0;
	}
	if (!strcmp(arg, "no-error")) {
		out->kind = SC_WFLAG_NO_ERROR;
		return 0;
	}
	if (!strncmp(arg, "error=", 6)) {
		out->kind = SC_WFLAG_ERROR_RULE;
		return rule_of(arg, arg + 6, out, err);
	}
	if (!strncmp(arg, "no-error=", 9)) {
		out->kind = SC_WFLAG_NO_ERROR_RULE;
		return rule_of(arg, arg + 9, out, err);
	}
	if (eq)
		return parse_set(arg, eq, out, err);
	/* A rule's name never starts with "no-", so -Wno-X is always
	 * "not X". */
	if (!strncmp(arg, "no-", 3)) {
		out->kind = SC_WFLAG_DISABLE;
		return rule_of(arg, arg + 3, out, err);
	}
	out->kind = SC_WFLAG_ENABLE;
	return rule_of(arg, arg, out, err);
}

void sc_policy_apply(struct sc_policy *p, const struct sc_wflag *f)
{
	enum sc_severity *sev = &p->severity[f->rule];

	switch (f->kind) {
	case SC_WFLAG_SET:
		*sev = f->severity;
		break;
	case SC_WFLAG_ENABLE:
		if (*sev < SC_SEV_WARNING)
			*sev = SC_SEV_WARNING;
		break;
	case SC_WFLAG_DISABLE:
		*sev = SC_SEV_OFF;
		break;
	case SC_WFLAG_ERROR:
		p->werror = true;
		break;
	case SC_WFLAG_NO_ERROR:
		p->werror = false;
		break;
	case SC_WFLAG_ERROR_RULE:
		/* As in GCC, -Werror=RULE also turns the rule on. */
		if (*sev == SC_SEV_OFF)
			*sev = SC_SEV_WARNING;
		p->werror_rule[f->rule] = SC_WERROR_ON;
		break;
	case SC_WFLAG_NO_ERROR_RULE:
		p->werror_rule[f->rule] = SC_WERROR_OFF;
		break;
	}
}

const char *sc_promotion_flag(enum sc_promotion why, enum sc_rule rule,
			      char *buf, size_t len)
{
	switch (why) {
	case SC_PROMOTED_WERROR:
		snprintf(buf, len, "-Werror");
		break;
	case SC_PROMOTED_WERROR_RULE:
		snprintf(buf, len, "-Werror=%s", sc_rules[rule].name);
		break;
	case SC_DEMOTED_NO_ERROR:
		snprintf(buf, len, "-Wno-error=%s", sc_rules[rule].name);
		break;
	case SC_PROMOTED_NONE:
		snprintf(buf, len, "%s", "");
		break;
	}
	return buf;
}

/* ---------------------------------------------------------- table --- */

static int stale(const struct sc_policy *p, const struct sc_judge_input *in,
		 const struct sc_table_case *t, struct sc_result *res,
		 struct sc_err *err)
{
	char diff[640], where[64];
	size_t at = 0;

	if (!sc_table_compare(in->obj, in->syms, t->existing, t->nexisting,
			      t->found, t->nfound, diff, sizeof(diff), &at))
		return 0;
	snprintf(where, sizeof(where), SC_TABLE_SECTION "+0x%zx",
		 at * SC_TABLE_ENTSIZE);
	if (sc_result_add(res, p, SC_RULE_STALE_TABLE, 0,
			  at * SC_TABLE_ENTSIZE, 0, where, "%s", diff))
		return sc_errf(err, "out of memory");
	return 0;
}

/* A module signature covers every byte before it: a table written now
 * would void it (the kernel would refuse the module, or load it as
 * unsigned), so the module must be signed after scstool. */
static int signed_module(const struct sc_policy *p, const struct sc_object *obj,
			 struct sc_result *res, struct sc_err *err)
{
	uint64_t at;
	char where[64];

	if (!sc_module_signature(obj, &at))
		return 0;
	snprintf(where, sizeof(where), "file+0x%llx", (unsigned long long)at);
	if (sc_result_add(res, p, SC_RULE_SIGNED_MODULE, 0, at, 0, where,
			  "the module is signed (%llu bytes of signature "
			  "appended at 0x%llx): a new table would invalidate "
			  "the signature, so nothing is written; run scstool "
			  "before signing the module",
			  (unsigned long long)(obj->size - at),
			  (unsigned long long)at))
		return sc_errf(err, "out of memory");
	return 1;
}

int sc_policy_table(const struct sc_policy *p, const struct sc_judge_input *in,
		    const struct sc_table_case *t, struct sc_result *res,
		    struct sc_err *err)
{
	int r;

	if (!t->has_table && !t->nfound)
		return 0;
	if (t->has_table && !t->force)
		return stale(p, in, t, res, err);
	if (t->dry_run)
		return 0;
	r = signed_module(p, in->obj, res, err);
	return r ? (r < 0 ? -1 : 0) : 1;
}

/* ---------------------------------------------------------- judge --- */

/* The key a finding is about, for suppressions: the key symbol, else the
 * name it would have. */
static void key_name(const struct sc_judge_input *in, size_t tramp,
		     char *buf, size_t len)
{
	const char *name = in->obj->symbols[tramp].name;
	size_t key = sc_symbols_key_for(in->syms, name);

	if (key)
		snprintf(buf, len, "%s", in->obj->symbols[key].name);
	else
		snprintf(buf, len, SC_KEY_PREFIX "%s",
			 name + sizeof(SC_TRAMP_PREFIX) - 1);
}

static bool suppressed(const struct sc_policy *p,
		       const struct sc_judge_input *in,
		       const struct sc_finding *f)
{
	char function[160], key[256], file[512];
	char *cut;
	bool src = false;

	if (!p->config.nsuppress)
		return false;
	/* "file:line": patterns name the file. */
	if (in->lines && f->section &&
	    !sc_lines_lookup(in->lines, f->section, f->offset, file,
			     sizeof(file))) {
		src = true;
		cut = strrchr(file, ':');
		if (cut)
			*cut = 0;
	}
	snprintf(function, sizeof(function), "%s", f->where);
	cut = strrchr(function, '+');
	if (cut)
		*cut = 0;
	if (f->tramp)
		key_name(in, f->tramp, key, sizeof(key));
	return sc_config_suppressed(&p->config, f->rule, function,
				    f->tramp ? key : NULL, in->path,
				    src ? file : NULL);
}

/* -Werror=RULE beats -Werror; -Wno-error=RULE keeps the rule's findings
 * from being errors at all, as GCC's does for its default errors. */
static void promote(const struct sc_policy *p, struct sc_finding *f)
{
	enum sc_werror_rule w = p->werror_rule[f->rule];

	f->promoted = SC_PROMOTED_NONE;
	if (w == SC_WERROR_ON && f->severity != SC_SEV_ERROR) {
		f->severity = SC_SEV_ERROR;
		f->promoted = SC_PROMOTED_WERROR_RULE;
	} else if (w == SC_WERROR_OFF && f->severity == SC_SEV_ERROR) {
		f->severity = SC_SEV_WARNING;
		f->promoted = SC_DEMOTED_NO_ERROR;
	} else if (w == SC_WERROR_INHERIT && p->werror &&
		   f->severity == SC_SEV_WARNING) {
		f->severity = SC_SEV_ERROR;
		f->promoted = SC_PROMOTED_WERROR;
	}
}

void sc_policy_judge(const struct sc_policy *p, struct sc_result *res,
		     const struct sc_judge_input *in)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		struct sc_finding *f = &res->findings[i];

		f->suppressed = suppressed(p, in, f);
		promote(p, f);
	}
}

enum sc_exit sc_policy_status(const struct sc_result *res)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		if (!res->findings[i].suppressed &&
		    res->findings[i].severity == SC_SEV_ERROR)
			return SC_EXIT_FINDINGS;
	return SC_EXIT_OK;
}
