#include "symbols.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_util.h"

/* What a symbol says about the bytes at its value. */
enum sym_role {
	ROLE_NONE,
	ROLE_CODE,		/* sized code: covers, names, anchors */
	ROLE_LABEL,		/* code of size 0: names, anchors */
	ROLE_MAP_CODE,		/* $x: code starts here (anchors only) */
	ROLE_MAP_DATA,		/* $d: data starts here */
	ROLE_DATA,		/* sized data in a code section */
};

static int func_cmp(const void *a, const void *b)
{
	const struct sc_func *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Larger first: of extents that start together, the smallest one
	 * that still covers an offset is the innermost. */
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static int key_cmp(const void *a, const void *b, void *ctx)
{
	const struct sc_symbol *syms = ((const struct sc_object *)ctx)->symbols;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(syms[x].name, syms[y].name);

	return c ? c : (x < y ? -1 : x > y);
}

/* ELF mapping symbols ($x, $d, $a, $t, optionally ".suffix") mark code
 * and data runs (AArch64 ELF ABI, "Mapping symbols"). */
static bool is_mapping(const char *name, char *kind)
{
	if (name[0] != '$' || !strchr("xdat", name[1]) || !name[1] ||
	    (name[2] && name[2] != '.'))
		return false;
	*kind = name[1];
	return true;
}

static enum sym_role role_of(const struct sc_object *obj,
			     const struct sc_symbol *s)
{
	unsigned type = GELF_ST_TYPE(s->sym.st_info);
	bool exec;
	char map;

	if (!s->shndx || s->shndx >= obj->nsections ||
	    s->sym.st_shndx == SHN_ABS || s->sym.st_shndx == SHN_COMMON)
		return ROLE_NONE;
	exec = sc_is_exec_section(&obj->sections[s->shndx]);
	if (type == STT_FUNC && s->sym.st_size)
		return ROLE_CODE;
	if (!exec)
		return ROLE_NONE;
	if (type == STT_NOTYPE && is_mapping(s->name, &map))
		return map == 'd' ? ROLE_MAP_DATA : ROLE_MAP_CODE;
	if (type == STT_FUNC || type == STT_NOTYPE || type == STT_GNU_IFUNC)
		return s->sym.st_size ? ROLE_CODE : ROLE_LABEL;
	return type == STT_OBJECT && s->sym.st_size ? ROLE_DATA : ROLE_NONE;
}

/* In a linked file, st_value is an address: the extent is kept as an
 * offset in the section, as for a relocatable object. */
static struct sc_func extent_of(const struct sc_object *obj,
				const struct sc_symbol *sym, size_t i)
{
	return (struct sc_func){ sym->shndx, sc_symbol_offset(obj, sym),
				 sym->sym.st_size, i };
}

/* Symbols sorted by role, in one array each; the mapping symbols of both
 * kinds go together into maps, to be turned into data runs. */
struct gather {
	struct sc_func *v[6];
	size_t n[6];
};

/* A section's share of the buckets of sort_extents: nb buckets from
 * first on, each width bytes of the section. */
struct slice {
	size_t first, nb;
	uint64_t width;
};

/* The bucket of f: the order of buckets is the order of (section,
 * start).  Starts past the section's end share its last bucket. */
static size_t bucket_of(const struct slice *sl, const struct sc_func *f)
{
	const struct slice *s = &sl[f->shndx];
	uint64_t b = f->start / s->width;

	return s->first + (b < s->nb ? (size_t)b : s->nb - 1);
}

/* As many buckets for each section as it has extents.  One bucket needs
 * no width; with two or more, sh_size / nb + 1 cannot wrap to zero, even
 * for a NOBITS section whose sh_size no file bytes bound (t0270). */
static void slice(const struct sc_object *obj, struct slice *sl,
		  const struct sc_func *v, size_t n)
{
	size_t i, first = 0;

	for (i = 0; i < n; i++)
		sl[v[i].shndx].nb++;
	for (i = 0; i < obj->nsections; i++) {
		sl[i].first = first;
		sl[i].width = sl[i].nb > 1 ? obj->sections[i].shdr.sh_size /
						     sl[i].nb + 1
					   : 1;
		first += sl[i].nb;
	}
}

/* Sorts v[0..n) by func_cmp.  qsort alone spent most of the symbols
 * phase of a large module (24 M instructions for the 29,000 functions of
 * amdgpu.ko): a counting pass first deals the extents into buckets, each
 * a slice of a section's bytes, so that qsort only orders the few that
 * share one.  *vp becomes the same array, sorted; extents at one place
 * share a bucket, so the worst case is one qsort of them all, as
 * before. */
static int sort_extents(const struct sc_object *obj, struct sc_func **vp,
			size_t n)
{
	struct sc_func *v = *vp;
	struct slice *sl = calloc(obj->nsections, sizeof(*sl));
	size_t *end = calloc(n + 1, sizeof(*end)), i, lo;
	struct sc_func *tmp = malloc(n * sizeof(*tmp) + 1);
	int ret = -1;

	if (!sl || !end || !tmp)
		goto out;
	slice(obj, sl, v, n);
	for (i = 0; i < n; i++)
		end[bucket_of(sl, &v[i]) + 1]++;
	for (i = 0; i < n; i++)		/* end[b]: where bucket b starts */
		end[i + 1] += end[i];
	for (i = 0; i < n; i++)		/* ... then where it ends */
		tmp[end[bucket_of(sl, &v[i])]++] = v[i];
	for (i = 0, lo = 0; i < n; lo = end[i++])
		if (end[i] - lo > 1)
			qsort(tmp + lo, end[i] - lo, sizeof(*tmp), func_cmp);
	*vp = tmp;
	tmp = v;
	ret = 0;
out:
	free(sl);
	free(end);
	free(tmp);
	return ret;
}

static int gather(const struct sc_object *obj, struct gather *g)
{
	size_t i, cap[6] = { 0 };

	for (i = 1; i < obj->nsymbols; i++) {
		const struct sc_symbol *sym = &obj->symbols[i];
		enum sym_role r = role_of(obj, sym);

		if (r == ROLE_MAP_DATA)
			r = ROLE_MAP_CODE;	/* one sorted list of both */
		if (r == ROLE_NONE)
			continue;
		if (sc_grow(&g->v[r], &cap[r], g->n[r] + 1, sizeof(**g->v)))
			return -1;
		g->v[r][g->n[r]++] = extent_of(obj, sym, i);
	}
	for (i = 0; i < 6; i++)
		if (g->n[i] && sort_extents(obj, &g->v[i], g->n[i]))
			return -1;
	return 0;
}

static int spans_index(struct sc_spans *sp)
{
	size_t i;

	sp->leaves = 1;
	while (sp->leaves < sp->n)
		sp->leaves *= 2;
	sp->ends = calloc(2 * sp->leaves, sizeof(*sp->ends));
	if (!sp->ends)
		return -1;
	for (i = 0; i < sp->n; i++) {
		const struct sc_func *f = &sp->v[i];

		sp->ends[sp->leaves + i] = f->start + f->size < f->start ?
					   UINT64_MAX : f->start + f->size;
	}
	for (i = sp->leaves - 1; i >= 1; i--)
		sp->ends[i] = sp->ends[2 * i] > sp->ends[2 * i + 1] ?
			      sp->ends[2 * i] : sp->ends[2 * i + 1];
	return 0;
}

/* A $d symbol's data runs to the next mapping symbol in its section, or
 * to the section's end. */
static int data_runs(const struct sc_object *obj, const struct gather *g,
		     struct sc_spans *sp, size_t *cap)
{
	const struct sc_func *m = g->v[ROLE_MAP_CODE];
	size_t i, n = g->n[ROLE_MAP_CODE];
	char kind;

	for (i = 0; i < n; i++) {
		uint64_t end = obj->sections[m[i].shndx].shdr.sh_size;

		if (!is_mapping(obj->symbols[m[i].sym].name, &kind) ||
		    kind != 'd')
			continue;
		if (i + 1 < n && m[i + 1].shndx == m[i].shndx)
			end = m[i + 1].start;
		if (end <= m[i].start)
			continue;
		if (sc_grow(&sp->v, cap, sp->n + 1, sizeof(*sp->v)))
			return -1;
		sp->v[sp->n++] = (struct sc_func){ m[i].shndx, m[i].start,
						   end - m[i].start, m[i].sym };
	}
	return 0;
}

static int add_anchor(struct sc_symbols *s, size_t *cap, size_t shndx,
		      uint64_t off)
{
	if (sc_grow(&s->anchors, cap, s->nanchors + 1, sizeof(*s->anchors)))
		return -1;
	s->anchors[s->nanchors++] = (struct sc_func){ shndx, off, 0, 0 };
	return 0;
}

static int add_starts(struct sc_symbols *s, size_t *cap,
		      const struct sc_func *v, size_t n)
{
	const struct sc_object *obj = s->obj;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *name = obj->symbols[v[i].sym].name;

		/* $d starts data, not code. */
		if (!sc_is_exec_section(&obj->sections[v[i].shndx]) ||
		    (name[0] == '$' && name[1] == 'd'))
			continue;
		if (add_anchor(s, cap, v[i].shndx, v[i].start))
			return -1;
	}
	return 0;
}

