#include "rules.h"

#include <string.h>

const struct sc_rule_info sc_rules[SC_RULE_COUNT] = {
	[SC_RULE_PREFIXED_BRANCH] = {
		"prefixed-branch", SC_SEV_ERROR, true,
		"the branch carries a prefix; the loader expects the opcode "
		"at the site address" },
	[SC_RULE_BAD_ADDEND] = {
		"bad-addend", SC_SEV_ERROR, true,
		"the branch does not target the trampoline's first byte" },
	[SC_RULE_NOT_ON_BOUNDARY] = {
		"not-on-boundary", SC_SEV_ERROR, true,
		"the bytes look like a branch (or a table entry points at "
		"them) but are not an instruction's start when decoded from "
		"the function's start" },
	[SC_RULE_UNDECODABLE] = {
		"undecodable", SC_SEV_WARNING, true,
		"an instruction before the site cannot be decoded, so the "
		"site's boundary is unproven; kept out" },
	[SC_RULE_MISSING_KEY] = {
		"missing-key", SC_SEV_ERROR, true,
		"no __SCK__ key symbol for the trampoline (outside module "
		"mode)" },
	[SC_RULE_NONGLOBAL_TRAMPOLINE] = {
		"nonglobal-trampoline", SC_SEV_WARNING, true,
		"a branch to a local or weak __SCT__ symbol; not a site" },
	[SC_RULE_NOT_A_BRANCH] = {
		"not-a-branch", SC_SEV_NOTE, true,
		"a reference to a trampoline that is not a branch" },
	[SC_RULE_ALTINSTR] = {
		"altinstr-replacement", SC_SEV_NOTE, true,
		"a site in .altinstr_replacement, a template copied "
		"elsewhere; skipped" },
	[SC_RULE_GOT_INDIRECT] = {
		"got-indirect", SC_SEV_ERROR, true,
		"a call or jump to a trampoline through the GOT (-fno-plt, "
		"PIC): never patchable" },
	[SC_RULE_COND_TAIL] = {
		"cond-tail", SC_SEV_NOTE, false,
		"a conditional tail call (Jcc); an error, and kept out, when "
		"the loader cannot patch them (cond-tail: false)" },
	[SC_RULE_CACHELINE] = {
		"cacheline", SC_SEV_NOTE, false,
		"the site's bytes cross, or may cross, a cache line" },
	[SC_RULE_INIT_SITE] = {
		"init-site", SC_SEV_NOTE, false,
		"a site in an .init.* section: the loader marks it INIT and "
		"skips it after boot" },
	[SC_RULE_TOC_RESTORE] = {
		"toc-restore", SC_SEV_ERROR, true,
		"a call that may switch TOC (R_PPC64_REL24) has no TOC-restore "
		"slot after it: retargeting it would corrupt r2" },
	[SC_RULE_TOC_TAIL] = {
		"toc-tail", SC_SEV_WARNING, false,
		"a tail call with a TOC may only be retargeted to a function "
		"that shares the caller's TOC" },
	[SC_RULE_BRANCH_RANGE] = {
		"branch-range", SC_SEV_WARNING, false,
		"a conditional site reaches only +-1 MiB or +-32 KiB; beyond, "
		"the loader must keep the trampoline" },
	[SC_RULE_SHORT_BRANCH] = {
		"short-branch", SC_SEV_WARNING, true,
		"a branch to a trampoline with a displacement too short to "
		"patch (x86 rel8, rel16); kept out" },
	[SC_RULE_ABSOLUTE_BRANCH] = {
		"absolute-branch", SC_SEV_WARNING, true,
		"an absolute branch to a trampoline (ppc ba, bla, bca); kept "
		"out: the loader patches relative ones" },
	[SC_RULE_COND_CALL] = {
		"cond-call", SC_SEV_WARNING, true,
		"a conditional call to a trampoline (ppc bcl forms), which no "
		"loader patches; kept out" },
	[SC_RULE_BRANCH_RELOC] = {
		"branch-reloc", SC_SEV_WARNING, true,
		"a branch to a trampoline whose relocation type is unknown or "
		"does not fit it; kept out" },
	[SC_RULE_SIGNED_MODULE] = {
		"signed-module", SC_SEV_ERROR, false,
		"the module carries an appended signature that a new table "
		"would invalidate: sign it after scstool; never written" },
	[SC_RULE_RESOLVED_BRANCH] = {
		"resolved-branch", SC_SEV_WARNING, true,
		"a branch to a trampoline with no relocation (resolved by the "
		"assembler); never patched: keep trampolines in their own "
		"section" },
	[SC_RULE_LTO_OBJECT] = {
		"lto-object", SC_SEV_WARNING, false,
		"a GCC LTO object: its IR is compiled again at the LTO link, "
		"so check the link's output" },
	[SC_RULE_MISSING_TABLE] = {
		"missing-table", SC_SEV_ERROR, false,
		"a linked file branches to trampolines but has no table "
		"(--gc-sections without KEEP, LTO, no linker-script "
		"fragment)" },
	[SC_RULE_BAD_SITE] = {
		"bad-site", SC_SEV_ERROR, false,
		"a table entry points at an instruction the loader refuses "
		"for its flags, or outside code" },
	[SC_RULE_BAD_KEY] = {
		"bad-key", SC_SEV_ERROR, false,
		"a table entry's key field points at no __SCK__ key" },
	[SC_RULE_WRONG_TARGET] = {
		"wrong-target", SC_SEV_ERROR, false,
		"a table entry's branch does not go to the trampoline of its "
		"key" },
	[SC_RULE_DUPLICATE_ENTRY] = {
		"duplicate-entry", SC_SEV_ERROR, false,
		"two table entries name the same site" },
	[SC_RULE_UNLISTED_SITE] = {
		"unlisted-site", SC_SEV_WARNING, false,
		"a direct branch to a trampoline that no table entry covers: "
		"it is never patched" },
	[SC_RULE_STALE_TABLE] = {
		"stale-table", SC_SEV_ERROR, false,
		"the object's .static_call_sites differs from the sites "
		"found (use --force to regenerate)" },
};

static const char *const severity_names[] = {
	[SC_SEV_OFF] = "off",
	[SC_SEV_NOTE] = "note",
	[SC_SEV_WARNING] = "warning",
	[SC_SEV_ERROR] = "error",
};

void sc_policy_defaults(struct sc_policy *p)
{
	int i;

	for (i = 0; i < SC_RULE_COUNT; i++)
		p->severity[i] = sc_rules[i].severity;
}

const char *sc_severity_name(enum sc_severity sev)
{
	return severity_names[sev];
}

int sc_severity_parse(const char *s, enum sc_severity *out)
{
	int i;

	for (i = 0; i <= SC_SEV_ERROR; i++)
		if (!strcmp(s, severity_names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

int sc_rule_parse(const char *s, enum sc_rule *out)
{
	int i;

	for (i = 0; i < SC_RULE_COUNT; i++)
		if (!strcmp(s, sc_rules[i].name)) {
			*out = i;
			return 0;
		}
	return -1;
}

int sc_policy_set(struct sc_policy *p, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char name[64];
	enum sc_rule rule;
	enum sc_severity sev;

	if (!eq || (size_t)(eq - spec) >= sizeof(name))
		return -1;
	memcpy(name, spec, eq - spec);
	name[eq - spec] = 0;
	if (sc_rule_parse(name, &rule) || sc_severity_parse(eq + 1, &sev))
		return -1;
	p->severity[rule] = sev;
	return 0;
}
