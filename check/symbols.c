#include "symbols.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int func_cmp(const void *a, const void *b)
{
	const struct sc_func *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Larger first, so that an alias that covers more wins ties. */
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

static bool is_function(const struct sc_object *obj, const struct sc_symbol *s)
{
	return GELF_ST_TYPE(s->sym.st_info) == STT_FUNC &&
	       s->shndx > 0 && s->shndx < obj->nsections &&
	       s->sym.st_shndx != SHN_ABS && s->sym.st_shndx != SHN_COMMON;
}

static int collect(struct sc_symbols *s, struct sc_err *err)
{
	const struct sc_object *obj = s->obj;
	size_t i, nf = 0, nk = 0;

	for (i = 1; i < obj->nsymbols; i++) {
		nf += is_function(obj, &obj->symbols[i]);
		nk += !strncmp(obj->symbols[i].name, SC_KEY_PREFIX,
			       sizeof(SC_KEY_PREFIX) - 1);
	}
	s->funcs = calloc(nf + 1, sizeof(*s->funcs));
	s->keys = calloc(nk + 1, sizeof(*s->keys));
	if (!s->funcs || !s->keys)
		return sc_errf(err, "out of memory");
	for (i = 1; i < obj->nsymbols; i++) {
		const struct sc_symbol *sym = &obj->symbols[i];

		if (is_function(obj, sym))
			s->funcs[s->nfuncs++] = (struct sc_func){
				sym->shndx, sc_symbol_offset(obj, sym),
				sym->sym.st_size, i };
		if (!strncmp(sym->name, SC_KEY_PREFIX,
			     sizeof(SC_KEY_PREFIX) - 1))
			s->keys[s->nkeys++] = i;
	}
	return 0;
}

int sc_symbols_build(struct sc_symbols *s, const struct sc_object *obj,
		     struct sc_err *err)
{
	memset(s, 0, sizeof(*s));
	s->obj = obj;
	if (collect(s, err)) {
		sc_symbols_free(s);
		return -1;
	}
	qsort(s->funcs, s->nfuncs, sizeof(*s->funcs), func_cmp);
	qsort_r(s->keys, s->nkeys, sizeof(*s->keys), key_cmp, (void *)obj);
	return 0;
}

void sc_symbols_free(struct sc_symbols *s)
{
	free(s->funcs);
	free(s->keys);
	memset(s, 0, sizeof(*s));
}

/* Index of the last function starting at or before (shndx, off). */
static size_t last_at_or_before(const struct sc_symbols *s, size_t shndx,
				uint64_t off)
{
	size_t lo = 0, hi = s->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sc_func *f = &s->funcs[mid];

		if (f->shndx < shndx || (f->shndx == shndx && f->start <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;	/* one past the candidate */
}

const struct sc_func *sc_symbols_covering(const struct sc_symbols *s,
					  size_t shndx, uint64_t off)
{
	size_t i = last_at_or_before(s, shndx, off);

	/* Symbols may nest (aliases, inner labels): walk back to the
	 * nearest start whose extent still covers off. */
	while (i-- > 0) {
		const struct sc_func *f = &s->funcs[i];

		if (f->shndx != shndx)
			break;
		if (off < f->start + f->size)
			return f;
	}
	return NULL;
}

size_t sc_symbols_key_for(const struct sc_symbols *s, const char *tramp)
{
	const struct sc_symbol *syms = s->obj->symbols;
	size_t plen = sizeof(SC_TRAMP_PREFIX) - 1;
	const char *stem = tramp + plen;
	size_t lo = 0, hi = s->nkeys;

	if (strncmp(tramp, SC_TRAMP_PREFIX, plen))
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *name = syms[s->keys[mid]].name + plen;
		int c = strcmp(name, stem);

		if (c == 0) {
			/* The first of equal names, for a stable choice. */
			while (mid > lo && !strcmp(syms[s->keys[mid - 1]].name
						   + plen, stem))
				mid--;
			return s->keys[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void sc_symbols_where(const struct sc_symbols *s, size_t shndx, uint64_t off,
		      char *buf, size_t len)
{
	const struct sc_func *f = sc_symbols_covering(s, shndx, off);

	if (f)
		snprintf(buf, len, "%s+0x%llx", s->obj->symbols[f->sym].name,
			 (unsigned long long)(off - f->start));
	else
		snprintf(buf, len, "%s+0x%llx", s->obj->sections[shndx].name,
			 (unsigned long long)off);
}