/* Merges the sorted runs v[0..a) and v[a..n) through tmp. */
static void merge(struct sc_func *v, size_t a, size_t n, struct sc_func *tmp)
{
	size_t i = 0, j = a, k = 0;

	if (!a || a == n || func_cmp(&v[a - 1], &v[a]) <= 0)
		return;
	while (i < a && j < n)
		tmp[k++] = func_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < a)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

/* Code starts (in code sections) and data ends, sorted and unique.  The
 * starts come in runs already sorted (the code symbols, the labels, the
 * mapping symbols): merged, not sorted again, as a second sort of every
 * function's start cost as much as the first. */
static int anchors(struct sc_symbols *s, const struct gather *g)
{
	size_t cap = 0, i, out = 0, run[3];
	struct sc_func *tmp;

	if (add_starts(s, &cap, s->funcs.v, s->funcs.n))
		return -1;
	run[0] = s->nanchors;
	if (add_starts(s, &cap, s->labels, s->nlabels))
		return -1;
	run[1] = s->nanchors;
	if (add_starts(s, &cap, g->v[ROLE_MAP_CODE], g->n[ROLE_MAP_CODE]))
		return -1;
	run[2] = s->nanchors;
	for (i = 0; i < s->data.n; i++)
		if (add_anchor(s, &cap, s->data.v[i].shndx,
			       s->data.v[i].start + s->data.v[i].size))
			return -1;
	/* Nested data runs end out of order. */
	if (s->nanchors > run[2])
		qsort(s->anchors + run[2], s->nanchors - run[2],
		      sizeof(*s->anchors), func_cmp);
	tmp = malloc(s->nanchors * sizeof(*tmp) + 1);
	if (!tmp)
		return -1;
	merge(s->anchors, run[0], run[1], tmp);
	merge(s->anchors, run[1], run[2], tmp);
	merge(s->anchors, run[2], s->nanchors, tmp);
	free(tmp);
	for (i = 0; i < s->nanchors; i++)
		if (!out || func_cmp(&s->anchors[out - 1], &s->anchors[i]))
			s->anchors[out++] = s->anchors[i];
	s->nanchors = out;
	return 0;
}

