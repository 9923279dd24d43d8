#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/decode.h"
#include "boundary.h"
#include "resolved.h"
#include "sc_util.h"

/* What a reference to a trampoline is, before instruction decoding. */
enum ref_class {
	REF_DATA,		/* from a section that is not code */
	REF_ALTINSTR,		/* from an alternatives template */
	REF_OTHER,		/* code, but the bytes are no branch */
	REF_GOT,		/* a call or jump through the GOT */
	REF_GOT_LOAD,		/* the address, loaded from the GOT */
	REF_BRANCH,		/* looks like a direct branch: decode it */
};

/* A relocation against a trampoline, with the section it patches. */
struct ref {
	size_t section;
	struct sc_reloc rel;
	enum ref_class class;
	size_t probe;		/* index into the probes, for REF_BRANCH */
	unsigned shape;		/* for REF_BRANCH: the displacement width
				 * the bytes suggest */
	enum sc_kind got_kind;	/* for REF_GOT */
	uint64_t got_start;
};

/* State of one pass over the sorted references. */
struct walk {
	const struct sc_object *obj;
	const struct sc_symbols *syms;
	const struct sc_check_opts *opts;
	struct sc_result *res;
	struct sc_decoders *decoders;
	struct sc_decoder *dec;		/* of decoders, for this object */
	struct sc_probe *probes;
	size_t nprobes;
	struct sc_err *err;	/* why the walk stopped */
};

bool sc_object_is_module(const struct sc_object *obj)
{
	return sc_find_section(obj, ".gnu.linkonce.this_module") ||
	       sc_find_section(obj, ".modinfo");
}

static int result_vadd(struct sc_result *res, const struct sc_policy *policy,
		       enum sc_rule rule, size_t section, uint64_t offset,
		       size_t tramp, const char *where, const char *fmt,
		       va_list ap)
{
	struct sc_finding *f;

	if (policy->severity[rule] == SC_SEV_OFF)
		return 0;
	if (sc_grow(&res->findings, &res->findings_cap, res->nfindings + 1,
		    sizeof(*res->findings)))
		return -1;
	f = &res->findings[res->nfindings++];
	f->rule = rule;
	f->severity = policy->severity[rule];
	f->promoted = SC_PROMOTED_NONE;
	f->suppressed = false;
	f->section = section;
	f->offset = offset;
	f->tramp = tramp;
	snprintf(f->where, sizeof(f->where), "%s", where);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	return 0;
}

int sc_result_add(struct sc_result *res, const struct sc_policy *policy,
		  enum sc_rule rule, size_t section, uint64_t offset,
		  size_t tramp, const char *where, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = result_vadd(res, policy, rule, section, offset, tramp, where,
			  fmt, ap);
	va_end(ap);
	return ret;
}

const char *sc_cacheline_name(enum sc_cacheline c)
{
	static const char *const names[] = { "safe", "maybe", "crosses" };

	return names[c];
}

enum sc_cacheline sc_cacheline_of(uint64_t start, unsigned len,
				  uint64_t align, unsigned line)
{
	uint64_t last = start + (len ? len - 1 : 0);

	if (!align)
		align = 1;
	/* An aligned block no larger than a line lies within one line. */
	if (align >= line)
		return start / line != last / line ? SC_LINE_CROSSES
						    : SC_LINE_SAFE;
	return start / align != last / align ? SC_LINE_MAYBE : SC_LINE_SAFE;
}

uint64_t sc_site_align(const struct sc_arch *arch, const GElf_Shdr *sh)
{
	return sh->sh_addralign > arch->insn_width ? sh->sh_addralign
						   : arch->insn_width;
}

enum sc_severity sc_result_worst(const struct sc_result *res)
{
	enum sc_severity worst = SC_SEV_OFF;
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		if (res->findings[i].severity > worst)
			worst = res->findings[i].severity;
	return worst;
}

