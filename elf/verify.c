#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extent.h"
#include "symadd.h"

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif

/* One comparison: the two objects, and whether a difference (rather than
 * a failure to read) was found. */
struct cmp {
	const struct sc_object *in, *out;
	struct sc_err *err;
	bool *differ;
	/* same_symbol's proofs: matched[a] == b + 1 once input symbol a
	 * was found equal to output symbol b (NULL: no memory, compare
	 * each time).  Relocations name the same few symbols again and
	 * again. */
	size_t *matched;
};

__attribute__((format(printf, 2, 3)))
static int differs(const struct cmp *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	*c->differ = true;
	return -1;
}

int sc_symbol_cmp(const struct sc_symbol *a, const struct sc_symbol *b)
{
	const GElf_Sym *x = &a->sym, *y = &b->sym;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	if (x->st_value != y->st_value)
		return x->st_value < y->st_value ? -1 : 1;
	if (x->st_size != y->st_size)
		return x->st_size < y->st_size ? -1 : 1;
	if (x->st_info != y->st_info)
		return x->st_info < y->st_info ? -1 : 1;
	if (x->st_other != y->st_other)
		return x->st_other < y->st_other ? -1 : 1;
	return a->shndx < b->shndx ? -1 : a->shndx > b->shndx;
}

static int ptr_cmp(const void *a, const void *b)
{
	return sc_symbol_cmp(*(const struct sc_symbol *const *)a,
			     *(const struct sc_symbol *const *)b);
}

static int header(const struct cmp *c)
{
	GElf_Ehdr a = c->in->ehdr, b = c->out->ehdr;

	/* Where the section headers are, and how many, may change; with no
	 * program headers, libelf writes their offset as 0. */
	a.e_shoff = b.e_shoff;
	a.e_shnum = b.e_shnum;
	a.e_shstrndx = b.e_shstrndx;
	if (!a.e_phnum)
		a.e_phoff = b.e_phoff;
	if (memcmp(&a, &b, sizeof(a)))
		return differs(c, "the ELF header changed");
	if (c->out->shstrndx != c->in->shstrndx ||
	    c->out->symtab != c->in->symtab ||
	    c->out->nsections < c->in->nsections)
		return differs(c, "the section numbering changed");
	return 0;
}

/* A symbol the writer may add: a local section symbol, at 0. */
static bool added(const struct sc_symbol *s)
{
	return GELF_ST_TYPE(s->sym.st_info) == STT_SECTION &&
	       GELF_ST_BIND(s->sym.st_info) == STB_LOCAL &&
	       !s->sym.st_value && !s->sym.st_size && !s->sym.st_name;
}

static int sorted(const struct sc_object *obj, const struct sc_symbol ***out,
		  struct sc_err *err)
{
	size_t i;

	*out = calloc(obj->nsymbols + 1, sizeof(**out));
	if (!*out)
		return sc_errf(err, "out of memory");
	for (i = 0; i < obj->nsymbols; i++)
		(*out)[i] = &obj->symbols[i];
	qsort(*out, obj->nsymbols, sizeof(**out), ptr_cmp);
	return 0;
}

/* The common case, in one linear pass: the output's symbols are the
 * input's in the same order, with added section symbols among them.
 * When this holds, so does what the sorted comparison below checks (each
 * input symbol is in the output, and every other output symbol is an
 * added one); when it does not, the sorted comparison decides. */
static bool same_order(const struct cmp *c)
{
	size_t i = 0, j = 0, na = c->in->nsymbols, nb = c->out->nsymbols;

	for (; j < nb; j++) {
		if (i < na &&
		    !sc_symbol_cmp(&c->in->symbols[i], &c->out->symbols[j]))
			i++;
		else if (!added(&c->out->symbols[j]))
			return false;
	}
	return i == na;
}

/* The output's symbols are the input's, plus added section symbols. */
static int same_symbols(const struct cmp *c)
{
	const struct sc_symbol **a = NULL, **b = NULL;
	size_t i = 0, j = 0, na = c->in->nsymbols, nb = c->out->nsymbols;
	int ret;

	if (same_order(c))
		return 0;
	ret = sorted(c->in, &a, c->err) || sorted(c->out, &b, c->err) ? -1 : 0;

	while (!ret && j < nb) {
		if (i < na && !sc_symbol_cmp(a[i], b[j]))
			i++;
		else if (!added(b[j]))
			ret = differs(c, "symbol %s is not the input's",
				      b[j]->name);
		j++;
	}
	if (!ret && i < na)
		ret = differs(c, "symbol %s is lost", a[i]->name);
	free(a);
	free(b);
	return ret;
}

