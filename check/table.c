#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../elf/input.h"
#include "../elf/verify.h"

int sc_table_from_sites(const struct sc_result *res, struct sc_entry **out,
			size_t *n, struct sc_err *err)
{
	size_t i;

	*n = 0;
	*out = calloc(res->nsites + 1, sizeof(**out));
	if (!*out)
		return sc_errf(err, "out of memory");
	for (i = 0; i < res->nsites; i++) {
		const struct sc_site *s = &res->sites[i];

		if (!s->in_table)
			continue;
		(*out)[(*n)++] = (struct sc_entry){
			.section = s->section, .offset = s->offset,
			.key = s->key,
			.flags = s->kind == SC_KIND_CALL ? 0 : SC_SITE_TAIL };
	}
	return 0;
}

static int read_field(const struct sc_object *obj, const struct sc_arch *arch,
		      const struct sc_reloc *r, struct sc_entry *e,
		      unsigned *seen, struct sc_err *err)
{
	const struct sc_symbol *sym = &obj->symbols[r->sym];
	unsigned field = (r->offset % SC_TABLE_ENTSIZE) / 4;

	if (r->offset % 4 || r->type != arch->table_reloc)
		return sc_errf(err, SC_TABLE_SECTION ": unexpected relocation "
			       "(type %u) at 0x%llx", r->type,
			       (unsigned long long)r->offset);
	if (*seen & (1u << field))
		return sc_errf(err, SC_TABLE_SECTION ": two relocations at "
			       "0x%llx", (unsigned long long)r->offset);
	*seen |= 1u << field;
	if (field == 1) {
		e->key = r->sym;
		e->flags = (unsigned)r->addend;
		return 0;
	}
	if (sym->shndx == 0 || sym->shndx >= obj->nsections)
		return sc_errf(err, SC_TABLE_SECTION ": site at 0x%llx refers "
			       "to %s, which is not defined in a section",
			       (unsigned long long)r->offset, sym->name);
	e->section = sym->shndx;
	/* Address arithmetic wraps at the class's width, as the loader's
	 * does: in ELF32, a symbol at 0xf8000000 plus 0x08000017 is 0x17. */
	e->offset = sym->sym.st_value + (uint64_t)r->addend;
	if (gelf_getclass(obj->elf) == ELFCLASS32)
		e->offset = (uint32_t)e->offset;
	return 0;
}

static int read_entries(const struct sc_object *obj, const struct sc_arch *arch,
			size_t relsec, struct sc_entry *e, unsigned *seen,
			size_t n, struct sc_err *err)
{
	struct sc_reloc_iter it;
	struct sc_reloc r;
	int ret;

	if (sc_reloc_iter_init(&it, obj, relsec, err))
		return -1;
	while ((ret = sc_reloc_iter_next(&it, &r, err)) > 0) {
		size_t i = r.offset / SC_TABLE_ENTSIZE;

		if (i >= n)
			return sc_errf(err, SC_TABLE_SECTION ": relocation at "
				       "0x%llx is past the table's end",
				       (unsigned long long)r.offset);
		if (read_field(obj, arch, &r, &e[i], &seen[i], err))
			return -1;
	}
	return ret;
}

int sc_table_read(const struct sc_object *obj, const struct sc_arch *arch,
		  struct sc_entry **out, size_t *n, struct sc_err *err)
{
	size_t table = sc_find_section(obj, SC_TABLE_SECTION);
	size_t relsec, i;
	unsigned *seen;
	int ret;

	*out = NULL;
	*n = 0;
	if (!table)
		return 0;
	/* A linked table has no relocations: check/linked.h reads it. */
	if (sc_object_linked(obj))
		return sc_errf(err, SC_TABLE_SECTION " is resolved (a linked "
			       "file): no relocations to read");
	/* Only a table with bytes in the file: a NOBITS one claims any size
	 * at no cost, and its entries would be allocated from the claim. */
	if (obj->sections[table].shdr.sh_type != SHT_PROGBITS)
		return sc_errf(err, SC_TABLE_SECTION " is of type %u, not "
			       "SHT_PROGBITS: a table has its entries in the "
			       "file", obj->sections[table].shdr.sh_type);
	if (obj->sections[table].shdr.sh_size % SC_TABLE_ENTSIZE)
		return sc_errf(err, SC_TABLE_SECTION ": size %llu is not a "
			       "multiple of %d", (unsigned long long)
			       obj->sections[table].shdr.sh_size,
			       SC_TABLE_ENTSIZE);
	relsec = sc_find_reloc_section(obj, table);
	*n = obj->sections[table].shdr.sh_size / SC_TABLE_ENTSIZE;
	if (*n && !relsec)
		return sc_errf(err, SC_TABLE_SECTION " has no relocations");
	*out = calloc(*n + 1, sizeof(**out));
	seen = calloc(*n + 1, sizeof(*seen));
	if (!*out || !seen) {
		free(seen);
		return sc_errf(err, "out of memory");
	}
	ret = *n ? read_entries(obj, arch, relsec, *out, seen, *n, err) : 0;
	for (i = 0; i < *n && !ret; i++)
		if (seen[i] != 3)
			ret = sc_errf(err, SC_TABLE_SECTION ": entry %zu lacks "
				      "a relocation", i);
	free(seen);
	return ret;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct sc_entry *x = a, *y = b;

	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return 0;
}