void sc_result_free(struct sc_result *res)
{
	free(res->sites);
	free(res->findings);
	memset(res, 0, sizeof(*res));
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->rel.offset != y->rel.offset)
		return x->rel.offset < y->rel.offset ? -1 : 1;
	return 0;
}

static bool *mark_trampolines(const struct sc_object *obj)
{
	bool *mark = calloc(obj->nsymbols + 1, sizeof(*mark));
	size_t i;

	if (!mark)
		return NULL;
	for (i = 1; i < obj->nsymbols; i++)
		mark[i] = sc_is_tramp_name(obj->symbols[i].name);
	return mark;
}

static int collect_from(const struct sc_object *obj, size_t relsec,
			const bool *mark, struct ref **refs, size_t *n,
			size_t *cap, struct sc_err *err)
{
	struct sc_reloc_iter it;
	struct sc_reloc rel;
	size_t target = obj->sections[relsec].shdr.sh_info;
	int r;

	if (sc_reloc_iter_init(&it, obj, relsec, err))
		return -1;
	while ((r = sc_reloc_iter_next_in(&it, mark, &rel, err)) > 0) {
		if (sc_grow(refs, cap, *n + 1, sizeof(**refs)))
			return sc_errf(err, "out of memory");
		(*refs)[(*n)++] = (struct ref){ .section = target, .rel = rel };
	}
	return r;
}

/* Every relocation against a __SCT__ symbol, but those of an existing
 * table (whose key fields may name a trampoline), sorted. */
static int collect_refs(const struct sc_object *obj, struct ref **refs,
			size_t *n, struct sc_err *err)
{
	size_t table = sc_find_section(obj, ".static_call_sites");
	size_t cap = 0, i;
	bool *mark = mark_trampolines(obj);
	int ret = 0;

	*refs = NULL;
	*n = 0;
	if (!mark)
		return sc_errf(err, "out of memory");
	for (i = 1; i < obj->nsections && !ret; i++) {
		const struct sc_section *s = &obj->sections[i];

		if (sc_is_reloc_section(s) && s->shdr.sh_link == obj->symtab &&
		    s->shdr.sh_info != table)
			ret = collect_from(obj, i, mark, refs, n, &cap, err);
	}
	free(mark);
	if (ret) {
		free(*refs);
		*refs = NULL;
		*n = 0;
		return ret;
	}
	if (*n)
		qsort(*refs, *n, sizeof(**refs), ref_cmp);
	return 0;
}

/* A finding at off of section sec, named after the symbol there; -1,
 * with the walk's error set, only when memory runs out.  A rule that is
 * off costs no name lookup. */
static int vadd(struct walk *w, enum sc_rule rule, size_t sec, uint64_t off,
		size_t tramp, const char *fmt, va_list ap)
{
	char where[160];

	if (w->opts->policy->severity[rule] == SC_SEV_OFF)
		return 0;
	sc_symbols_where(w->syms, sec, off, where, sizeof(where));
	if (result_vadd(w->res, w->opts->policy, rule, sec, off, tramp, where,
			fmt, ap))
		return sc_errf(w->err, "out of memory");
	return 0;
}

__attribute__((format(printf, 6, 7)))
static int add(struct walk *w, enum sc_rule rule, size_t sec, uint64_t off,
	       size_t tramp, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vadd(w, rule, sec, off, tramp, fmt, ap);
	va_end(ap);
	return ret;
}

/* A finding about a reference, located at off (the relocation, or the
 * instruction that holds it when that is known). */
static int note_at(struct walk *w, const struct ref *r, uint64_t off,
		   enum sc_rule rule, const char *why)
{
	const char *tramp = w->obj->symbols[r->rel.sym].name;

	return add(w, rule, r->section, off, r->rel.sym, "%s %s", why, tramp);
}

static int note_ref(struct walk *w, const struct ref *r, enum sc_rule rule,
		    const char *why)
{
	return note_at(w, r, r->rel.offset, rule, why);
}

