#include "rules.h"

#include <stdlib.h>
#include <string.h>

/* Each entry: name, default severity, architectures, unpatchable, then
 * the one-line summary, the full description and the help.  The texts
 * are Markdown with backticks only (no '|', which would end a table
 * cell): the README, the man page and SARIF each render them. */
const struct sc_rule_info sc_rules[SC_RULE_COUNT] = {
	[SC_RULE_PREFIXED_BRANCH] = {
		"prefixed-branch", SC_SEV_ERROR, SC_ON_X86, true,
		"the branch carries a prefix; the loader expects the opcode "
		"at the site address",
		"The branch has a prefix (such as `2e e8`). The kernel's "
		"loader checks for the opcode at the site address and would "
		"BUG. objtool records such sites anyway.",
		"Remove the prefix: call the trampoline with a plain `call` "
		"or `jmp` (compilers emit none; look for hand-written "
		"assembly or a `cs` or `notrack` prefix added by a build "
		"flag).",
		SC_BY_CHECK | SC_BY_VERIFY },
	[SC_RULE_BAD_ADDEND] = {
		"bad-addend", SC_SEV_ERROR, SC_ON_ALL, true,
		"the branch does not target the trampoline's first byte",
		"The branch does not target the trampoline's first byte "
		"(`call __SCT__x+4`). Patching it would change what it "
		"calls.",
		"Branch to the trampoline symbol itself, with no offset.",
		SC_BY_CHECK },
	[SC_RULE_NOT_ON_BOUNDARY] = {
		"not-on-boundary", SC_SEV_ERROR, SC_ON_ALL, true,
		"the bytes look like a branch (or a table entry points at "
		"them) but are not an instruction's start when decoded from "
		"the nearest known instruction start",
		"The bytes look like `e8 <rel32>` (or a linked file's table "
		"entry points at them), but decoding from the nearest known "
		"instruction start (a symbol, or an entry of the kernel's "
		"`__jump_table`, `__ex_table`, `.altinstructions` or "
		"`__bug_table`) shows they sit inside another instruction. "
		"Patching them would corrupt that instruction.",
		"Check the function's symbol and size, and any data placed "
		"in the code section: the relocation is not on an "
		"instruction boundary, so it is no call site.",
		SC_BY_CHECK | SC_BY_VERIFY },
	[SC_RULE_UNDECODABLE] = {
		"undecodable", SC_SEV_WARNING, SC_ON_X86, true,
		"an instruction before the site cannot be decoded, so the "
		"site's boundary is unproven; kept out",
		"The sweep meets bytes between the nearest known instruction "
		"start and the site that are no instruction it knows, so the "
		"site's "
		"boundary is unproven. The site is kept out of the table: it "
		"still works through the trampoline, it just is not patched "
		"inline.",
		"Move data out of code sections. If the bytes are a real "
		"instruction, report it: the decoder does not know it yet.",
		SC_BY_CHECK | SC_BY_VERIFY },
	[SC_RULE_MISSING_KEY] = {
		"missing-key", SC_SEV_ERROR, SC_ON_ALL, true,
		"no __SCK__ key symbol for the trampoline (outside module "
		"mode)",
		"There is no `__SCK__` key outside module mode, so the loader "
		"could not find the site's key.",
		"Define the static call (`DEFINE_STATIC_CALL`) in the object, "
		"or check it with `--module` if it is a kernel module, whose "
		"loader resolves the key itself.",
		SC_BY_CHECK },
	[SC_RULE_NONGLOBAL_TRAMPOLINE] = {
		"nonglobal-trampoline", SC_SEV_WARNING, SC_ON_ALL, true,
		"a branch to a local or weak __SCT__ symbol; not a site",
		"A branch to a local or weak `__SCT__` symbol. It is not a "
		"site and is ignored, as objtool does.",
		"Make the trampoline a strong global symbol, or rename the "
		"local symbol so that it does not look like a trampoline.",
		SC_BY_CHECK },
	[SC_RULE_NOT_A_BRANCH] = {
		"not-a-branch", SC_SEV_NOTE, SC_ON_ALL, true,
		"a reference to a trampoline that is not a branch",
		"A reference that is not a branch (an address taken, a data "
		"pointer). It is not a site.",
		"Nothing to do if the address is meant to be taken; a call "
		"through that pointer is never patched inline.",
		SC_BY_CHECK },
	[SC_RULE_ALTINSTR] = {
		"altinstr-replacement", SC_SEV_NOTE, SC_ON_ALL, true,
		"a site in .altinstr_replacement, a template copied "
		"elsewhere; skipped",
		"A reference in `.altinstr_replacement`. That text is a "
		"template copied elsewhere, so the reference is skipped.",
		"Nothing to do: the kernel's alternatives code applies the "
		"replacement.",
		SC_BY_CHECK },
	[SC_RULE_STALE_TABLE] = {
		"stale-table", SC_SEV_ERROR, SC_ON_ALL, false,
		"the object's .static_call_sites differs from the sites "
		"found (use --force to regenerate)",
		"An existing table differs from the sites found.",
		"Rebuild the object, or run `scstool check --force` to "
		"regenerate its table.",
		SC_BY_CHECK },
	[SC_RULE_GOT_INDIRECT] = {
		"got-indirect", SC_SEV_ERROR, SC_ON_X86, true,
		"a call or jump to a trampoline through the GOT (-fno-plt, "
		"PIC): never patchable",
		"A call or jump through the GOT to a trampoline "
		"(`call *__SCT__x@GOTPCREL(%rip)`, from `-fno-plt` or PIC). "
		"Nothing at the site can be patched. clang's `-fno-plt` code "
		"loads the GOT slot into a register first; that load is "
		"reported as `not-a-branch`, since knowing whether it is "
		"called takes dataflow.",
		"Build without `-fno-plt`, or give the trampoline hidden "
		"visibility so that the compiler calls it directly.",
		SC_BY_CHECK },
	[SC_RULE_COND_TAIL] = {
		"cond-tail", SC_SEV_NOTE, SC_ON_ALL, false,
		"a conditional tail call (Jcc); an error, and kept out, when "
		"the loader cannot patch them (cond-tail: false)",
		"A conditional tail call (`Jcc`). Only loaders from Linux 6.2 "
		"on patch these. With `cond-tail: false` in the config it is "
		"an error and the site stays out of the table.",
		"For older loaders, set `cond-tail: false` in `.scstool.yaml`, "
		"or build with `-fno-optimize-sibling-calls` where it "
		"matters.",
		SC_BY_CHECK | SC_BY_VERIFY },
	[SC_RULE_CACHELINE] = {
		"cacheline", SC_SEV_NOTE, SC_ON_ALL, false,
		"the site's bytes cross, or may cross, a cache line",
		"The site's bytes cross a cache line (`crosses`: the section "
		"is aligned to at least a line), or may cross one (`maybe`: "
		"they cross an alignment boundary smaller than a line). This "
		"matters to loaders that patch with one plain store.",
		"Align the function (`-falign-functions`), or use a loader "
		"that patches through a breakpoint, as the kernel's does.",
		SC_BY_CHECK | SC_BY_VERIFY },
	[SC_RULE_INIT_SITE] = {
		"init-site", SC_SEV_NOTE, SC_ON_ALL, false,
		"a site in an .init.* section: the loader marks it INIT and "
		"skips it after boot",
		"A site in an `.init.*` section. The loader marks it INIT and "
		"skips it after boot.",
		"Nothing to do: this is how init code works.",
		SC_BY_CHECK | SC_BY_VERIFY },
	[SC_RULE_TOC_RESTORE] = {
		"toc-restore", SC_SEV_ERROR, SC_ON_PPC64, true,
		"a call that may switch TOC (R_PPC64_REL24) has no TOC-restore "
		"slot after it: retargeting it would corrupt r2",
		"A `bl` with `R_PPC64_REL24` that is not followed by a "
		"TOC-restore slot: `nop` (which the linker turns into "
		"`ld r2,24(r1)`), `ld r2,24(r1)` on ELFv2 or `ld r2,40(r1)` "
		"on ELFv1. The caller thinks it calls a local function and "
		"does not restore r2, so retargeting it to a function with "
		"another TOC would corrupt r2. `R_PPC64_REL24_NOTOC` and "
		"`REL24_P9NOTOC` sites (code with no TOC) are safe.",
		"Call the trampoline as an external function, so that the "
		"compiler leaves a `nop` after the `bl` for the linker.",
		SC_BY_CHECK },
	[SC_RULE_TOC_TAIL] = {
		"toc-tail", SC_SEV_WARNING, SC_ON_PPC64, false,
		"a tail call with a TOC may only be retargeted to a function "
		"that shares the caller's TOC",
		"A `b` tail site with a TOC may only be retargeted to a "
		"function that shares the caller's TOC.",
		"Retarget it only within one TOC, or build the caller with "
		"`-fno-optimize-sibling-calls`.",
		SC_BY_CHECK },
	[SC_RULE_BRANCH_RANGE] = {
		"branch-range", SC_SEV_WARNING, SC_ON_ARM64 | SC_ON_PPC, false,
		"a conditional site reaches only +-1 MiB or +-32 KiB; beyond, "
		"the loader must keep the trampoline",
		"A conditional site reaches only +-1 MiB (`b.cond`, `cbz`, "
		"`cbnz`) or +-32 KiB (`tbz`, `tbnz`, ppc `bc`). Beyond that "
		"the loader must fall back to the trampoline.",
		"Keep targets near, or avoid conditional tail calls to the "
		"trampoline (`-fno-optimize-sibling-calls`).",
		SC_BY_CHECK },
	[SC_RULE_SHORT_BRANCH] = {
		"short-branch", SC_SEV_WARNING, SC_ON_X86, true,
		"a branch to a trampoline with a displacement too short to "
		"patch (x86 rel8, rel16); kept out",
		"A branch to a trampoline whose displacement is too short to "
		"patch: x86 `jmp`, `Jcc`, `loop` or `jrcxz` with a rel8 "
		"(`R_X86_64_PC8`), or a rel16 (`R_X86_64_PC16`). The loader "
		"patches rel32 branches only. The branch is kept out of the "
		"table and still works through the trampoline.",
		"Branch to the trampoline with a rel32 `call`, `jmp` or "
		"`Jcc`.",
		SC_BY_CHECK | SC_BY_VERIFY },
	[SC_RULE_ABSOLUTE_BRANCH] = {
		"absolute-branch", SC_SEV_WARNING, SC_ON_PPC, true,
		"an absolute branch to a trampoline (ppc ba, bla, bca); kept "
		"out: the loader patches relative ones",
		"An absolute branch to a trampoline: ppc `ba`, `bla`, `bca` "
		"and the other AA forms (`R_PPC64_ADDR24`, `R_PPC_ADDR14`, "
		"...). The loader patches relative branches only. Kept out "
		"of the table.",
		"Use a relative branch (`b`, `bl`) to the trampoline.",
		SC_BY_CHECK },
	[SC_RULE_COND_CALL] = {
		"cond-call", SC_SEV_WARNING, SC_ON_PPC, true,
		"a conditional call to a trampoline (ppc bcl forms), which no "
		"loader patches; kept out",
		"A conditional call to a trampoline (ppc `bcl` and its forms, "
		"such as `beql` and `bdnzl`). No loader patches one. Kept out "
		"of the table.",
		"Branch around an unconditional `bl` instead.",
		SC_BY_CHECK },
	[SC_RULE_BRANCH_RELOC] = {
		"branch-reloc", SC_SEV_WARNING, SC_ON_ALL, true,
		"a branch to a trampoline whose relocation type is unknown or "
		"does not fit it; kept out",
		"A direct branch to a trampoline with a relocation type that "
		"the backend does not know (a number the ABI does not list as "
		"a branch's), or one that does not fit the branch "
		"(`R_X86_64_32S` on a `call`, `R_AARCH64_JUMP26` on a `bl`, a "
		"14-bit type on a `b`). Kept out of the table.",
		"Check the assembler or tool that produced the relocation: "
		"the branch's own relocation type is expected.",
		SC_BY_CHECK },
	[SC_RULE_SIGNED_MODULE] = {
		"signed-module", SC_SEV_ERROR, SC_ON_ALL, false,
		"the module carries an appended signature that a new table "
		"would invalidate: sign it after scstool; never written",
		"The module carries an appended signature, which a new table "
		"would invalidate. Nothing is written, whatever the "
		"severity. Only `check` reports it, when it would write.",
		"Run `scstool check` before signing the module (`sign-file` "
		"after scstool).",
		SC_BY_CHECK },
	[SC_RULE_LTO_OBJECT] = {
		"lto-object", SC_SEV_WARNING, SC_ON_ALL, false,
		"a GCC LTO object: its IR is compiled again at the LTO link, "
		"so check the link's output",
		"A GCC `-flto` object (`.gnu.lto_*` sections). A slim one (the "
		"default) has no machine code: nothing was checked, and a lint "
		"that passes it proves nothing. A fat one "
		"(`-ffat-lto-objects`) is checked and gets its table as usual, "
		"for links without LTO, but an LTO link compiles the IR again "
		"and drops that table.",
		"Run scstool on the output of the LTO link "
		"(`gcc -flto -r -flinker-output=nolto-rel` makes an object).",
		SC_BY_CHECK },
	[SC_RULE_RESOLVED_BRANCH] = {
		"resolved-branch", SC_SEV_WARNING, SC_ON_ALL, true,
		"a branch to a trampoline with no relocation (resolved by the "
		"assembler); never patched: keep trampolines in their own "
		"section",
		"A branch to a trampoline with no relocation. The trampoline "
		"is defined in the same section, so the assembler resolved "
		"the branch itself (gas does so for a local trampoline, and "
		"shortens a `jmp` or `Jcc` to 2 bytes). No table entry can "
		"point at it, so it is never patched; objtool records the "
		"2-byte `jmp`, which the kernel's loader would reject.",
		"Keep trampolines in their own section, as the kernel does "
		"(`.static_call.text`).",
		SC_BY_CHECK },
	[SC_RULE_MISSING_TABLE] = {
		"missing-table", SC_SEV_ERROR, SC_ON_ALL, false,
		"a linked file branches to trampolines but has no table "
		"(--gc-sections without KEEP, LTO, no linker-script "
		"fragment)",
		"The file branches to trampolines but has no table, or an "
		"empty one: `--gc-sections` dropped it (no `KEEP`), LTO "
		"objects were never checked as machine code, or a linker "
		"script lacks the fragment. No site will ever be patched.",
		"Keep the table in the link (`KEEP(*(.static_call_sites))`), "
		"and run `scstool check` on every object, LTO outputs "
		"included.",
		SC_BY_VERIFY },
	[SC_RULE_BAD_SITE] = {
		"bad-site", SC_SEV_ERROR, SC_ON_ALL, false,
		"a table entry points at an instruction the loader refuses "
		"for its flags, or outside code",
		"An entry points at an instruction the loader refuses for the "
		"entry's flags, or outside code. The kernel's loader would "
		"BUG; a runtime would refuse the site.",
		"Rebuild the objects and run `scstool check` after the last "
		"step that changes code, then link again.",
		SC_BY_VERIFY },
	[SC_RULE_BAD_KEY] = {
		"bad-key", SC_SEV_ERROR, SC_ON_ALL, false,
		"a table entry's key field points at no __SCK__ key",
		"An entry's key field points at no `__SCK__` key. The loader "
		"would patch the site with another call's target.",
		"Check that the keys survive the link (no `--gc-sections` "
		"without `KEEP`, no stripping of the key symbols' data).",
		SC_BY_VERIFY },
	[SC_RULE_WRONG_TARGET] = {
		"wrong-target", SC_SEV_ERROR, SC_ON_ALL, false,
		"a table entry's branch does not go to the trampoline of its "
		"key",
		"An entry's branch does not reach the trampoline of its key "
		"(or, without symbols, code with a trampoline's shape): "
		"patching it would change what it calls.",
		"Regenerate the table (`scstool check --force`) from the "
		"objects that were linked.",
		SC_BY_VERIFY },
	[SC_RULE_DUPLICATE_ENTRY] = {
		"duplicate-entry", SC_SEV_ERROR, SC_ON_ALL, false,
		"two table entries name the same site",
		"Two entries name the same site.",
		"Check each object once: a table written twice into one "
		"object, or an object linked twice, duplicates entries.",
		SC_BY_VERIFY },
	[SC_RULE_UNLISTED_SITE] = {
		"unlisted-site", SC_SEV_WARNING, SC_ON_ALL, false,
		"a direct branch to a trampoline that no table entry covers: "
		"it is never patched",
		"A direct branch to a trampoline that no entry covers. It is "
		"never patched: it keeps going through the trampoline.",
		"Run `scstool check` on the object that holds the branch "
		"before linking.",
		SC_BY_VERIFY },
	[SC_RULE_UNREGISTERED_TABLE] = {
		"unregistered-table", SC_SEV_WARNING, SC_ON_ALL, false,
		"a libscs program or library has a table but nothing "
		"registers it (linked without scs-module.o)",
		"The file has libscs's trampolines and a table, but no "
		"reference to `__scs_register`: it was linked without "
		"`scs-module.o`, whose constructor registers the table. libscs "
		"never sees its sites, so every call keeps going through its "
		"trampoline. Judged only with a full `.symtab`.",
		"Link with `pkg-config --libs scs`, which adds `scs-module.o` "
		"and the linker-script fragment.",
		SC_BY_VERIFY },
};

