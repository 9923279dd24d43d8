#include "linked.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounding symbols of a table kept inside another output section.  A new
 * runtime's names are one more line here. */
static const struct {
	const char *start, *stop;
} bounds[] = {
	/* include/asm-generic/vmlinux.lds.h, STATIC_CALL_DATA */
	{ "__start_static_call_sites", "__stop_static_call_sites" },
	/* runtime/scs.ld: libscs's own, hidden, one pair per module */
	{ "__scs_sites_start", "__scs_sites_stop" },
};

/* The first defined symbol named name, or 0. */
static size_t symbol_named(const struct sc_object *obj, const char *name)
{
	size_t i;

	for (i = 1; i < obj->nsymbols; i++)
		if (obj->symbols[i].shndx != SHN_UNDEF &&
		    !strcmp(obj->symbols[i].name, name))
			return i;
	return 0;
}

static int by_section(const struct sc_object *obj, size_t sec,
		      struct sc_linked_table *t, struct sc_err *err)
{
	const struct sc_section *s = &obj->sections[sec];
	const uint8_t *bytes;
	size_t size;

	/* The entries are counted in the bytes the file holds. */
	if (s->shdr.sh_type == SHT_NOBITS || s->shdr.sh_type == SHT_NULL)
		return sc_errf(err, SC_TABLE_SECTION " holds no bytes (type "
			       "%u)", s->shdr.sh_type);
	if (sc_section_bytes(obj, sec, &bytes, &size, err))
		return -1;
	if (s->shdr.sh_size % SC_TABLE_ENTSIZE)
		return sc_errf(err, SC_TABLE_SECTION ": size %llu is not a "
			       "multiple of %d", (unsigned long long)
			       s->shdr.sh_size, SC_TABLE_ENTSIZE);
	*t = (struct sc_linked_table){ .section = sec, .offset = 0,
				       .vaddr = s->shdr.sh_addr,
				       .n = size / SC_TABLE_ENTSIZE };
	snprintf(t->found_by, sizeof(t->found_by), "section %s", s->name);
	return 1;
}

static int by_symbols(const struct sc_object *obj, size_t a, size_t b,
		      struct sc_linked_table *t, struct sc_err *err)
{
	const struct sc_symbol *start = &obj->symbols[a], *stop =
		&obj->symbols[b];
	uint64_t lo = start->sym.st_value, hi = stop->sym.st_value;
	size_t sec = sc_section_at(obj, lo, false), size = 0;
	const GElf_Shdr *sh = &obj->sections[sec].shdr;
	const uint8_t *bytes;

	if (hi < lo || (hi - lo) % SC_TABLE_ENTSIZE)
		return sc_errf(err, "%s (0x%llx) and %s (0x%llx) do not bound "
			       "a whole number of %d-byte entries", start->name,
			       (unsigned long long)lo, stop->name,
			       (unsigned long long)hi, SC_TABLE_ENTSIZE);
	*t = (struct sc_linked_table){ .vaddr = lo,
				       .n = (hi - lo) / SC_TABLE_ENTSIZE };
	snprintf(t->found_by, sizeof(t->found_by), "symbols %s and %s",
		 start->name, stop->name);
	if (t->n == 0)
		return 1;
	if (sec && sc_section_bytes(obj, sec, &bytes, &size, err))
		return -1;
	if (!sec || hi - sh->sh_addr > size)
		return sc_errf(err, "%s..%s (0x%llx..0x%llx) is not inside "
			       "one section's bytes", start->name, stop->name,
			       (unsigned long long)lo, (unsigned long long)hi);
	t->section = sec;
	t->offset = lo - sh->sh_addr;
	return 1;
}

int sc_linked_find(const struct sc_object *obj, struct sc_linked_table *t,
		   struct sc_err *err)
{
	size_t sec = sc_find_section(obj, SC_TABLE_SECTION), i;

	memset(t, 0, sizeof(*t));
	if (sec)
		return by_section(obj, sec, t, err);
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		size_t a = symbol_named(obj, bounds[i].start);
		size_t b = symbol_named(obj, bounds[i].stop);

		if (a && b)
			return by_symbols(obj, a, b, t, err);
		if (a || b)
			return sc_errf(err, "%s without %s", a ?
				       bounds[i].start : bounds[i].stop,
				       a ? bounds[i].stop : bounds[i].start);
	}
	return 0;
}

/* Symbols that name a place: not files, sections or absolute values. */
static bool names_a_place(const struct sc_symbol *s, size_t nsections)
{
	int type = GELF_ST_TYPE(s->sym.st_info);

	return s->shndx != SHN_UNDEF && s->shndx < nsections &&
	       type != STT_SECTION && type != STT_FILE && s->name[0];
}

static int addr_cmp(const void *a, const void *b, void *ctx)
{
	const struct sc_symbol *syms = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t vx = syms[x].sym.st_value, vy = syms[y].sym.st_value;

	if (vx != vy)
		return vx < vy ? -1 : 1;
	return x < y ? -1 : x > y;
}

int sc_addr_index_build(struct sc_addr_index *ix, const struct sc_object *obj,
			struct sc_err *err)
{
	size_t i;