static int not_on_boundary(struct walk *w, const struct ref *r,
			   const char *what)
{
	const char *tramp = w->obj->symbols[r->rel.sym].name;

	return add(w, SC_RULE_NOT_ON_BOUNDARY, r->section, r->rel.offset,
		   r->rel.sym, "bytes before the relocation look like a "
		   "branch to %s, but %s", tramp, what);
}

/* A finding about a site; a rule that makes sites unpatchable keeps this
 * one out of the table, whatever severity the rule has. */
__attribute__((format(printf, 4, 5)))
static int flag(struct walk *w, struct sc_site *site, enum sc_rule rule,
		const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (sc_rules[rule].unpatchable)
		site->in_table = false;
	va_start(ap, fmt);
	ret = vadd(w, rule, site->section, site->insn_start, site->tramp, fmt,
		   ap);
	va_end(ap);
	return ret;
}

static int check_key(struct walk *w, struct sc_site *site)
{
	const char *tramp = w->obj->symbols[site->tramp].name;

	site->key = sc_symbols_key_for(w->syms, tramp);
	if (site->key)
		return 0;
	if (w->res->module) {
		/* The module loader maps the trampoline to its key. */
		site->key = site->tramp;
		return 0;
	}
	return flag(w, site, SC_RULE_MISSING_KEY,
		    "%s to %s: no key symbol " SC_KEY_PREFIX "%s (if this is "
		    "part of a module, use --module)", sc_kind_name(site->kind),
		    tramp, tramp + sizeof(SC_TRAMP_PREFIX) - 1);
}

static int check_cacheline(struct walk *w, struct sc_site *site)
{
	const GElf_Shdr *sh = &w->obj->sections[site->section].shdr;
	uint64_t align = sc_site_align(w->res->arch, sh);
	unsigned line = w->opts->cacheline;

	site->cacheline = sc_cacheline_of(site->insn_start, site->insn_len,
					  align, line);
	if (site->cacheline == SC_LINE_CROSSES)
		return flag(w, site, SC_RULE_CACHELINE, "the %u bytes of the "
			    "%s cross a %u-byte cache line", site->insn_len,
			    sc_kind_name(site->kind), line);
	if (site->cacheline == SC_LINE_MAYBE)
		return flag(w, site, SC_RULE_CACHELINE, "the %u bytes of the "
			    "%s may cross a %u-byte cache line: the section "
			    "is only %llu-byte aligned", site->insn_len,
			    sc_kind_name(site->kind), line,
			    (unsigned long long)(align ? align : 1));
	return 0;
}

struct arch_report {
	struct walk *w;
	struct sc_site *site;
};

/* A backend names its rules by enum sc_rule: a wrong name does not
 * compile. */
__attribute__((format(printf, 3, 4)))
static int arch_report(void *ctx, enum sc_rule rule, const char *fmt, ...)
{
	struct arch_report *a = ctx;
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return flag(a->w, a->site, rule, "%s", msg);
}

/* The backend's own checks: TOC slots, branch ranges, ... */
static int arch_rules(struct walk *w, struct sc_site *site)
{
	const struct sc_arch *arch = w->res->arch;
	struct arch_report a = { w, site };
	struct sc_site_view v = {
		.kind = site->kind, .reloc_type = site->reloc_type,
		.offset = site->offset, .ehdr = &w->obj->ehdr,
		.detail = w->dec->detail, .insn = site->insn,
		.trampoline = w->obj->symbols[site->tramp].name,
		.report = arch_report, .ctx = &a, .err = w->err,
	};

	if (!arch->site_rules)
		return 0;
	if (sc_section_bytes(w->obj, site->section, &v.bytes, &v.size,
			     w->err))
		return -1;
	return arch->site_rules(&v);
}

/* Facts about a site that matter to some loaders: Jcc support, where it
 * lies, whether a one-store patch could tear. */
