#include "resolved.h"

#include <stdlib.h>
#include <string.h>

#include "../decode/sweep.h"
#include "sc_util.h"

/* One section's search: its bytes, its trampolines and the offsets its
 * relocations patch, both sorted. */
struct scan {
	const struct sc_object *obj;
	const struct sc_symbols *syms;
	const struct sc_arch *arch;
	struct sc_decoder *dec;
	size_t sec;
	const uint8_t *bytes;
	size_t size;
	const struct sc_func *tramps;	/* of this section */
	size_t ntramps;
	uint64_t *relocated;
	size_t nrelocated, cap;
	struct sc_resolved **out;
	size_t *n, *out_cap;
};

static int func_cmp(const void *a, const void *b)
{
	const struct sc_func *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Trampolines defined in executable sections, by section and offset. */
static int trampolines(const struct sc_object *obj, struct sc_func **v,
		       size_t *n)
{
	size_t i, cap = 0;

	for (i = 1; i < obj->nsymbols; i++) {
		const struct sc_symbol *s = &obj->symbols[i];

		if (!sc_is_tramp_name(s->name) || !s->shndx ||
		    s->shndx >= obj->nsections ||
		    s->sym.st_shndx == SHN_ABS ||
		    s->sym.st_shndx == SHN_COMMON ||
		    !sc_is_exec_section(&obj->sections[s->shndx]))
			continue;
		if (sc_grow(v, &cap, *n + 1, sizeof(**v)))
			return -1;
		(*v)[(*n)++] = (struct sc_func){
			s->shndx, sc_symbol_offset(obj, s), 0, i };
	}
	if (*n)
		qsort(*v, *n, sizeof(**v), func_cmp);
	return 0;
}

/* Every offset that a relocation patches in the scanned section. */
static int relocated(struct scan *s, struct sc_err *err)
{
	const struct sc_object *obj = s->obj;
	struct sc_reloc_iter it;
	struct sc_reloc rel;
	size_t i;
	int r;

	for (i = 1; i < obj->nsections; i++) {
		const struct sc_section *rs = &obj->sections[i];

		if (!sc_is_reloc_section(rs) || rs->shdr.sh_info != s->sec)
			continue;
		if (sc_reloc_iter_init(&it, obj, i, err))
			return -1;
		while ((r = sc_reloc_iter_next(&it, &rel, err)) > 0) {
			if (sc_grow(&s->relocated, &s->cap,
				    s->nrelocated + 1, sizeof(uint64_t)))
				return sc_errf(err, "out of memory");
			s->relocated[s->nrelocated++] = rel.offset;
		}
		if (r < 0)
			return -1;
	}
	if (s->nrelocated)
		qsort(s->relocated, s->nrelocated, sizeof(uint64_t), u64_cmp);
	return 0;
}

/* Does a relocation patch any byte of [off, off+len)? */
static bool is_relocated(const struct scan *s, uint64_t off, unsigned len)
{
	size_t lo = 0, hi = s->nrelocated;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->relocated[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nrelocated && s->relocated[lo] < off + len;
}

/* The trampoline at target, or NULL. */
static const struct sc_func *tramp_at(const struct scan *s, uint64_t target)
{
	size_t lo = 0, hi = s->ntramps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->tramps[mid].start < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->ntramps && s->tramps[lo].start == target ?
	       &s->tramps[lo] : NULL;
}

static int found(struct scan *s, uint64_t off, unsigned len,
		 const struct sc_func *t, enum sc_kind kind)
{
	if (sc_grow(s->out, s->out_cap, *s->n + 1, sizeof(**s->out)))
		return -1;
	(*s->out)[(*s->n)++] = (struct sc_resolved){ s->sec, off, len,
						     t->sym, kind };
	return 0;
}

static enum sc_kind kind_of_flow(enum sc_flow f)
{
	switch (f) {
	case SC_FLOW_CALL:
		return SC_KIND_CALL;
	case SC_FLOW_JMP:
		return SC_KIND_TAIL;
	case SC_FLOW_JCC:
	case SC_FLOW_LOOP:
		return SC_KIND_COND;
	case SC_FLOW_NONE:
		break;
	}
	return SC_KIND_NONE;
}

/* x86: the instructions of [from, to), until the sweep cannot go on. */
static int sweep_region(struct scan *s, uint64_t from, uint64_t to,
			struct sc_err *err)
{
	struct sc_sweep sw;
	struct sc_insn insn;
	const struct sc_func *t;

	if (sc_sweep_start(&sw, s->arch->sweep_isa, s->bytes, s->size, from,
			   err))
		return -1;
	while (sc_sweep_pos(&sw) < to &&
	       sc_sweep_next(&sw, &insn) == SC_SWEEP_INSN) {
		if (insn.flow == SC_FLOW_NONE || insn.target < 0 ||
		    !(t = tramp_at(s, (uint64_t)insn.target)) ||
		    is_relocated(s, insn.offset + insn.disp_at,
				 insn.disp_size))
			continue;
		if (found(s, insn.offset, insn.length, t,
			  kind_of_flow(insn.flow)))
			return sc_errf(err, "out of memory");
	}
	return 0;
}

/* Fixed width: each aligned word of [from, to) that is a direct branch. */
static int words_region(struct scan *s, uint64_t from, uint64_t to,
			struct sc_err *err)
{
	unsigned w = s->arch->insn_width;
	uint64_t off = (from + w - 1) / w * w, target;
	const struct sc_func *t;
	const cs_insn *insn;

	for (; off < to && off + w <= s->size; off += w) {
		insn = sc_decode_detail(s->dec, s->bytes, s->size, off);
		if (!insn || s->arch->kind_at(insn) == SC_KIND_NONE ||
		    !s->arch->branch_target(insn, &target) ||
		    !(t = tramp_at(s, target)) || is_relocated(s, off, w))
			continue;
		if (found(s, off, w, t, s->arch->kind_at(insn)))
			return sc_errf(err, "out of memory");
	}
	return 0;
}

/* Where the code that starts at from ends: at the next boundary, or at
 * the first data of the section that starts at or after from. */
static uint64_t region_end(const struct scan *s, size_t next_anchor,
			   uint64_t from)
{
	const struct sc_symbols *syms = s->syms;
	const struct sc_func *d = syms->data.v;
	size_t lo = 0, hi = syms->data.n;
	uint64_t end = s->size;

	if (next_anchor < syms->nanchors &&
	    syms->anchors[next_anchor].shndx == s->sec)
		end = syms->anchors[next_anchor].start;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d[mid].shndx < s->sec ||
		    (d[mid].shndx == s->sec && d[mid].start < from))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < syms->data.n && d[lo].shndx == s->sec && d[lo].start < end)
		end = d[lo].start;
	return end;
}