static void describe(const struct sc_object *obj, const struct sc_symbols *syms,
		     const struct sc_entry *e, char *buf, size_t len)
{
	char where[160];

	sc_symbols_where(syms, e->section, e->offset, where, sizeof(where));
	snprintf(buf, len, "%s (%s+0x%llx) key %s%s", where,
		 obj->sections[e->section].name,
		 (unsigned long long)e->offset, obj->symbols[e->key].name,
		 e->flags & SC_SITE_TAIL ? " tail" : "");
}

int sc_table_compare(const struct sc_object *obj, const struct sc_symbols *syms,
		     struct sc_entry *a, size_t na, struct sc_entry *b,
		     size_t nb, char *diff, size_t len, size_t *at)
{
	char da[256], db[256];
	size_t i;

	qsort(a, na, sizeof(*a), entry_cmp);
	qsort(b, nb, sizeof(*b), entry_cmp);
	for (i = 0; i < na && i < nb; i++) {
		if (!entry_cmp(&a[i], &b[i]) && a[i].flags == b[i].flags &&
		    !strcmp(obj->symbols[a[i].key].name,
			    obj->symbols[b[i].key].name))
			continue;
		*at = i;
		describe(obj, syms, &a[i], da, sizeof(da));
		describe(obj, syms, &b[i], db, sizeof(db));
		snprintf(diff, len, "entry %zu: the table has %s, the sites "
			 "give %s", i, da, db);
		return 1;
	}
	if (na == nb)
		return 0;
	*at = i;
	describe(obj, syms, na > nb ? &a[i] : &b[i], da, sizeof(da));
	snprintf(diff, len, "the table has %zu entries, the sites give %zu; "
		 "first %s: %s", na, nb, na > nb ? "extra entry" :
		 "missing entry", da);
	return 1;
}

/* How good an anchor for the site field a symbol is, best highest: the
 * section symbol; a local symbol of that section; a global one that
 * cannot be preempted (hidden or protected, not weak).  Each changes
 * nothing else in the file.  0: unusable (a default-visibility global
 * could be preempted in a shared object; mapping symbols such as arm's $x
 * and $d mark code and data for disassemblers, not places). */
static int anchor_rank(const struct sc_symbol *s)
{
	int type = GELF_ST_TYPE(s->sym.st_info);
	int bind = GELF_ST_BIND(s->sym.st_info);

	if (s->sym.st_shndx == SHN_ABS || s->name[0] == '$')
		return 0;
	if (type == STT_SECTION)
		return 3;
	if (type != STT_FUNC && type != STT_NOTYPE && type != STT_OBJECT)
		return 0;
	if (bind == STB_LOCAL)
		return 2;
	if (bind == STB_GLOBAL &&
	    GELF_ST_VISIBILITY(s->sym.st_other) != STV_DEFAULT)
		return 1;
	return 0;
}

/* The best anchor of every section, in one pass over the symbols (the
 * first of equal rank wins); 0 where a section symbol must be added. */
static int find_anchors(const struct sc_object *obj, size_t *best)
{
	int *rank = calloc(obj->nsections, sizeof(*rank));
	size_t i;

	if (!rank)
		return -1;
	for (i = 1; i < obj->nsymbols; i++) {
		const struct sc_symbol *s = &obj->symbols[i];
		int r;

		if (!s->shndx || s->shndx >= obj->nsections)
			continue;
		r = anchor_rank(s);
		if (r > rank[s->shndx]) {
			rank[s->shndx] = r;
			best[s->shndx] = i;
		}
	}
	free(rank);
	return 0;
}