static int site_notes(struct walk *w, struct sc_site *site)
{
	const char *tramp = w->obj->symbols[site->tramp].name;
	const char *sec = w->obj->sections[site->section].name;

	if (site->kind == SC_KIND_COND) {
		if (!w->opts->cond_tail)
			site->in_table = false;
		if (flag(w, site, SC_RULE_COND_TAIL, "conditional tail call "
			 "`%s` to %s: only loaders from Linux 6.2 on patch "
			 "it%s", site->insn, tramp, w->opts->cond_tail ? "" :
			 "; kept out of the table (cond-tail: false)"))
			return -1;
	}
	if (!strncmp(sec, ".init.", 6) &&
	    flag(w, site, SC_RULE_INIT_SITE, "%s to %s in %s: the loader "
		 "marks it INIT and skips it after boot",
		 sc_kind_name(site->kind), tramp, sec))
		return -1;
	return check_cacheline(w, site) ? -1 : arch_rules(w, site);
}

static int check_site(struct walk *w, struct sc_site *site,
		      const struct sc_branch *b)
{
	const char *tramp = w->obj->symbols[site->tramp].name;
	const char *kind = sc_kind_name(site->kind);

	if (b->site != site->insn_start &&
	    flag(w, site, SC_RULE_PREFIXED_BRANCH,
		 "%s to %s has %llu prefix byte(s) before its opcode; the "
		 "loader expects the opcode at the site", kind, tramp,
		 (unsigned long long)(b->site - site->insn_start)))
		return -1;
	if (site->addend != b->addend &&
	    flag(w, site, SC_RULE_BAD_ADDEND,
		 "%s to %s does not target the trampoline's start "
		 "(addend %lld, expected %lld)", kind, tramp,
		 (long long)site->addend, (long long)b->addend))
		return -1;
	return check_key(w, site) ? -1 : site_notes(w, site);
}

static struct sc_site *new_site(struct walk *w, const struct ref *r,
				const cs_insn *insn, uint64_t start,
				const struct sc_branch *b)
{
	struct sc_result *res = w->res;
	struct sc_site *site;

	if (sc_grow(&res->sites, &res->sites_cap, res->nsites + 1,
		    sizeof(*res->sites))) {
		sc_errf(w->err, "out of memory");
		return NULL;
	}
	site = &res->sites[res->nsites++];
	*site = (struct sc_site){
		.section = r->section, .offset = b->site, .insn_start = start,
		.insn_len = insn->size, .reloc_offset = r->rel.offset,
		.reloc_type = r->rel.type, .addend = r->rel.addend,
		.tramp = r->rel.sym,
		.kind = b->kind, .in_table = true,
	};
	memcpy(site->bytes, insn->bytes, insn->size < sizeof(site->bytes) ?
	       insn->size : sizeof(site->bytes));
	sc_insn_text(insn, site->insn, sizeof(site->insn));
	return site;
}

/* A call through the GOT holds the trampoline's address, not a branch
 * the loader could rewrite: a site that can never be patched. */
static int visit_got(struct walk *w, const struct ref *r)
{
	const char *tramp = w->obj->symbols[r->rel.sym].name;
	struct sc_branch b = { r->got_kind, r->got_start, 0 };
	const uint8_t *bytes;
	size_t size;
	const cs_insn *insn;
	struct sc_site *site;

	if (sc_section_bytes(w->obj, r->section, &bytes, &size, w->err))
		return -1;
	insn = sc_decode_detail(w->dec, bytes, size, r->got_start);
	if (!insn)
		return note_ref(w, r, SC_RULE_GOT_INDIRECT, "an undecodable "
				"indirect branch through the GOT to");
	site = new_site(w, r, insn, r->got_start, &b);
	if (!site)
		return -1;
	site->got = true;
	if (check_key(w, site))
		return -1;
	site->cacheline = sc_cacheline_of(site->insn_start, site->insn_len,
		sc_site_align(w->res->arch,
			      &w->obj->sections[site->section].shdr),
		w->opts->cacheline);
	return flag(w, site, SC_RULE_GOT_INDIRECT, "%s to %s through the "
		    "GOT (-fno-plt or PIC): the loader cannot patch it; call "
		    "the trampoline directly", sc_kind_name(site->kind), tramp);
}