static int collect_keys(struct sc_symbols *s)
{
	const struct sc_object *obj = s->obj;
	size_t i, cap = 0;

	for (i = 1; i < obj->nsymbols; i++)
		if (sc_is_key_name(obj->symbols[i].name)) {
			if (sc_grow(&s->keys, &cap, s->nkeys + 1,
				    sizeof(*s->keys)))
				return -1;
			s->keys[s->nkeys++] = i;
		}
	if (s->nkeys)
		qsort_r(s->keys, s->nkeys, sizeof(*s->keys), key_cmp,
			(void *)obj);
	return 0;
}

static const struct sc_func *covering(const struct sc_spans *sp,
				      size_t shndx, uint64_t off);

/* A label strictly inside a sized code symbol is no known boundary: it
 * may mark a byte inside an instruction (an immediate, say), where
 * decoding from the symbol's start does not land.  There only the
 * symbol's start is trusted, as the sweep from it proves the rest. */
static void drop_inner_labels(struct sc_symbols *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nlabels; i++) {
		const struct sc_func *l = &s->labels[i];
		const struct sc_func *f = covering(&s->funcs, l->shndx,
						   l->start);

		if (!f || f->start == l->start)
			s->labels[n++] = *l;
	}
	s->nlabels = n;
}

static int build(struct sc_symbols *s, struct gather *g)
{
	size_t cap;

	if (gather(s->obj, g))
		return -1;
	s->funcs = (struct sc_spans){ .v = g->v[ROLE_CODE],
				      .n = g->n[ROLE_CODE] };
	s->labels = g->v[ROLE_LABEL];
	s->nlabels = g->n[ROLE_LABEL];
	s->data = (struct sc_spans){ .v = g->v[ROLE_DATA],
				     .n = g->n[ROLE_DATA] };
	g->v[ROLE_CODE] = g->v[ROLE_LABEL] = g->v[ROLE_DATA] = NULL;
	cap = s->data.n;
	if (data_runs(s->obj, g, &s->data, &cap))
		return -1;
	if (s->data.n)
		qsort(s->data.v, s->data.n, sizeof(*s->data.v), func_cmp);
	if (spans_index(&s->funcs) || spans_index(&s->data))
		return -1;
	drop_inner_labels(s);
	if (anchors(s, g))
		return -1;
	return collect_keys(s);
}

int sc_symbols_build(struct sc_symbols *s, const struct sc_object *obj,
		     struct sc_err *err)
{
	struct gather g = { 0 };
	int ret, i;

	memset(s, 0, sizeof(*s));
	s->obj = obj;
	ret = build(s, &g);
	for (i = 0; i < 6; i++)
		free(g.v[i]);
	if (ret) {
		sc_symbols_free(s);
		return sc_errf(err, "out of memory");
	}
	return 0;
}