/* When symbols were added: locals first, as sh_info says (tools trust
 * it).  Otherwise .symtab must simply be the input's. */
static int locals_first(const struct cmp *c)
{
	const struct sc_object *out = c->out;
	size_t first = out->sections[out->symtab].shdr.sh_info, i;

	if (out->nsymbols == c->in->nsymbols)
		return first == c->in->sections[c->in->symtab].shdr.sh_info ?
		       0 : differs(c, ".symtab: sh_info changed");
	for (i = 1; i < out->nsymbols; i++)
		if ((GELF_ST_BIND(out->symbols[i].sym.st_info) == STB_LOCAL) !=
		    (i < first))
			return differs(c, ".symtab: symbol %zu (%s) is on the "
				       "wrong side of sh_info %zu", i,
				       out->symbols[i].name, first);
	return 0;
}

static int same_symbol(const struct cmp *c, size_t a, size_t b,
		       const char *where)
{
	const struct sc_object *in = c->in, *out = c->out;

	if (a < in->nsymbols && c->matched && c->matched[a] == b + 1)
		return 0;
	if (a >= in->nsymbols || b >= out->nsymbols ||
	    sc_symbol_cmp(&in->symbols[a], &out->symbols[b]))
		return differs(c, "%s names %s, not %s", where,
			       b < out->nsymbols ? out->symbols[b].name : "?",
			       a < in->nsymbols ? in->symbols[a].name : "?");
	if (c->matched)
		c->matched[a] = b + 1;
	return 0;
}

static int same_relocs(const struct cmp *c, size_t sec)
{
	const char *name = c->in->sections[sec].name;
	struct sc_reloc_iter a, b;
	struct sc_reloc x, y;
	int ra, rb = 0;

	if (sc_reloc_iter_init(&a, c->in, sec, c->err) ||
	    sc_reloc_iter_init(&b, c->out, sec, c->err))
		return -1;
	if (a.count != b.count)
		return differs(c, "%s: %zu relocations, not %zu", name,
			       b.count, a.count);
	while ((ra = sc_reloc_iter_next(&a, &x, c->err)) > 0 &&
	       (rb = sc_reloc_iter_next(&b, &y, c->err)) > 0) {
		if (x.offset != y.offset || x.type != y.type ||
		    x.addend != y.addend)
			return differs(c, "%s: the relocation at 0x%llx "
				       "changed", name,
				       (unsigned long long)x.offset);
		if (same_symbol(c, x.sym, y.sym, name))
			return -1;
	}
	return ra < 0 || (ra > 0 && rb < 0) ? -1 : 0;
}

static int same_addrsig(const struct cmp *c, size_t sec)
{
	const char *name = c->in->sections[sec].name;
	size_t *a = NULL, *b = NULL, na, nb, i;
	int ret = sc_addrsig_read(c->in, sec, &a, &na, c->err) ||
		  sc_addrsig_read(c->out, sec, &b, &nb, c->err) ? -1 : 0;

	if (!ret && na != nb)
		ret = differs(c, "%s: %zu symbols, not %zu", name, nb, na);
	for (i = 0; !ret && i < na; i++)
		ret = same_symbol(c, a[i], b[i], name);
	free(a);
	free(b);
	return ret;
}

static int same_bytes(const struct cmp *c, size_t sec, bool prefix)
{
	const uint8_t *a, *b;
	size_t na, nb;

	if (sc_section_bytes(c->in, sec, &a, &na, c->err) ||
	    sc_section_bytes(c->out, sec, &b, &nb, c->err))
		return -1;
	if (nb < na || (!prefix && nb != na) || (na && memcmp(a, b, na)))
		return differs(c, "%s: its bytes changed",
			       c->in->sections[sec].name);
	return 0;
}