/* A branch to a local or weak trampoline is no site, whatever else it
 * is: 1 after saying so, 0 when the trampoline is global. */
static int nonglobal(struct walk *w, const struct ref *r, uint64_t start,
		     enum sc_kind kind)
{
	const struct sc_symbol *tramp = &w->obj->symbols[r->rel.sym];
	char why[96];

	if (GELF_ST_BIND(tramp->sym.st_info) == STB_GLOBAL)
		return 0;
	snprintf(why, sizeof(why), "%s to a %s trampoline is not a site "
		 "(objtool ignores it too):", sc_kind_name(kind),
		 GELF_ST_BIND(tramp->sym.st_info) == STB_WEAK ? "weak" :
		 "local");
	return note_at(w, r, start, SC_RULE_NONGLOBAL_TRAMPOLINE, why) ? -1
								      : 1;
}

static int add_site(struct walk *w, const struct ref *r, const cs_insn *insn,
		    uint64_t start, const struct sc_branch *b)
{
	struct sc_site *site;
	int ng = nonglobal(w, r, start, b->kind);

	if (ng)
		return ng < 0 ? -1 : 0;
	site = new_site(w, r, insn, start, b);
	return site ? check_site(w, site, b) : -1;
}

/* A sweep that stops on bytes no decoder knows (decode/sweep.h) proves
 * nothing about what follows: the site is unproven, not misplaced. */
static int undecodable(struct walk *w, const struct ref *r,
		       const uint8_t *bytes, size_t size, uint64_t stuck)
{
	const char *tramp = w->obj->symbols[r->rel.sym].name;
	char at[160], hex[16] = "";
	size_t i, len = 0;

	for (i = 0; i < 4 && stuck + i < size; i++)
		len += snprintf(hex + len, sizeof(hex) - len, "%s%02x",
				i ? " " : "", bytes[stuck + i]);
	sc_symbols_where(w->syms, r->section, stuck, at, sizeof(at));
	return add(w, SC_RULE_UNDECODABLE, r->section, r->rel.offset,
		   r->rel.sym, "branch to %s kept out of the table: the bytes "
		   "at %s (%s...) are no instruction the decoder knows, so "
		   "its boundary is unproven", tramp, at, hex);
}

/* The relocated bytes are no direct branch's target: an address taken,
 * or, when a site's relocation sits inside another instruction of
 * variable-length code, a misplaced branch. */
static int not_branch(struct walk *w, const struct ref *r,
		      const cs_insn *insn, const struct sc_probe *p)
{
	const struct sc_reloc_info *info =
		sc_arch_reloc(w->res->arch, r->rel.type);
	char what[320], text[64] = "(undecodable)", at[160];

	if (insn)
		sc_insn_text(insn, text, sizeof(text));
	/* Fixed width: the word is an instruction, just not a site. */
	if (w->res->arch->insn_width) {
		snprintf(what, sizeof(what), "`%s` is no call, tail call or "
			 "conditional tail call the loader patches; reference "
			 "to", text);
		return note_ref(w, r, SC_RULE_NOT_A_BRANCH, what);
	}
	sc_symbols_where(w->syms, r->section, p->start, at, sizeof(at));
	/* Only a site's relocation after a site's opcode is a misplaced
	 * branch; anything else is just bytes that resemble one. */
	if (!info || info->role != SC_RELOC_SITE || r->shape != info->width) {
		snprintf(what, sizeof(what), "reference is not a direct branch "
			 "(it lies inside `%s` at %s): address of", text, at);
		return note_ref(w, r, SC_RULE_NOT_A_BRANCH, what);
	}
	snprintf(what, sizeof(what), "they lie inside `%s` at %s", text, at);
	return not_on_boundary(w, r, what);
}