static void fill_image(const struct sc_object *obj, const struct sc_arch *arch,
		      const struct sc_entry *e, size_t n,
		      struct sc_out_reloc *rel, int32_t *words, size_t *cache)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t a = cache[e[i].section];
		bool add = a == 0;
		uint64_t base = add ? 0 : obj->symbols[a].sym.st_value;
		int64_t site = (int64_t)(e[i].offset - base);

		rel[2 * i] = (struct sc_out_reloc){
			.offset = i * SC_TABLE_ENTSIZE,
			.sym = add ? e[i].section : a, .section_sym = add,
			.type = arch->table_reloc, .addend = site };
		rel[2 * i + 1] = (struct sc_out_reloc){
			.offset = i * SC_TABLE_ENTSIZE + 4, .sym = e[i].key,
			.type = arch->table_reloc, .addend = e[i].flags };
		/* REL keeps addends in the section bytes. */
		words[2 * i] = arch->rela ? 0 : (int32_t)site;
		words[2 * i + 1] = arch->rela ? 0 : (int32_t)e[i].flags;
	}
}

int sc_table_image(const struct sc_object *obj, const struct sc_arch *arch,
		   const struct sc_entry *e, size_t n,
		   struct sc_table_image *img, struct sc_err *err)
{
	struct sc_out_reloc *rel = calloc(2 * n + 1, sizeof(*rel));
	int32_t *words = calloc(2 * n + 1, sizeof(*words));
	size_t *cache = calloc(obj->nsections, sizeof(*cache));
	int ret = 0;

	memset(img, 0, sizeof(*img));
	if (!rel || !words || !cache || find_anchors(obj, cache))
		ret = sc_errf(err, "out of memory");
	else
		fill_image(obj, arch, e, n, rel, words, cache);
	free(cache);
	*img = (struct sc_table_image){
		.name = SC_TABLE_SECTION, .entsize = SC_TABLE_ENTSIZE,
		.nwords = 2 * n, .words = words, .rela = arch->rela,
		.relocs = rel, .nrelocs = 2 * n,
	};
	if (ret)
		sc_table_image_free(img);
	return ret;
}

void sc_table_image_free(struct sc_table_image *img)
{
	free((void *)img->words);
	free((void *)img->relocs);
	memset(img, 0, sizeof(*img));
}

static struct sc_entry *sorted_copy(const struct sc_entry *e, size_t n)
{
	struct sc_entry *c = calloc(n + 1, sizeof(*c));

	if (c && n) {
		memcpy(c, e, n * sizeof(*c));
		qsort(c, n, sizeof(*c), entry_cmp);
	}
	return c;
}

static int same_entries(const struct sc_object *in, const struct sc_entry *want,
			size_t n, const struct sc_object *out,
			const struct sc_entry *got, size_t ngot,
			struct sc_err *err)
{
	struct sc_entry *a = sorted_copy(want, n), *b = sorted_copy(got, ngot);
	size_t i;
	int ret = 0;

	if (!a || !b)
		ret = sc_errf(err, "out of memory");
	else if (n != ngot)
		ret = sc_errf(err, SC_TABLE_SECTION " has %zu entries, not "
			      "%zu", ngot, n);
	for (i = 0; !ret && i < n; i++)
		if (entry_cmp(&a[i], &b[i]) || a[i].flags != b[i].flags ||
		    sc_symbol_cmp(&in->symbols[a[i].key],
				  &out->symbols[b[i].key]))
			ret = sc_errf(err, SC_TABLE_SECTION " entry %zu is "
				      "%s+0x%llx, key %s, flags %u, not "
				      "%s+0x%llx, key %s, flags %u", i,
				      out->sections[b[i].section].name,
				      (unsigned long long)b[i].offset,
				      out->symbols[b[i].key].name, b[i].flags,
				      in->sections[a[i].section].name,
				      (unsigned long long)a[i].offset,
				      in->symbols[a[i].key].name, a[i].flags);
	free(a);
	free(b);
	return ret;
}

int sc_table_check_output(const struct sc_object *in,
			  const struct sc_arch *arch, const char *path,
			  const struct sc_entry *want, size_t n, bool *differ,
			  struct sc_err *err)
{
	struct sc_object out;
	struct sc_entry *got = NULL;
	size_t ngot = 0;
	int ret;

	*differ = false;
	if (sc_input_open(&out, path, SC_OPEN_REL, err))
		return -1;
	ret = sc_verify_rewrite(in, &out, SC_TABLE_SECTION, differ, err);
	if (!ret)
		ret = sc_table_read(&out, arch, &got, &ngot, err);
	if (!ret && (ret = same_entries(in, want, n, &out, got, ngot, err)))
		*differ = true;
	free(got);
	sc_object_close(&out);
	return ret;
}