void sc_symbols_free(struct sc_symbols *s)
{
	free(s->funcs.v);
	free(s->funcs.ends);
	free(s->labels);
	free(s->data.v);
	free(s->data.ends);
	free(s->anchors);
	free(s->keys);
	memset(s, 0, sizeof(*s));
}

/* How many of v[0..n) sort at or before (shndx, off). */
static size_t upto(const struct sc_func *v, size_t n, size_t shndx,
		   uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].shndx < shndx ||
		    (v[mid].shndx == shndx && v[mid].start <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* How many of v[0..n) lie in sections before shndx. */
static size_t before_section(const struct sc_func *v, size_t n, size_t shndx)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].shndx < shndx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#define NONE ((size_t)-1)

/* The last index in [lo, hi) of the subtree node (covering [nl, nr))
 * whose end lies past off, or NONE.  Subtrees that end at or before off
 * are skipped whole: O(log n). */
static size_t last_reaching(const struct sc_spans *sp, size_t node,
			    size_t nl, size_t nr, size_t lo, size_t hi,
			    uint64_t off)
{
	size_t mid, r;

	if (nr <= lo || hi <= nl || sp->ends[node] <= off)
		return NONE;
	if (nr - nl == 1)
		return nl;
	mid = nl + (nr - nl) / 2;
	r = last_reaching(sp, 2 * node + 1, mid, nr, lo, hi, off);
	return r != NONE ? r : last_reaching(sp, 2 * node, nl, mid, lo, hi,
					     off);
}

/* The extent that starts last at or before off and still covers it: the
 * innermost, since extents may nest (aliases, inner symbols). */
static const struct sc_func *covering(const struct sc_spans *sp,
				      size_t shndx, uint64_t off)
{
	size_t lo, hi, i;

	if (!sp->n)
		return NULL;
	lo = before_section(sp->v, sp->n, shndx);
	hi = upto(sp->v, sp->n, shndx, off);
	if (lo >= hi)
		return NULL;
	i = last_reaching(sp, 1, 0, sp->leaves, lo, hi, off);
	return i == NONE ? NULL : &sp->v[i];
}

const struct sc_func *sc_symbols_covering(const struct sc_symbols *s,
					  size_t shndx, uint64_t off)
{
	return covering(&s->funcs, shndx, off);
}

const struct sc_func *sc_symbols_data_at(const struct sc_symbols *s,
					 size_t shndx, uint64_t off)
{
	return covering(&s->data, shndx, off);
}

uint64_t sc_symbols_sweep_start(const struct sc_symbols *s, size_t shndx,
				uint64_t off)
{
	size_t i = upto(s->anchors, s->nanchors, shndx, off);

	return i && s->anchors[i - 1].shndx == shndx ? s->anchors[i - 1].start
						     : 0;
}

size_t sc_symbols_key_for(const struct sc_symbols *s, const char *tramp)
{
	const struct sc_symbol *syms = s->obj->symbols;
	size_t plen = sizeof(SC_TRAMP_PREFIX) - 1;
	const char *stem = tramp + plen;
	size_t lo = 0, hi = s->nkeys;

	if (!sc_is_tramp_name(tramp))
		return 0;
	/* The first of equal names (sorted by index among them): a lower
	 * bound, never a walk over the duplicates. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(syms[s->keys[mid]].name + plen, stem) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nkeys && !strcmp(syms[s->keys[lo]].name + plen, stem))
		return s->keys[lo];
	return 0;
}

/* The nearest label at or before off, when no sized code symbol starts
 * between it and off. */
static const struct sc_func *label_before(const struct sc_symbols *s,
					  size_t shndx, uint64_t off)
{
	size_t i = upto(s->labels, s->nlabels, shndx, off);
	size_t f = upto(s->funcs.v, s->funcs.n, shndx, off);
	const struct sc_func *l = i ? &s->labels[i - 1] : NULL;

	if (!l || l->shndx != shndx)
		return NULL;
	if (f && s->funcs.v[f - 1].shndx == shndx &&
	    s->funcs.v[f - 1].start > l->start)
		return NULL;
	return l;
}

void sc_symbols_where(const struct sc_symbols *s, size_t shndx, uint64_t off,
		      char *buf, size_t len)
{
	const struct sc_func *f = sc_symbols_covering(s, shndx, off);

	if (!f) {
		f = sc_symbols_data_at(s, shndx, off);
		/* A $d run has no name worth showing. */
		if (f && s->obj->symbols[f->sym].name[0] == '$')
			f = NULL;
	}
	if (!f)
		f = label_before(s, shndx, off);
	if (f)
		snprintf(buf, len, "%s+0x%llx", s->obj->symbols[f->sym].name,
			 (unsigned long long)(off - f->start));
	else
		snprintf(buf, len, "%s+0x%llx", s->obj->sections[shndx].name,
			 (unsigned long long)off);
}