/* A direct branch to a trampoline that cannot be a site: its form or its
 * relocation keeps the loader from patching it.  It still works, through
 * the trampoline. */
static int unpatchable(struct walk *w, const struct ref *r,
		       const cs_insn *insn, uint64_t start,
		       enum sc_verdict v, const struct sc_branch *b)
{
	const char *tramp = w->obj->symbols[r->rel.sym].name;
	unsigned width = start + insn->size - r->rel.offset;
	char text[64], buf[48];
	const char *reloc = sc_arch_reloc_name(w->res->arch, r->rel.type, buf,
					       sizeof(buf));
	int ng = nonglobal(w, r, start, b->kind);

	if (ng)
		return ng < 0 ? -1 : 0;
	sc_insn_text(insn, text, sizeof(text));
	if (v == SC_VERDICT_SHORT)
		return add(w, SC_RULE_SHORT_BRANCH, r->section, start,
			   r->rel.sym, "%u-byte `%s` to %s has a %u-byte "
			   "displacement (%s), too short for the loader to "
			   "patch; it goes through the trampoline", insn->size,
			   text, tramp, width, reloc);
	if (v == SC_VERDICT_ABSOLUTE)
		return add(w, SC_RULE_ABSOLUTE_BRANCH, r->section, start,
			   r->rel.sym, "`%s` to %s is an absolute branch (%s): "
			   "the loader patches only relative ones; it goes "
			   "through the trampoline", text, tramp, reloc);
	if (v == SC_VERDICT_COND_CALL)
		return add(w, SC_RULE_COND_CALL, r->section, start, r->rel.sym,
			   "`%s` to %s is a conditional call (%s), which no "
			   "loader patches; it goes through the trampoline",
			   text, tramp, reloc);
	if (!sc_arch_reloc(w->res->arch, r->rel.type))
		return add(w, SC_RULE_BRANCH_RELOC, r->section, start,
			   r->rel.sym, "`%s` to %s carries %s, not a branch "
			   "relocation of the %s ELF ABI: it cannot be patched",
			   text, tramp, reloc, w->res->arch->name);
	return add(w, SC_RULE_BRANCH_RELOC, r->section, start, r->rel.sym,
		   "`%s` to %s carries %s, which does not fit this branch: "
		   "it cannot be patched", text, tramp, reloc);
}

static int visit_branch(struct walk *w, const struct ref *r)
{
	const struct sc_arch *arch = w->res->arch;
	const struct sc_probe *p = &w->probes[r->probe];
	const uint8_t *bytes;
	size_t size;
	const cs_insn *insn;
	struct sc_branch b;
	enum sc_verdict v = SC_VERDICT_NONE;

	if (sc_section_bytes(w->obj, r->section, &bytes, &size, w->err))
		return -1;
	if (!p->found)
		return undecodable(w, r, bytes, size, p->stuck);
	insn = sc_decode_detail(w->dec, bytes, size, p->start);
	if (insn)
		v = arch->classify(insn, r->rel.type,
				   sc_arch_reloc(arch, r->rel.type),
				   r->rel.addend, p->start, r->rel.offset, &b);
	if (v == SC_VERDICT_SITE)
		return add_site(w, r, insn, p->start, &b);
	if (v == SC_VERDICT_NONE)
		return not_branch(w, r, insn, p);
	return unpatchable(w, r, insn, p->start, v, &b);
}

