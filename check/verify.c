#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/decode.h"
#include "../decode/sweep.h"
#include "sc_util.h"

/* A table entry and what the checks learnt about it. */
struct ventry {
	struct sc_entry e;
	size_t index;		/* in the table, for messages */
	bool dup;		/* names the same site as an earlier entry */
	bool judged;		/* a sweep judged its boundary */
	bool misplaced;		/* ... and reported it off a boundary */
	uint64_t insn_start;	/* its instruction's first byte */
};

/* A trampoline known by its symbol. */
struct tramp {
	uint64_t addr;
	size_t sym;
};

/* A direct branch to a trampoline that a sweep found. */
struct branch {
	size_t section;
	uint64_t start, opcode;	/* in the section */
	enum sc_kind kind;
	size_t tramp;		/* its symbol */
	bool narrow;		/* a displacement too short to patch */
};

/* One instruction as the sweeps see it. */
struct step {
	uint64_t offset;
	unsigned length, opcode_at, prefixes;
	enum sc_kind kind;	/* of a direct branch, else SC_KIND_NONE */
	int64_t target;		/* its target, as an offset in the section */
	bool narrow;
};

struct verify {
	const struct sc_object *obj;
	const struct sc_symbols *syms;
	const struct sc_arch *arch;
	const struct sc_verify_opts *opts;
	struct sc_result *res;
	struct sc_verify_stats *st;
	struct sc_addr_index ix;
	struct sc_decoder dec;
	struct ventry *e;		/* sorted by site address */
	size_t ne;
	struct tramp *t;		/* sorted by address */
	size_t nt;
	size_t *tname;			/* trampoline symbols, by name */
	struct branch *b;		/* in sweep order */
	size_t nb, bcap;
};

/* Addresses wrap at the class's width. */
static uint64_t wrap(const struct verify *v, uint64_t a)
{
	return v->obj->ehdr.e_ident[EI_CLASS] == ELFCLASS32 ? (uint32_t)a : a;
}

static uint64_t addr_of(const struct verify *v, size_t sec, uint64_t off)
{
	return wrap(v, v->obj->sections[sec].shdr.sh_addr + off);
}

static const char *sym_name(const struct verify *v, size_t sym)
{
	return v->obj->symbols[sym].name;
}

static void where_of(const struct verify *v, size_t sec, uint64_t off,
		     char *buf, size_t len)
{
	if (sec)
		sc_symbols_where(v->syms, sec, off, buf, len);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)off);
}

/* A finding about section sec at off (for sec 0, off is an address). */
__attribute__((format(printf, 6, 7)))
static int finding(struct verify *v, enum sc_rule rule, size_t sec,
		   uint64_t off, size_t tramp, const char *fmt, ...)
{
	char where[160], msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where_of(v, sec, off, where, sizeof(where));
	return sc_result_add(v->res, v->opts->policy, rule, sec, off, tramp,
			     where, "%s", msg);
}