	memset(ix, 0, sizeof(*ix));
	ix->obj = obj;
	ix->sym = calloc(obj->nsymbols + 1, sizeof(*ix->sym));
	if (!ix->sym)
		return sc_errf(err, "out of memory");
	for (i = 1; i < obj->nsymbols; i++)
		if (names_a_place(&obj->symbols[i], obj->nsections))
			ix->sym[ix->n++] = i;
	qsort_r(ix->sym, ix->n, sizeof(*ix->sym), addr_cmp,
		(void *)obj->symbols);
	return 0;
}

void sc_addr_index_free(struct sc_addr_index *ix)
{
	free(ix->sym);
	memset(ix, 0, sizeof(*ix));
}

size_t sc_addr_index_at(const struct sc_addr_index *ix, uint64_t addr,
			const char *prefix)
{
	const struct sc_symbol *syms = ix->obj->symbols;
	size_t lo = 0, hi = ix->n, best = 0, plen = strlen(prefix);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[ix->sym[mid]].sym.st_value < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n && syms[ix->sym[lo]].sym.st_value == addr; lo++) {
		const struct sc_symbol *s = &syms[ix->sym[lo]];

		if (strncmp(s->name, prefix, plen))
			continue;
		if (!best || (GELF_ST_BIND(s->sym.st_info) == STB_GLOBAL &&
			      GELF_ST_BIND(syms[best].sym.st_info) !=
			      STB_GLOBAL))
			best = ix->sym[lo];
	}
	return best;
}

/* The table's words in host order, through libelf's byte-order
 * conversion. */
static int32_t *table_words(const struct sc_object *obj,
			    const struct sc_linked_table *t,
			    struct sc_err *err)
{
	const uint8_t *bytes;
	size_t size, len = t->n * SC_TABLE_ENTSIZE;
	int32_t *w = calloc(2 * t->n + 1, sizeof(*w));
	Elf_Data src, dst;

	if (!w) {
		sc_errf(err, "out of memory");
		return NULL;
	}
	if (sc_section_bytes(obj, t->section, &bytes, &size, err)) {
		free(w);
		return NULL;
	}
	if (t->offset > size || size - t->offset < len) {
		sc_errf(err, "the table (%s) lies outside its section's bytes",
			t->found_by);
		free(w);
		return NULL;
	}
	src = (Elf_Data){ .d_buf = (void *)(bytes + t->offset),
			  .d_type = ELF_T_WORD, .d_size = len,
			  .d_version = EV_CURRENT };
	dst = (Elf_Data){ .d_buf = w, .d_type = ELF_T_WORD, .d_size = len,
			  .d_version = EV_CURRENT };
	if (!gelf_xlatetom(obj->elf, &dst, &src, obj->ehdr.e_ident[EI_DATA])) {
		sc_errf(err, "cannot convert the table: %s", elf_errmsg(-1));
		free(w);
		return NULL;
	}
	return w;
}

/* Addresses wrap at the class's width. */
static uint64_t resolve(const struct sc_object *obj, uint64_t field,
			int32_t value)
{
	uint64_t a = field + (uint64_t)(int64_t)value;

	return obj->ehdr.e_ident[EI_CLASS] == ELFCLASS32 ? (uint32_t)a : a;
}

static void fill_entry(const struct sc_object *obj,
		       const struct sc_addr_index *ix, uint64_t field,
		       const int32_t *w, struct sc_entry *e)
{
	uint64_t key = resolve(obj, field + 4, w[1]);
	size_t sec;

	e->vaddr = resolve(obj, field, w[0]);
	e->flags = key & SC_SITE_FLAGS;
	e->key_vaddr = key & ~(uint64_t)SC_SITE_FLAGS;
	sec = sc_section_at(obj, e->vaddr, true);
	if (!sec)
		sec = sc_section_at(obj, e->vaddr, false);
	e->section = sec;
	e->offset = sec ? e->vaddr - obj->sections[sec].shdr.sh_addr : 0;
	e->key = sc_addr_index_at(ix, e->key_vaddr, SC_KEY_PREFIX);
	if (!e->key)
		e->key = sc_addr_index_at(ix, e->key_vaddr, "");
}

int sc_linked_read(const struct sc_object *obj,
		   const struct sc_addr_index *ix,
		   const struct sc_linked_table *t, struct sc_entry **out,
		   size_t *n, struct sc_err *err)
{
	int32_t *w = NULL;
	size_t i;

	*n = 0;
	*out = calloc(t->n + 1, sizeof(**out));
	if (!*out)
		return sc_errf(err, "out of memory");
	if (t->n && !(w = table_words(obj, t, err))) {
		free(*out);
		*out = NULL;
		return -1;
	}
	for (i = 0; i < t->n; i++)
		fill_entry(obj, ix, t->vaddr + i * SC_TABLE_ENTSIZE,
			   &w[2 * i], &(*out)[i]);
	*n = t->n;
	free(w);
	return 0;
}

enum sc_cacheline sc_linked_cacheline(uint64_t vaddr, unsigned len,
				      unsigned line)
{
	return sc_cacheline_of(vaddr, len, line, line);
}