static int visit(struct walk *w, const struct ref *r)
{
	switch (r->class) {
	case REF_DATA:
		return note_ref(w, r, SC_RULE_NOT_A_BRANCH,
				"data reference (not a branch) to");
	case REF_ALTINSTR:
		return note_ref(w, r, SC_RULE_ALTINSTR,
				"skipped: .altinstr_replacement is a "
				"template; reference to");
	case REF_OTHER:
		return note_ref(w, r, SC_RULE_NOT_A_BRANCH,
				"reference is not a direct branch: address "
				"of");
	case REF_GOT:
		return visit_got(w, r);
	case REF_GOT_LOAD:
		/* clang's -fno-plt loads the address and calls a register:
		 * whether it is called takes dataflow to know. */
		return note_ref(w, r, SC_RULE_NOT_A_BRANCH,
				"address loaded from the GOT; a call through "
				"it could never be patched:");
	case REF_BRANCH:
		break;
	}
	return visit_branch(w, r);
}

static enum ref_class classify_ref(const struct walk *w, struct ref *r,
				   struct sc_err *err, int *fail)
{
	const struct sc_object *obj = w->obj;
	const struct sc_arch *arch = w->res->arch;
	const struct sc_section *sec = &obj->sections[r->section];
	const struct sc_reloc_info *info = sc_arch_reloc(arch, r->rel.type);
	const uint8_t *bytes;
	size_t size;

	/* Data in a code section (a sized object, a $d run) holds no
	 * instruction. */
	if (!sc_is_exec_section(sec) ||
	    sc_symbols_data_at(w->syms, r->section, r->rel.offset))
		return REF_DATA;
	if (!strcmp(sec->name, ".altinstr_replacement"))
		return REF_ALTINSTR;
	if (sc_section_bytes(obj, r->section, &bytes, &size, err)) {
		*fail = 1;
		return REF_OTHER;
	}
	if (arch->got_branch) {
		r->got_kind = arch->got_branch(r->rel.type, bytes, size,
					       r->rel.offset, &r->got_start);
		if (r->got_kind != SC_KIND_NONE)
			return REF_GOT;
	}
	if (info && info->role == SC_RELOC_GOT)
		return REF_GOT_LOAD;
	/* Any type: a branch with an unexpected relocation is still a
	 * branch to a trampoline, and must be named. */
	r->shape = arch->looks_like_branch(bytes, size, r->rel.offset, info);
	return r->shape ? REF_BRANCH : REF_OTHER;
}

/* Sorts the references into classes and asks for the boundaries of the
 * ones that look like branches, all sweeps at once. */
static int find_branches(struct walk *w, struct ref *refs, size_t n,
			 struct sc_err *err)
{
	size_t i;
	int fail = 0;

	w->probes = calloc(n + 1, sizeof(*w->probes));
	if (!w->probes)
		return sc_errf(err, "out of memory");
	for (i = 0; i < n && !fail; i++) {
		refs[i].class = classify_ref(w, &refs[i], err, &fail);
		if (refs[i].class != REF_BRANCH)
			continue;
		refs[i].probe = w->nprobes;
		w->probes[w->nprobes++] = (struct sc_probe){
			.section = refs[i].section,
			.field = refs[i].rel.offset };
	}
	if (fail)
		return -1;
	return sc_find_boundaries(w->obj, w->syms, w->res->arch, w->probes,
				  w->nprobes, w->opts->threads, err);
}

/* A branch the assembler resolved: no relocation says where it is, so no
 * table entry can point at it, and it goes through the trampoline
 * forever. */
static int resolved_one(struct walk *w, const struct sc_resolved *b)
{
	const char *tramp = w->obj->symbols[b->tramp].name;
	const uint8_t *bytes;
	size_t size;
	const cs_insn *insn;
	char text[64] = "(undecodable)";

	if (sc_section_bytes(w->obj, b->section, &bytes, &size, w->err))
		return -1;
	insn = sc_decode_detail(w->dec, bytes, size, b->offset);
	if (insn)
		sc_insn_text(insn, text, sizeof(text));
	return add(w, SC_RULE_RESOLVED_BRANCH, b->section, b->offset, b->tramp,
		   "%u-byte `%s` to %s has no relocation: the assembler "
		   "resolved it (the trampoline is in the same section)%s, so "
		   "it is never patched; keep trampolines in their own "
		   "section, as the kernel does", b->length, text, tramp,
		   b->kind != SC_KIND_CALL && b->length == 2 ?
		   " and shortened it" : "");
}