/* Decodes the section from each known boundary up to the next one. */
static int scan_section(struct scan *s, struct sc_err *err)
{
	const struct sc_symbols *syms = s->syms;
	size_t i = 0;
	uint64_t from = 0;
	int ret = 0;

	while (i < syms->nanchors && syms->anchors[i].shndx < s->sec)
		i++;
	/* The section's start is a boundary, whether a symbol says so or
	 * not. */
	if (i < syms->nanchors && syms->anchors[i].shndx == s->sec &&
	    syms->anchors[i].start == 0)
		i++;
	for (;;) {
		uint64_t to = region_end(s, i, from);

		if (from < to && sc_symbols_data_at(syms, s->sec, from) == NULL)
			ret = s->arch->insn_width ? words_region(s, from, to, err)
						  : sweep_region(s, from, to,
								 err);
		if (ret || i >= syms->nanchors ||
		    syms->anchors[i].shndx != s->sec)
			return ret;
		from = syms->anchors[i++].start;
	}
}

static int scan_one(struct scan *s, struct sc_err *err)
{
	const struct sc_section *sec = &s->obj->sections[s->sec];
	int ret;

	if (!strcmp(sec->name, ".altinstr_replacement"))
		return 0;
	if (sc_section_bytes(s->obj, s->sec, &s->bytes, &s->size, err))
		return -1;
	s->nrelocated = 0;
	ret = relocated(s, err) ? -1 : scan_section(s, err);
	return ret;
}

int sc_find_resolved(const struct sc_object *obj,
		     const struct sc_symbols *syms, const struct sc_arch *arch,
		     struct sc_decoder *dec, struct sc_resolved **out,
		     size_t *n, struct sc_err *err)
{
	struct sc_func *t = NULL;
	size_t nt = 0, i, j, cap = 0;
	struct scan s = { .obj = obj, .syms = syms, .arch = arch, .dec = dec,
			  .out = out, .n = n, .out_cap = &cap };
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (trampolines(obj, &t, &nt)) {
		free(t);
		return sc_errf(err, "out of memory");
	}
	for (i = 0; i < nt && !ret; i = j) {
		for (j = i; j < nt && t[j].shndx == t[i].shndx; j++)
			;
		s.sec = t[i].shndx;
		s.tramps = &t[i];
		s.ntramps = j - i;
		ret = scan_one(&s, err);
	}
	free(s.relocated);
	free(t);
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}