static const char *const arch_bit_names[SC_NARCH_BITS] = {
	"x86-64", "i386", "arm64", "ppc64", "ppc32",
};

static const char *const severity_names[] = {
	[SC_SEV_OFF] = "off",
	[SC_SEV_NOTE] = "note",
	[SC_SEV_WARNING] = "warning",
	[SC_SEV_ERROR] = "error",
};

const char *sc_arch_bit_name(unsigned i)
{
	return i < SC_NARCH_BITS ? arch_bit_names[i] : NULL;
}

bool sc_rule_applies(enum sc_rule rule, const char *arch)
{
	unsigned i;

	for (i = 0; i < SC_NARCH_BITS; i++)
		if (!strcmp(arch, arch_bit_names[i]))
			return sc_rules[rule].arches & (1u << i);
	return false;
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

/* Optimal string alignment distance (Levenshtein with adjacent swaps),
 * as git's and GCC's suggestions use; words longer than 63 bytes are
 * never near. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[64][64];

	if (la >= 64 || lb >= 64)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* A suggestion is worth making within a third of the word's length
 * (at least one edit, at most three), or when one word starts the
 * other ("cache" for "cacheline"). */
const char *sc_suggest(const char *s, const char *const *words, size_t n)
{
	size_t i, best = (size_t)-1, len = strlen(s), limit;
	const char *pick = NULL;

	limit = len / 3 < 1 ? 1 : len / 3 > 3 ? 3 : len / 3;
	for (i = 0; i < n; i++) {
		size_t d = distance(s, words[i]);

		if (d < best) {
			best = d;
			pick = words[i];
		}
	}
	if (pick && best <= limit)
		return pick;
	for (i = 0; len >= 3 && i < n; i++)
		if (!strncmp(words[i], s, len))
			return words[i];
	return NULL;
}

const char *sc_rule_suggest(const char *s)
{
	const char *names[SC_RULE_COUNT];
	int i;

	for (i = 0; i < SC_RULE_COUNT; i++)
		names[i] = sc_rules[i].name;
	return sc_suggest(s, names, SC_RULE_COUNT);
}