/* A section's header: the same but for what the writer may change. */
static int same_header(const struct cmp *c, size_t sec)
{
	const struct sc_section *in = &c->in->sections[sec];
	const struct sc_section *out = &c->out->sections[sec];
	GElf_Shdr a = in->shdr, b = out->shdr;
	bool moves = sec == c->in->symtab || sec == c->in->shstrndx ||
		     a.sh_type == SHT_SYMTAB_SHNDX ||
		     a.sh_type == SHT_LLVM_ADDRSIG;

	if (strcmp(in->name, out->name))
		return differs(c, "section %zu (%s) is renamed %s", sec,
			       in->name, out->name);
	/* An empty section may be moved (out of the ELF header, say). */
	if (moves || a.sh_type == SHT_NOBITS || !a.sh_size)
		a.sh_offset = b.sh_offset;
	if (moves)
		a.sh_size = b.sh_size;
	/* Symbol indices are compared as symbols. */
	if (sec == c->in->symtab || a.sh_type == SHT_GROUP)
		a.sh_info = b.sh_info;
	if (memcmp(&a, &b, sizeof(a)))
		return differs(c, "the header of section %zu (%s) changed",
			       sec, in->name);
	return 0;
}

static int same_section(const struct cmp *c, size_t sec)
{
	const GElf_Shdr *sh = &c->in->sections[sec].shdr;
	bool names_symbols = sh->sh_link == c->in->symtab;

	if (same_header(c, sec))
		return -1;
	if (sec == c->in->symtab || sh->sh_type == SHT_SYMTAB_SHNDX)
		return 0;	/* same_symbols sees both */
	if (sec == c->in->shstrndx)
		return same_bytes(c, sec, true);
	if (sh->sh_type == SHT_GROUP && names_symbols &&
	    same_symbol(c, sh->sh_info, c->out->sections[sec].shdr.sh_info,
			c->in->sections[sec].name))
		return -1;
	if (sh->sh_type == SHT_LLVM_ADDRSIG && names_symbols)
		return same_addrsig(c, sec);
	if (sc_is_reloc_section(&c->in->sections[sec]) && names_symbols)
		return same_relocs(c, sec);
	return same_bytes(c, sec, false);
}

static int same_unclaimed(const struct cmp *c)
{
	struct sc_extent *u;
	size_t n, i;
	int ret = sc_unclaimed(c->in, &u, &n, c->err);

	for (i = 0; !ret && i < n; i++)
		if (u[i].off + u[i].len > c->out->size ||
		    memcmp(c->in->image + u[i].off, c->out->image + u[i].off,
			   u[i].len))
			ret = differs(c, "the bytes at 0x%llx, outside any "
				      "section, changed",
				      (unsigned long long)u[i].off);
	free(u);
	return ret;
}

/* Sections past the input's: the table, its relocations, and the
 * extended index table that a new section symbol may need. */
static int new_sections(const struct cmp *c, const char *table)
{
	size_t i;

	for (i = c->in->nsections; i < c->out->nsections; i++) {
		const char *name = c->out->sections[i].name;
		const char *rel = !strncmp(name, ".rela", 5) ? name + 5 :
				  !strncmp(name, ".rel", 4) ? name + 4 : name;

		if (strcmp(rel, table) && strcmp(name, ".symtab_shndx"))
			return differs(c, "section %zu (%s) is new", i, name);
	}
	return 0;
}

int sc_verify_rewrite(const struct sc_object *in, const struct sc_object *out,
		      const char *table, bool *differ, struct sc_err *err)
{
	struct cmp c = { in, out, err, differ,
			 calloc(in->nsymbols + 1, sizeof(size_t)) };
	size_t old_table = sc_find_section(in, table);
	size_t old_rel = old_table ? sc_find_reloc_section(in, old_table) : 0;
	size_t i;
	int ret = 0;

	*differ = false;
	if (header(&c))
		ret = -1;
	for (i = 1; !ret && i < in->nsections; i++)
		if (i != old_table && i != old_rel && same_section(&c, i))
			ret = -1;
	if (!ret && (new_sections(&c, table) || same_symbols(&c) ||
		     locals_first(&c)))
		ret = -1;
	if (!ret)
		ret = same_unclaimed(&c);
	free(c.matched);
	return ret;
}