static int resolved(struct walk *w)
{
	struct sc_resolved *v;
	size_t n, i;
	int ret = 0;

	if (sc_find_resolved(w->obj, w->syms, w->res->arch, w->dec, &v, &n,
			     w->err))
		return -1;
	for (i = 0; i < n && !ret; i++)
		ret = resolved_one(w, &v[i]);
	free(v);
	return ret;
}

static int walk_refs(struct walk *w, struct ref *refs, size_t n,
		     struct sc_err *err)
{
	size_t i;
	int ret = 0;

	if (find_branches(w, refs, n, err))
		return -1;
	w->dec = sc_decoders_get(w->decoders, w->res->arch->cs_arch,
				 sc_arch_cs_mode(w->res->arch, &w->obj->ehdr),
				 err);
	if (!w->dec)
		return -1;
	for (i = 0; i < n && !ret; i++)
		ret = visit(w, &refs[i]);
	if (!ret)
		ret = resolved(w);
	return ret;
}

/* GCC -flto writes its IR into .gnu.lto_* sections; the LTO link compiles
 * it again, so whatever table this object gets, the linked code is new.
 * A slim object (the default) has no machine code at all: passing it
 * would check nothing.  A fat one (-ffat-lto-objects) also has the code a
 * link without LTO uses: that is checked, and its table written, as for
 * any object; the finding says that an LTO link drops it. */
static int lto_object(struct walk *w)
{
	const struct sc_object *obj = w->obj;
	size_t i, lto = 0;
	bool code = false;

	for (i = 1; i < obj->nsections; i++) {
		const struct sc_section *s = &obj->sections[i];

		if (!lto && !strncmp(s->name, ".gnu.lto_", 9))
			lto = i;
		code |= sc_is_exec_section(s) && s->shdr.sh_size &&
			s->shdr.sh_type != SHT_NOBITS;
	}
	if (!lto)
		return 0;
	if (!code)
		return add(w, SC_RULE_LTO_OBJECT, lto, 0, 0, "GCC LTO IR "
			   "(.gnu.lto_*) and no machine code: nothing to "
			   "check here; run scstool on the output of the LTO "
			   "link (gcc -flto -r -flinker-output=nolto-rel "
			   "makes an object)");
	return add(w, SC_RULE_LTO_OBJECT, lto, 0, 0, "a fat GCC LTO object: "
		   "its machine code is checked, but an LTO link compiles the "
		   "IR again and drops this table; run scstool on the output "
		   "of the LTO link");
}

int sc_check_object(const struct sc_object *obj, const struct sc_symbols *syms,
		    const struct sc_check_opts *opts,
		    struct sc_decoders *decoders, struct sc_result *res,
		    struct sc_err *err)
{
	struct walk w = { .obj = obj, .syms = syms, .opts = opts, .res = res,
			  .decoders = decoders, .err = err };
	struct ref *refs;
	size_t n;
	int ret;

	memset(res, 0, sizeof(*res));
	/* A linked file's relocations (if any are left) are not validated
	 * by the ELF model, and say nothing about sites. */
	if (sc_object_linked(obj))
		return sc_errf(err, "not a relocatable object");
	res->arch = sc_arch_for(&obj->ehdr);
	if (!res->arch)
		return sc_errf(err, "unsupported machine %u",
			       obj->ehdr.e_machine);
	res->module = opts->module || sc_object_is_module(obj);
	if (lto_object(&w) || collect_refs(obj, &refs, &n, err))
		return -1;
	ret = walk_refs(&w, refs, n, err);
	free(w.probes);
	free(refs);
	return ret;
}