static int ventry_cmp(const void *a, const void *b)
{
	const struct ventry *x = a, *y = b;

	if (x->e.vaddr != y->e.vaddr)
		return x->e.vaddr < y->e.vaddr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int mark_duplicates(struct verify *v)
{
	size_t i;

	for (i = 1; i < v->ne; i++) {
		struct ventry *a = &v->e[i - 1], *b = &v->e[i];

		if (a->e.vaddr != b->e.vaddr)
			continue;
		b->dup = true;
		if (finding(v, SC_RULE_DUPLICATE_ENTRY, b->e.section,
			    b->e.section ? b->e.offset : b->e.vaddr, 0,
			    "table entries %zu and %zu both name the site at "
			    "0x%llx", a->index, b->index,
			    (unsigned long long)b->e.vaddr))
			return -1;
	}
	return 0;
}

static int load_entries(struct verify *v, struct sc_err *err)
{
	struct sc_entry *e;
	size_t n, i;
	int r = sc_linked_find(v->obj, &v->st->table, err);

	if (r <= 0)
		return r;
	v->st->has_table = true;
	if (sc_linked_read(v->obj, &v->ix, &v->st->table, &e, &n, err))
		return -1;
	v->e = calloc(n + 1, sizeof(*v->e));
	if (!v->e) {
		free(e);
		return sc_errf(err, "out of memory");
	}
	for (i = 0; i < n; i++)
		v->e[i] = (struct ventry){ .e = e[i], .index = i,
					   .insn_start = e[i].offset };
	free(e);
	v->ne = n;
	v->st->entries = n;
	qsort(v->e, n, sizeof(*v->e), ventry_cmp);
	return mark_duplicates(v) ? sc_errf(err, "out of memory") : 0;
}

static bool is_exec(const struct sc_object *obj, size_t sec)
{
	return sec && sec < obj->nsections &&
	       sc_is_exec_section(&obj->sections[sec]);
}

static int tramp_cmp(const void *a, const void *b)
{
	const struct tramp *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static int name_cmp(const void *a, const void *b, void *ctx)
{
	const struct sc_symbol *syms = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(syms[x].name, syms[y].name);

	return c ? c : (x < y ? -1 : x > y);
}

static uint64_t local_entry(const struct verify *v, size_t sym)
{
	if (!v->arch->local_entry)
		return 0;
	return v->arch->local_entry(&v->obj->symbols[sym].sym, &v->obj->ehdr);
}

/* Every __SCT__ symbol in code, by address (and by local entry point)
 * and by name. */
static int collect_tramps(struct verify *v, struct sc_err *err)
{
	const struct sc_object *obj = v->obj;
	size_t i;

	v->t = calloc(2 * obj->nsymbols + 1, sizeof(*v->t));
	v->tname = calloc(obj->nsymbols + 1, sizeof(*v->tname));
	if (!v->t || !v->tname)
		return sc_errf(err, "out of memory");
	for (i = 1; i < obj->nsymbols; i++) {
		const struct sc_symbol *s = &obj->symbols[i];

		if (!sc_is_tramp_name(s->name) ||
		    !is_exec(obj, s->shndx))
			continue;
		v->tname[v->st->trampolines++] = i;
		v->t[v->nt++] = (struct tramp){ s->sym.st_value, i };
		/* A trampoline with a local entry point is reached there. */
		if (local_entry(v, i))
			v->t[v->nt++] = (struct tramp){
				s->sym.st_value + local_entry(v, i), i };
	}
	qsort(v->t, v->nt, sizeof(*v->t), tramp_cmp);
	qsort_r(v->tname, v->st->trampolines, sizeof(*v->tname), name_cmp,
		(void *)obj->symbols);
	return 0;
}

/* Does a branch to t enter the trampoline sym? */
static bool enters(const struct verify *v, size_t sym, uint64_t t)
{
	uint64_t a = v->obj->symbols[sym].sym.st_value;

	return t == a || (local_entry(v, sym) && t == a + local_entry(v, sym));
}

/* The trampoline symbol at addr, or 0. */
static size_t tramp_at(const struct verify *v, uint64_t addr)
{
	size_t lo = 0, hi = v->nt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->t[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nt && v->t[lo].addr == addr ? v->t[lo].sym : 0;
}

/* The trampoline symbol named name, or 0. */
static size_t tramp_named(const struct verify *v, const char *name)
{
	size_t lo = 0, hi = v->st->trampolines;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sym_name(v, v->tname[mid]), name);

		if (!c)
			return v->tname[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The first entry whose site is at or after addr. */
static size_t entry_from(const struct verify *v, uint64_t addr)
{
	size_t lo = 0, hi = v->ne;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->e[mid].e.vaddr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool has_entry_at(const struct verify *v, uint64_t addr)
{
	size_t i = entry_from(v, addr);

	return i < v->ne && v->e[i].e.vaddr == addr;
}

/* Steps through one function's code: a sweep (decode/sweep.h) on a
 * variable-length ISA, every aligned word through Capstone on a
 * fixed-width one, where any word is an instruction's start. */
struct cursor {
	struct verify *v;
	const uint8_t *bytes;
	size_t size;
	uint64_t pos;		/* fixed width: the next word */
	struct sc_sweep sw;
};

enum step_status { STEP_INSN, STEP_END, STEP_BAD };

static int cursor_start(struct cursor *c, struct verify *v,
			const uint8_t *bytes, size_t size, uint64_t from,
			struct sc_err *err)
{
	c->v = v;
	c->bytes = bytes;
	c->size = size;
	c->pos = from;
	if (v->arch->insn_width)
		return 0;
	return sc_sweep_start(&c->sw, v->arch->sweep_isa, bytes, size, from,
			      err);
}

static uint64_t cursor_pos(const struct cursor *c)
{
	return c->v->arch->insn_width ? c->pos : sc_sweep_pos(&c->sw);
}

static enum step_status fixed_step(struct cursor *c, struct step *s)
{
	const struct sc_arch *arch = c->v->arch;
	unsigned w = arch->insn_width;
	const cs_insn *insn;
	uint64_t t;

	if (c->pos >= c->size || c->size - c->pos < w)
		return STEP_END;
	*s = (struct step){ .offset = c->pos, .length = w };
	insn = sc_decode_detail(&c->v->dec, c->bytes, c->pos + w, c->pos);
	if (insn && arch->branch_target(insn, &t)) {
		s->kind = arch->kind_at(insn);
		s->target = (int64_t)t;
	}
	c->pos += w;
	return STEP_INSN;
}

static enum step_status sweep_step(struct cursor *c, struct step *s)
{
	struct sc_insn in;
	enum sc_sweep_status r = sc_sweep_next(&c->sw, &in);

	if (r == SC_SWEEP_END)
		return STEP_END;
	*s = (struct step){ .offset = in.offset, .length = in.length,
			    .opcode_at = in.opcode_at,
			    .prefixes = in.prefixes };
	if (r == SC_SWEEP_BAD)
		return STEP_BAD;
	switch (in.flow) {
	case SC_FLOW_CALL: s->kind = SC_KIND_CALL; break;
	case SC_FLOW_JMP: s->kind = SC_KIND_TAIL; break;
	case SC_FLOW_JCC: s->kind = SC_KIND_COND; break;
	default: return STEP_INSN;
	}
	s->target = in.target;
	s->narrow = in.disp_size != 4;
	return STEP_INSN;
}

static enum step_status step(struct cursor *c, struct step *s)
{
	return c->v->arch->insn_width ? fixed_step(c, s) : sweep_step(c, s);
}

static void insn_text(struct verify *v, const struct cursor *c, size_t sec,
		      uint64_t off, char *buf, size_t len)
{
	const cs_insn *insn = sc_decode_detail_at(&v->dec, c->bytes, c->size,
						  off, addr_of(v, sec, off));

	if (insn)
		sc_insn_text(insn, buf, len);
	else
		snprintf(buf, len, "(undecodable)");
}

static int misplaced(struct verify *v, const struct cursor *c, size_t sec,
		     const struct step *s, struct ventry *e)
{
	uint64_t start = addr_of(v, sec, s->offset);
	char text[64], at[160];

	e->misplaced = true;
	e->insn_start = s->offset;
	if (s->kind != SC_KIND_NONE && s->prefixes &&
	    e->e.vaddr == start + s->opcode_at)
		return finding(v, SC_RULE_PREFIXED_BRANCH, sec, s->offset, 0,
			       "table entry %zu points at the opcode of a "
			       "branch with %u byte(s) before it; a patch "
			       "from the opcode leaves them applying to the "
			       "new instruction", e->index, s->opcode_at);
	insn_text(v, c, sec, s->offset, text, sizeof(text));
	where_of(v, sec, s->offset, at, sizeof(at));
	return finding(v, SC_RULE_NOT_ON_BOUNDARY, sec, e->e.offset, 0,
		       "table entry %zu points inside `%s` at %s, not at an "
		       "instruction's start", e->index, text, at);
}

/* Judges the entries whose site lies in instruction s (*ei: the first
 * entry not yet passed): the instruction's first byte is a boundary. */
static int judge(struct verify *v, const struct cursor *c, size_t sec,
		 const struct step *s, size_t *ei)
{
	uint64_t start = addr_of(v, sec, s->offset);
	uint64_t end = start + s->length;

	for (; *ei < v->ne && v->e[*ei].e.vaddr < end; (*ei)++) {
		struct ventry *e = &v->e[*ei];

		if (e->e.vaddr < start || e->dup || e->judged)
			continue;
		e->judged = true;
		if (e->e.vaddr != start && misplaced(v, c, sec, s, e))
			return -1;
	}
	return 0;
}

/* A sweep stopped at off: the entries from there to the function's end
 * lie on boundaries no decoder can prove. */
static int unproven(struct verify *v, const struct cursor *c, size_t sec,
		    uint64_t off, uint64_t lim, size_t ei)
{
	uint64_t end = addr_of(v, sec, lim);
	char at[160], hex[16] = "";
	size_t i, len = 0;

	for (i = 0; i < 4 && off + i < c->size; i++)
		len += snprintf(hex + len, sizeof(hex) - len, "%s%02x",
				i ? " " : "", c->bytes[off + i]);
	where_of(v, sec, off, at, sizeof(at));
	for (; ei < v->ne && v->e[ei].e.vaddr < end; ei++) {
		struct ventry *e = &v->e[ei];

		if (e->dup || e->judged || e->e.vaddr < addr_of(v, sec, off))
			continue;
		e->judged = true;
		if (finding(v, SC_RULE_UNDECODABLE, sec, e->e.offset, 0,
			    "table entry %zu: the code from %s on (%s...) "
			    "cannot be decoded, so its boundary is unproven",
			    e->index, at, hex))
			return -1;
	}
	return 0;
}

static int note_branch(struct verify *v, size_t sec, const struct step *s)
{
	uint64_t target = wrap(v, v->obj->sections[sec].shdr.sh_addr +
			       (uint64_t)s->target);
	size_t t = tramp_at(v, target);

	if (!t)
		return 0;
	if (sc_grow(&v->b, &v->bcap, v->nb + 1, sizeof(*v->b)))
		return -1;
	v->b[v->nb++] = (struct branch){
		.section = sec, .start = s->offset,
		.opcode = s->offset + s->opcode_at, .kind = s->kind,
		.tramp = t, .narrow = s->narrow };
	return 0;
}

/* Data inside code (an object symbol, a run that arm64's $d marks) is no
 * instruction: the sweep resumes after it.  True when it moved. */
static bool skip_data(struct verify *v, struct cursor *c, size_t sec)
{
	const struct sc_func *d;
	uint64_t end;

	if (!v->syms->data.n ||
	    !(d = sc_symbols_data_at(v->syms, sec, cursor_pos(c))))
		return false;
	end = d->start + d->size;
	if (end <= cursor_pos(c))
		return false;
	if (v->arch->insn_width)
		c->pos = end;
	else
		sc_sweep_restart(&c->sw, end);
	return true;
}

static int sweep_function(struct verify *v, const struct sc_func *f,
			  struct sc_err *err)
{
	size_t sec = f->shndx, ei;
	bool altinstr = !strcmp(v->obj->sections[sec].name,
				".altinstr_replacement");
	uint64_t lim = f->start + f->size;
	struct cursor c;
	struct step s;
	const uint8_t *bytes;
	size_t size;

	if (sc_section_bytes(v->obj, sec, &bytes, &size, err) ||
	    cursor_start(&c, v, bytes, size, f->start, err))
		return -1;
	if (lim > size)
		lim = size;
	v->st->functions++;
	ei = entry_from(v, addr_of(v, sec, f->start));
	while (cursor_pos(&c) < lim) {
		enum step_status r;

		if (skip_data(v, &c, sec))
			continue;
		r = step(&c, &s);

		if (r == STEP_END)
			break;
		if (r == STEP_BAD) {
			v->st->stuck++;
			return unproven(v, &c, sec, s.offset, lim, ei) ?
			       sc_errf(err, "out of memory") : 0;
		}
		if (judge(v, &c, sec, &s, &ei) ||
		    (!altinstr && s.kind != SC_KIND_NONE &&
		     note_branch(v, sec, &s)))
			return sc_errf(err, "out of memory");
	}
	return 0;
}

/* Sweeps every function whose code lies in an executable section; a
 * function inside one already swept (an alias, an inner label) adds
 * nothing. */
static int sweep_all(struct verify *v, struct sc_err *err)
{
	size_t i, sec = 0;
	uint64_t end = 0;

	for (i = 0; i < v->syms->funcs.n; i++) {
		const struct sc_func *f = &v->syms->funcs.v[i];

		if (!is_exec(v->obj, f->shndx) || !f->size ||
		    (f->shndx == sec && f->start < end))
			continue;
		sec = f->shndx;
		end = f->start + f->size;
		if (sweep_function(v, f, err))
			return -1;
	}
	return 0;
}

/* The entry's site in the report: its bytes, disassembly and kind as the
 * loader would find them. */
static struct sc_site *entry_site(struct verify *v, const struct ventry *e,
				  const cs_insn *insn)
{
	struct sc_site *site;

	if (sc_grow(&v->res->sites, &v->res->sites_cap, v->res->nsites + 1,
		    sizeof(*v->res->sites)))
		return NULL;
	site = &v->res->sites[v->res->nsites++];
	*site = (struct sc_site){
		.section = e->e.section, .offset = e->e.offset,
		.insn_start = e->insn_start, .key = e->e.key,
		.in_table = true, .from_table = true, .flags = e->e.flags,
	};
	if (insn) {
		site->kind = v->arch->kind_at(insn);
		site->insn_len = insn->size;
		memcpy(site->bytes, insn->bytes, insn->size <
		       sizeof(site->bytes) ? insn->size : sizeof(site->bytes));
		sc_insn_text(insn, site->insn, sizeof(site->insn));
	}
	site->cacheline = sc_linked_cacheline(e->e.vaddr, site->insn_len,
					      v->opts->cacheline);
	return site;
}

static bool accepted(enum sc_form form, bool tail)
{
	if (tail)
		return form == SC_FORM_JUMP || form == SC_FORM_COND ||
		       form == SC_FORM_RET;
	return form == SC_FORM_CALL || form == SC_FORM_NOP;
}

/* The bytes at off, in hex: the instruction's, or where no decoder
 * knows them, as many as a site of this architecture holds. */
static void hex_at(const struct verify *v, const uint8_t *bytes, size_t size,
		   uint64_t off, unsigned n, char *buf, size_t len)
{
	size_t i, at = 0;

	buf[0] = 0;
	if (!n)
		n = v->arch->insn_width ? v->arch->insn_width : 5;
	for (i = 0; i < n && i < 8 && off + i < size; i++)
		at += snprintf(buf + at, len - at, "%s%02x", i ? " " : "",
			       bytes[off + i]);
}

static int bad_form(struct verify *v, const struct ventry *e,
		    const struct sc_site *site, const uint8_t *bytes,
		    size_t size)
{
	bool tail = e->e.flags & SC_SITE_TAIL;
	char hex[8 * 3 + 1], what[96];

	hex_at(v, bytes, size, e->e.offset, site->insn_len, hex, sizeof(hex));
	if (site->insn_len)
		snprintf(what, sizeof(what), "`%s` (%s)", site->insn, hex);
	else
		snprintf(what, sizeof(what), "bytes no decoder knows (%s)",
			 hex);
	return finding(v, SC_RULE_BAD_SITE, e->e.section, e->e.offset, 0,
		       "table entry %zu (%s) points at %s: the loader "
		       "accepts only %s there", e->index, tail ? "tail" :
		       "call", what, v->arch->accepted[tail]);
}

/* The key must be a key: __SCK__, or in a module's table the trampoline
 * itself.  Only where the file names keys at all (a file stripped to
 * .dynsym keeps none of its hidden keys). */
static int check_key(struct verify *v, const struct ventry *e)
{
	const char *name = sym_name(v, e->e.key);

	if (!v->syms->nkeys || (e->e.key &&
	    (sc_is_key_name(name) || sc_is_tramp_name(name))))
		return 0;
	return finding(v, SC_RULE_BAD_KEY, e->e.section, e->e.offset, 0,
		       "table entry %zu's key field points at 0x%llx (%s), "
		       "not at a " SC_KEY_PREFIX " key", e->index,
		       (unsigned long long)e->e.key_vaddr,
		       e->e.key ? name : "no symbol");
}

/* The trampoline an entry's branch must reach: its key's twin, or the
 * key itself in a module's table; 0 when no symbol names it. */
static size_t expected_tramp(const struct verify *v, const struct ventry *e)
{
	const char *name = sym_name(v, e->e.key);
	char buf[512];

	if (!e->e.key)
		return 0;
	if (sc_is_tramp_name(name))
		return tramp_at(v, e->e.key_vaddr);
	if (!sc_is_key_name(name))
		return 0;
	snprintf(buf, sizeof(buf), SC_TRAMP_PREFIX "%s",
		 name + sizeof(SC_KEY_PREFIX) - 1);
	return tramp_named(v, buf);
}

/* Where a branch goes, in words, for a wrong-target message. */
static void describe_target(const struct verify *v, uint64_t t, char *buf,
			    size_t len)
{
	size_t sec = sc_section_at(v->obj, t, false);
	size_t sym = sc_addr_index_at(&v->ix, t, "");
	const char *name = sec ? v->obj->sections[sec].name : "";
	int n;

	if (sym)
		n = snprintf(buf, len, "%s (0x%llx)", sym_name(v, sym),
			     (unsigned long long)t);
	else if (sec)
		n = snprintf(buf, len, "%s+0x%llx (0x%llx)", name,
			     (unsigned long long)(t - v->obj->sections[sec]
						  .shdr.sh_addr),
			     (unsigned long long)t);
	else
		n = snprintf(buf, len, "0x%llx, outside every section",
			     (unsigned long long)t);
	if (n > 0 && (size_t)n < len && !strncmp(name, ".plt", 4))
		snprintf(buf + n, len - n, ", a PLT entry: the trampoline "
			 "has default visibility in a shared library (make "
			 "it hidden, or link with -Bsymbolic)");
}

/* The shape of the trampoline code at address t (arch.h's sc_shape_*),
 * or NULL.  *key: the key that code names, or 0. */
static const char *shape_of(const struct verify *v, uint64_t t,
			    uint64_t *key)
{
	size_t sec = sc_section_at(v->obj, t, true), size;
	const uint8_t *bytes;
	struct sc_err err;

	struct sc_code_view c;

	*key = 0;
	if (!v->arch->trampoline_code || !sec ||
	    sc_section_bytes(v->obj, sec, &bytes, &size, &err))
		return NULL;
	c = (struct sc_code_view){
		.bytes = bytes, .size = size,
		.off = t - v->obj->sections[sec].shdr.sh_addr, .addr = t,
		.ehdr = &v->obj->ehdr, .detail = v->dec.detail };
	return v->arch->trampoline_code(&c, key);
}

static bool shape_at(const struct verify *v, uint64_t t, uint64_t *key)
{
	return shape_of(v, t, key) != NULL;
}

/* A branch must reach the trampoline of the entry's key; without a
 * symbol for it, code with a trampoline's own shape will do (and when
 * that code names its key, it must be the entry's). */
static int check_target(struct verify *v, const struct ventry *e,
			const cs_insn *insn, struct sc_site *site)
{
	size_t want = expected_tramp(v, e), sec = e->e.section;
	uint64_t t, key = 0;
	char what[320];

	if (!insn || !v->arch->branch_target(insn, &t))
		return 0;
	/* Capstone decoded the site at its address. */
	t = wrap(v, t);
	site->tramp = want ? want : tramp_at(v, t);
	if (site->tramp && enters(v, site->tramp, t))
		return 0;
	if (!want && shape_at(v, t, &key)) {
		if (!key || key == e->e.key_vaddr)
			return 0;
		return finding(v, SC_RULE_WRONG_TARGET, sec, e->e.offset, 0,
			       "table entry %zu (`%s`) branches to a "
			       "trampoline whose code reads the key at "
			       "0x%llx, not the entry's key at 0x%llx",
			       e->index, site->insn, (unsigned long long)key,
			       (unsigned long long)e->e.key_vaddr);
	}
	describe_target(v, t, what, sizeof(what));
	if (want)
		return finding(v, SC_RULE_WRONG_TARGET, sec, e->e.offset, want,
			       "table entry %zu (`%s`) branches to %s, not to "
			       "its key's trampoline %s (0x%llx)", e->index,
			       site->insn, what, sym_name(v, want),
			       (unsigned long long)
			       v->obj->symbols[want].sym.st_value);
	return finding(v, SC_RULE_WRONG_TARGET, sec, e->e.offset, 0,
		       "table entry %zu (`%s`) branches to %s: no symbol "
		       "names a trampoline there, and the code there has no "
		       "trampoline's shape", e->index, site->insn, what);
}

/* What some loaders need to know: Jcc support, init text, cache lines
 * (exact: every address is final). */
static int site_notes(struct verify *v, const struct ventry *e,
		      const struct sc_site *site, enum sc_form form)
{
	const char *sec = v->obj->sections[e->e.section].name;
	const char *tramp = site->tramp ? sym_name(v, site->tramp) :
			    "its trampoline";

	if (form == SC_FORM_COND &&
	    finding(v, SC_RULE_COND_TAIL, e->e.section, e->e.offset,
		    site->tramp, "conditional tail call `%s` to %s: only "
		    "loaders from Linux 6.2 on patch it", site->insn, tramp))
		return -1;
	if (!strncmp(sec, ".init.", 6) &&
	    finding(v, SC_RULE_INIT_SITE, e->e.section, e->e.offset,
		    site->tramp, "table entry %zu is in %s: the loader marks "
		    "it INIT and skips it after boot", e->index, sec))
		return -1;
	if (site->cacheline == SC_LINE_CROSSES)
		return finding(v, SC_RULE_CACHELINE, e->e.section, e->e.offset,
			       site->tramp, "the %u bytes at 0x%llx cross a "
			       "%u-byte cache line", site->insn_len,
			       (unsigned long long)e->e.vaddr,
			       v->opts->cacheline);
	return 0;
}

static int outside_code(struct verify *v, const struct ventry *e)
{
	size_t sec = e->e.section;

	return finding(v, SC_RULE_BAD_SITE, sec, sec ? e->e.offset :
		       e->e.vaddr, 0, "table entry %zu points at 0x%llx, %s%s",
		       e->index, (unsigned long long)e->e.vaddr,
		       sec ? "in " : "outside every section",
		       sec ? v->obj->sections[sec].name : "");
}

static int check_entry(struct verify *v, const struct ventry *e)
{
	size_t sec = e->e.section, size = 0;
	const uint8_t *bytes = NULL;
	const cs_insn *insn = NULL;
	struct sc_site *site;
	enum sc_form form;
	struct sc_err err;

	if (e->dup)
		return 0;
	if (is_exec(v->obj, sec) &&
	    !sc_section_bytes(v->obj, sec, &bytes, &size, &err))
		insn = sc_decode_detail_at(&v->dec, bytes, size, e->e.offset,
					   e->e.vaddr);
	site = entry_site(v, e, insn);
	if (!site || check_key(v, e))
		return -1;
	if (!is_exec(v->obj, sec))
		return outside_code(v, e);
	if (e->misplaced)
		return 0;
	form = v->arch->site_form(bytes, size, e->e.offset, insn);
	if (!accepted(form, e->e.flags & SC_SITE_TAIL))
		return bad_form(v, e, site, bytes, size);
	if ((form == SC_FORM_CALL || form == SC_FORM_JUMP ||
	     form == SC_FORM_COND) && check_target(v, e, insn, site))
		return -1;
	return site_notes(v, e, site, form);
}

/* A branch that no entry covers, as a site outside the table. */
static struct sc_site *branch_site(struct verify *v, const struct branch *b)
{
	const uint8_t *bytes;
	size_t size;
	const cs_insn *insn = NULL;
	struct sc_site *site;
	struct sc_err err;

	if (sc_grow(&v->res->sites, &v->res->sites_cap, v->res->nsites + 1,
		    sizeof(*v->res->sites)))
		return NULL;
	site = &v->res->sites[v->res->nsites++];
	*site = (struct sc_site){
		.section = b->section, .offset = b->opcode,
		.insn_start = b->start, .tramp = b->tramp, .kind = b->kind,
		.key = sc_symbols_key_for(v->syms, sym_name(v, b->tramp)),
	};
	if (!sc_section_bytes(v->obj, b->section, &bytes, &size, &err))
		insn = sc_decode_detail_at(&v->dec, bytes, size, b->start,
					   addr_of(v, b->section, b->start));
	if (insn) {
		site->insn_len = insn->size;
		memcpy(site->bytes, insn->bytes, insn->size <
		       sizeof(site->bytes) ? insn->size : sizeof(site->bytes));
		sc_insn_text(insn, site->insn, sizeof(site->insn));
	}
	site->cacheline = sc_linked_cacheline(addr_of(v, b->section,
						      b->opcode),
					      site->insn_len,
					      v->opts->cacheline);
	return site;
}

static int unlisted(struct verify *v, const struct branch *b,
		    const struct sc_site *site)
{
	const char *tramp = sym_name(v, b->tramp);

	if (b->narrow)
		return finding(v, SC_RULE_SHORT_BRANCH, b->section, b->start,
			       b->tramp, "`%s` to %s has a displacement too "
			       "short to patch: it is in no table entry and "
			       "always goes through the trampoline",
			       site->insn, tramp);
	return finding(v, SC_RULE_UNLISTED_SITE, b->section, b->start,
		       b->tramp, "%s to %s is in no table entry: the loader "
		       "never patches it, it always goes through the "
		       "trampoline", sc_kind_name(b->kind), tramp);
}

/* The message names the usual causes; it must fit a finding (320). */
static int missing_table(struct verify *v, const struct branch *b)
{
	return finding(v, SC_RULE_MISSING_TABLE, b->section, b->start,
		       b->tramp, "%s to %s (and %zu more to trampolines), but "
		       "%s static-call table: dropped by --gc-sections "
		       "without KEEP(*(" SC_TABLE_SECTION ")), lost to LTO, "
		       "or a linker script without the fragment?",
		       sc_kind_name(b->kind), sym_name(v, b->tramp),
		       v->st->unlisted - 1, v->st->has_table ? "an empty" :
		       "no");
}

/* The branches no entry covers: each a finding when the file has a
 * table, one missing-table finding when it has none, or an empty one
 * (the kernel's start and stop symbols outlive the sections between
 * them). */
static int check_branches(struct verify *v)
{
	const struct branch *first = NULL;
	bool none = v->ne == 0;
	size_t i;

	for (i = 0; i < v->nb; i++) {
		const struct branch *b = &v->b[i];
		const struct sc_site *site;

		if (has_entry_at(v, addr_of(v, b->section, b->opcode)) ||
		    has_entry_at(v, addr_of(v, b->section, b->start)))
			continue;
		v->st->unlisted++;
		first = first ? first : b;
		if (!(site = branch_site(v, b)) ||
		    (!none && unlisted(v, b, site)))
			return -1;
	}
	return first && none ? missing_table(v, first) : 0;
}

/* libscs learns of a module's table from scs-module.o's constructor,
 * which calls __scs_register (runtime/module.c).  A file with libscs's
 * trampolines and table entries but no symbol of that name was linked
 * without it, and nothing registers the table.  Judged only with a full
 * .symtab: a stripped program linked with libscs.a keeps no such name. */
static int unregistered(struct verify *v)
{
	const struct sc_object *obj = v->obj;
	uint64_t key;
	size_t i, s;

	if (!v->ne || !obj->symtab ||
	    obj->sections[obj->symtab].shdr.sh_type != SHT_SYMTAB)
		return 0;
	for (i = 1; i < obj->nsymbols; i++)
		if (!strcmp(obj->symbols[i].name, "__scs_register"))
			return 0;
	for (i = 0; i < v->st->trampolines; i++) {
		s = v->tname[i];
		if (shape_of(v, obj->symbols[s].sym.st_value, &key) !=
		    sc_shape_libscs)
			continue;
		return finding(v, SC_RULE_UNREGISTERED_TABLE,
			       obj->symbols[s].shndx,
			       obj->symbols[s].sym.st_value -
			       obj->sections[obj->symbols[s].shndx].shdr.sh_addr,
			       s, "a table of %zu entr%s and libscs's "
			       "trampolines (%s), but nothing calls "
			       "__scs_register: linked without scs-module.o, "
			       "so libscs never patches these sites (link with "
			       "`pkg-config --libs scs`)", v->ne,
			       v->ne == 1 ? "y" : "ies", sym_name(v, s));
	}
	return 0;
}

static int site_cmp(const void *a, const void *b)
{
	const struct sc_site *x = a, *y = b;

	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return (int)y->in_table - (int)x->in_table;
}

static int run(struct verify *v, struct sc_err *err)
{
	size_t i;

	if (load_entries(v, err))
		return -1;
	if (!v->st->has_table && v->obj->nsymbols <= 1)
		return sc_errf(err, "nothing to verify: no " SC_TABLE_SECTION
			       " section, and no symbols to find a table or "
			       "trampolines by (stripped? give --system-map)");
	if (collect_tramps(v, err) || sweep_all(v, err))
		return -1;
	for (i = 0; i < v->ne; i++)
		if (check_entry(v, &v->e[i]))
			return sc_errf(err, "out of memory");
	if (check_branches(v) || unregistered(v))
		return sc_errf(err, "out of memory");
	if (v->res->nsites)
		qsort(v->res->sites, v->res->nsites, sizeof(*v->res->sites),
		      site_cmp);
	return 0;
}

int sc_verify_object(const struct sc_object *obj,
		     const struct sc_symbols *syms,
		     const struct sc_verify_opts *opts, struct sc_result *res,
		     struct sc_verify_stats *stats, struct sc_err *err)
{
	struct verify v = { .obj = obj, .syms = syms, .opts = opts,
			    .res = res, .st = stats };
	int ret;

	memset(res, 0, sizeof(*res));
	memset(stats, 0, sizeof(*stats));
	if (!sc_object_linked(obj))
		return sc_errf(err, "not a linked file: verify works on "
			       "executables, shared libraries and vmlinux; "
			       "for objects, use check");
	res->arch = v.arch = sc_arch_for(&obj->ehdr);
	if (!v.arch)
		return sc_errf(err, "unsupported machine %u",
			       obj->ehdr.e_machine);
	if (sc_addr_index_build(&v.ix, obj, err))
		return -1;
	if (sc_decoder_open(&v.dec, v.arch->cs_arch,
			    sc_arch_cs_mode(v.arch, &obj->ehdr), err)) {
		sc_addr_index_free(&v.ix);
		return -1;
	}
	ret = run(&v, err);
	sc_decoder_close(&v.dec);
	sc_addr_index_free(&v.ix);
	free(v.e);
	free(v.t);
	free(v.tname);
	free(v.b);
	return ret;
}
